"""Date functions: ``add_*``, ``diff_*``, ``extract_*``, ``trunc_*``, ``date``, ``date_time``, ``now``.

A date is a ``datetime.date`` and means midnight wherever it meets a datetime. Argument order
follows Looker: ``add_days(n, d)`` takes the number first, ``diff_days(start, end)`` is
``end - start``. Undocumented forms (``trunc_weeks``, ``diff_weeks``…) are not registered, so they
are reported as unknown functions.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from ..runtime import Typed
from ..types import DATE, DATETIME, NUMBER, LexpType
from .registry import CallSite, register, scalar

_NUM = frozenset({NUMBER})
_WHEN = frozenset({DATE, DATETIME})
_SECONDS = {"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}


def as_datetime(value: date) -> datetime:
    """A date as midnight; a datetime unchanged."""
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)


def _add_months(value: date, months: int) -> date:
    """Calendar month arithmetic; the day clamps to the end of a shorter month."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def _adder(unit: str) -> Callable[[float, date], date | None]:
    def add(amount: float, value: date) -> date | None:
        count = int(amount)
        try:
            if unit in ("months", "years"):
                return _add_months(value, count * (12 if unit == "years" else 1))
            if unit == "days":
                return value + timedelta(days=count)
            return as_datetime(value) + timedelta(seconds=count * _SECONDS[unit])
        except (OverflowError, ValueError):
            return None

    return add


def _months_between(start: datetime, end: datetime) -> int:
    """Whole months from ``start`` to ``end``, truncated toward zero."""
    months = (end.year - start.year) * 12 + end.month - start.month
    end_rest = (end.day, end.time())
    start_rest = (start.day, start.time())
    if months > 0 and end_rest < start_rest:
        months -= 1
    elif months < 0 and end_rest > start_rest:
        months += 1
    return months


def _differ(unit: str) -> Callable[[date, date], int]:
    def diff(start: date, end: date) -> int:
        first, last = as_datetime(start), as_datetime(end)
        if unit in ("months", "years"):
            months = _months_between(first, last)
            return months if unit == "months" else int(months / 12)
        seconds = (last - first) // timedelta(microseconds=1)
        return int(seconds / (_SECONDS[unit] * 1_000_000))

    return diff


def _extractor(unit: str) -> Callable[[date], int]:
    attribute = {"years": "year", "months": "month", "days": "day"}.get(unit)

    def extract(value: date) -> int:
        if attribute is not None:
            return int(getattr(value, attribute))
        moment = as_datetime(value)
        return {"hours": moment.hour, "minutes": moment.minute}.get(unit, moment.second)

    return extract


def _truncator(unit: str) -> Callable[[date], date]:
    def trunc(value: date) -> date:
        if unit == "years":
            return date(value.year, 1, 1)
        if unit == "months":
            return date(value.year, value.month, 1)
        if unit == "days":
            return date(value.year, value.month, value.day)
        moment = as_datetime(value)
        if unit == "hours":
            return moment.replace(minute=0, second=0, microsecond=0)
        return moment.replace(second=0, microsecond=0)

    return trunc


def _whole(value: float) -> int:
    """Date parts must be integers; anything else makes the date invalid (null)."""
    if value != int(value):
        raise ValueError("not a whole number")
    return int(value)


def _make_date(year: float, month: float, day: float) -> date:
    return date(_whole(year), _whole(month), _whole(day))


def _make_datetime(year: float, month: float, day: float, hour: float, minute: float, second: float) -> datetime:
    y, mo, d, h, mi, s = (_whole(v) for v in (year, month, day, hour, minute, second))
    return datetime(y, mo, d, h, mi, s)


def _build_now(site: CallSite, args: Sequence[Typed]) -> Typed:
    return Typed(DATETIME, lambda ctx: ctx.constant(ctx.now))


def _add_result(unit: str) -> Callable[[Sequence[Typed]], LexpType]:
    def result(args: Sequence[Typed]) -> LexpType:
        sub_day = unit in ("hours", "minutes", "seconds")
        return DATETIME if sub_day or args[1].type is DATETIME else DATE

    return result


for _unit in ("years", "months", "days", "hours", "minutes", "seconds"):
    scalar(f"add_{_unit}", [_NUM, _WHEN], _add_result(_unit), _adder(_unit))
    scalar(f"diff_{_unit}", [_WHEN, _WHEN], NUMBER, _differ(_unit))
    scalar(f"extract_{_unit}", [_WHEN], NUMBER, _extractor(_unit))
for _unit in ("years", "months", "days", "hours", "minutes"):
    scalar(
        f"trunc_{_unit}",
        [_WHEN],
        DATE if _unit in ("years", "months", "days") else DATETIME,
        _truncator(_unit),
    )
scalar("date", [_NUM] * 3, DATE, _make_date)
scalar("date_time", [_NUM] * 6, DATETIME, _make_datetime)
register("now", 0, 0, _build_now)
