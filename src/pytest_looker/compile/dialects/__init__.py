"""Per-dialect SQL fragments: how Looker spells timeframes, symmetric aggregates, tiers and more.

Usage::

    from pytest_looker.compile.dialects import get_dialect

    d = get_dialect("bigquery")
    d.alias("orders.count")                      # 'orders_count'
    d.timeframe("month", "orders.created_at")    # "FORMAT_TIMESTAMP('%Y-%m', orders.created_at)"
    d.symmetric_sum("orders.amount", "orders.id")

Each dialect is a stateless :class:`Dialect` subclass in its own module; :func:`get_dialect`
returns the shared instance. Names are sqlglot's dialect names.
"""

from __future__ import annotations

from pytest_looker.compile.dialects.base import (
    DATATYPES,
    DURATION_INTERVALS,
    HOUR_STEPS,
    LIST_SEPARATOR,
    MILLISECOND_STEPS,
    MINUTE_STEPS,
    TIER_STYLES,
    TIMEFRAMES,
    WEEKDAYS,
    Dialect,
)
from pytest_looker.compile.dialects.bigquery import BigQueryDialect
from pytest_looker.compile.dialects.duckdb import DuckDBDialect
from pytest_looker.compile.dialects.mysql import MySQLDialect
from pytest_looker.compile.dialects.postgres import PostgresDialect
from pytest_looker.compile.dialects.redshift import RedshiftDialect
from pytest_looker.compile.dialects.snowflake import SnowflakeDialect
from pytest_looker.errors import CompileError

_DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        DuckDBDialect(),
        BigQueryDialect(),
        SnowflakeDialect(),
        RedshiftDialect(),
        PostgresDialect(),
        MySQLDialect(),
    )
}

#: The dialect names :func:`get_dialect` accepts (sqlglot's names).
SUPPORTED_DIALECTS: tuple[str, ...] = tuple(_DIALECTS)


def get_dialect(name: str) -> Dialect:
    """The :class:`Dialect` for a sqlglot dialect name (case-insensitive).

    Raises :class:`~pytest_looker.errors.CompileError` listing the supported names otherwise.
    """
    key = (name or "").strip().lower()
    try:
        return _DIALECTS[key]
    except KeyError:
        raise CompileError(f"unsupported SQL dialect {name!r}; supported: {', '.join(SUPPORTED_DIALECTS)}") from None


__all__ = [
    "DATATYPES",
    "DURATION_INTERVALS",
    "HOUR_STEPS",
    "LIST_SEPARATOR",
    "MILLISECOND_STEPS",
    "MINUTE_STEPS",
    "SUPPORTED_DIALECTS",
    "TIER_STYLES",
    "TIMEFRAMES",
    "WEEKDAYS",
    "BigQueryDialect",
    "Dialect",
    "DuckDBDialect",
    "MySQLDialect",
    "PostgresDialect",
    "RedshiftDialect",
    "SnowflakeDialect",
    "get_dialect",
]
