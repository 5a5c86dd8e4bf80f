"""DuckDB: the dialect pytest-looker executes offline.

Looker has no DuckDB dialect, so nothing here is golden; we pick the forms that are exact and
read like Looker's Postgres output (DuckDB accepts ``DATE_TRUNC``, ``AT TIME ZONE``, ``EXTRACT``).

Symmetric aggregates (semantics §1b, "DuckDB"): instead of Looker's hash arithmetic we collect
the distinct ``{k: key, v: value}`` pairs with ``list(DISTINCT …)`` and aggregate their values with
the list functions. That is exact for every value type (no scaling, no hash collisions, DECIMAL
stays DECIMAL), handles NULL values and keys, and also gives ``median_distinct`` /
``percentile_distinct``. The reference measured it as the fastest exact form too. We never add a
DOUBLE to a hashed integer key (the failure mode the reference documents for another tool).
"""

from __future__ import annotations

from typing import ClassVar

from pytest_looker.compile.clock import ClockContext
from pytest_looker.compile.dialects.base import LIST_SEPARATOR, Dialect, _Ts, percentile_fraction

_INTERVAL_UNIT = {"second": "SECOND", "day": "DAY", "hour": "HOUR", "minute": "MINUTE", "month": "MONTH"}


class DuckDBDialect(Dialect):
    """DuckDB (sqlglot ``duckdb``). Timestamps are TIMESTAMP (naive, in the database zone)."""

    name: ClassVar[str] = "duckdb"
    supports_distinct_percentile: ClassVar[bool] = True

    # -- time --------------------------------------------------------------------------------------

    def _from_epoch(self, sql: str) -> str:
        # make_timestamp(µs) is a naive TIMESTAMP in UTC; to_timestamp() would give TIMESTAMPTZ,
        # whose rendering depends on the session's TimeZone setting.
        return f"MAKE_TIMESTAMP(CAST({sql} * 1000000 AS BIGINT))"

    def _from_yyyymmdd(self, sql: str) -> str:
        return f"STRPTIME(CAST({sql} AS VARCHAR), '%Y%m%d')"

    def _convert_tz(self, sql: str, from_tz: str, to_tz: str) -> str:
        # naive → TIMESTAMPTZ read as from_tz → naive wall clock in to_tz (as Postgres).
        return f"(({sql} AT TIME ZONE {self.string_literal(from_tz)}) AT TIME ZONE {self.string_literal(to_tz)})"

    def _fmt(self, sql: str, spec: str, tz: str | None) -> str:
        return f"STRFTIME({sql}, {self.string_literal(spec)})"

    def _extract(self, part: str, t: _Ts) -> str:
        name = {"isoweek": "WEEK"}.get(part, part.upper())
        return f"EXTRACT({name} FROM {t.sql})"

    def _dow_monday0(self, t: _Ts) -> str:
        return f"(ISODOW({t.sql}) - 1)"

    def _add(self, unit: str, amount: str, sql: str, tz: str | None) -> str:
        return f"({sql} + INTERVAL ({amount}) {_INTERVAL_UNIT[unit]})"

    def _micros_between(self, start: str, end: str) -> str:
        return f"(EPOCH_US({end}) - EPOCH_US({start}))"

    # -- date filters --------------------------------------------------------------------------
    # CURRENT_TIMESTAMP is a TIMESTAMPTZ: read it in the query zone with AT TIME ZONE, which
    # gives naive wall-clock time whatever the session's TimeZone setting is.

    def _clock_sql(self, ctx: ClockContext) -> str:
        if ctx.now is None:
            return self.clock_function
        return f"TIMESTAMPTZ '{ctx.now_in('UTC'):%Y-%m-%d %H:%M:%S}+00'"

    def _local_clock(self, ctx: ClockContext) -> str:
        return f"({self._clock_sql(ctx)} AT TIME ZONE {self.string_literal(ctx.query_timezone)})"

    def _mod(self, a: str, b: int) -> str:
        return f"(({a}) % {b})"

    def _intdiv(self, a: str, b: int) -> str:
        return f"(({a}) // {b})"

    # -- aggregates --------------------------------------------------------------------------------

    def _distinct_values(self, value_sql: str, key_sql: str) -> str:
        """The values of the distinct (key, value) pairs with a non-NULL key, as a list."""
        pairs = f"LIST(DISTINCT {{'k': {key_sql}, 'v': {value_sql}}}) FILTER (WHERE ({key_sql}) IS NOT NULL)"
        # struct_extract, not pair.v: DuckDB binds `pair.v` as a column reference inside HAVING.
        return f"LIST_TRANSFORM({pairs}, LAMBDA pair: struct_extract(pair, 'v'))"

    def symmetric_sum(self, value_sql: str, key_sql: str) -> str:
        return f"COALESCE(LIST_SUM({self._distinct_values(value_sql, key_sql)}), 0)"

    def symmetric_average(self, value_sql: str, key_sql: str) -> str:
        # LIST_AVG skips NULL values, so the divisor is the keys with a value, as Looker's.
        return f"LIST_AVG({self._distinct_values(value_sql, key_sql)})"

    def percentile(self, value_sql: str, p: float) -> str:
        return f"QUANTILE_CONT({value_sql}, {percentile_fraction(p)})"

    def median(self, value_sql: str) -> str:
        return f"MEDIAN({value_sql})"

    def symmetric_percentile(self, value_sql: str, key_sql: str, p: float) -> str:
        values = self._distinct_values(value_sql, key_sql)
        return f"LIST_AGGREGATE({values}, 'quantile_cont', {percentile_fraction(p)})"

    def list_agg(self, value_sql: str, *, separator: str = LIST_SEPARATOR) -> str:
        text = f"CAST({value_sql} AS VARCHAR)"
        return f"STRING_AGG(DISTINCT {text}, {self.string_literal(separator)} ORDER BY {text})"
