"""What a filter needs to know besides its text: the kind of field and the query's settings.

Kept apart from the grammar modules so that every parser and renderer depends on one small,
immutable description of the query instead of loose keyword arguments. The clock is injected
(``now``) so that relative date filters are reproducible in tests.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pytest_looker.compile.clock import ClockContext
from pytest_looker.compile.dialects import SUPPORTED_DIALECTS as DIALECT_NAMES
from pytest_looker.errors import CompileError

#: sqlglot dialect names this package renders for: those with a :class:`Dialect`.
SUPPORTED_DIALECTS: frozenset[str] = frozenset(DIALECT_NAMES)

#: LookML ``week_start_day`` values, mapped to Python's ``date.weekday()`` numbers.
WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}


class FilterKind(enum.Enum):
    """Which filter grammar applies; chosen by the type of the filtered field."""

    STRING = "string"
    NUMBER = "number"
    DATE = "date"
    YESNO = "yesno"
    TIER = "tier"
    LOCATION = "location"


@dataclass(frozen=True)
class FilterContext:
    """The query settings a filter is compiled under.

    Relative dates are written over the warehouse clock. ``now`` (timezone-aware) replaces that
    clock inside the same SQL, so a test that fixes it gets the same rows every run; ``None``
    leaves the warehouse clock (and :func:`~pytest_looker.compile.filters.date_range` evaluates
    with the current time). ``timezone`` is the query time zone (where "today" starts; ``None``:
    no query zone, i.e. the database's) and ``database_timezone`` the zone of the raw timestamps
    and of the warehouse clock; with ``convert_tz=False`` bounds are left in the query zone, as
    LookML ``convert_tz: no`` does. ``column_is_date`` makes date filters compare with dates
    (``datatype: date``). ``aggregate`` marks a measure's filter (HAVING), whose number
    negations are ``NOT (x = 0)`` rather than the NULL-keeping form of dimensions.
    """

    dialect: str = "duckdb"
    now: datetime | None = None
    timezone: str | None = None
    database_timezone: str = "UTC"
    convert_tz: bool = True
    case_sensitive: bool = True
    week_start_day: str = "monday"
    fiscal_month_offset: int = 0
    column_is_date: bool = False
    aggregate: bool = False

    def __post_init__(self) -> None:
        if self.dialect not in SUPPORTED_DIALECTS:
            raise CompileError(
                f"unsupported SQL dialect {self.dialect!r} for filters "
                f"(expected one of {', '.join(sorted(SUPPORTED_DIALECTS))})"
            )
        if self.now is not None and (self.now.tzinfo is None or self.now.utcoffset() is None):
            raise CompileError("FilterContext.now must be a timezone-aware datetime")
        if self.week_start_day.lower() not in WEEKDAYS:
            raise CompileError(f"invalid week_start_day {self.week_start_day!r}")
        _zone(self.query_timezone)
        _zone(self.database_timezone)

    @property
    def query_timezone(self) -> str:
        """The zone "today" starts in: the query's, else the database's."""
        return self.timezone or self.database_timezone

    @property
    def query_zone(self) -> ZoneInfo:
        """The query time zone as a ``ZoneInfo``."""
        return _zone(self.query_timezone)

    @property
    def database_zone(self) -> ZoneInfo:
        """The database time zone as a ``ZoneInfo``."""
        return _zone(self.database_timezone)

    @property
    def week_start(self) -> int:
        """``week_start_day`` as a ``date.weekday()`` number (Monday = 0)."""
        return WEEKDAYS[self.week_start_day.lower()]

    def clock(self) -> ClockContext:
        """What a dialect needs to render the moments of a date filter."""
        return ClockContext(
            query_timezone=self.query_timezone,
            database_timezone=self.database_timezone,
            timezone_given=self.timezone is not None,
            convert_tz=self.convert_tz,
            now=self.now,
            week_start=self.week_start,
            fiscal_month_offset=self.fiscal_month_offset,
            column_is_date=self.column_is_date,
        )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise CompileError(f"unknown time zone {name!r}") from error
