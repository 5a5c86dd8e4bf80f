"""Expressions the readers produce for source semantics sqlglot has no node for.

Each is a plain :class:`sqlglot.exp.Func` subclass; :mod:`.duckdb` says how DuckDB spells it
(``LookerDuckDB.Generator.TRANSFORMS``). They only ever reach the DuckDB writer: the readers of
this package are used when the target is DuckDB.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from sqlglot import exp


class ToTimestampAny(exp.Expression, exp.Func):
    """A timestamp from a value of unknown type, converted by its type at run time.

    Snowflake's ``TO_TIMESTAMP(x)``: a number is seconds since the epoch, a string is parsed as a
    timestamp, a date is its midnight, a timestamp is itself.
    """

    arg_types: ClassVar[dict[str, Any]] = {"this": True}


class IsoWeekday(exp.Expression, exp.Func):
    """Day of the week counted 0 = Monday … 6 = Sunday (MySQL ``WEEKDAY(x)``)."""

    arg_types: ClassVar[dict[str, Any]] = {"this": True}


class SundayWeekday(exp.Expression, exp.Func):
    """Day of the week counted 1 = Sunday … 7 = Saturday (BigQuery ``EXTRACT(DAYOFWEEK …)``,
    MySQL ``DAYOFWEEK(x)``)."""

    arg_types: ClassVar[dict[str, Any]] = {"this": True}


def merged(*mappings: Mapping[str, str]) -> dict[str, str]:
    """One dict of ``mappings`` (later ones win): a dialect's class-level table, extended."""
    out: dict[str, str] = {}
    for mapping in mappings:
        out.update(mapping)
    return out
