"""The Lexp type system: the static types, how they combine, and how Python values map to them.

Looker type-checks an expression before it runs it, so a string compared with a number is an error
and never ``no``. We mirror that: every node gets a :class:`LexpType` at compile time. Runtime
values are plain Python: number → ``int``/``float``, string → ``str``, date → ``datetime.date``,
datetime → ``datetime.datetime`` (naive, in the query timezone), yesno → ``bool``, list → ``tuple``,
null → ``None``.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from enum import Enum


class LexpType(str, Enum):
    """Static type of an expression or a column. ``NULL`` and ``ANY`` fit every other type."""

    NUMBER = "number"
    STRING = "string"
    DATE = "date"
    DATETIME = "datetime"
    YESNO = "yesno"
    LIST = "list"
    NULL = "null"  # the ``null`` literal
    ANY = "any"  # unknown, e.g. a column with only nulls
    FILTER = "filter expression"  # a backtick literal

    def __str__(self) -> str:
        return self.value


NUMBER, STRING, DATE, DATETIME, YESNO, LIST, NULL, ANY, FILTER = tuple(LexpType)
TEMPORAL = frozenset({DATE, DATETIME})
ORDERED = frozenset({NUMBER, STRING, DATE, DATETIME})
SCALARS = frozenset({NUMBER, STRING, DATE, DATETIME, YESNO})
WILDCARDS = frozenset({NULL, ANY})


def fits(actual: LexpType, allowed: frozenset[LexpType]) -> bool:
    """Whether a value of type ``actual`` may be passed where ``allowed`` types are expected."""
    return actual in WILDCARDS or actual in allowed


def unify(first: LexpType, second: LexpType) -> LexpType | None:
    """The common type of two branches or comparison sides, or None if they do not mix.

    ``date`` and ``datetime`` mix (a date is midnight) and give ``datetime``.
    """
    if first == second:
        return first
    if first in WILDCARDS:
        return ANY if second is NULL and first is ANY else second
    if second in WILDCARDS:
        return first
    if {first, second} == TEMPORAL:
        return DATETIME
    return None


def describe(allowed: frozenset[LexpType]) -> str:
    """``number or string`` style text for error messages."""
    names = sorted(str(kind) for kind in allowed)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def type_of_value(value: object) -> LexpType:
    """The Lexp type of a normalised runtime value."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return YESNO
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, datetime):
        return DATETIME
    if isinstance(value, date):
        return DATE
    if isinstance(value, tuple):
        return LIST
    return ANY


def clean_number(value: int | float | Decimal) -> int | float | None:
    """Normalise a numeric result: Decimal → int/float, integral floats stay floats, inf/nan → null.

    Looker numbers are float64; we keep Python ints where the arithmetic is exact so that ids and
    counts print without ``.0``. A non-finite result (overflow, 0/0) becomes null like SQL would
    rather than leaking ``inf`` into comparisons.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def format_number(value: int | float) -> str:
    """Render a number the way ``to_string`` does: integral values without ``.0``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, float):
        text = repr(value)
        return format(Decimal(text), "f") if "e" in text else text
    return str(value)


def format_value(value: object) -> str:
    """Render any runtime value as Lexp ``to_string`` would (null → empty string)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(format_value(item) for item in value)
    return str(value)
