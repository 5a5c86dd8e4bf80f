"""Column types for hermetic tables built from Python rows (a unit test's ``given:``).

The rule, in order:

1. A type given in ``column_types`` wins; the values are then cast by DuckDB, so a string
   ``"2024-01-15 10:30:00"`` in a ``TIMESTAMP`` column becomes a timestamp.
2. Otherwise the type follows the Python values that are not ``None``: ``bool`` → BOOLEAN,
   ``int`` → BIGINT, ``float`` → DOUBLE, ``Decimal`` → DECIMAL(38, s) with the largest scale seen,
   ``str`` → VARCHAR, ``datetime`` → TIMESTAMP (TIMESTAMPTZ when aware), ``date`` → DATE,
   ``time`` → TIME, ``timedelta`` → INTERVAL, ``bytes`` → BLOB, ``UUID`` → UUID. Mixed values
   widen only where no information is lost (BIGINT+DOUBLE → DOUBLE, BIGINT+DECIMAL → DECIMAL,
   DATE+TIMESTAMP → TIMESTAMP); any other mix is an error naming the column.
3. A string is never guessed to be a date or a number: ``"2024-01-15"`` stays VARCHAR unless
   typed. Guessing would make a test's meaning depend on what its sample values happen to look
   like; the caller knows the LookML type and passes it in ``column_types``.
4. A column with only ``None`` values and no given type is VARCHAR (a NULL of some type is needed
   and text is the type every comparison and concatenation accepts).
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid
from collections.abc import Iterable

from pytest_looker.errors import BackendError

#: A SQL type as users write it: a name of one or more words, optional ``(p[, s])``, optional ``[]``.
_TYPE_SYNTAX = re.compile(
    r"^[A-Za-z][A-Za-z0-9_]*(?: [A-Za-z][A-Za-z0-9_]*)*(?:\s*\(\s*\d+\s*(?:,\s*\d+\s*)?\))?(?:\[\])?$"
)

FALLBACK_TYPE = "VARCHAR"

_WIDENINGS: dict[frozenset[str], str] = {
    frozenset({"BIGINT", "DOUBLE"}): "DOUBLE",
    frozenset({"DATE", "TIMESTAMP"}): "TIMESTAMP",
}


def check_type(sql_type: str, where: str) -> str:
    """``sql_type`` if it looks like a SQL type, else an error: it is pasted into DDL."""
    cleaned = " ".join(sql_type.split())
    if not _TYPE_SYNTAX.match(cleaned):
        raise BackendError(f"{where}: {sql_type!r} is not a SQL type (e.g. INTEGER, DOUBLE, VARCHAR, DECIMAL(10,2))")
    return cleaned.upper()


def _value_type(value: object) -> str | None:
    """The SQL type of one Python value; ``None`` for unsupported ones."""
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "BIGINT"
    if isinstance(value, float):
        return "DOUBLE"
    if isinstance(value, decimal.Decimal):
        return "DECIMAL"
    if isinstance(value, str):
        return "VARCHAR"
    if isinstance(value, dt.datetime):
        return "TIMESTAMPTZ" if value.tzinfo is not None else "TIMESTAMP"
    if isinstance(value, dt.date):
        return "DATE"
    if isinstance(value, dt.time):
        return "TIME"
    if isinstance(value, dt.timedelta):
        return "INTERVAL"
    if isinstance(value, bytes):
        return "BLOB"
    if isinstance(value, uuid.UUID):
        return "UUID"
    return None


def _decimal_type(values: Iterable[object]) -> str:
    scales = [
        -int(v.as_tuple().exponent)
        for v in values
        if isinstance(v, decimal.Decimal) and isinstance(v.as_tuple().exponent, int)
    ]
    return f"DECIMAL(38,{min(max([0, *scales]), 37)})"


def infer_type(values: list[object], where: str) -> str:
    """The column type for ``values`` by the rules of this module; ``where`` names the column."""
    present = [v for v in values if v is not None]
    kinds: set[str] = set()
    for value in present:
        kind = _value_type(value)
        if kind is None:
            raise BackendError(
                f"{where}: cannot infer a SQL type for {type(value).__name__} value {value!r}; give it in column_types"
            )
        kinds.add(kind)
    if not kinds:
        return FALLBACK_TYPE
    if kinds <= {"BIGINT", "DECIMAL"} and "DECIMAL" in kinds:
        return _decimal_type(present)
    if len(kinds) == 1:
        kind = kinds.pop()
        return _decimal_type(present) if kind == "DECIMAL" else kind
    if "DECIMAL" in kinds and kinds <= {"BIGINT", "DECIMAL", "DOUBLE"}:
        return "DOUBLE"
    widened = _WIDENINGS.get(frozenset(kinds))
    if widened is None:
        raise BackendError(
            f"{where}: values of mixed types ({', '.join(sorted(kinds))}); give its type in column_types"
        )
    return widened
