"""Calendar arithmetic: the half-open range ``[start, end)`` a parsed date item denotes.

Looker computes relative dates in SQL from ``CURRENT_TIMESTAMP``; for a fixed clock the same
ranges can be computed here, in Python, and emitted as literals. That is result-equivalent,
portable across dialects, and testable without a database. All arithmetic is on naive
wall-clock datetimes in the query time zone (as Looker truncates and shifts in that zone);
:func:`to_column_bounds` then converts them for the column being compared.
"""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, datetime, timedelta

from .context import FilterContext
from .diagnostics import syntax_error
from .nodes import (
    AbsoluteFor,
    AbsolutePeriod,
    AbsoluteRange,
    DateBound,
    DateRangeNode,
    DateUnit,
    DayWord,
    Now,
    RelativeLast,
    RelativeOffset,
    RelativePeriod,
    Span,
    ThisToUnit,
)

Bounds = tuple[datetime | None, datetime | None]

_MONTHS_PER_UNIT = {
    DateUnit.MONTH: 1,
    DateUnit.QUARTER: 3,
    DateUnit.FISCAL_QUARTER: 3,
    DateUnit.YEAR: 12,
    DateUnit.FISCAL_YEAR: 12,
}
_FIXED_LENGTH = {
    DateUnit.SECOND: timedelta(seconds=1),
    DateUnit.MINUTE: timedelta(minutes=1),
    DateUnit.HOUR: timedelta(hours=1),
    DateUnit.DAY: timedelta(days=1),
    DateUnit.WEEK: timedelta(weeks=1),
}


def local_now(ctx: FilterContext) -> datetime:
    """``ctx.now`` as a naive wall-clock time in the query zone, to the second."""
    return ctx.now.astimezone(ctx.query_zone).replace(tzinfo=None, microsecond=0)


def item_bounds(item: DateRangeNode | DateBound, ctx: FilterContext, text: str) -> Bounds:
    """The wall-clock range of one item; ``None`` marks an open side (``before``/``after``)."""
    try:
        if isinstance(item, DateBound):
            start = local_now(ctx) if isinstance(item.target, Now) else _range(item.target, ctx)[0]
            return (start, None) if item.after else (None, start)
        return _range(item, ctx)
    except (OverflowError, ValueError) as error:
        raise syntax_error("date", text, 0, "the date is out of the supported range (years 1-9999)") from error


def to_column_bounds(bounds: Bounds, ctx: FilterContext) -> tuple[datetime | date | None, datetime | date | None]:
    """Convert query-zone wall-clock bounds to what the column is compared with.

    Timestamps go to the database zone when ``convert_tz`` (and stay put otherwise). A DATE
    column gets the first whole day at or after each bound, which selects exactly the dates
    whose midnight falls in ``[start, end)`` — the same rows a timestamp comparison would.
    """
    return _convert(bounds[0], ctx), _convert(bounds[1], ctx)


def _convert(value: datetime | None, ctx: FilterContext) -> datetime | date | None:
    if value is None:
        return None
    if ctx.column_is_date:
        day = value.date()
        return day if value.time() == datetime.min.time() else day + timedelta(days=1)
    if not ctx.convert_tz or ctx.query_zone.key == ctx.database_zone.key:
        return value
    aware = value.replace(tzinfo=ctx.query_zone)
    return aware.astimezone(ctx.database_zone).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------


def _range(node: DateRangeNode, ctx: FilterContext) -> tuple[datetime, datetime]:
    now = local_now(ctx)
    if isinstance(node, AbsolutePeriod):
        start = _absolute_start(node, ctx)
        return start, add(start, node.length)
    if isinstance(node, AbsoluteRange):
        return _absolute_start(node.start, ctx), _absolute_start(node.end, ctx)
    if isinstance(node, AbsoluteFor):
        start = _absolute_start(node.start, ctx)
        return start, add(start, node.duration)
    if isinstance(node, RelativeLast):
        current = truncate(now, node.span.unit, ctx)
        return shift(current, 1 - node.span.count, node.span.unit), shift(current, 1, node.span.unit)
    if isinstance(node, RelativeOffset):
        current = truncate(now, node.span.unit, ctx)
        steps = node.span.count if node.future else -node.span.count
        start = shift(current, steps, node.span.unit)
        return start, add(start, node.duration or Span(1, node.span.unit))
    if isinstance(node, RelativePeriod):
        current = truncate(now, node.unit, ctx)
        return shift(current, node.offset, node.unit), shift(current, node.offset + 1, node.unit)
    if isinstance(node, ThisToUnit):
        return truncate(now, node.unit, ctx), truncate(now, node.until, ctx)
    return _day_word(node, now)


def _day_word(node: DayWord, now: datetime) -> tuple[datetime, datetime]:
    today = now.replace(hour=0, minute=0, second=0)
    if node.weekday is not None:
        day = today - timedelta(days=(today.weekday() - node.weekday) % 7)
    else:
        day = today + timedelta(days=node.days_from_today)
    return day, add(day, node.duration or Span(1, DateUnit.DAY))


def _absolute_start(node: AbsolutePeriod, ctx: FilterContext) -> datetime:
    start = datetime(node.year, node.month, node.day, node.hour, node.minute, node.second)
    return add_months(start, ctx.fiscal_month_offset) if node.fiscal else start


def truncate(moment: datetime, unit: DateUnit, ctx: FilterContext) -> datetime:
    """Start of the ``unit`` containing ``moment`` (weeks by ``week_start_day``, fiscal by offset)."""
    if unit is DateUnit.SECOND:
        return moment.replace(microsecond=0)
    if unit is DateUnit.MINUTE:
        return moment.replace(second=0, microsecond=0)
    if unit is DateUnit.HOUR:
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit is DateUnit.DAY:
        return day
    if unit is DateUnit.WEEK:
        return day - timedelta(days=(day.weekday() - ctx.week_start) % 7)
    month_start = day.replace(day=1)
    first_month = 1 + (ctx.fiscal_month_offset if unit in (DateUnit.FISCAL_QUARTER, DateUnit.FISCAL_YEAR) else 0)
    period = _MONTHS_PER_UNIT[unit]
    if period == 1:
        return month_start
    return add_months(month_start, -((month_start.month - first_month) % period))


def shift(moment: datetime, count: int, unit: DateUnit) -> datetime:
    """``moment`` plus ``count`` whole units (negative counts go back)."""
    if unit in _FIXED_LENGTH:
        return moment + count * _FIXED_LENGTH[unit]
    return add_months(moment, count * _MONTHS_PER_UNIT[unit])


def add(moment: datetime, span: Span) -> datetime:
    """``moment`` plus ``span``."""
    return shift(moment, span.count, span.unit)


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar month arithmetic; the day clamps to the target month's last day."""
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    day = min(moment.day, pycalendar.monthrange(year, month + 1)[1]) if 1 <= year <= 9999 else moment.day
    return moment.replace(year=year, month=month + 1, day=day)


__all__ = ["add", "add_months", "item_bounds", "local_now", "shift", "to_column_bounds", "truncate"]
