"""The dialect contract: every SQL fragment whose spelling depends on the warehouse.

The planner builds the query; a :class:`Dialect` renders the pieces Looker spells differently per
database: field aliases, literals, timeframes of a ``dimension_group``, durations, symmetric
aggregates, percentiles, ``type: list``, tiers and ``LIMIT``. Every method returns SQL *text* (an
expression, never a statement) so the planner can splice it into its own text.

Design: the base class implements each Looker concept once, in terms of a handful of small
primitives (``_trunc``, ``_fmt``, ``_extract``, ``_add``, ...). A dialect module overrides those
primitives and, where real Looker SQL is known for a timeframe, the timeframe itself, so that our
output matches Looker's (golden tests compare after a sqlglot round trip).

References (``../shared/reference``): *semantics* = ``lookml-semantics.md``, *verified* =
``lookml-semantics-verified.md``. Section numbers are cited beside each rule.

Conventions shared by every dialect:

* A *timeframe* is computed on the **local** timestamp: the raw value converted from the database
  time zone to the query time zone (semantics §1c, ``convert_tz``). ``datatype: date`` and
  ``yyyymmdd`` carry no time of day, so they are never converted (inferred: shifting a midnight
  would move the date).
* ``raw`` is returned unconverted, because Looker compares date filters against the raw column
  with bounds converted back to the database zone (verified §10).
* String timeframes are rendered as Looker's SQL renders them (verified §4): ``time``
  ``'YYYY-MM-DD HH:MM:SS'``, ``minute``/``minuteN`` ``'YYYY-MM-DD HH:MM'``, ``hour``/``hourN``
  ``'YYYY-MM-DD HH'``, ``week`` the week-start date ``'YYYY-MM-DD'``, ``month`` ``'YYYY-MM'``,
  ``quarter`` the first month ``'YYYY-MM'``, ``fiscal_quarter`` the first calendar month of the
  fiscal quarter ``'YYYY-MM'``, ``quarter_of_year`` ``'Q1'``, ``day_of_week`` ``'Monday'``,
  ``month_name`` ``'January'``, ``time_of_day`` ``'HH:MM'``, ``millisecond``/``microsecond``
  ``'YYYY-MM-DD HH:MM:SS.fff[fff]'``. ``date`` is a DATE; ``year``, ``fiscal_year`` and all
  ``*_num``/``*_index``/``day_of_*``/``hour_of_day``/``week_of_year`` values are integers.
* ``fiscal_month_offset`` n: fiscal year Y starts at calendar month (January of Y) + n months
  (docs, param-model-fiscal-month-offset: ``-3`` makes FY2018 start in October 2017). So every
  fiscal part is the calendar part of the timestamp shifted back by n months.
* ``week_of_year`` is the ISO-8601 week number (inferred; not confirmed from Looker SQL).
* ``day_of_week_index`` is 0 for the week-start day (Monday by default) through 6 (verified §4).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import zoneinfo
from collections.abc import Callable, Sequence
from typing import ClassVar

from sqlglot import exp

from pytest_looker.compile.clock import ClockContext
from pytest_looker.compile.dialects.moments import SHIFT_MULTIPLES, MomentSql
from pytest_looker.errors import CompileError

#: Every timeframe name a ``dimension_group: { type: time }`` may list, except the ``hourN``,
#: ``minuteN`` and ``millisecondN`` families (see :data:`HOUR_STEPS` / :data:`MINUTE_STEPS` /
#: :data:`MILLISECOND_STEPS`).
TIMEFRAMES: tuple[str, ...] = (
    "raw",
    "time",
    "time_of_day",
    "date",
    "week",
    "month",
    "quarter",
    "year",
    "day_of_week",
    "day_of_week_index",
    "day_of_month",
    "day_of_year",
    "hour",
    "hour_of_day",
    "minute",
    "second",
    "millisecond",
    "microsecond",
    "week_of_year",
    "month_name",
    "month_num",
    "quarter_of_year",
    "fiscal_month_num",
    "fiscal_quarter",
    "fiscal_quarter_of_year",
    "fiscal_year",
)
#: ``hourN`` is allowed for the N that divide a day evenly (Looker's list: hour2 … hour12).
HOUR_STEPS: tuple[int, ...] = (2, 3, 4, 6, 8, 12)
#: ``minuteN`` is allowed for the N that divide an hour evenly (minute2 … minute30).
MINUTE_STEPS: tuple[int, ...] = (2, 3, 4, 5, 6, 10, 12, 15, 20, 30)
#: ``millisecondN`` is allowed for the N that divide a second evenly (docs, dimension_group
#: timeframes: millisecond2 … millisecond500; public blocks use ``millisecond100``).
MILLISECOND_STEPS: tuple[int, ...] = (2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250, 500)
#: ``datatype`` values of a dimension group (semantics §1c).
DATATYPES: tuple[str, ...] = ("timestamp", "datetime", "epoch", "date", "yyyymmdd")
#: ``intervals`` of a ``type: duration`` dimension group.
DURATION_INTERVALS: tuple[str, ...] = ("second", "minute", "hour", "day", "week", "month", "quarter", "year")
#: ``style`` values of a ``type: tier`` dimension (verified §3).
TIER_STYLES: tuple[str, ...] = ("classic", "interval", "integer", "relational")
#: Week days in Monday-first order; the index is the ``week_start_day`` offset.
WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Looker's separator between the values of a ``type: list`` measure (real SQL: ``'|RECORD|'``);
#: Looker splits on it after the query runs.
LIST_SEPARATOR = "|RECORD|"

_MICROS = {"second": 1_000_000, "minute": 60_000_000, "hour": 3_600_000_000}
_MICROS["day"] = 24 * _MICROS["hour"]
_MICROS["week"] = 7 * _MICROS["day"]
_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_STEP_RE = re.compile(r"^(hour|minute|millisecond)(\d+)$")
#: Timeframes that stand for a period of time → the unit that truncates to the period's start
#: (``raw`` is not truncated), for :meth:`Dialect.typed_timeframe`.
_PERIOD_UNITS = {
    "raw": "raw",
    "time": "second",
    "second": "second",
    "minute": "minute",
    "hour": "hour",
    "date": "day",
    "week": "week",
    "month": "month",
    "quarter": "quarter",
    "year": "year",
}


@functools.lru_cache(maxsize=4096)
def _string_literal(dialect: str, value: str) -> str:
    """A string literal as sqlglot writes it in ``dialect``, remembered per value.

    sqlglot builds a generator for each ``sql()`` call; tier labels, timeframe formats and filter
    values repeat the same few literals in every query, and generating them again was a quarter
    of a query's compile time on projects with tiers.
    """
    return str(exp.Literal.string(value).sql(dialect=dialect))


@functools.lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def check_timezone(name: str) -> str:
    """Return ``name`` if it is an IANA time zone, else raise :class:`CompileError`.

    Checked here because a misspelt zone would otherwise fail only when the warehouse runs it.
    """
    if name not in _known_zones():
        raise CompileError(f"unknown time zone {name!r} (use an IANA name such as 'America/New_York')")
    return name


def percentile_fraction(p: float) -> str:
    """Looker's ``percentile: 90`` as the SQL fraction ``0.9``; CompileError outside 0..100."""
    value = float(p)
    if not 0 <= value <= 100:
        raise CompileError(f"percentile must be between 0 and 100, got {p!r}")
    return repr(value / 100)


class Dialect(MomentSql):
    """SQL fragments for one warehouse. Stateless: one shared instance per dialect.

    Subclasses set :attr:`name` (the sqlglot dialect name) and override the primitives below.
    """

    #: The sqlglot dialect name, also the name :func:`get_dialect` accepts.
    name: ClassVar[str] = ""
    #: The integer type for ``CAST(... AS <type>)``.
    integer_type: ClassVar[str] = "BIGINT"
    #: The text type for ``CAST(... AS <type>)``.
    text_type: ClassVar[str] = "VARCHAR"
    #: Looker truncates before ``TO_CHAR`` on Postgres/Redshift (``TO_CHAR(DATE_TRUNC('month', x),
    #: 'YYYY-MM')``, verified §4); BigQuery/MySQL format the timestamp directly.
    truncate_before_format: ClassVar[bool] = False
    #: Whether Looker has ``median_distinct`` / ``percentile_distinct`` on this dialect (Looker's
    #: measure-type reference, "Supported database dialects for percentile_distinct": BigQuery,
    #: PostgreSQL, MySQL yes; Snowflake, Redshift no). Where it has not, a median or percentile
    #: of a fanned-out view is dropped from the query with a warning (:mod:`..planner`).
    supports_distinct_percentile: ClassVar[bool] = False
    #: Whether :meth:`symmetric_percentile` transpiles to DuckDB as it is: then an offline run uses
    #: it (the warehouse's own rule) instead of DuckDB's interpolating quantile.
    portable_percentile: ClassVar[bool] = False
    #: Whether ``LIKE`` takes an ``ESCAPE '\\'`` clause (filters escape ``%`` and ``_`` with it).
    like_escape_clause: ClassVar[bool] = True
    #: Whether ORDER BY repeats the selected expression instead of its ordinal (Looker on MySQL:
    #: ``ORDER BY COUNT(*) DESC``).
    orders_by_expression: ClassVar[bool] = False

    def __repr__(self) -> str:
        return f"<Dialect {self.name}>"

    # -- names and literals ------------------------------------------------------------------------

    def alias(self, full_name: str) -> str:
        """The column alias of a selected field: ``"orders.count"`` (semantics §0 rule 2).

        BigQuery overrides this with ``orders_count``; the planner maps columns back itself.
        """
        return self.quote_identifier(full_name)

    def quote_identifier(self, name: str) -> str:
        """``name`` as a quoted identifier, embedded quotes doubled."""
        return '"' + name.replace('"', '""') + '"'

    def string_literal(self, value: str) -> str:
        """``value`` as a SQL string literal, escaped the way this dialect needs (via sqlglot)."""
        return _string_literal(self.name, value)

    def limit(self, n: int) -> str:
        """The row-limit clause; ``n`` must be a non-negative integer (``-1`` = no limit is the
        planner's business: it simply omits the clause, verified §8)."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise CompileError(f"row limit must be a non-negative integer, got {n!r}")
        return f"LIMIT {n}"

    def group_by_expression(self, select_sql: str) -> str | None:
        """What GROUP BY names for a selected timeframe instead of its ordinal (``None``: the
        ordinal). Postgres and Snowflake group a ``TO_CHAR(x, fmt)`` timeframe by ``x``."""
        return None

    # -- time: raw values and time zones -----------------------------------------------------------

    def raw_timestamp(self, sql: str, *, datatype: str | None) -> str:
        """The dimension group's ``sql`` as a timestamp, according to its ``datatype``.

        ``epoch`` = seconds since 1970-01-01 UTC; ``yyyymmdd`` = an integer or string like
        ``20240229``; ``date`` is cast to a midnight timestamp; ``timestamp``/``datetime`` (and no
        datatype) are used as they are (BigQuery converts DATETIME to TIMESTAMP).
        """
        kind = (datatype or "timestamp").lower()
        if kind == "timestamp":
            return sql
        if kind == "datetime":
            return self._from_datetime(sql)
        if kind == "epoch":
            return self._from_epoch(sql)
        if kind == "date":
            return self._from_date(sql)
        if kind == "yyyymmdd":
            return self._from_yyyymmdd(sql)
        raise CompileError(f"unknown datatype {datatype!r}; expected one of {', '.join(DATATYPES)}")

    def shift_timestamp(self, sql: str, unit: str, count: int) -> str:
        r"""The timestamp ``sql`` moved by ``count`` ``unit``\ s (day, week, month, quarter, year),
        with the dialect's calendar arithmetic (the end of a longer month maps to the end of a
        shorter one)."""
        if unit not in self.moment_units and unit in SHIFT_MULTIPLES:
            unit, factor = SHIFT_MULTIPLES[unit]
            count *= factor
        return self._shift(unit, count, sql, ClockContext())

    def date_of(self, sql: str) -> str:
        """The date of the timestamp ``sql``."""
        return self._to_date(_Ts(sql, None))

    def convert_timezone(self, sql: str, *, from_tz: str, to_tz: str) -> str:
        """A timestamp in ``from_tz`` (the connection's database zone) as wall-clock time in
        ``to_tz`` (the query zone). Returns ``sql`` unchanged when the zones are equal."""
        check_timezone(from_tz)
        check_timezone(to_tz)
        if from_tz == to_tz:
            return sql
        return self._convert_tz(sql, from_tz, to_tz)

    # -- time: timeframes --------------------------------------------------------------------------

    def timeframe(
        self,
        timeframe: str,
        sql: str,
        *,
        datatype: str | None = None,
        convert_tz: bool = True,
        query_timezone: str = "UTC",
        database_timezone: str = "UTC",
        week_start_day: str = "monday",
        fiscal_month_offset: int = 0,
    ) -> str:
        """The SQL of ``<group>_<timeframe>`` for a ``dimension_group: { type: time }``.

        See the module docstring for the value each timeframe produces. Unknown timeframe,
        datatype, week day or time zone → :class:`CompileError` naming it.
        """
        tf = timeframe.strip().lower()
        step = _parse_step(tf)
        if tf not in TIMEFRAMES and step is None:
            raise CompileError(f"unknown timeframe {timeframe!r}")
        week_start = _week_start_index(week_start_day)
        kind = (datatype or "timestamp").lower()
        if tf == "raw" and kind == "date":
            # Looker compares a date group's filters with the date column itself (real Postgres:
            # ``( x ) >= (DATE_TRUNC('day', DATE '2023-01-01'))``), not a timestamp made of it.
            return sql
        raw = self.raw_timestamp(sql, datatype=kind)
        if tf == "raw":
            return raw
        check_timezone(query_timezone)
        check_timezone(database_timezone)
        tz: str | None = None
        if convert_tz and kind not in ("date", "yyyymmdd") and query_timezone != database_timezone:
            tz = query_timezone
            raw = self._local(raw, database_timezone, query_timezone)
        t = _Ts(raw, tz)
        if step is not None:
            unit, n = step
            return self._tf_step(unit, n, t)
        return self._render(tf, t, week_start, int(fiscal_month_offset))

    def typed_timeframe(
        self,
        timeframe: str,
        sql: str,
        as_type: str,
        *,
        datatype: str | None = None,
        convert_tz: bool = True,
        query_timezone: str = "UTC",
        database_timezone: str = "UTC",
        week_start_day: str = "monday",
    ) -> str | None:
        """``${group_<timeframe>::date}`` / ``::datetime``: the start of the timeframe's period as a
        DATE (``as_type="date"``) or a timestamp, instead of the text the timeframe selects.

        Looker renders many timeframes as text (``month`` is ``'YYYY-MM'``, Snowflake's ``date``
        is ``TO_CHAR``), which cannot be compared with or subtracted from dates; the suffix asks
        for the typed value (inferred from how public LookML uses it, e.g. ``sql_start:
        ${ending_month::date}`` in a duration). ``None`` for timeframes that are not a period of
        time (``day_of_week``, ``month_num``, ``fiscal_*``, ``millisecond``...): their value is
        used as it is. The timestamp of a ``week`` on BigQuery is its UTC midnight.
        """
        tf = timeframe.strip().lower()
        step = _parse_step(tf)
        unit = step[0] if step is not None else _PERIOD_UNITS.get(tf)
        if unit is None or unit == "millisecond":
            return None
        kind = (datatype or "timestamp").lower()
        raw = self.raw_timestamp(sql, datatype=kind)
        tz: str | None = None
        if tf != "raw" and convert_tz and kind not in ("date", "yyyymmdd") and query_timezone != database_timezone:
            check_timezone(query_timezone)
            check_timezone(database_timezone)
            tz = query_timezone
            raw = self._local(raw, database_timezone, query_timezone)
        t = _Ts(raw, tz)
        if tf == "week":
            day = f"CAST({self._tf_week(t, _week_start_index(week_start_day))} AS DATE)"
            return day if as_type == "date" else self._from_date(day)
        if step is not None:
            n = step[1]
            start = self._add(unit, f"-{self._mod(self._extract(unit, t), n)}", self._trunc(unit, t), t.tz)
        else:
            start = t.sql if unit == "raw" else self._trunc(unit, t)
        return self._to_date(_Ts(start, t.tz)) if as_type == "date" else start

    def _local(self, sql: str, from_tz: str, to_tz: str) -> str:
        """Hook: the value the primitives receive when a zone conversion applies. BigQuery keeps
        the instant and passes the zone to each function instead (Looker's BigQuery output)."""
        return self._convert_tz(sql, from_tz, to_tz)

    def _render(self, tf: str, t: _Ts, week_start: int, offset: int) -> str:
        if tf in ("time", "second"):
            return self._fmt(self._maybe_trunc("second", t), "%Y-%m-%d %H:%M:%S", t.tz)
        if tf == "time_of_day":
            return self._fmt(t.sql, "%H:%M", t.tz)
        if tf == "date":
            return self._tf_date(t)
        if tf == "week":
            return self._tf_week(t, week_start)
        if tf == "month":
            return self._fmt(self._maybe_trunc("month", t), "%Y-%m", t.tz)
        if tf == "quarter":
            return self._tf_quarter(t)
        if tf == "year":
            return self._extract("year", t)
        if tf == "day_of_week":
            return self._fmt(t.sql, "%A", t.tz)
        if tf == "day_of_week_index":
            return self._mod(f"{self._dow_monday0(t)} + {7 - week_start}", 7)
        if tf == "day_of_month":
            return self._extract("day", t)
        if tf == "day_of_year":
            return self._extract("doy", t)
        if tf == "hour":
            return self._fmt(self._maybe_trunc("hour", t), "%Y-%m-%d %H", t.tz)
        if tf == "hour_of_day":
            return self._extract("hour", t)
        if tf == "minute":
            return self._fmt(self._maybe_trunc("minute", t), "%Y-%m-%d %H:%M", t.tz)
        if tf == "millisecond":
            return self._fmt(t.sql, "%Y-%m-%d %H:%M:%S.%g", t.tz)
        if tf == "microsecond":
            return self._fmt(t.sql, "%Y-%m-%d %H:%M:%S.%f", t.tz)
        if tf == "week_of_year":
            return self._extract("isoweek", t)
        if tf == "month_name":
            return self._fmt(t.sql, "%B", t.tz)
        if tf == "month_num":
            return self._extract("month", t)
        if tf == "quarter_of_year":
            return self._concat(self.string_literal("Q"), self._cast_text(self._extract("quarter", t)))
        return self._tf_fiscal(tf, t, offset)

    # Fiscal parts: with i = 12 * year + (month - 1) - offset (the fiscal month index, positive
    # for any real date), fiscal_year = i DIV 12 and fiscal_month_num = i MOD 12 + 1.
    def _fiscal_index(self, t: _Ts, offset: int) -> str:
        year = self._extract("year", t)
        month = self._extract("month", t)
        return f"({year} * 12 + {month} - {1 + offset})"

    def _tf_fiscal(self, tf: str, t: _Ts, offset: int) -> str:
        index = self._fiscal_index(t, offset)
        if tf == "fiscal_year":
            return self._intdiv(index, 12)
        fiscal_month = f"({self._mod(index, 12)} + 1)"
        if tf == "fiscal_month_num":
            return fiscal_month
        if tf == "fiscal_quarter_of_year":
            quarter = f"({self._intdiv(self._mod(index, 12), 3)} + 1)"
            return self._concat(self.string_literal("Q"), self._cast_text(quarter))
        # fiscal_quarter: the first month of the fiscal quarter, i.e. this month minus
        # (fiscal month - 1) MOD 3 months, as 'YYYY-MM'.
        back = self._mod(self._mod(index, 12), 3)
        first = self._add("month", f"-{back}", self._trunc("month", t), t.tz)
        return self._fmt(first, "%Y-%m", t.tz)

    def _maybe_trunc(self, unit: str, t: _Ts) -> str:
        return self._trunc(unit, t) if self.truncate_before_format else t.sql

    def _tf_date(self, t: _Ts) -> str:
        return self._to_date(t)

    def _tf_week(self, t: _Ts, week_start: int) -> str:
        back = self._mod(f"{self._dow_monday0(t)} + {7 - week_start}", 7)
        start = self._add("day", f"-{back}", self._trunc("day", t), t.tz)
        return self._fmt(start, "%Y-%m-%d", t.tz)

    def _tf_quarter(self, t: _Ts) -> str:
        quarter = _Ts(self._trunc("quarter", t), t.tz)
        return self._fmt(self._maybe_trunc("month", quarter), "%Y-%m", t.tz)

    def _tf_step(self, unit: str, n: int, t: _Ts) -> str:
        """``hourN`` / ``minuteN`` / ``millisecondN``: the start of the N-hour (N-minute,
        N-millisecond) slot, formatted like ``hour`` / ``minute`` / ``millisecond`` (inferred:
        Looker's docs give the slot start)."""
        if unit == "millisecond":
            # No dialect truncates to N ms: the milliseconds within the second, exact from the
            # microsecond difference, rounded down to the slot and zero-padded after the second.
            ms = self._intdiv(self._micros_between(self._trunc("second", t), t.sql), 1000)
            slot = self._cast_text(f"({ms} - {self._mod(ms, n)})")
            return self._concat(self._fmt(t.sql, "%Y-%m-%d %H:%M:%S.", t.tz), f"LPAD({slot}, 3, '0')")
        part = self._extract(unit, t)
        start = self._add(unit, f"-{self._mod(part, n)}", self._trunc(unit, t), t.tz)
        return self._fmt(start, "%Y-%m-%d %H" if unit == "hour" else "%Y-%m-%d %H:%M", t.tz)

    # -- time: durations ---------------------------------------------------------------------------

    def duration(self, interval: str, start_sql: str, end_sql: str, *, datatype: str | None = None) -> str:
        """Whole ``interval``s elapsed from ``start`` to ``end`` (``type: duration``).

        Looker's docs: duration values are *rounded down* to an integer. We define it as the
        largest integer n with ``start + n intervals <= end`` — for second/minute/hour/day/week the
        floor of the exact elapsed time divided by the interval length (DST-agnostic: days are 24
        hours), for month/quarter/year on the calendar (``start + n months``, with the end of
        month clamped as every warehouse's month arithmetic does; quarter = FLOOR(months / 3),
        year = FLOOR(months / 12)). Negative when ``end`` precedes ``start``; NULL if either is.
        """
        unit = interval.strip().lower()
        start = self.raw_timestamp(start_sql, datatype=datatype)
        end = self.raw_timestamp(end_sql, datatype=datatype)
        if unit in _MICROS:
            return self._floor_int(f"{self._micros_between(start, end)} / {_MICROS[unit]}.0")
        if unit in _MONTHS:
            months = self._months_between(start, end)
            if unit == "month":
                return months
            return self._floor_int(f"{months} / {_MONTHS[unit]}.0")
        raise CompileError(f"unknown duration interval {interval!r}; expected one of {', '.join(DURATION_INTERVALS)}")

    def _months_between(self, start: str, end: str) -> str:
        s, e = _Ts(start, None), _Ts(end, None)
        calendar = (
            f"(({self._extract('year', e)} - {self._extract('year', s)}) * 12"
            f" + {self._extract('month', e)} - {self._extract('month', s)})"
        )
        overshoot = self._add("month", calendar, start, None)
        return f"({calendar} - CASE WHEN {overshoot} > {end} THEN 1 ELSE 0 END)"

    def _floor_int(self, sql: str) -> str:
        return f"CAST(FLOOR({sql}) AS {self.integer_type})"

    # -- aggregates --------------------------------------------------------------------------------

    def count(self) -> str:
        """``COUNT(*)``: the count of the base view when it is not fanned out (verified §5)."""
        return "COUNT(*)"

    def count_of(self, sql: str) -> str:
        """``COUNT(x)``: a joined, non-fanned view's count is ``COUNT(pk)``, a filtered one
        ``COUNT(CASE WHEN cond THEN 1 ELSE NULL END)`` (verified §5); the planner builds ``x``."""
        return f"COUNT({sql})"

    def count_distinct(self, sql: str) -> str:
        """``COUNT(DISTINCT x)`` (``type: count_distinct``; fan-out safe as it is)."""
        return f"COUNT(DISTINCT {sql})"

    def sum(self, value_sql: str) -> str:
        """``COALESCE(SUM(x), 0)``: Looker's non-fanned sum is 0, not NULL, when empty (semantics §1b)."""
        return f"COALESCE(SUM({value_sql}), 0)"

    def average(self, value_sql: str) -> str:
        """``AVG(x)`` (NULL when there is nothing to average)."""
        return f"AVG({value_sql})"

    def symmetric_sum(self, value_sql: str, key_sql: str) -> str:
        """SUM of ``value`` counting each distinct ``key`` once (semantics §1b). Rows with a NULL
        key are ignored, NULL values count as 0, and an empty sum is 0 (Looker's COALESCE)."""
        raise NotImplementedError

    def symmetric_average(self, value_sql: str, key_sql: str) -> str:
        """AVG of ``value`` over the distinct keys with a non-NULL value; NULL when there are none.

        Looker: the symmetric sum divided by
        ``NULLIF(COUNT(DISTINCT CASE WHEN x IS NOT NULL THEN pk ELSE NULL END), 0)`` (semantics §1b).
        """
        count = self.count_distinct(f"CASE WHEN {value_sql} IS NOT NULL THEN {key_sql} ELSE NULL END")
        return f"({self.symmetric_sum(value_sql, key_sql)} / NULLIF({count}, 0))"

    def symmetric_count(self, key_sql: str) -> str:
        """``COUNT(DISTINCT pk)``: a fanned view's ``type: count`` (verified §5)."""
        return self.count_distinct(key_sql)

    def median(self, value_sql: str) -> str:
        """The median of ``value`` (``type: median``)."""
        return self.percentile(value_sql, 50)

    def percentile(self, value_sql: str, p: float) -> str:
        """The ``p``-th percentile (``percentile: 90`` → p = 90, 0 ≤ p ≤ 100), continuous
        (interpolated) where the warehouse offers it."""
        raise NotImplementedError

    def symmetric_median(self, value_sql: str, key_sql: str) -> str:
        """``median_distinct``: the median over distinct keys (semantics §1b)."""
        return self.symmetric_percentile(value_sql, key_sql, 50)

    def symmetric_percentile(self, value_sql: str, key_sql: str, p: float) -> str:
        """``percentile_distinct``: the percentile over distinct keys.

        Reached only where Looker has it (:attr:`supports_distinct_percentile`); a dialect
        that does not override this has no formula of ours, which is our limit, not the user's.
        """
        raise CompileError(
            f"translation limit: Looker computes percentile_distinct (a median or percentile over a "
            f"fanned-out join) on {self.name}, but pytest-looker has no {self.name} SQL for it; "
            "the query runs on DuckDB, which computes it"
        )

    def list_agg(self, value_sql: str, *, separator: str = LIST_SEPARATOR) -> str:
        """``type: list``: the distinct values joined by ``separator`` (Looker joins with
        ``'|RECORD|'`` and splits afterwards; pass ``', '`` for display text). NULLs are skipped."""
        raise NotImplementedError

    # -- tiers -------------------------------------------------------------------------------------

    def tier(self, sql: str, tiers: Sequence[float], style: str = "classic") -> tuple[str, str]:
        """``(label CASE, sort CASE)`` for a ``type: tier`` dimension, exactly per verified §3.

        The sort CASE is Looker's companion ``<field>__sort_`` column (zero-padded codes '00' below
        the first cut, i for tier i, n for the last open tier, n+1 for NULL). Looker emits no sort
        column for ``classic`` (its labels sort lexically); we return one anyway so the planner
        may use it uniformly — the order is the same.
        """
        kind = (style or "classic").strip().lower()
        if kind not in TIER_STYLES:
            raise CompileError(f"unknown tier style {style!r}; expected one of {', '.join(TIER_STYLES)}")
        cuts = [float(t) for t in tiers]
        if not cuts:
            raise CompileError("a tier dimension needs at least one value in tiers")
        if any(not math.isfinite(c) for c in cuts) or any(b <= a for a, b in itertools.pairwise(cuts)):
            raise CompileError(f"tiers must be finite and strictly increasing, got {list(tiers)!r}")
        if kind == "integer" and any(not c.is_integer() for c in cuts):
            raise CompileError(f"style: integer needs whole-number tiers, got {list(tiers)!r}")
        num = _integer_text if kind == "integer" else _float_text
        n = len(cuts)
        width = max(2, len(str(n + 1)))
        lit = self.string_literal
        labels: list[tuple[str, str]] = []  # (condition, label)
        first = num(cuts[0])
        labels.append((f"{sql} < {first}", _tier_below(kind, first)))
        for i in range(1, n):
            lo, hi = cuts[i - 1], cuts[i]
            if kind == "integer" and hi == lo + 1:
                labels.append((f"{sql} = {num(lo)}", num(lo)))
                continue
            cond = f"{sql} >= {num(lo)} AND {sql} < {num(hi)}"
            labels.append((cond, _tier_between(kind, i, width, lo, hi, num)))
        last = num(cuts[-1])
        labels.append((f"{sql} >= {last}", _tier_above(kind, n, width, last)))
        undefined = "TXX Undefined" if kind == "classic" else "Undefined"
        label_case = " ".join(f"WHEN {c} THEN {lit(lab)}" for c, lab in labels)
        sort_case = " ".join(f"WHEN {c} THEN {lit(str(i).zfill(width))}" for i, (c, _) in enumerate(labels))
        return (
            f"CASE {label_case} ELSE {lit(undefined)} END",
            f"CASE {sort_case} ELSE {lit(str(n + 1).zfill(width))} END",
        )

    # -- primitives a dialect overrides ------------------------------------------------------------
    # ``t`` is the (converted) timestamp; ``t.tz`` is set only for dialects that keep the instant
    # and pass the zone to each function (BigQuery).

    def _from_datetime(self, sql: str) -> str:
        return sql

    def _from_epoch(self, sql: str) -> str:
        raise NotImplementedError

    def _from_date(self, sql: str) -> str:
        return f"CAST({sql} AS TIMESTAMP)"

    def _from_yyyymmdd(self, sql: str) -> str:
        raise NotImplementedError

    def _convert_tz(self, sql: str, from_tz: str, to_tz: str) -> str:
        raise NotImplementedError

    def _trunc(self, unit: str, t: _Ts) -> str:
        """Truncate to ``unit`` in second/minute/hour/day/month/quarter/year (a timestamp)."""
        return f"DATE_TRUNC('{unit}', {t.sql})"

    def _fmt(self, sql: str, spec: str, tz: str | None) -> str:
        """Format a timestamp; ``spec`` uses strftime codes %Y %m %d %H %M %S %A %B, %g
        (milliseconds) and %f (microseconds)."""
        raise NotImplementedError

    def _extract(self, part: str, t: _Ts) -> str:
        """An integer part: year, quarter, month, day, doy, hour, minute, isoweek."""
        return f"EXTRACT({part.upper()} FROM {t.sql})"

    def _dow_monday0(self, t: _Ts) -> str:
        """Day of week, 0 = Monday … 6 = Sunday."""
        raise NotImplementedError

    def _to_date(self, t: _Ts) -> str:
        return f"CAST({t.sql} AS DATE)"

    def _add(self, unit: str, amount: str, sql: str, tz: str | None) -> str:
        """``sql`` plus ``amount`` (an integer SQL expression) ``unit``s: day, hour, minute, month."""
        raise NotImplementedError

    def _micros_between(self, start: str, end: str) -> str:
        """Exact microseconds from ``start`` to ``end`` (an integer)."""
        raise NotImplementedError

    def _mod(self, a: str, b: int) -> str:
        """``a MOD b`` for a non-negative ``a``."""
        return f"MOD({a}, {b})"

    def _intdiv(self, a: str, b: int) -> str:
        """Integer division of a non-negative ``a`` by ``b``."""
        return self._floor_int(f"{a} / {b}.0")

    def _cast_text(self, sql: str) -> str:
        return f"CAST({sql} AS {self.text_type})"

    def _concat(self, a: str, b: str) -> str:
        return f"({a} || {b})"

    # -- date filters: the primitives of :class:`MomentSql` ------------------------------------------

    def _zone_sql(self, sql: str, from_tz: str, to_tz: str) -> str:
        return self._convert_tz(sql, from_tz, to_tz)

    def _trunc_sql(self, unit: str, sql: str, ctx: ClockContext) -> str:
        return self._trunc(unit, _Ts(sql, None))

    def _shift(self, unit: str, count: int, sql: str, ctx: ClockContext) -> str:
        return self._add(unit, str(count), sql, None)

    def _week_start(self, sql: str, week_start: int, ctx: ClockContext) -> str:
        back = self._mod(f"{self._dow_monday0(_Ts(sql, None))} + {7 - week_start}", 7)
        return self._add("day", f"-{back}", sql, None)

    def _bound_date(self, sql: str, ctx: ClockContext) -> str:
        return self._to_date(_Ts(sql, None))


class _Ts:
    """A timestamp expression plus the zone to render it in (BigQuery only; else None)."""

    __slots__ = ("sql", "tz")

    def __init__(self, sql: str, tz: str | None) -> None:
        self.sql = sql
        self.tz = tz


def _parse_step(tf: str) -> tuple[str, int] | None:
    """``hour6`` → ('hour', 6); None if ``tf`` is not an ``hourN``/``minuteN``/``millisecondN``
    name. An N that does not divide the day/hour/second raises, naming the timeframe."""
    match = _STEP_RE.match(tf)
    if match is None:
        return None
    unit, n = match.group(1), int(match.group(2))
    allowed = {"hour": HOUR_STEPS, "minute": MINUTE_STEPS}.get(unit, MILLISECOND_STEPS)
    if n not in allowed:
        raise CompileError(f"unknown timeframe {tf!r}: {unit}N needs N in {', '.join(str(a) for a in allowed)}")
    return unit, n


def _week_start_index(day: str) -> int:
    key = (day or "monday").strip().lower()
    if key not in WEEKDAYS:
        raise CompileError(f"unknown week_start_day {day!r}; expected one of {', '.join(WEEKDAYS)}")
    return WEEKDAYS.index(key)


def _float_text(value: float) -> str:
    """Cut-points print as floats (``0.0``, ``10.0``) for classic/interval/relational (verified §3)."""
    return repr(float(value))


def _integer_text(value: float) -> str:
    return str(int(value))


def _tier_below(kind: str, first: str) -> str:
    if kind == "classic":
        return f"T00 (-inf,{first})"
    if kind == "interval":
        return f"(-inf,{first})"
    if kind == "integer":
        return f"Below {first}"
    return f"< {first}"


def _tier_between(kind: str, i: int, width: int, lo: float, hi: float, num: Callable[[float], str]) -> str:
    if kind == "classic":
        return f"T{str(i).zfill(width)} [{num(lo)},{num(hi)})"
    if kind == "interval":
        return f"[{num(lo)},{num(hi)})"
    if kind == "integer":
        return f"{num(lo)} to {num(hi - 1)}"
    return f">= {num(lo)} and < {num(hi)}"


def _tier_above(kind: str, n: int, width: int, last: str) -> str:
    if kind == "classic":
        return f"T{str(n).zfill(width)} [{last},inf)"
    if kind == "interval":
        return f"[{last},inf)"
    if kind == "integer":
        return f"{last} or Above"
    return f">= {last}"
