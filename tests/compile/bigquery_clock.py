"""An independent model of Looker's newer BigQuery date-filter SQL, evaluated in Python.

Looker's BigQuery output truncates the *clock* to the day in the query zone
(``TIMESTAMP_TRUNC(CURRENT_TIMESTAMP(), DAY, 'Europe/Madrid')``) and does everything after
that on the UTC instant: months and weeks of the UTC calendar, days of 24 hours, and no
conversion back (issue 16 research, ``bigquery-alehop-this-month-madrid-sa``). So "this
month" in Madrid is [00:00 UTC on the 1st, 00:00 UTC on the next 1st), unlike the local
calendar the other dialects use. This module states those semantics directly, so that the
BigQuery SQL we write can be checked against them on DuckDB.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from pytest_looker.compile.clock import Clock, Fixed, Moment, Shift, Trunc
from pytest_looker.compile.filters import FilterKind, parse_filter
from pytest_looker.compile.filters.calendar import add_months, item_moments, truncate
from pytest_looker.compile.filters.nodes import DateFilter, DateNull

_DAY_OR_LESS = ("second", "minute", "hour", "day")


def evaluate(moment: Moment, now: datetime, zone: str | None, *, week_start: int = 0, offset: int = 0) -> datetime:
    """The UTC instant (naive) a moment denotes in Looker's BigQuery SQL."""
    if isinstance(moment, Clock):
        return now.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
    if isinstance(moment, Fixed):
        if zone is None:
            return moment.value
        return moment.value.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc).replace(tzinfo=None)
    if isinstance(moment, Trunc) and isinstance(moment.of, Clock) and moment.unit in _DAY_OR_LESS:
        local = now.astimezone(ZoneInfo(zone or "UTC")).replace(tzinfo=None)
        start = truncate(local, moment.unit).replace(tzinfo=ZoneInfo(zone or "UTC"))
        return start.astimezone(timezone.utc).replace(tzinfo=None)
    inner = evaluate(moment.of, now, zone, week_start=week_start, offset=offset)
    if isinstance(moment, Shift):
        if moment.unit in ("month", "quarter", "year"):
            return add_months(inner, moment.count * {"month": 1, "quarter": 3, "year": 12}[moment.unit])
        size = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400}[moment.unit]
        return inner + timedelta(seconds=size * moment.count)
    start = week_start if moment.week_start is None else moment.week_start
    return truncate(inner, moment.unit, week_start=start, fiscal_month_offset=offset)


def reference_condition(text: str, column: str, now: datetime, zone: str | None, *, is_date: bool = False) -> str:
    """A DuckDB condition with the bounds Looker's BigQuery SQL computes, as literals."""
    parsed = parse_filter(FilterKind.DATE, text)
    assert isinstance(parsed, DateFilter)
    parts: list[str] = []
    for item in parsed.items:
        if isinstance(item, DateNull):
            parts.append(f"{column} IS {'NOT ' if item.negated else ''}NULL")
            continue
        sides = []
        for op, moment in zip((">=", "<"), item_moments(item), strict=True):
            if moment is None:
                continue
            value = evaluate(moment, now, zone)
            if is_date:
                local = value.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone or "UTC"))
                sides.append(f"{column} {op} DATE '{date(local.year, local.month, local.day)}'")
            else:
                sides.append(f"{column} {op} TIMESTAMP '{value:%Y-%m-%d %H:%M:%S}'")
        parts.append("(" + " AND ".join(sides) + ")")
    return " OR ".join(parts)
