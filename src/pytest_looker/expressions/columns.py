"""Turn query-result rows into typed columns the evaluator can use.

Rows arrive from a database driver or the Looker API, keyed ``"view.field"``, with whatever Python
types the driver produced. This module is the one place that decides what a value *is* in Lexp:
``Decimal`` becomes a number, ``"Yes"``/``"No"`` becomes a yesno, a ``"2024-03"`` string in a
date column becomes a date. Callers who know the LookML field types pass them (``field_types``);
otherwise the type of a column is inferred from its non-null values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .errors import ExpressionError
from .functions.strings import parse_date, parse_number
from .types import ANY, DATE, DATETIME, NUMBER, STRING, YESNO, LexpType, clean_number, format_value, unify

_YESNO_TEXT = {"yes": True, "no": False}


@dataclass(frozen=True)
class ColumnData:
    """One result column: its name as the rows spell it, its type and its normalised values."""

    name: str
    type: LexpType
    values: list[object]


def _naive(value: datetime) -> datetime:
    """Values are in the query timezone already; drop tzinfo so they compare with ``now()``."""
    return value.replace(tzinfo=None) if value.tzinfo is not None else value


def _natural(value: object, column: str) -> object:
    """A driver value as a Lexp runtime value, without any declared type."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float, Decimal)):
        return clean_number(value)
    if isinstance(value, datetime):
        return _naive(value)
    if isinstance(value, date):
        return value
    raise ExpressionError(
        f"column {column} holds a {type(value).__name__} value ({value!r}), which Looker expressions cannot use"
    )


def _convert(value: object, kind: LexpType, column: str) -> object:
    """Coerce a natural value to a declared column type, or explain why it cannot be."""
    if value is None:
        return None
    converted: object = None
    if kind is YESNO:
        if isinstance(value, bool):
            converted = value
        elif isinstance(value, str):
            converted = _YESNO_TEXT.get(value.strip().lower())
        elif isinstance(value, (int, float)) and value in (0, 1):
            converted = bool(value)
    elif kind is NUMBER:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            converted = value
        elif isinstance(value, str):
            converted = parse_number(value)
    elif kind in (DATE, DATETIME):
        if isinstance(value, date):
            converted = value
        elif isinstance(value, str):
            converted = parse_date(value)
    elif kind is STRING:
        converted = value if isinstance(value, str) else format_value(value)
    else:
        converted = value
    if converted is None:
        raise ExpressionError(f"column {column} is declared {kind} but holds {value!r}")
    return converted


def _infer(values: list[object], column: str) -> LexpType:
    """Column type from its values. A text column of only ``Yes``/``No`` is a yesno column."""
    kind: LexpType = ANY
    texts: set[str] = set()
    for value in values:
        if value is None:
            continue
        if isinstance(value, str):
            texts.add(value)
        current = YESNO if isinstance(value, bool) else _type_of(value)
        merged = unify(kind, current)
        if merged is None:
            raise ExpressionError(f"column {column} mixes {kind} and {current} values")
        kind = merged
    if kind is STRING and texts <= {"Yes", "No"}:
        return YESNO
    return kind


def _type_of(value: object) -> LexpType:
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, datetime):
        return DATETIME
    return DATE


def load_columns(
    rows: Sequence[Mapping[str, object]],
    wanted: Sequence[str],
    field_types: Mapping[str, LexpType] | None = None,
) -> dict[str, ColumnData]:
    """The columns named in ``wanted`` (already resolved to row keys), typed and normalised."""
    declared = {key.lower(): kind for key, kind in (field_types or {}).items()}
    columns: dict[str, ColumnData] = {}
    for name in wanted:
        natural = [_natural(row.get(name), name) for row in rows]
        kind = declared.get(name.lower())
        if kind is None:
            kind = _infer(natural, name)
        values = [_convert(value, kind, name) for value in natural]
        if kind is DATE:
            kind = DATETIME if any(isinstance(v, datetime) for v in values) else DATE
        columns[name] = ColumnData(name, kind, values)
    return columns


def available_columns(
    rows: Sequence[Mapping[str, object]], field_types: Mapping[str, LexpType] | None = None
) -> dict[str, str]:
    """Lower-cased column name → the name as the rows spell it (Looker names are case-insensitive)."""
    names: dict[str, str] = {}
    for key in field_types or {}:
        names.setdefault(key.lower(), key)
    for row in rows:
        for key in row:
            names.setdefault(key.lower(), key)
    return names
