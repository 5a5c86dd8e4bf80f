"""Calendar arithmetic: the half-open range ``[start, end)`` a parsed date item denotes.

Each item becomes a pair of :data:`~pytest_looker.compile.clock.Moment` expressions built the
way Looker builds its SQL: the clock read in the query time zone, truncated to the day and then
to the unit, shifted by whole units, the end written as the start plus the item's length. The
dialects render those moments as SQL over the warehouse clock (:meth:`Dialect.moment_sql`);
:func:`evaluate` computes them in Python for a given clock, on naive wall-clock datetimes in the
query time zone, and :func:`to_column_bounds` converts the result for the column compared.
"""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, datetime, timedelta

from pytest_looker.compile.clock import Clock, Fixed, Moment, Shift, Trunc

from .context import FilterContext
from .diagnostics import syntax_error
from .nodes import (
    AbsoluteFor,
    AbsolutePeriod,
    AbsoluteRange,
    DateBound,
    DateRangeNode,
    DateUnit,
    Now,
    RelativeLast,
    RelativeOffset,
    RelativePeriod,
    Span,
    ThisToUnit,
)

Bounds = tuple[datetime | None, datetime | None]
MomentBounds = tuple[Moment | None, Moment | None]

_MONTHS_PER_UNIT = {"month": 1, "quarter": 3, "fiscal_quarter": 3, "year": 12, "fiscal_year": 12}
_FIXED_LENGTH = {
    "second": timedelta(seconds=1),
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}
_SUB_DAY = frozenset({"second", "minute", "hour"})


def unit_name(unit: DateUnit) -> str:
    """The clock unit of a grammar unit (``fiscal quarter`` → ``fiscal_quarter``)."""
    return unit.value.replace(" ", "_")


def shift_unit(unit: str) -> str:
    """The unit a period is shifted by: fiscal periods are as long as calendar ones."""
    return unit.removeprefix("fiscal_")


# -- moments --------------------------------------------------------------------------------------


def item_moments(item: DateRangeNode | DateBound, fiscal_month_offset: int = 0) -> MomentBounds:
    """The ``[start, end)`` of one item as moments; ``None`` marks an open side."""
    if isinstance(item, DateBound):
        start = Clock() if isinstance(item.target, Now) else _range(item.target, fiscal_month_offset)[0]
        return (start, None) if item.after else (None, start)
    return _range(item, fiscal_month_offset)


def current(unit: str) -> Moment:
    """The start of the current ``unit``: the clock truncated to the day first (Looker's SQL
    truncates to the day, then to the unit), or straight to the unit for shorter units."""
    if unit in _SUB_DAY:
        return Trunc(unit, Clock())
    day = Trunc("day", Clock())
    return day if unit == "day" else Trunc(unit, day)


def _plus(span: Span, moment: Moment) -> Moment:
    unit = unit_name(span.unit)
    return Shift(shift_unit(unit), span.count, moment)


def _range(node: DateRangeNode, offset: int) -> tuple[Moment, Moment]:
    if isinstance(node, AbsolutePeriod):
        start: Moment = _absolute(node, offset)
        return start, _plus(node.length, start)
    if isinstance(node, AbsoluteRange):
        return _absolute(node.start, offset), _absolute(node.end, offset)
    if isinstance(node, AbsoluteFor):
        start = _absolute(node.start, offset)
        return start, _plus(node.duration, start)
    if isinstance(node, RelativeLast):
        unit = unit_name(node.span.unit)
        start = Shift(shift_unit(unit), 1 - node.span.count, current(unit))
        return start, Shift(shift_unit(unit), node.span.count, start)
    if isinstance(node, RelativeOffset):
        unit = unit_name(node.span.unit)
        start = Shift(shift_unit(unit), node.span.count if node.future else -node.span.count, current(unit))
        return start, _plus(node.duration or Span(1, node.span.unit), start)
    if isinstance(node, RelativePeriod):
        unit = unit_name(node.unit)
        start = Shift(shift_unit(unit), node.offset, current(unit))
        return start, Shift(shift_unit(unit), 1, start)
    if isinstance(node, ThisToUnit):
        return current(unit_name(node.unit)), current(unit_name(node.until))
    today = Trunc("day", Clock())
    if node.weekday is not None:
        day: Moment = Trunc("week", today, week_start=node.weekday)
    else:
        day = Shift("day", node.days_from_today, today)
    return day, _plus(node.duration or Span(1, DateUnit.DAY), day)


def _absolute(node: AbsolutePeriod, fiscal_month_offset: int) -> Moment:
    start = datetime(node.year, node.month, node.day, node.hour, node.minute, node.second)
    # A fiscal period starts fiscal_month_offset months after the calendar one.
    return Fixed(add_months(start, fiscal_month_offset) if node.fiscal else start)


# -- evaluation -----------------------------------------------------------------------------------


def local_now(ctx: FilterContext) -> datetime:
    """``ctx.now`` (else the current time) as naive wall-clock time in the query zone, to the second."""
    now = ctx.now if ctx.now is not None else datetime.now(ctx.database_zone)
    return now.astimezone(ctx.query_zone).replace(tzinfo=None, microsecond=0)


def evaluate(moment: Moment, ctx: FilterContext) -> datetime:
    """The wall-clock datetime (query zone) a moment denotes at ``ctx.now``."""
    if isinstance(moment, Clock):
        return local_now(ctx)
    if isinstance(moment, Fixed):
        return moment.value
    inner = evaluate(moment.of, ctx)
    if isinstance(moment, Shift):
        return shift(inner, moment.count, moment.unit)
    week_start = ctx.week_start if moment.week_start is None else moment.week_start
    return truncate(inner, moment.unit, week_start=week_start, fiscal_month_offset=ctx.fiscal_month_offset)


def item_bounds(item: DateRangeNode | DateBound, ctx: FilterContext, text: str) -> Bounds:
    """The wall-clock range of one item; ``None`` marks an open side (``before``/``after``)."""
    start, end = item_moments(item, ctx.fiscal_month_offset)
    try:
        return (
            None if start is None else evaluate(start, ctx),
            None if end is None else evaluate(end, ctx),
        )
    except (OverflowError, ValueError) as error:
        raise syntax_error("date", text, 0, "the date is out of the supported range (years 1-9999)") from error


def to_column_bounds(bounds: Bounds, ctx: FilterContext) -> tuple[datetime | date | None, datetime | date | None]:
    """Convert query-zone wall-clock bounds to what the column is compared with.

    Timestamps go to the database zone when ``convert_tz`` (and stay put otherwise). A DATE
    column gets the date of each bound, as Looker's ``DATE(…)`` around the bound does.
    """
    return _convert(bounds[0], ctx), _convert(bounds[1], ctx)


def _convert(value: datetime | None, ctx: FilterContext) -> datetime | date | None:
    if value is None:
        return None
    if ctx.column_is_date:
        return value.date()
    if not ctx.convert_tz or ctx.query_zone.key == ctx.database_zone.key:
        return value
    aware = value.replace(tzinfo=ctx.query_zone)
    return aware.astimezone(ctx.database_zone).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------


def truncate(moment: datetime, unit: str, *, week_start: int = 0, fiscal_month_offset: int = 0) -> datetime:
    """Start of the ``unit`` containing ``moment`` (weeks from ``week_start``, fiscal by offset)."""
    if unit == "second":
        return moment.replace(microsecond=0)
    if unit == "minute":
        return moment.replace(second=0, microsecond=0)
    if unit == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=(day.weekday() - week_start) % 7)
    month_start = day.replace(day=1)
    first_month = 1 + (fiscal_month_offset if unit.startswith("fiscal_") else 0)
    period = _MONTHS_PER_UNIT[unit]
    if period == 1:
        return month_start
    return add_months(month_start, -((month_start.month - first_month) % period))


def shift(moment: datetime, count: int, unit: str) -> datetime:
    """``moment`` plus ``count`` whole units (negative counts go back)."""
    if unit in _FIXED_LENGTH:
        return moment + count * _FIXED_LENGTH[unit]
    return add_months(moment, count * _MONTHS_PER_UNIT[unit])


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar month arithmetic; the day clamps to the target month's last day."""
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    day = min(moment.day, pycalendar.monthrange(year, month + 1)[1]) if 1 <= year <= 9999 else moment.day
    return moment.replace(year=year, month=month + 1, day=day)


__all__ = [
    "add_months",
    "current",
    "evaluate",
    "item_bounds",
    "item_moments",
    "local_now",
    "shift",
    "to_column_bounds",
    "truncate",
]
