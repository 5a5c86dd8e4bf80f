"""What a filter needs to know besides its text: the kind of field and the query's settings.

Kept apart from the grammar modules so that every parser and renderer depends on one small,
immutable description of the query instead of loose keyword arguments. The clock is injected
(``now``) so that relative date filters are reproducible in tests.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class FilterContext:
    """The query settings a filter is compiled under.

    ``now`` must be timezone-aware: it is the instant relative dates are computed from, so a
    test that fixes it gets the same SQL every run. ``timezone`` is the query time zone (where
    "today" starts) and ``database_timezone`` the zone of the raw timestamps; with
    ``convert_tz=False`` bounds are left in the query zone, as LookML ``convert_tz: no`` does.
    ``column_is_date`` makes date filters compare with DATE literals (``datatype: date``).
    """

    dialect: str = "duckdb"
    now: datetime = field(default_factory=_utc_now)
    timezone: str = "UTC"
    database_timezone: str = "UTC"
    convert_tz: bool = True
    case_sensitive: bool = True
    week_start_day: str = "monday"
    fiscal_month_offset: int = 0
    column_is_date: bool = False

    def __post_init__(self) -> None:
        if self.dialect not in SUPPORTED_DIALECTS:
            raise CompileError(
                f"unsupported SQL dialect {self.dialect!r} for filters "
                f"(expected one of {', '.join(sorted(SUPPORTED_DIALECTS))})"
            )
        if self.now.tzinfo is None or self.now.utcoffset() is None:
            raise CompileError("FilterContext.now must be a timezone-aware datetime")
        if self.week_start_day.lower() not in WEEKDAYS:
            raise CompileError(f"invalid week_start_day {self.week_start_day!r}")
        _zone(self.timezone)
        _zone(self.database_timezone)

    @property
    def query_zone(self) -> ZoneInfo:
        """The query time zone as a ``ZoneInfo``."""
        return _zone(self.timezone)

    @property
    def database_zone(self) -> ZoneInfo:
        """The database time zone as a ``ZoneInfo``."""
        return _zone(self.database_timezone)

    @property
    def week_start(self) -> int:
        """``week_start_day`` as a ``date.weekday()`` number (Monday = 0)."""
        return WEEKDAYS[self.week_start_day.lower()]


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise CompileError(f"unknown time zone {name!r}") from error
