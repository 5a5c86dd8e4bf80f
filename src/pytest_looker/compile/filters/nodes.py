"""The typed, immutable syntax tree every filter grammar parses into.

Parsing and rendering are separate steps so that the meaning of an expression can be tested
without SQL, and so that the compiler can inspect a filter (e.g. the date range behind
``{% date_start %}``) without re-parsing. Nodes hold *meanings*, not spellings: escapes are
resolved, Looker's number negation rule is applied, and date items keep only what is needed
to compute their range for a given clock.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .context import FilterKind

# ---------------------------------------------------------------------------------------------
# string and tier


class Wildcard(enum.Enum):
    """An unescaped LIKE wildcard in a string item: ``%`` (any run) or ``_`` (one character)."""

    ANY = "%"
    ONE = "_"


#: A LIKE pattern: literal text pieces and wildcards, in order.
PatternPart = str | Wildcard


class StringMatch(enum.Enum):
    """How one string item compares: the named LIKE forms are kept apart for readability."""

    EQUALS = "equals"
    CONTAINS = "contains"
    STARTS_WITH = "starts_with"
    ENDS_WITH = "ends_with"
    LIKE = "like"
    NULL = "null"
    EMPTY = "empty"


@dataclass(frozen=True)
class StringItem:
    """One comma-separated string item.

    ``value`` is the literal text for EQUALS/CONTAINS/STARTS_WITH/ENDS_WITH; ``pattern`` the
    parts of a raw LIKE pattern (LIKE only). ``negated`` is the item's leading ``-``.
    """

    match: StringMatch
    negated: bool = False
    value: str = ""
    pattern: tuple[PatternPart, ...] = ()


@dataclass(frozen=True)
class StringFilter:
    """A string filter: positives are OR-ed, negatives AND-ed, the two groups AND-ed."""

    text: str
    items: tuple[StringItem, ...]
    kind: Literal[FilterKind.STRING] = FilterKind.STRING


@dataclass(frozen=True)
class TierItem:
    """One tier label, compared for equality (tiers have no wildcards and no keywords)."""

    label: str
    negated: bool = False


@dataclass(frozen=True)
class TierFilter:
    """A tier filter: a list of labels, each optionally negated."""

    text: str
    items: tuple[TierItem, ...]
    kind: Literal[FilterKind.TIER] = FilterKind.TIER


# ---------------------------------------------------------------------------------------------
# number

CompareOp = Literal[">", ">=", "<", "<="]


@dataclass(frozen=True)
class NumberEquals:
    """``x = value``."""

    value: Decimal


@dataclass(frozen=True)
class NumberIsNull:
    """``x IS NULL`` (``NOT NULL`` is this node negated)."""


@dataclass(frozen=True)
class NumberCompare:
    """``x <op> value``."""

    op: CompareOp
    value: Decimal


@dataclass(frozen=True)
class NumberRange:
    """``low <(=) x <(=) high``; a ``None`` end is open (``a to``, ``(500, inf)``)."""

    low: Decimal | None
    high: Decimal | None
    low_inclusive: bool
    high_inclusive: bool


@dataclass(frozen=True)
class NumberOutside:
    """``x < a OR x > b`` written as one item (``<3 OR >80.44``)."""

    below: NumberCompare
    above: NumberCompare


NumberCore = NumberEquals | NumberIsNull | NumberCompare | NumberRange | NumberOutside


@dataclass(frozen=True)
class NumberItem:
    """One number item; ``negated`` is its *effective* negation after Looker's NOT rule."""

    core: NumberCore
    negated: bool = False


@dataclass(frozen=True)
class NumberFilter:
    """A number filter: positives OR-ed, negatives AND-ed (each keeping NULL rows)."""

    text: str
    items: tuple[NumberItem, ...]
    kind: Literal[FilterKind.NUMBER] = FilterKind.NUMBER


# ---------------------------------------------------------------------------------------------
# date


class DateUnit(enum.Enum):
    """A calendar unit of the date grammar (singular form)."""

    SECOND = "second"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    FISCAL_QUARTER = "fiscal quarter"
    YEAR = "year"
    FISCAL_YEAR = "fiscal year"

    @property
    def at_least_day(self) -> bool:
        """Whether the unit is a day or longer (``this``/``next`` accept only those)."""
        return self not in (DateUnit.SECOND, DateUnit.MINUTE, DateUnit.HOUR)


@dataclass(frozen=True)
class Span:
    """``n unit``: an amount of calendar time (months clamp to the month's last day)."""

    count: int
    unit: DateUnit


@dataclass(frozen=True)
class AbsolutePeriod:
    """A fixed period: a year, month, quarter, fiscal year/quarter, day, minute or second.

    ``start`` is a naive wall-clock datetime in the query time zone; ``length`` is the
    period's own length (``2024-03`` → 1 month, ``2024-03-01 10:30`` → 1 minute).
    ``fiscal`` periods start at ``start`` shifted by the fiscal month offset at evaluation.
    """

    year: int
    month: int = 1
    day: int = 1
    hour: int = 0
    minute: int = 0
    second: int = 0
    length: Span = Span(1, DateUnit.YEAR)
    fiscal: bool = False


@dataclass(frozen=True)
class RelativeLast:
    """``N u`` / ``last N u``: the current unit and the N−1 before it."""

    span: Span


@dataclass(frozen=True)
class RelativeOffset:
    """``N u ago`` / ``N u from now`` [``for M v``]: one unit (or ``M v``) N units away."""

    span: Span
    future: bool
    duration: Span | None = None


@dataclass(frozen=True)
class RelativePeriod:
    """``this u`` (offset 0), ``next u`` (+1), ``last u`` (−1): one whole unit."""

    unit: DateUnit
    offset: int


@dataclass(frozen=True)
class ThisToUnit:
    """``this u1 to u2``: from the start of the current u1 to the start of the current u2."""

    unit: DateUnit
    until: DateUnit


@dataclass(frozen=True)
class DayWord:
    """``today``/``yesterday``/``tomorrow`` (``days_from_today``) or a weekday (``weekday``).

    A weekday is the most recent such day, today included; ``duration`` is ``for M v``.
    """

    days_from_today: int = 0
    weekday: int | None = None
    duration: Span | None = None


@dataclass(frozen=True)
class Now:
    """The current second (only after ``before``/``after``)."""


@dataclass(frozen=True)
class AbsoluteRange:
    """``A to B``: [start(A), start(B))."""

    start: AbsolutePeriod
    end: AbsolutePeriod


@dataclass(frozen=True)
class AbsoluteFor:
    """``A for M v``: [start(A), start(A) + M v)."""

    start: AbsolutePeriod
    duration: Span


DateRangeNode = (
    AbsolutePeriod | RelativeLast | RelativeOffset | RelativePeriod | ThisToUnit | DayWord | AbsoluteRange | AbsoluteFor
)


@dataclass(frozen=True)
class DateBound:
    """``before X`` (``x < start(X)``) or ``after X`` (``x >= start(X)``)."""

    after: bool
    target: DateRangeNode | Now


@dataclass(frozen=True)
class DateNull:
    """``NULL`` (``negated=False``) or ``NOT NULL``."""

    negated: bool = False


DateItem = DateRangeNode | DateBound | DateNull


@dataclass(frozen=True)
class DateFilter:
    """A date filter: its items are OR-ed."""

    text: str
    items: tuple[DateItem, ...]
    kind: Literal[FilterKind.DATE] = FilterKind.DATE


# ---------------------------------------------------------------------------------------------
# yesno and location


@dataclass(frozen=True)
class YesNoFilter:
    """``yes`` (``value=True``), ``no`` (``False``) or empty (``None``: no condition)."""

    text: str
    value: bool | None
    kind: Literal[FilterKind.YESNO] = FilterKind.YESNO


@dataclass(frozen=True)
class Point:
    """A latitude/longitude pair in degrees."""

    latitude: Decimal
    longitude: Decimal


@dataclass(frozen=True)
class LocationNull:
    """``NULL`` (latitude or longitude null) or, negated, ``NOT NULL``/``-NULL`` (both present)."""

    negated: bool = False


@dataclass(frozen=True)
class LocationPoint:
    """Exactly that point."""

    point: Point


@dataclass(frozen=True)
class LocationCircle:
    """Within ``meters`` (great-circle distance) of ``center``."""

    center: Point
    meters: Decimal


@dataclass(frozen=True)
class LocationBox:
    """Inside the box from the north-west corner to the south-east corner."""

    north_west: Point
    south_east: Point


LocationCondition = LocationNull | LocationPoint | LocationCircle | LocationBox


@dataclass(frozen=True)
class LocationFilter:
    """A location filter: one condition, or ``None`` for an empty expression."""

    text: str
    condition: LocationCondition | None
    kind: Literal[FilterKind.LOCATION] = FilterKind.LOCATION


FilterExpression = StringFilter | TierFilter | NumberFilter | DateFilter | YesNoFilter | LocationFilter
"""Any parsed filter; ``.kind`` tells which, ``.text`` is the original expression."""
