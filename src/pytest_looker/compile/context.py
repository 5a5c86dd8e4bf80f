"""Everything one compilation knows besides the LookML: the query, the clock, the dialect.

The planner builds one :class:`CompileState` per query (and one per native derived table it
compiles recursively) and hands it to the modules that render fields, measures, joins and
filters, so none of them has to re-derive the query time zone, the case sensitivity rule or the
effective filters on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from pytest_looker.compile.dialects import Dialect
from pytest_looker.compile.query import Query
from pytest_looker.compile.scope import Scope
from pytest_looker.lookml.model import Field

#: Offline, the database's clock is UTC unless the caller says otherwise.
DEFAULT_DATABASE_TIMEZONE = "UTC"


@dataclass
class CompileState:
    """The per-query facts shared by the planner's modules.

    ``now`` is the injected clock (``None``: the warehouse's). ``timezone`` is the query time
    zone in effect: the query's, else the database's (no conversion); ``timezone_given`` says
    whether the query named one.

    ``filters`` holds every filter that applies to the query after defaults were merged
    (``always_filter``, ``conditionally_filter``, the query's own), keyed ``view.field``; Liquid's
    ``_filters`` and ``{% condition %}`` read it. ``parameter_values`` holds the values set for
    ``parameter:`` fields. ``selected`` and ``in_query`` feed ``_is_selected`` / ``_in_query``.
    ``column_names`` renames result columns (a native derived table's ``column`` names) instead
    of the dialect's alias. ``portable_aggregates`` makes symmetric aggregates placeholders that
    the transpiler replaces by the target dialect's formula (see :mod:`.transpile`).
    """

    scope: Scope
    query: Query
    dialect_name: str
    dialect: Dialect
    now: datetime | None
    timezone: str
    database_timezone: str = DEFAULT_DATABASE_TIMEZONE
    timezone_given: bool = False
    filters: Mapping[str, str] = field(default_factory=dict)
    parameter_values: Mapping[str, str] = field(default_factory=dict)
    selected: frozenset[str] = frozenset()
    in_query: frozenset[str] = frozenset()
    column_names: Mapping[str, str] = field(default_factory=dict)
    portable_aggregates: bool = False
    #: ``(alias, dimension group, unit, count)``: that group's timestamp moved by ``count`` units
    #: in every timeframe and date filter (the previous period of a period-over-period measure).
    time_shift: tuple[tuple[str, str, str, int], ...] = ()
    #: The part of the context shared renderings are keyed by (``fields.context_key``).
    render_context: tuple[object, ...] | None = field(default=None, compare=False, repr=False)
    #: ``view.field`` of the value-less unquoted/number/yesno parameters the Liquid pasted as
    #: nothing: when the SQL then does not parse, the run lacks a value, not the LookML a fix.
    empty_parameters: set[str] = field(default_factory=set)
    #: How many Liquid renderings read what the query selects (``_is_selected``, ``_in_query``)
    #: or the clock: those differ between queries that share filters, parameters and context.
    liquid_query_reads: int = field(default=0, compare=False, repr=False)

    @classmethod
    def of(
        cls,
        scope: Scope,
        query: Query,
        dialect_name: str,
        dialect: Dialect,
        *,
        filters: Mapping[str, str] | None = None,
        parameter_values: Mapping[str, str] | None = None,
        selected: frozenset[str] = frozenset(),
        in_query: frozenset[str] = frozenset(),
        column_names: Mapping[str, str] | None = None,
        portable_aggregates: bool = False,
        time_shift: tuple[tuple[str, str, str, int], ...] = (),
    ) -> CompileState:
        """The state of ``query``: its clock and time zones read as the planner reads them."""
        database_timezone = query.database_timezone or DEFAULT_DATABASE_TIMEZONE
        return cls(
            scope=scope,
            query=query,
            dialect_name=dialect_name,
            dialect=dialect,
            now=query.now,
            timezone=query.timezone or database_timezone,
            database_timezone=database_timezone,
            timezone_given=query.timezone is not None,
            filters={} if filters is None else filters,
            parameter_values={} if parameter_values is None else parameter_values,
            selected=selected,
            in_query=in_query,
            column_names=dict(column_names or {}),
            portable_aggregates=portable_aggregates,
            time_shift=time_shift,
        )

    def shift_of(self, alias: str, target: Field) -> tuple[str, int] | None:
        """The ``(unit, count)`` :attr:`time_shift` moves this timeframe's group by, if any."""
        for shifted_alias, group, unit, count in self.time_shift:
            if shifted_alias == alias and target.group == group:
                return unit, count
        return None

    @property
    def week_start_day(self) -> str:
        return (self.scope.explore.week_start_day or self.scope.model.week_start_day or "monday").lower()

    @property
    def fiscal_month_offset(self) -> int:
        return self.scope.model.fiscal_month_offset

    def case_sensitive(self, target: Field | None) -> bool:
        """Field, then explore, then model ``case_sensitive``; Looker's default is yes."""
        for value in (
            target.case_sensitive if target is not None else None,
            self.scope.explore.case_sensitive,
            self.scope.model.case_sensitive,
        ):
            if value is not None:
                return value
        return True
