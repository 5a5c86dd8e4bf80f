"""MySQL 8, as Looker writes it where known.

Golden forms (verified §4): month ``DATE_FORMAT(x ,'%Y-%m')``; week
``DATE_FORMAT(TIMESTAMP(DATE(DATE_ADD(x, INTERVAL (0 - MOD((DAYOFWEEK(x) - 1) - 1 + 7, 7)) day))),
'%Y-%m-%d')`` (Monday start; the second ``- 1`` is the start day's Sunday-based index). MySQL has
no DATE_TRUNC, so truncation goes through DATE_FORMAT. ``datatype: epoch`` uses
``FROM_UNIXTIME``, which depends on the session time zone (set it to UTC).

Symmetric sum: Looker's MySQL form (issue-16 research, two real outputs): the value scaled by 10^6
and floored into DECIMAL(65,0), plus a key made of the two halves of ``MD5(pk)`` read with
``CONV(…, 16, 10)`` into DECIMAL(65), in one COALESCE. Median and percentile raise: MySQL has
no percentile aggregate.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pytest_looker.compile.clock import ClockContext
from pytest_looker.compile.dialects.base import LIST_SEPARATOR, Dialect, _Ts
from pytest_looker.compile.dialects.postgres import translate_format
from pytest_looker.errors import CompileError

_DATE_FORMAT_CODES: dict[str, str] = {
    "%Y": "%Y",
    "%m": "%m",
    "%d": "%d",
    "%H": "%H",
    "%M": "%i",
    "%S": "%s",
    "%f": "%f",
    "%A": "%W",
    "%B": "%M",
}
_TRUNC_FORMAT = {
    "second": "%Y-%m-%d %H:%i:%s",
    "minute": "%Y-%m-%d %H:%i:00",
    "hour": "%Y-%m-%d %H:00:00",
    "day": "%Y-%m-%d",
    "month": "%Y-%m-01",
}
#: Looker writes the year as ``YEAR(x)`` on MySQL (real output: ``(YEAR(orders.created_at ))``).
_EXTRACT = {"doy": "DAYOFYEAR({})", "isoweek": "WEEK({}, 3)", "year": "YEAR({})"}


class MySQLDialect(Dialect):
    """MySQL 8 (sqlglot ``mysql``)."""

    name: ClassVar[str] = "mysql"
    supports_distinct_percentile: ClassVar[bool] = True
    orders_by_expression: ClassVar[bool] = True
    integer_type: ClassVar[str] = "SIGNED"
    text_type: ClassVar[str] = "CHAR"

    def quote_identifier(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    # -- time --------------------------------------------------------------------------------------

    def _from_epoch(self, sql: str) -> str:
        return f"FROM_UNIXTIME({sql})"

    def _from_date(self, sql: str) -> str:
        return f"TIMESTAMP({sql})"

    def _from_yyyymmdd(self, sql: str) -> str:
        return f"TIMESTAMP(STR_TO_DATE({sql}, '%Y%m%d'))"

    def _convert_tz(self, sql: str, from_tz: str, to_tz: str) -> str:
        return f"CONVERT_TZ({sql}, {self.string_literal(from_tz)}, {self.string_literal(to_tz)})"

    def _fmt(self, sql: str, spec: str, tz: str | None) -> str:
        if "%g" in spec:  # no millisecond code: cut the microseconds to three digits
            full = spec.replace("%g", "%f")
            width = len(dt.datetime(2000, 1, 1).strftime(full)) - 3
            return f"LEFT({self._fmt(sql, full, tz)}, {width})"
        return f"DATE_FORMAT({sql}, {self.string_literal(translate_format(spec, _DATE_FORMAT_CODES))})"

    def _trunc(self, unit: str, t: _Ts) -> str:
        if unit in _TRUNC_FORMAT:
            return f"TIMESTAMP(DATE_FORMAT({t.sql}, {self.string_literal(_TRUNC_FORMAT[unit])}))"
        if unit == "quarter":
            month = self._trunc("month", t)
            return self._add("month", f"0 - MOD(MONTH({t.sql}) - 1, 3)", month, None)
        return f"TIMESTAMP(DATE_FORMAT({t.sql}, '%Y-01-01'))"

    def _extract(self, part: str, t: _Ts) -> str:
        if part in _EXTRACT:
            return _EXTRACT[part].format(t.sql)
        return f"EXTRACT({part.upper()} FROM {t.sql})"

    def _dow_monday0(self, t: _Ts) -> str:
        return f"WEEKDAY({t.sql})"

    def _to_date(self, t: _Ts) -> str:
        return f"DATE({t.sql})"

    def _tf_week(self, t: _Ts, week_start: int) -> str:
        start = (week_start + 1) % 7  # Sunday-based index of the start day
        shifted = f"DATE_ADD({t.sql}, INTERVAL (0 - MOD((DAYOFWEEK({t.sql}) - 1) - {start} + 7, 7)) day)"
        return f"DATE_FORMAT(TIMESTAMP(DATE({shifted})), '%Y-%m-%d')"

    def _add(self, unit: str, amount: str, sql: str, tz: str | None) -> str:
        return f"DATE_ADD({sql}, INTERVAL ({amount}) {unit.upper()})"

    def _micros_between(self, start: str, end: str) -> str:
        return f"TIMESTAMPDIFF(MICROSECOND, {start}, {end})"

    def _intdiv(self, a: str, b: int) -> str:
        return f"(({a}) DIV {b})"

    def _concat(self, a: str, b: str) -> str:
        return f"CONCAT({a}, {b})"

    # -- date filters ------------------------------------------------------------------------------
    # Real SQL: ``CONVERT_TZ(DATE_ADD(DATE(CONVERT_TZ(NOW(),'UTC','America/New_York')),INTERVAL -30
    # day),'America/New_York','UTC')``; years ``DATE_ADD(TIMESTAMP(DATE_FORMAT(DATE(NOW()),
    # '%Y-01-01')),INTERVAL -2 year)``; absolute dates ``TIMESTAMP('2022-01-01')``.

    clock_function: ClassVar[str] = "NOW()"
    moment_units: ClassVar[frozenset[str]] = frozenset(
        {"second", "minute", "hour", "day", "week", "month", "quarter", "year"}
    )

    def _timestamp_literal(self, value: dt.datetime) -> str:
        if value == dt.datetime(value.year, value.month, value.day):
            return f"TIMESTAMP('{value:%Y-%m-%d}')"
        return f"TIMESTAMP('{value:%Y-%m-%d %H:%M:%S}')"

    def _zone_sql(self, sql: str, from_tz: str, to_tz: str) -> str:
        return f"CONVERT_TZ({sql},{self.string_literal(from_tz)},{self.string_literal(to_tz)})"

    def _trunc_sql(self, unit: str, sql: str, ctx: ClockContext) -> str:
        if unit == "day":
            return f"DATE({sql})"
        if unit in ("month", "year"):
            pattern = "%Y-%m-01" if unit == "month" else "%Y-01-01"
            return f"TIMESTAMP(DATE_FORMAT({sql},{self.string_literal(pattern)}))"
        return self._trunc(unit, _Ts(sql, None))

    def _shift(self, unit: str, count: int, sql: str, ctx: ClockContext) -> str:
        return f"DATE_ADD({sql},INTERVAL {count} {unit})"

    def _week_start(self, sql: str, week_start: int, ctx: ClockContext) -> str:
        start = (week_start + 1) % 7  # Sunday-based index of the start day
        return f"DATE_ADD({sql},INTERVAL (0 - MOD((DAYOFWEEK({sql}) - 1) - {start} + 7, 7)) day)"

    # -- aggregates --------------------------------------------------------------------------------

    def _hash_key(self, key_sql: str) -> str:
        md5 = f"MD5({key_sql} )"
        return (
            f"(CAST(CONV(SUBSTR({md5},1,16),16,10) AS DECIMAL(65)) *18446744073709551616 + "
            f"CAST(CONV(SUBSTR({md5}, 17, 16), 16, 10) AS DECIMAL(65)))"
        )

    def symmetric_sum(self, value_sql: str, key_sql: str) -> str:
        # Real MySQL output (newer): COALESCE(( SUM(DISTINCT v + key) - SUM(DISTINCT key) ) /
        # (1000000*1.0), 0); the older one wrapped it as COALESCE(COALESCE((0E0 + …) / (0E0 + …), 0), 0).
        key = self._hash_key(key_sql)
        value = f"CAST(FLOOR(COALESCE({value_sql} ,0)*(1000000*1.0)) AS DECIMAL(65,0))"
        return f"COALESCE( ( SUM(DISTINCT ({value}) + {key} ) - SUM(DISTINCT {key}) )  / (1000000*1.0), 0)"

    def percentile(self, value_sql: str, p: float) -> str:
        raise CompileError("SQL dialect mysql has no percentile or median aggregate")

    def median(self, value_sql: str) -> str:
        return self.percentile(value_sql, 50)

    def list_agg(self, value_sql: str, *, separator: str = LIST_SEPARATOR) -> str:
        sep = self.string_literal(separator)
        return f"GROUP_CONCAT(DISTINCT {value_sql} ORDER BY {value_sql} SEPARATOR {sep})"
