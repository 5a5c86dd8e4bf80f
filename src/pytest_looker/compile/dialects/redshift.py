"""Amazon Redshift, as Looker writes it.

Golden forms (verified §4): ``TO_CHAR(DATE_TRUNC('second', x), 'YYYY-MM-DD HH24:MI:SS')`` (time),
``DATE(CONVERT_TIMEZONE('UTC','America/New_York', x))`` (date),
``TO_CHAR(DATE_TRUNC('month', DATE_TRUNC('quarter', x)), 'YYYY-MM')`` (quarter), the Sunday week
``TO_CHAR(DATEADD(day,(0 - EXTRACT(DOW FROM x)::integer), x), 'YYYY-MM-DD')``.

Symmetric sum: Looker's Redshift formula from the symmetric-aggregates docs page (semantics
§1b): the value scaled by 10^6, floored into DECIMAL(38,0), plus a key built from two 15-hex-digit
halves of ``MD5(pk)`` (``STRTOL(...,16)``); the difference is cast to DOUBLE PRECISION.
"""

from __future__ import annotations

from typing import ClassVar

from pytest_looker.compile.clock import ClockContext, Moment
from pytest_looker.compile.dialects.base import LIST_SEPARATOR, Dialect, _Ts
from pytest_looker.compile.dialects.postgres import PostgresDialect

_SUNDAY_INDEX = ("1", "2", "3", "4", "5", "6", "0")  # Monday-first index → Redshift DOW


class RedshiftDialect(PostgresDialect):
    """Amazon Redshift (sqlglot ``redshift``): Postgres syntax plus DATEADD/DATEDIFF/CONVERT_TIMEZONE."""

    name: ClassVar[str] = "redshift"
    supports_distinct_percentile: ClassVar[bool] = False  # Looker has percentile_distinct on Postgres only

    def limit(self, n: int) -> str:
        """Redshift keeps ``LIMIT n`` (every real output)."""
        return Dialect.limit(self, n)

    def group_by_expression(self, select_sql: str) -> str | None:
        """Redshift groups by ordinals (every real output)."""
        return None

    def _from_epoch(self, sql: str) -> str:
        return f"(TIMESTAMP 'epoch' + ({sql}) * INTERVAL '1 second')"

    def _convert_tz(self, sql: str, from_tz: str, to_tz: str) -> str:
        return f"CONVERT_TIMEZONE({self.string_literal(from_tz)}, {self.string_literal(to_tz)}, {sql})"

    def _tf_date(self, t: _Ts) -> str:
        return f"DATE({t.sql})"

    def _dow_monday0(self, t: _Ts) -> str:
        # Redshift has no ISODOW; DOW is 0 = Sunday.
        return f"MOD(EXTRACT(DOW FROM {t.sql})::integer + 6, 7)"

    def _tf_week(self, t: _Ts, week_start: int) -> str:
        if week_start == 0:
            return self._fmt(self._trunc("week", t), "%Y-%m-%d", t.tz)
        dow = f"EXTRACT(DOW FROM {t.sql})::integer"
        start = _SUNDAY_INDEX[week_start]
        back = dow if start == "0" else f"MOD({dow} - {start} + 7, 7)"
        return self._fmt(f"DATEADD(day,(0 - {back}), {t.sql})", "%Y-%m-%d", t.tz)

    def _add(self, unit: str, amount: str, sql: str, tz: str | None) -> str:
        return f"DATEADD({unit}, {amount}, {sql})"

    # -- date filters (real SQL: ``CONVERT_TIMEZONE('America/Los_Angeles', 'UTC', DATEADD(day,-59,
    # DATE_TRUNC('day',CONVERT_TIMEZONE('UTC', 'America/Los_Angeles', GETDATE())) ))``; "before
    # this month" keeps its zero shift, ``DATEADD(month,0, DATE_TRUNC('month', …))``) -------------

    clock_function: ClassVar[str] = "GETDATE()"
    moment_units: ClassVar[frozenset[str]] = frozenset(
        {"second", "minute", "hour", "day", "week", "month", "quarter", "year"}
    )
    writes_zero_shift: ClassVar[bool] = True

    def _local_clock(self, ctx: ClockContext) -> str:
        clock = self._clock_sql(ctx)
        return self._convert_tz(clock, ctx.database_timezone, ctx.query_timezone) if ctx.converts else clock

    def _shift(self, unit: str, count: int, sql: str, ctx: ClockContext) -> str:
        return f"DATEADD({unit},{count}, {sql} )"

    def _bound(self, sql: str, moment: Moment) -> str:
        return sql

    def _bound_date(self, sql: str, ctx: ClockContext) -> str:
        return f"DATE({sql})"

    def _micros_between(self, start: str, end: str) -> str:
        return f"DATEDIFF(microsecond, {start}, {end})"

    def _hash_key(self, key_sql: str) -> str:
        md5 = f"MD5(CONVERT(VARCHAR,{key_sql} ))"
        return (
            f"CAST(STRTOL(LEFT({md5},15),16) AS DECIMAL(38,0)) * 1.0e8 + "
            f"CAST(STRTOL(RIGHT({md5},15),16) AS DECIMAL(38,0))"
        )

    def symmetric_sum(self, value_sql: str, key_sql: str) -> str:
        key = self._hash_key(key_sql)
        value = f"CAST(FLOOR(COALESCE({value_sql} ,0)*(1000000*1.0)) AS DECIMAL(38,0))"
        return (
            f"COALESCE(CAST( ( SUM(DISTINCT ({value}) + {key} ) - SUM(DISTINCT {key}) ) AS DOUBLE PRECISION)"
            f" / CAST((1000000*1.0) AS DOUBLE PRECISION), 0)"
        )

    def median(self, value_sql: str) -> str:
        return f"MEDIAN({value_sql})"

    def list_agg(self, value_sql: str, *, separator: str = LIST_SEPARATOR) -> str:
        text = f"CAST({value_sql} AS VARCHAR)"
        return f"LISTAGG(DISTINCT {text}, {self.string_literal(separator)}) WITHIN GROUP (ORDER BY {text})"
