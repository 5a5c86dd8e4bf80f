"""Moments: the bounds of a date filter as expressions over the warehouse clock.

Looker never computes "now" itself. A relative date filter ("7 days", "this month") becomes SQL
over the warehouse clock (``CURRENT_TIMESTAMP()``, ``GETDATE()``, ``NOW()``): the clock is read
in the query time zone, truncated to the day and then to the unit, shifted by whole units, and
the bounds are converted back to the database zone. A :data:`Moment` is that recipe as data,
built once from the parsed filter (:mod:`.filters.calendar`) and then

* rendered by each :class:`~pytest_looker.compile.dialects.Dialect` in the spelling Looker uses
  for that warehouse (``Dialect.moment_sql``), and
* evaluated in Python for a given clock (:func:`pytest_looker.compile.filters.date_range`),

so the SQL and the Python bounds cannot drift apart. An injected clock (``now`` in the settings
or on the query) replaces only the clock itself inside the same expressions, which keeps the SQL
in Looker's shape and the tests reproducible.

This module depends on nothing else in the package, so both the dialects and the filter
modules can import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: Units a moment is truncated to: a day or shorter, the calendar periods, and the fiscal ones
#: (which start ``fiscal_month_offset`` months after the calendar ones).
TRUNC_UNITS = ("second", "minute", "hour", "day", "week", "month", "quarter", "year", "fiscal_quarter", "fiscal_year")
#: Units a moment is shifted by (fiscal units shift like their calendar lengths).
SHIFT_UNITS = ("second", "minute", "hour", "day", "week", "month", "quarter", "year")


@dataclass(frozen=True)
class Clock:
    """The warehouse clock ("now"), read as wall-clock time in the query time zone."""


@dataclass(frozen=True)
class Fixed:
    """An absolute date or time, written in the filter: naive wall-clock time in the query zone."""

    value: datetime


@dataclass(frozen=True)
class Trunc:
    """The start of the ``unit`` containing ``of``.

    ``week_start`` (0 = Monday) overrides the model's ``week_start_day`` for ``week``: a weekday
    filter ("monday") is the start of a week that begins on that day.
    """

    unit: str
    of: Moment
    week_start: int | None = None


@dataclass(frozen=True)
class Shift:
    """``of`` plus ``count`` whole ``unit``s (negative counts go back)."""

    unit: str
    count: int
    of: Moment


Moment = Clock | Fixed | Trunc | Shift


@dataclass(frozen=True)
class ClockContext:
    """What rendering a moment needs besides the moment.

    ``query_timezone`` is where "today" starts, ``database_timezone`` the zone the warehouse
    clock and the raw columns are in. ``timezone_given`` says whether the query named a zone
    (BigQuery then passes it to ``TIMESTAMP_TRUNC`` even when it is UTC, as Looker does).
    ``convert_tz`` is the field's ``convert_tz``: when false the bounds stay in the query zone.
    ``now`` (aware) replaces the warehouse clock; ``None`` keeps the clock. ``column_is_date``
    compares with dates (``datatype: date``) instead of timestamps.
    """

    query_timezone: str = "UTC"
    database_timezone: str = "UTC"
    timezone_given: bool = False
    convert_tz: bool = True
    now: datetime | None = None
    week_start: int = 0
    fiscal_month_offset: int = 0
    column_is_date: bool = False

    @property
    def converts(self) -> bool:
        """Whether the clock is read in another zone than the database's."""
        return self.query_timezone != self.database_timezone

    @property
    def converts_back(self) -> bool:
        """Whether the bounds are converted back to the database zone before comparing."""
        return self.converts and self.convert_tz and not self.column_is_date

    def now_in(self, zone: str) -> datetime:
        """The injected clock as naive wall-clock time in ``zone`` (to the second)."""
        from zoneinfo import ZoneInfo

        assert self.now is not None
        return self.now.astimezone(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)


def is_relative(moment: Moment) -> bool:
    """Whether the moment reads the clock (else it is a fixed date, possibly shifted)."""
    if isinstance(moment, Clock):
        return True
    if isinstance(moment, Fixed):
        return False
    return is_relative(moment.of)


__all__ = [
    "SHIFT_UNITS",
    "TRUNC_UNITS",
    "Clock",
    "ClockContext",
    "Fixed",
    "Moment",
    "Shift",
    "Trunc",
    "is_relative",
]
