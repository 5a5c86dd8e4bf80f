"""Date-filter bounds over the warehouse clock, as each dialect spells them.

A :data:`~pytest_looker.compile.clock.Moment` (the clock, truncated and shifted) is rendered in
Looker's steps (``lookml-semantics-verified.md`` §10 and the issue-16 golden cases):

1. the clock, read in the query time zone (``CONVERT_TZ(NOW(),'UTC','tz')``,
   ``CONVERT_TIMEZONE('UTC', 'tz', GETDATE())``, ``CURRENT_TIMESTAMP AT TIME ZONE 'tz'``);
2. truncated to the day, then to the unit; 3. shifted by whole units (the end of a range is its
   start shifted by the range's length);
4. converted back to the database zone when the field converts time zones.

:class:`MomentSql` renders those steps from a few primitives; each dialect overrides the ones it
spells differently (BigQuery keeps instants and passes the zone to ``TIMESTAMP_TRUNC``). The
injected clock replaces only the clock: ``CURRENT_TIMESTAMP()`` becomes a timestamp literal of
the same type, so the rest of the expression is Looker's.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pytest_looker.compile.clock import Clock, ClockContext, Fixed, Moment, Shift, Trunc

#: Shift units a dialect writes as multiples of another (when it has no such interval).
SHIFT_MULTIPLES = {"week": ("day", 7), "quarter": ("month", 3), "year": ("month", 12)}


class MomentSql:
    """The date-filter half of a :class:`~pytest_looker.compile.dialects.Dialect`.

    The primitives (``_clock_sql`` … ``_bound_date``) are implemented by the dialect classes;
    :meth:`moment_sql` is the only entry point.
    """

    #: Shift units the dialect writes as they are (others become days or months).
    moment_units: ClassVar[frozenset[str]] = frozenset({"second", "minute", "hour", "day", "month"})
    #: Whether ``this month`` is written as a zero shift of the month start (Redshift:
    #: ``DATEADD(month,0, DATE_TRUNC('month', …))``) or as the bare month start.
    writes_zero_shift: ClassVar[bool] = False

    def moment_sql(self, moment: Moment, ctx: ClockContext) -> str:
        """One bound of a date filter as SQL, ready to compare with the raw column."""
        sql = self._moment(moment, ctx)
        if ctx.column_is_date:
            return self._bound_date(sql, ctx)
        if ctx.converts_back:
            sql = self._to_database_zone(sql, ctx)
        return self._bound(sql, moment)

    # -- the steps ---------------------------------------------------------------------------------

    def _moment(self, moment: Moment, ctx: ClockContext) -> str:
        if isinstance(moment, Clock):
            return self._local_clock(ctx)
        if isinstance(moment, Fixed):
            return self._fixed(moment.value, ctx)
        if isinstance(moment, Shift):
            inner = self._moment(moment.of, ctx)
            if moment.count == 0 and not self.writes_zero_shift:
                return inner
            unit, count = moment.unit, moment.count
            if unit not in self.moment_units and unit in SHIFT_MULTIPLES:
                unit, factor = SHIFT_MULTIPLES[unit]
                count *= factor
            return self._shift(unit, count, inner, ctx)
        return self._truncate(moment, ctx)

    def _truncate(self, moment: Trunc, ctx: ClockContext) -> str:
        inner = self._moment(moment.of, ctx)
        unit = moment.unit
        if unit == "week":
            start = ctx.week_start if moment.week_start is None else moment.week_start
            return self._week_start(inner, start, ctx)
        if unit.startswith("fiscal_"):
            calendar_unit = unit.removeprefix("fiscal_")
            offset = ctx.fiscal_month_offset
            if not offset:
                return self._trunc_sql(calendar_unit, inner, ctx)
            # The fiscal period containing x starts `offset` months after the calendar period
            # containing x - offset months.
            back = self._shift("month", -offset, inner, ctx)
            return self._shift("month", offset, self._trunc_sql(calendar_unit, back, ctx), ctx)
        return self._trunc_sql(unit, inner, ctx)

    def _local_clock(self, ctx: ClockContext) -> str:
        """Step 1: the clock as wall-clock time in the query zone."""
        clock = self._clock_sql(ctx)
        if not ctx.converts:
            return clock
        return self._zone_sql(clock, ctx.database_timezone, ctx.query_timezone)

    def _clock_sql(self, ctx: ClockContext) -> str:
        """The warehouse clock in the database zone, or the injected one as a literal."""
        if ctx.now is None:
            return self.clock_function
        return self._timestamp_literal(ctx.now_in(ctx.database_timezone))

    def _to_database_zone(self, sql: str, ctx: ClockContext) -> str:
        """Step 4: a wall-clock time of the query zone as the database zone's."""
        return self._zone_sql(sql, ctx.query_timezone, ctx.database_timezone)

    def _bound(self, sql: str, moment: Moment) -> str:
        """The finished bound (Postgres wraps relative ones in ``(SELECT …)``)."""
        return sql

    def _fixed(self, value: datetime, ctx: ClockContext) -> str:
        return self._timestamp_literal(value)

    # -- primitives the dialects implement ----------------------------------------------------------

    #: The warehouse clock (``CURRENT_TIMESTAMP()``, ``GETDATE()``, ``NOW()``…).
    clock_function: ClassVar[str] = "CURRENT_TIMESTAMP"

    def _timestamp_literal(self, value: datetime) -> str:
        """A naive timestamp literal, as short as Looker writes it: ``TIMESTAMP '2019-01-01'`` at
        midnight, ``TIMESTAMP '2018-03-21 11:00'`` on a minute (real Postgres and Redshift)."""
        if value == datetime(value.year, value.month, value.day):
            return f"TIMESTAMP '{value:%Y-%m-%d}'"
        if value.second == 0:
            return f"TIMESTAMP '{value:%Y-%m-%d %H:%M}'"
        return f"TIMESTAMP '{value:%Y-%m-%d %H:%M:%S}'"

    def _zone_sql(self, sql: str, from_tz: str, to_tz: str) -> str:
        """Wall-clock time of ``from_tz`` as wall-clock time of ``to_tz``."""
        raise NotImplementedError

    def _trunc_sql(self, unit: str, sql: str, ctx: ClockContext) -> str:
        """Start of the ``unit`` (second … year, quarter) containing ``sql``."""
        raise NotImplementedError

    def _shift(self, unit: str, count: int, sql: str, ctx: ClockContext) -> str:
        """``sql`` plus ``count`` units (a unit of :attr:`moment_units`)."""
        raise NotImplementedError

    def _week_start(self, sql: str, week_start: int, ctx: ClockContext) -> str:
        """The day ``sql`` (a midnight) moved back to the last ``week_start`` day (0 = Monday)."""
        raise NotImplementedError

    def _bound_date(self, sql: str, ctx: ClockContext) -> str:
        """A bound compared with a DATE column: the date of the moment."""
        raise NotImplementedError
