"""BigQuery (standard SQL), as Looker writes it.

Aliases are ``view_field`` (Looker's BigQuery convention, semantics §0 rule 2) and identifiers are
quoted with backticks.

Time zones: a BigQuery TIMESTAMP is an instant, so Looker does not convert the value; it passes
the query zone to each function instead — ``DATE(x, 'America/New_York')``,
``EXTRACT(YEAR FROM x AT TIME ZONE 'tz')``, ``FORMAT_TIMESTAMP(fmt, x, 'tz')``,
``TIMESTAMP_TRUNC(x, unit, 'tz')`` (verified §4, semantics §1c). :meth:`timeframe` does the same;
the public :meth:`convert_timezone` returns a *shifted* TIMESTAMP whose UTC wall clock is the
local time (``TIMESTAMP(DATETIME(x, 'tz'))``) for callers that need one expression.
Golden forms: week ``FORMAT_TIMESTAMP('%F', TIMESTAMP_TRUNC(x, WEEK(MONDAY)))``, month
``FORMAT_TIMESTAMP('%Y-%m', x)``, quarter ``FORMAT_TIMESTAMP('%Y-%m', TIMESTAMP_TRUNC(x, QUARTER))``,
``hour`` ``FORMAT_TIMESTAMP('%F %H', x)``, day_of_week ``FORMAT_TIMESTAMP('%A', x)`` (for
``datatype: date`` over ``CAST(DATE(x) AS TIMESTAMP)``), year ``EXTRACT(YEAR FROM x)``.
Month arithmetic goes through DATETIME_ADD, as Looker's date filters do (verified §10).

Symmetric sum: Looker's BigQuery formula (semantics §1b, ≥6 real outputs), with its scaling
(value × 1/1000 rounded to 9 decimals in NUMERIC, key × 1e-9) and final ROUND(…, 6), in the newer
wrapper ``ROUND(COALESCE(CAST(… AS FLOAT64), 0), 6)`` without the older outer COALESCE.

Median/percentile: BigQuery has no exact percentile *aggregate*; we use
``APPROX_QUANTILES(x, 1000)[OFFSET(p*10)]`` — approximate, and a nearest-rank value (no
interpolation) even when exact.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pytest_looker.compile.clock import Clock, ClockContext, Trunc
from pytest_looker.compile.dialects.base import LIST_SEPARATOR, Dialect, _Ts, percentile_fraction

_EXTRACT = {"doy": "DAYOFYEAR", "isoweek": "ISOWEEK"}
_WEEKDAY = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


class BigQueryDialect(Dialect):
    """Google BigQuery (sqlglot ``bigquery``)."""

    name: ClassVar[str] = "bigquery"
    supports_distinct_percentile: ClassVar[bool] = True
    #: Its percentile_distinct transpiles, so offline runs keep Looker's BigQuery rule (see below).
    portable_percentile: ClassVar[bool] = True
    integer_type: ClassVar[str] = "INT64"
    text_type: ClassVar[str] = "STRING"
    #: BigQuery's LIKE has no ESCAPE clause; it treats a backslash as the escape character.
    like_escape_clause: ClassVar[bool] = False

    def alias(self, full_name: str) -> str:
        """``orders.count`` → ``orders_count`` (unquoted, as Looker emits on BigQuery)."""
        return full_name.replace(".", "_")

    def quote_identifier(self, name: str) -> str:
        return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"

    # -- time --------------------------------------------------------------------------------------

    def _zone(self, tz: str | None) -> str:
        return f", {self.string_literal(tz)}" if tz else ""

    def _from_datetime(self, sql: str) -> str:
        return f"TIMESTAMP({sql})"

    def _from_epoch(self, sql: str) -> str:
        return f"TIMESTAMP_SECONDS(CAST({sql} AS INT64))"

    def _from_date(self, sql: str) -> str:
        return f"CAST(DATE({sql}) AS TIMESTAMP)"

    def _from_yyyymmdd(self, sql: str) -> str:
        return f"PARSE_TIMESTAMP('%Y%m%d', CAST({sql} AS STRING))"

    def _instant(self, sql: str, from_tz: str) -> str:
        """The instant of a value stored as wall-clock time of ``from_tz``."""
        return sql if from_tz == "UTC" else f"TIMESTAMP(DATETIME({sql}), {self.string_literal(from_tz)})"

    def _convert_tz(self, sql: str, from_tz: str, to_tz: str) -> str:
        return f"TIMESTAMP(DATETIME({self._instant(sql, from_tz)}, {self.string_literal(to_tz)}))"

    def _local(self, sql: str, from_tz: str, to_tz: str) -> str:
        return self._instant(sql, from_tz)

    def _fmt(self, sql: str, spec: str, tz: str | None) -> str:
        pattern = spec.replace("%Y-%m-%d", "%F").replace("%S.%g", "%E3S").replace("%S.%f", "%E6S")
        return f"FORMAT_TIMESTAMP({self.string_literal(pattern)}, {sql}{self._zone(tz)})"

    def _trunc(self, unit: str, t: _Ts) -> str:
        return f"TIMESTAMP_TRUNC({t.sql}, {unit.upper()}{self._zone(t.tz)})"

    def _extract(self, part: str, t: _Ts) -> str:
        zone = f" AT TIME ZONE {self.string_literal(t.tz)}" if t.tz else ""
        return f"EXTRACT({_EXTRACT.get(part, part.upper())} FROM {t.sql}{zone})"

    def _dow_monday0(self, t: _Ts) -> str:
        # DAYOFWEEK is 1 = Sunday … 7 = Saturday.
        return f"MOD({self._extract('dayofweek', t)} + 5, 7)"

    def _to_date(self, t: _Ts) -> str:
        return f"DATE({t.sql}{self._zone(t.tz)})"

    def _tf_week(self, t: _Ts, week_start: int) -> str:
        start = f"TIMESTAMP_TRUNC({t.sql}, WEEK({_WEEKDAY[week_start]}){self._zone(t.tz)})"
        return self._fmt(start, "%Y-%m-%d", t.tz)

    def _add(self, unit: str, amount: str, sql: str, tz: str | None) -> str:
        if unit == "month":
            zone = self._zone(tz)
            return f"TIMESTAMP(DATETIME_ADD(DATETIME({sql}{zone}), INTERVAL {amount} MONTH){zone})"
        return f"TIMESTAMP_ADD({sql}, INTERVAL {amount} {unit.upper()})"

    def _micros_between(self, start: str, end: str) -> str:
        return f"TIMESTAMP_DIFF({end}, {start}, MICROSECOND)"

    def _intdiv(self, a: str, b: int) -> str:
        return f"DIV({a}, {b})"

    # -- date filters ------------------------------------------------------------------------------
    # Looker's newer BigQuery form (real SQL: ``TIMESTAMP_TRUNC(CURRENT_TIMESTAMP(), DAY,
    # 'Europe/Madrid')`` then ``TIMESTAMP_TRUNC(…, MONTH)``): only the truncation of the clock
    # itself takes the query zone; everything after it works on the UTC instant (months of the
    # UTC calendar, days of 24 hours), and nothing is converted back.

    clock_function: ClassVar[str] = "CURRENT_TIMESTAMP()"
    moment_units: ClassVar[frozenset[str]] = frozenset({"second", "minute", "hour", "day", "month", "quarter", "year"})

    def _timestamp_literal(self, value: datetime) -> str:
        return f"TIMESTAMP('{value:%Y-%m-%d %H:%M:%S}')"

    def _clock_sql(self, ctx: ClockContext) -> str:
        return self.clock_function if ctx.now is None else self._timestamp_literal(ctx.now_in("UTC"))

    def _local_clock(self, ctx: ClockContext) -> str:
        return self._clock_sql(ctx)

    def _query_zone(self, ctx: ClockContext) -> str:
        zoned = ctx.timezone_given or ctx.converts
        return self._zone(ctx.query_timezone) if zoned else ""

    def _truncate(self, moment: Trunc, ctx: ClockContext) -> str:
        if isinstance(moment.of, Clock) and moment.unit in ("second", "minute", "hour", "day"):
            return f"TIMESTAMP_TRUNC({self._clock_sql(ctx)}, {moment.unit.upper()}{self._query_zone(ctx)})"
        return super()._truncate(moment, ctx)

    def _trunc_sql(self, unit: str, sql: str, ctx: ClockContext) -> str:
        return f"TIMESTAMP_TRUNC({sql}, {unit.upper()})"

    def _week_start(self, sql: str, week_start: int, ctx: ClockContext) -> str:
        return f"TIMESTAMP_TRUNC({sql}, WEEK({_WEEKDAY[week_start]}))"

    def _shift(self, unit: str, count: int, sql: str, ctx: ClockContext) -> str:
        if unit in ("month", "quarter", "year"):
            return f"TIMESTAMP(DATETIME_ADD(DATETIME({sql}), INTERVAL {count} {unit.upper()}))"
        return f"TIMESTAMP_ADD({sql}, INTERVAL {count} {unit.upper()})"

    def _to_database_zone(self, sql: str, ctx: ClockContext) -> str:
        return sql

    def _fixed(self, value: datetime, ctx: ClockContext) -> str:
        if ctx.converts and ctx.convert_tz:
            return f"TIMESTAMP('{value:%Y-%m-%d %H:%M:%S}'{self._zone(ctx.query_timezone)})"
        return self._timestamp_literal(value)

    def _bound_date(self, sql: str, ctx: ClockContext) -> str:
        return f"DATE({sql}{self._query_zone(ctx)})"

    # -- aggregates --------------------------------------------------------------------------------

    def _hash_key(self, key_sql: str) -> str:
        md5 = f"to_hex(md5(CAST({key_sql} AS STRING)))"
        return (
            f"(cast(cast(concat('0x', substr({md5}, 1, 15)) as int64) as numeric) * 4294967296 + "
            f"cast(cast(concat('0x', substr({md5}, 16, 8)) as int64) as numeric)) * 0.000000001"
        )

    def symmetric_sum(self, value_sql: str, key_sql: str) -> str:
        key = self._hash_key(key_sql)
        value = f"CAST(ROUND(COALESCE({value_sql} ,0)*(1/1000*1.0), 9) AS NUMERIC)"
        # Newer Looker: one COALESCE inside the ROUND (older output wrapped it in a second one).
        return (
            f"ROUND(COALESCE(CAST( ( SUM(DISTINCT ({value} + {key} )) - SUM(DISTINCT {key}) )"
            f" / (1/1000*1.0) AS FLOAT64), 0), 6)"
        )

    def percentile(self, value_sql: str, p: float) -> str:
        offset = round(float(percentile_fraction(p)) * 1000)
        return f"APPROX_QUANTILES({value_sql}, 1000)[OFFSET({offset})]"

    def symmetric_percentile(self, value_sql: str, key_sql: str, p: float) -> str:
        """``percentile_distinct``: Looker's percentile rule over the distinct (key, value) pairs.

        Looker's BigQuery form (as mozilla/bigquery-etl reproduces it for its Looker measures,
        ``udf.looker_approx_percentile_distinct_disc``) aggregates ``ARRAY_AGG(DISTINCT key || '||'
        || value)`` and ranks the values; the rule is the measure-type reference's for percentiles:
        with n values, position n·p rounded up, or the average of positions n·p and n·p + 1 when
        n·p is whole. Written inline (no temporary function), so that it transpiles.
        """
        fraction = percentile_fraction(p)
        pair = f"CONCAT(CAST({key_sql} AS STRING), '||', CAST({value_sql} AS STRING))"
        number = r"CAST(REGEXP_EXTRACT(pair, r'\|\|([^|]*)$') AS FLOAT64)"
        ranked = (
            f"SELECT {number} AS value, ROW_NUMBER() OVER (ORDER BY {number}) - 1 AS position, COUNT(*) OVER () AS n "
            f"FROM UNNEST(ARRAY_AGG(DISTINCT {pair} IGNORE NULLS)) AS pair"
        )
        chosen = f"position >= FLOOR(n * {fraction} - 0.0000001) AND position <= FLOOR(n * {fraction})"
        return f"(SELECT AVG(value) FROM ({ranked}) WHERE {chosen})"

    def list_agg(self, value_sql: str, *, separator: str = LIST_SEPARATOR) -> str:
        # Looker's BigQuery output (real SQL) has no ORDER BY.
        return f"STRING_AGG(DISTINCT CAST({value_sql} AS STRING), {self.string_literal(separator)})"
