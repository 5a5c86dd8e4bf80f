"""PostgreSQL, as Looker writes it.

Golden forms (verified §4, semantics §1a/§1c): ``TO_CHAR(DATE_TRUNC('month', x), 'YYYY-MM')`` for
month, ``TO_CHAR(DATE_TRUNC('second', x), 'YYYY-MM-DD HH24:MI:SS')`` for time; other timeframes
use the same TO_CHAR / DATE_TRUNC / EXTRACT vocabulary (inferred). Time-zone conversion of a
naive timestamp: ``(x AT TIME ZONE 'UTC') AT TIME ZONE 'America/New_York'`` (inferred).

Symmetric sum: Looker's Postgres formula, verbatim up to spacing (semantics §1b, real output):
the value scaled by 10^6 and floored into DECIMAL(65,0), plus a 128-bit key made of the two
halves of ``MD5(pk)`` read as ``bit(64)::bigint``. ``FLOOR`` truncates values to 6 decimals, as
Looker does.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import ClassVar

from pytest_looker.compile.clock import ClockContext, Moment, is_relative
from pytest_looker.compile.dialects.base import LIST_SEPARATOR, Dialect, _Ts, percentile_fraction

#: strftime code → TO_CHAR pattern (Postgres and Redshift share it).
TO_CHAR_CODES: dict[str, str] = {
    "%Y": "YYYY",
    "%m": "MM",
    "%d": "DD",
    "%H": "HH24",
    "%M": "MI",
    "%S": "SS",
    "%g": "MS",
    "%f": "US",
    "%A": "FMDay",
    "%B": "FMMonth",
}
_CODE = re.compile(r"%[A-Za-z]")


def unformatted(select_sql: str) -> str | None:
    """``x`` of a ``TO_CHAR(x, 'pattern')`` expression (outer parentheses allowed), else None."""
    text = select_sql.strip()
    while text.startswith("(") and _closing(text, 0) == len(text) - 1:
        text = text[1:-1].strip()
    if not text.upper().startswith("TO_CHAR(") or _closing(text, 7) != len(text) - 1:
        return None
    inner = text[8:-1]
    depth, quote = 0, False
    for index in range(len(inner) - 1, -1, -1):  # the last top-level comma separates the pattern
        char = inner[index]
        if char == "'":
            quote = not quote
        elif not quote and char == ")":
            depth += 1
        elif not quote and char == "(":
            depth -= 1
        elif not quote and depth == 0 and char == ",":
            return f"({inner[:index].strip()})"
    return None


def _closing(text: str, start: int) -> int:
    """The index of the parenthesis closing the one at ``start`` (-1 if unbalanced)."""
    depth, quote = 0, False
    for index in range(start, len(text)):
        char = text[index]
        if char == "'":
            quote = not quote
        elif not quote and char == "(":
            depth += 1
        elif not quote and char == ")":
            depth -= 1
            if depth == 0:
                return index
    return -1


def translate_format(spec: str, codes: dict[str, str]) -> str:
    """Rewrite the strftime codes of ``spec`` with ``codes`` (one pass, so outputs are not
    re-translated)."""
    return _CODE.sub(lambda m: codes[m.group(0)], spec)


class PostgresDialect(Dialect):
    """PostgreSQL (sqlglot ``postgres``)."""

    name: ClassVar[str] = "postgres"
    supports_distinct_percentile: ClassVar[bool] = True
    integer_type: ClassVar[str] = "BIGINT"
    truncate_before_format: ClassVar[bool] = True

    def limit(self, n: int) -> str:
        """Newer Looker writes ``FETCH NEXT n ROWS ONLY`` on Postgres (older: ``LIMIT n``)."""
        return super().limit(n).replace("LIMIT ", "FETCH NEXT ") + " ROWS ONLY"

    def group_by_expression(self, select_sql: str) -> str | None:
        """Real SQL: select ``TO_CHAR(DATE_TRUNC('month', x ), 'YYYY-MM')``, group
        ``(DATE_TRUNC('month', x ))``."""
        return unformatted(select_sql)

    # -- time --------------------------------------------------------------------------------------

    def _from_epoch(self, sql: str) -> str:
        # TO_TIMESTAMP gives timestamptz; AT TIME ZONE 'UTC' makes it the naive UTC timestamp.
        return f"(TO_TIMESTAMP({sql}) AT TIME ZONE 'UTC')"

    def _from_yyyymmdd(self, sql: str) -> str:
        return f"CAST(TO_DATE(CAST({sql} AS VARCHAR), 'YYYYMMDD') AS TIMESTAMP)"

    def _convert_tz(self, sql: str, from_tz: str, to_tz: str) -> str:
        return f"(({sql} AT TIME ZONE {self.string_literal(from_tz)}) AT TIME ZONE {self.string_literal(to_tz)})"

    def _fmt(self, sql: str, spec: str, tz: str | None) -> str:
        return f"TO_CHAR({sql}, {self.string_literal(translate_format(spec, TO_CHAR_CODES))})"

    def _tf_date(self, t: _Ts) -> str:
        """Real Postgres output: ``DATE(x )`` (2018 and newer layouts)."""
        return f"DATE({t.sql})"

    def _extract(self, part: str, t: _Ts) -> str:
        # EXTRACT returns numeric on Postgres 14+; integers keep DIV/MOD integral.
        name = {"isoweek": "WEEK"}.get(part, part.upper())
        return f"CAST(EXTRACT({name} FROM {t.sql}) AS INTEGER)"

    def _dow_monday0(self, t: _Ts) -> str:
        return f"(CAST(EXTRACT(ISODOW FROM {t.sql}) AS INTEGER) - 1)"

    def _tf_week(self, t: _Ts, week_start: int) -> str:
        if week_start == 0:  # Monday: Postgres' own ISO week (semantics §1c table)
            return self._fmt(self._trunc("week", t), "%Y-%m-%d", t.tz)
        return super()._tf_week(t, week_start)

    def _add(self, unit: str, amount: str, sql: str, tz: str | None) -> str:
        return f"({sql} + ({amount}) * INTERVAL '1 {unit}')"

    def _micros_between(self, start: str, end: str) -> str:
        return f"CAST(ROUND(EXTRACT(EPOCH FROM ({end}) - ({start})) * 1000000) AS BIGINT)"

    # -- date filters ------------------------------------------------------------------------------
    # Real SQL: ``(SELECT (DATE_TRUNC('day', CURRENT_TIMESTAMP) + (-6 || ' day')::INTERVAL))``;
    # with a query zone ``DATE_TRUNC('day', CURRENT_TIMESTAMP AT TIME ZONE 'America/Chicago')``.
    # Converting back, Looker writes ``(x) AT TIME ZONE 'tz'`` (a timestamptz compared in the
    # session's zone); we add ``AT TIME ZONE 'db'`` so the bound is the database zone's wall
    # clock whatever the session says.

    #: Postgres intervals have no quarter: "3 quarters" shifts by 9 months (checked on PostgreSQL).
    moment_units: ClassVar[frozenset[str]] = frozenset({"second", "minute", "hour", "day", "week", "month", "year"})

    def _local_clock(self, ctx: ClockContext) -> str:
        if not ctx.converts:
            return self._clock_sql(ctx)
        clock = self.clock_function if ctx.now is None else f"TIMESTAMPTZ '{ctx.now_in('UTC'):%Y-%m-%d %H:%M:%S}+00'"
        return f"{clock} AT TIME ZONE {self.string_literal(ctx.query_timezone)}"

    def _shift(self, unit: str, count: int, sql: str, ctx: ClockContext) -> str:
        return f"({sql} + ({count} || ' {unit}')::INTERVAL)"

    def _bound(self, sql: str, moment: Moment) -> str:
        return f"(SELECT {sql})" if is_relative(moment) else sql

    def _fixed(self, value: datetime, ctx: ClockContext) -> str:
        if ctx.column_is_date and value == datetime(value.year, value.month, value.day):
            return f"DATE '{value:%Y-%m-%d}'"
        return self._timestamp_literal(value)

    def _bound_date(self, sql: str, ctx: ClockContext) -> str:
        return f"DATE_TRUNC('day', {sql})"

    # -- aggregates --------------------------------------------------------------------------------

    def _hash_key(self, key_sql: str) -> str:
        md5 = f"MD5({key_sql} ::varchar)"
        return (
            f"('x' || {md5})::bit(64)::bigint::DECIMAL(65,0) *18446744073709551616 + "
            f"('x' || SUBSTR({md5},17))::bit(64)::bigint::DECIMAL(65,0)"
        )

    def symmetric_sum(self, value_sql: str, key_sql: str) -> str:
        key = self._hash_key(key_sql)
        value = f"CAST(FLOOR(COALESCE({value_sql} ,0)*(1000000*1.0)) AS DECIMAL(65,0))"
        return f"COALESCE(COALESCE( ( SUM(DISTINCT ({value}) + {key} ) - SUM(DISTINCT {key}) ) / (1000000*1.0), 0), 0)"

    def percentile(self, value_sql: str, p: float) -> str:
        return f"PERCENTILE_CONT({percentile_fraction(p)}) WITHIN GROUP (ORDER BY {value_sql})"

    def list_agg(self, value_sql: str, *, separator: str = LIST_SEPARATOR) -> str:
        # Looker's Postgres output: ARRAY_TO_STRING(ARRAY(SELECT unnest(array_agg(DISTINCT x))
        # ORDER BY 1),'|RECORD|') (real SQL); NULLs are dropped by ARRAY_TO_STRING.
        return (
            f"ARRAY_TO_STRING(ARRAY(SELECT UNNEST(ARRAY_AGG(DISTINCT {value_sql})) ORDER BY 1),"
            f" {self.string_literal(separator)})"
        )
