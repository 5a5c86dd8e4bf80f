"""Snowflake, as Looker writes it.

Golden form (verified §4): ``date`` is a string, ``TO_CHAR(TO_DATE(x), 'YYYY-MM-DD')`` (grouped
by ``TO_DATE(x)``), unlike the other dialects. Other timeframes use TO_CHAR / DATE_TRUNC / EXTRACT
like Postgres (inferred; semantics §1c table). Snowflake's TO_CHAR has no full day name, so
``day_of_week`` is a CASE over ``DAYOFWEEKISO``; ``month_name`` uses ``'MMMM'``.

Symmetric sum: Looker's Snowflake formula (semantics §1b, several real outputs): key =
``TO_NUMBER(MD5(pk), 'XXXX…') % 1.0e27`` as NUMERIC(38,0), value scaled by 10^6 and floored.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pytest_looker.compile.clock import Clock, ClockContext, Trunc
from pytest_looker.compile.dialects.base import LIST_SEPARATOR, WEEKDAYS, Dialect, _Ts, percentile_fraction
from pytest_looker.compile.dialects.postgres import translate_format, unformatted

_TO_CHAR_CODES: dict[str, str] = {
    "%Y": "YYYY",
    "%m": "MM",
    "%d": "DD",
    "%H": "HH24",
    "%M": "MI",
    "%S": "SS",
    "%g": "FF3",
    "%f": "FF6",
    "%B": "MMMM",
}
_EXTRACT = {"doy": "DAYOFYEAR", "isoweek": "WEEKISO"}


class SnowflakeDialect(Dialect):
    """Snowflake (sqlglot ``snowflake``). Timestamps are TIMESTAMP_NTZ in the database zone."""

    name: ClassVar[str] = "snowflake"
    truncate_before_format: ClassVar[bool] = True

    def limit(self, n: int) -> str:
        """Looker writes ``FETCH NEXT n ROWS ONLY`` on Snowflake since 2022 (``LIMIT n`` before)."""
        return f"{super().limit(n).replace('LIMIT ', 'FETCH NEXT ')} ROWS ONLY"

    def group_by_expression(self, select_sql: str) -> str | None:
        """Real SQL: select ``TO_CHAR(TO_DATE(date_trunc('week', x)), 'YYYY-MM-DD')``, group
        ``(TO_DATE(date_trunc('week', x)))``; the date ``TO_CHAR(TO_DATE(x), …)`` by ``TO_DATE(x)``."""
        return unformatted(select_sql)

    def _tf_week(self, t: _Ts, week_start: int) -> str:
        if week_start == 0:  # real SQL: TO_CHAR(TO_DATE(date_trunc('week', x)), 'YYYY-MM-DD')
            return self._fmt(f"TO_DATE(DATE_TRUNC('week', {t.sql}))", "%Y-%m-%d", t.tz)
        return super()._tf_week(t, week_start)

    def _from_epoch(self, sql: str) -> str:
        return f"TO_TIMESTAMP_NTZ({sql})"

    def _from_date(self, sql: str) -> str:
        return f"CAST({sql} AS TIMESTAMP_NTZ)"

    def _from_yyyymmdd(self, sql: str) -> str:
        return f"TO_TIMESTAMP_NTZ(CAST({sql} AS VARCHAR), 'YYYYMMDD')"

    def _convert_tz(self, sql: str, from_tz: str, to_tz: str) -> str:
        return (
            f"CONVERT_TIMEZONE({self.string_literal(from_tz)}, {self.string_literal(to_tz)},"
            f" CAST({sql} AS TIMESTAMP_NTZ))"
        )

    def _fmt(self, sql: str, spec: str, tz: str | None) -> str:
        if spec == "%A":
            whens = " ".join(
                f"WHEN {i} THEN {self.string_literal(day.capitalize())}" for i, day in enumerate(WEEKDAYS, 1)
            )
            return f"(CASE DAYOFWEEKISO({sql}) {whens} END)"
        return f"TO_CHAR({sql}, {self.string_literal(translate_format(spec, _TO_CHAR_CODES))})"

    def _tf_date(self, t: _Ts) -> str:
        return f"TO_CHAR(TO_DATE({t.sql}), 'YYYY-MM-DD')"

    def _extract(self, part: str, t: _Ts) -> str:
        if part in _EXTRACT:
            return f"{_EXTRACT[part]}({t.sql})"
        return f"EXTRACT({part.upper()} FROM {t.sql})"

    def _dow_monday0(self, t: _Ts) -> str:
        return f"(DAYOFWEEKISO({t.sql}) - 1)"

    def _add(self, unit: str, amount: str, sql: str, tz: str | None) -> str:
        return f"DATEADD({unit}, {amount}, {sql})"

    def _micros_between(self, start: str, end: str) -> str:
        return f"DATEDIFF(microsecond, {start}, {end})"

    # -- date filters ------------------------------------------------------------------------------
    # Real SQL: without a zone conversion ``DATEADD('month', -11, DATE_TRUNC('month',
    # CURRENT_DATE()))``; with one ``CONVERT_TIMEZONE('tz', 'db', CAST(DATEADD('month', -5,
    # DATE_TRUNC('month', DATE_TRUNC('day', CONVERT_TIMEZONE('db', 'tz', CAST(CURRENT_TIMESTAMP()
    # AS TIMESTAMP_NTZ))))) AS TIMESTAMP_NTZ))``. The injected clock is the text of the
    # database zone's wall clock inside the same CAST (and ``TO_DATE('…')`` for CURRENT_DATE()).

    clock_function: ClassVar[str] = "CURRENT_TIMESTAMP()"
    moment_units: ClassVar[frozenset[str]] = frozenset(
        {"second", "minute", "hour", "day", "week", "month", "quarter", "year"}
    )

    def _timestamp_literal(self, value: datetime) -> str:
        return f"CAST('{value:%Y-%m-%d %H:%M:%S}' AS TIMESTAMP_NTZ)"

    def _clock_sql(self, ctx: ClockContext) -> str:
        return self.clock_function if ctx.now is None else f"'{ctx.now_in(ctx.database_timezone):%Y-%m-%d %H:%M:%S}'"

    def _local_clock(self, ctx: ClockContext) -> str:
        clock = self._clock_sql(ctx)
        if ctx.converts:
            return self._convert_tz(clock, ctx.database_timezone, ctx.query_timezone)
        return f"CAST({clock} AS TIMESTAMP_NTZ)"

    def _truncate(self, moment: Trunc, ctx: ClockContext) -> str:
        if moment.unit == "day" and isinstance(moment.of, Clock) and not ctx.converts:
            if ctx.now is None:
                return "CURRENT_DATE()"
            return f"TO_DATE('{ctx.now_in(ctx.database_timezone):%Y-%m-%d}')"
        return super()._truncate(moment, ctx)

    def _shift(self, unit: str, count: int, sql: str, ctx: ClockContext) -> str:
        return f"DATEADD('{unit}', {count}, {sql})"

    def _bound_date(self, sql: str, ctx: ClockContext) -> str:
        return f"TO_DATE({sql})"

    # -- aggregates --------------------------------------------------------------------------------

    def symmetric_sum(self, value_sql: str, key_sql: str) -> str:
        key = f"(TO_NUMBER(MD5({key_sql} ), 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX') % 1.0e27)::NUMERIC(38, 0)"
        value = f"CAST(FLOOR(COALESCE({value_sql} ,0)*(1000000*1.0)) AS DECIMAL(38,0))"
        return (
            f"COALESCE(CAST( ( SUM(DISTINCT ({value}) + {key} ) - SUM(DISTINCT {key}) ) AS DOUBLE PRECISION)"
            f" / CAST((1000000*1.0) AS DOUBLE PRECISION), 0)"
        )

    def median(self, value_sql: str) -> str:
        return f"MEDIAN({value_sql})"

    def percentile(self, value_sql: str, p: float) -> str:
        return f"PERCENTILE_CONT({percentile_fraction(p)}) WITHIN GROUP (ORDER BY {value_sql})"

    def list_agg(self, value_sql: str, *, separator: str = LIST_SEPARATOR) -> str:
        text = f"CAST({value_sql} AS VARCHAR)"
        return f"LISTAGG(DISTINCT {text}, {self.string_literal(separator)}) WITHIN GROUP (ORDER BY {text})"
