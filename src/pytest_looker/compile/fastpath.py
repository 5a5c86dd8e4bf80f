"""A compiled plan per explore and context for the queries that select fields and nothing else.

Why: planning a query renders its fields, then spends most of its time on bookkeeping — a
:class:`~.context.CompileState`, two passes, resolution, the SELECT layout — that is the same
for every query of an explore in the same context. Tests, benchmarks and validation mostly ask
queries that have only fields (no filters, no custom filter, the default sort or none); for
those, the SQL is a function of the explore, the context and the field set. This module keeps,
per explore and context (dialect, time zones, clock, dev mode, user attributes, portable
aggregates), each field's SELECT item, GROUP BY entry, result column and the aliases it reads;
per set of aliases the joins and the fan-out; per explore the FROM and WHERE text. A query is
then a few look-ups and one string join.

It repeats the planner's layout for that subset (the Looker rules stay in :mod:`.planner`,
:mod:`.grouping` and :mod:`.joins`, which it calls), so it answers only when every piece it
reuses is known to be the same in every query of the context: no rendering's Liquid read what
the query selects (``_is_selected``, ``_in_query``: see ``CompileState.liquid_query_reads``; the
filters and parameter values Liquid may read are the explore's defaults in every fields-only
query), no parameter without a value was pasted, nothing raised, no field is left out or reads
a period-over-period measure. Otherwise :func:`plan_fields` returns ``None`` and the planner
compiles the query, errors included. ``tests/compile/test_fastpath.py`` compiles random field
sets both ways and compares the SQL and the results on DuckDB.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_looker.compile import bridge, derived, grouping, plain, pop
from pytest_looker.compile.assemble import INDENT as _INDENT
from pytest_looker.compile.assemble import sql_prefix
from pytest_looker.compile.context import CompileState
from pytest_looker.compile.dimensions import is_date_like, tier_sort
from pytest_looker.compile.fields import FieldCompiler
from pytest_looker.compile.joins import RenderedJoin, included_joins
from pytest_looker.compile.measures import POST_SQL_TYPES
from pytest_looker.compile.planner import Plan, Selected, _native_planner, _selectable, _unquoted, query_state
from pytest_looker.compile.predicates import AppliedFilter, effective_filters, render_conditions
from pytest_looker.compile.query import UNSORTED, Query
from pytest_looker.compile.result import Column, PostSqlMeasure
from pytest_looker.compile.scope import Scope, is_selectable_category, scope_for
from pytest_looker.compile.sqltext import Sql
from pytest_looker.errors import LookerError
from pytest_looker.lookml.model import Project

if TYPE_CHECKING:
    from pytest_looker.compile.dialects import Dialect

#: Plans kept per project (explore × context), fields and alias sets kept per plan: beyond
#: these, the table starts over (as the renderings do, see ``Scope.render_cache``).
_MAX_PLANS = 64
_MAX_ENTRIES = 20_000
#: Queries with more fields go to the planner: they are one-offs (validation asks for every
#: field of an explore at once), and its single pass is cheaper than filling the tables
#: (measured: validating generated projects was 7-11% slower through the shortcut).
_MAX_FIELDS = 64
#: After this many fields of an explore were rendered one by one, the rest of its fields are
#: rendered at once. Why: a caller that asked for that many different fields of one explore is
#: going through it (tests over a set of metrics, a dashboard's tiles, the emulator answering a
#: client, the benchmarks), and rendering a field inside a query costs it more than a third of
#: its compile; a one-off query (``pytest-looker sql``, a test or two per explore) never pays for
#: fields it does not ask for. Measured on public projects: ~15 µs per field of the explore, once
#: per explore and context (``benchmarks/compile_competitors.py``, docs/performance.md).
_SWEEP_AFTER = 3
_UNSORTED = (UNSORTED,)
#: Ordinals as GROUP BY and ORDER BY write them (a query has at most two columns per field).
_POSITIONS = tuple(str(position) for position in range(2 * _MAX_FIELDS + 2))
_NO_FANOUT: tuple[tuple[str, str], ...] = ()
_NO_CTES: list[tuple[str, str]] = []
#: Not worked out yet (``None`` means "the planner's job").
_UNKNOWN: Any = object()
#: Marks a field, alias set or CTE list the shortcut cannot answer for (the planner will).
_NO = None


class _Field(Selected):
    """One selected field as the planner would lay it out, rendered with no view fanned."""

    __slots__ = (
        "column",
        "column_sql",
        "companion",
        "date_like",
        "expression",
        "fan_free",
        "fanned",
        "grouped",
        "is_measure",
        "item",
        "line",
        "needs",
        "post_sql",
        "text",
        "touched",
    )

    def __init__(self, selected: Selected, text: str, dialect: Dialect) -> None:
        # Not Selected.__init__: the name is already written.
        self.alias = selected.alias
        self.field = target = selected.field
        self.name = selected.name
        self.is_measure = target.is_measure
        self.text = text
        self.column_sql = column = str(dialect.alias(self.name))
        self.item = f"{text} AS {column}"
        #: The SELECT line and the (field, SQL) pair a plan lists, made once per field.
        self.line = _INDENT + self.item
        self.expression = (self.name, text)
        category = "measure" if self.is_measure else "dimension"
        self.column = Column(_unquoted(column), self.name, category, target.type)
        self.grouped = dialect.group_by_expression(text) if target.timeframe is not None else None
        self.date_like = not self.is_measure and is_date_like(target)
        self.post_sql = (
            PostSqlMeasure(self.name, target.type, _unquoted(column))
            if self.is_measure and target.type in POST_SQL_TYPES
            else None
        )
        #: A tier's sort column: SELECT line, SQL, result column.
        self.companion: tuple[str, str, Column] | None = None
        self.needs: frozenset[str] = frozenset()
        self.touched: tuple[str, ...] = ()
        self.fan_free = True
        #: A measure's SELECT item and derived views per fan-out (``None``: the planner's job),
        #: made when a query first fans its view out.
        self.fanned: dict[tuple[tuple[str, str], ...], tuple[str, str, tuple[str, ...]] | None] | None = None


class _Joins:
    """The joins a set of aliases includes, their fan-out and what they add to the query."""

    __slots__ = ("clauses", "fan_key", "fanned", "flat_allowed", "names", "rendered", "tail", "touched", "views")

    def __init__(
        self,
        base: str,
        rendered: list[RenderedJoin],
        fanned: Mapping[str, str],
        touched: tuple[str, ...],
        explore_where: list[str],
    ) -> None:
        self.rendered = rendered
        self.fanned = fanned
        self.fan_key = tuple(sorted(fanned.items())) if fanned else _NO_FANOUT
        self.names = tuple(j.name for j in rendered)
        self.views = (base, *self.names)
        self.clauses = [j.clause for j in rendered]
        where = explore_where + [j.sql_where.text for j in rendered if j.sql_where is not None]
        #: What the SQL says after FROM up to GROUP BY, as :func:`.assemble.select_text` writes it.
        self.tail = "".join("\n" + clause for clause in self.clauses if clause.strip()) + (
            "\nWHERE " + "\n    AND ".join(where) if where else ""
        )
        self.touched = touched
        #: Whether a grouping-cancelling field may drop the GROUP BY (see :mod:`.grouping`).
        self.flat_allowed = not any(j.join.relationship in grouping._FANNING for j in rendered)


class ExplorePlan:
    """What every fields-only query of one explore in one context shares."""

    def __init__(
        self, project: Project, scope: Scope, state: CompileState, applied: list[AppliedFilter] | None = None
    ) -> None:
        self.project = project
        self.scope = scope
        self.state = state
        self.dialect = state.dialect
        self.base = scope.base_alias
        key = grouping.primary_key(scope)
        self.pk_name = f"{self.base}.{key.name}" if key is not None else None
        self.cancelling = grouping.cancelling_fields(scope)
        self.fields: dict[str, _Field | None] = {}
        #: Fields rendered one by one, as queries asked for them.
        self.misses = 0
        self.joins: dict[frozenset[str], _Joins | None] = {}
        self.ctes: dict[tuple[str, ...], tuple[list[tuple[str, str]], str] | None] = {}
        self.queries: dict[tuple[object, ...], Plan | None] = {}
        #: The LIMIT clause per row limit.
        self.limits: dict[int, str] = {}
        explore = scope.explore
        fc = FieldCompiler(state, {})
        conditions = _conditions(fc, applied or [])
        self.where = [sql.text for sql in conditions]
        self.where_aliases = frozenset().union(*(sql.aliases for sql in conditions))
        self.where_touched = tuple(fc.derived_views)
        #: What every query reads: the base view and what the explore's conditions read.
        self.base_needs = self.where_aliases | {self.base}
        fc = FieldCompiler(state, {})
        self.from_ = f"{fc.table_of(scope.view(self.base), explore.sql_table_name)} AS {self.base}"
        self.from_touched = tuple(fc.derived_views)
        # The explore's conditions or table read the query's fields, or pasted a parameter that has
        # no value (the planner's plan names it, for the error the SQL may then raise).
        if state.liquid_query_reads or state.empty_parameters:
            raise _Unsupported
        self.preamble = explore.sql_preamble
        #: What the SQL of a query that reads no derived table starts with.
        self.prefix = sql_prefix((), self.preamble)
        self._arrange_every_join()

    def _arrange_every_join(self) -> None:
        """Render each join of the explore now, with what it needs, as its own join set.

        Why: a query that selects fields of several views meets a new set of joins almost every
        time (338 of 340 queries on a generated project), and rendering the joins the set adds
        was most of such a query's compile. Joins are few next to fields (a few per explore,
        ~1 ms for the largest generated explore), so each is rendered once here, its edge added
        to the context's join tree, and a later set only arranges what is already rendered.
        A join whose SQL runs Liquid is left to the first query that needs it (its rendering may
        read what the query selects, and would import python-liquid for a join no query may
        include); a join that fails is left too: its error belongs to a query that includes it.
        """
        scope, needs = self.scope, self.base_needs
        for alias, join in scope.joins.items():
            view = scope.views.get(alias)
            texts = (join.sql, join.sql_on, join.sql_where, join.sql_table_name, view and view.sql_table_name)
            if any(text and bridge.has_liquid(text) for text in texts):
                continue
            key = needs | {alias}
            if key not in self.joins:
                self._joins(key)

    # -- one query --------------------------------------------------------------------------------

    def plan(self, query: Query) -> Plan | None:
        """The planner's :class:`Plan` of ``query`` (fields only), or ``None``: ask the planner.

        A query asked again (same fields, sort and limit) gets the same plan, which callers
        read and never change (``compile_query`` builds its result from it).
        """
        key = (query.fields, query.sorts, query.effective_limit)
        try:
            return self.queries[key]
        except KeyError:
            pass
        plan = self._plan(query)
        if len(self.queries) > _MAX_ENTRIES:
            self.queries.clear()
        self.queries[key] = plan
        return plan

    def _plan(self, query: Query) -> Plan | None:
        fields = self.fields
        dimensions: list[_Field] = []
        measures: list[_Field] = []
        seen: set[str] = set()
        needs = self.base_needs
        for name in query.fields:
            try:
                entry = fields[name]
            except KeyError:
                entry = self._field(name)
            if entry is None:
                return None
            if entry.name in seen:
                continue
            seen.add(entry.name)
            (measures if entry.is_measure else dimensions).append(entry)
            needs = entry.needs if needs is self.base_needs else needs | entry.needs
        try:
            joins = self.joins[needs]
        except KeyError:
            joins = self._joins(needs)
        if joins is None:
            return None
        fan_key = joins.fan_key
        select: list[str] = []
        expressions: list[tuple[str, str]] = []
        columns: list[Column] = []
        group_by: list[str] = []
        touched: list[str] = []
        #: The default sort's column and expression (see :func:`.grouping.default_order`): the
        #: first date-like dimension, else the first measure, else the first dimension.
        first_time: tuple[int, str] | None = None
        first_dimension: tuple[int, str] | None = None
        for entry in dimensions:
            if fan_key and not entry.fan_free:
                return None
            text = entry.text
            select.append(entry.line)
            expressions.append(entry.expression)
            position = len(select)
            columns.append(entry.column)
            group_by.append(entry.grouped or _POSITIONS[position])
            if entry.companion is not None:
                line, text, column = entry.companion
                select.append(line)
                position = len(select)
                group_by.append(_POSITIONS[position])
                columns.append(column)
            if first_dimension is None:
                first_dimension = (position, text)
            if first_time is None and entry.date_like:
                first_time = (position, text)
            if entry.touched:
                touched += entry.touched
        first_measure: tuple[int, str] | None = None
        fanned_touched: list[str] = []
        post_sql: list[PostSqlMeasure] = []
        for entry in measures:
            if fan_key:
                variants = entry.fanned
                variant = variants.get(fan_key, _UNKNOWN) if variants is not None else _UNKNOWN
                if variant is _UNKNOWN:
                    variant = self._fanned(entry, joins)
                if variant is None:
                    return None
                line, text, more = variant
                fanned_touched += more
                select.append(line)
                expressions.append((entry.name, text))
            else:
                text = entry.text
                select.append(entry.line)
                expressions.append(entry.expression)
            if first_measure is None:
                first_measure = (len(select), text)
            columns.append(entry.column)
            if entry.post_sql is not None:
                post_sql.append(entry.post_sql)
            if entry.touched:
                touched += entry.touched
        flat = not measures and joins.flat_allowed and any(e.name in self.cancelling for e in dimensions)
        # The SELECT as :func:`.assemble.select_text` writes it, from the pieces made per field
        # and per join set.
        body = "SELECT\n" + ",\n".join(select) + "\nFROM " + self.from_ + joins.tail
        if group_by and not flat:
            body += "\nGROUP BY " + ", ".join(group_by)
        if first_dimension is not None and query.sorts != _UNSORTED:
            pk_only = flat and not measures and len(dimensions) == 1 and dimensions[0].name == self.pk_name
            if not pk_only:
                if first_time is not None:
                    (position, text), suffix = first_time, " DESC"
                elif first_measure is not None:
                    (position, text), suffix = first_measure, " DESC"
                else:
                    (position, text), suffix = first_dimension, ""
                body += "\nORDER BY " + (text if self.dialect.orders_by_expression else _POSITIONS[position]) + suffix
        limit = query.effective_limit
        if limit is not None:
            try:
                limit_text = self.limits[limit]
            except KeyError:
                limit_text = self.limits[limit] = str(self.dialect.limit(limit))
            if limit_text:
                body += "\n" + limit_text
        touched += self.where_touched
        touched += joins.touched
        touched += fanned_touched
        touched += self.from_touched
        ctes, prefix = _NO_CTES, self.prefix
        if touched:
            names = tuple(dict.fromkeys(touched))
            try:
                found = self.ctes[names]
            except KeyError:
                found = self._ctes(names)
            if found is None:
                return None
            ctes, prefix = found
        return Plan(
            sql=prefix + body,
            ctes=list(ctes),
            body=body,
            preamble=self.preamble,
            columns=tuple(columns),
            post_sql_measures=tuple(post_sql),
            views=joins.views,
            joins=joins.names,
            fanned=joins.fanned,
            expressions=tuple(expressions),
        )

    # -- what queries share -----------------------------------------------------------------------

    def _marks(self) -> tuple[int, int]:
        """What a rendering can leave in the shared state that makes it differ between queries:
        Liquid that read what the query selects, and parameters pasted without a value. A
        rendering that changed neither is the same for every fields-only query of the context."""
        return self.state.liquid_query_reads, len(self.state.empty_parameters)

    def _field(self, name: str) -> _Field | None:
        fields = self.fields
        if len(fields) > _MAX_ENTRIES:
            fields.clear()
        entry = fields[name] = self._render_field(name)
        self.misses += 1
        if self.misses == _SWEEP_AFTER:
            self._render_every_field()
        return entry

    def _render_every_field(self) -> None:
        """Render the entry of every field of the explore not rendered yet (see ``_SWEEP_AFTER``).

        In the views' order, so that what is rendered (and remembered) does not depend on the
        hash seed. A field whose SQL runs Liquid is left to a query that asks for it: its
        rendering may read what the query selects (then it is the planner's), and rendering it
        would import python-liquid for a field no query may ask for.
        """
        scope, fields = self.scope, self.fields
        if sum(len(scope.selectable_names(alias)) for alias in scope.views) > _MAX_ENTRIES:
            return
        for alias, view in scope.views.items():
            allowed = scope.selectable_names(alias)
            for field_name, target in view.fields.items():
                name = f"{alias}.{field_name}"
                if name in fields or field_name not in allowed or not is_selectable_category(target):
                    continue
                if target.sql is not None and bridge.has_liquid(target.sql):
                    continue
                fields[name] = self._render_field(name)

    def _render_field(self, name: str) -> _Field | None:
        scope = self.scope
        before = self._marks()
        try:
            # A field of the explore's views that its fields: allow, found directly; anything
            # else (errors included) resolved as the planner does.
            alias, _, field_name = name.partition(".")
            view = scope.views.get(alias)
            target = view.fields.get(field_name) if view is not None else None
            if target is not None and is_selectable_category(target) and target.name in scope.selectable_names(alias):
                selected = Selected(alias, target)
            else:
                selected = _selectable(scope, name)
            target = selected.field
            render = plain.plain_measure if target.is_measure else plain.plain_dimension
            sql = render(self.state, selected.alias, target) if plain.ENABLED else None
            if sql is not None:
                entry = _Field(selected, sql.text, self.dialect)
                entry.needs = sql.aliases | self.base_needs
                return entry
            if target.type == pop.POP_TYPE:
                return _NO
            fc = FieldCompiler(self.state, {})
            sql = fc.select(selected.alias, target)
            companion = None if target.is_measure else tier_sort(fc, selected.alias, target)
        except LookerError:
            return _NO
        if self._marks() != before:
            return _NO
        entry = _Field(selected, sql.text, self.dialect)
        needs = sql.aliases
        if companion is not None:
            sort_column = str(self.dialect.alias(entry.name + "__sort_"))
            hidden = Column(_unquoted(sort_column), entry.name + "__sort_", "dimension", "string", hidden=True)
            entry.companion = (f"{_INDENT}{companion.text} AS {sort_column}", companion.text, hidden)
            needs = needs | companion.aliases
        entry.needs = needs | self.base_needs
        entry.touched = tuple(fc.derived_views)
        entry.fan_free = fc.measure_renders == 0
        return entry

    def _fanned(self, entry: _Field, joins: _Joins) -> tuple[str, str, tuple[str, ...]] | None:
        fc = FieldCompiler(self.state, joins.fanned)
        before = self._marks()
        try:
            sql = fc.select(entry.alias, entry.field)
        except LookerError:  # a percentile left out (the planner drops the field), or an error
            variant = None
        else:
            text = sql.text
            pure = self._marks() == before
            variant = (f"{_INDENT}{text} AS {entry.column_sql}", text, tuple(fc.derived_views)) if pure else None
        if entry.fanned is None or len(entry.fanned) > 64:
            entry.fanned = {}
        entry.fanned[joins.fan_key] = variant
        return variant

    def _joins(self, needs: frozenset[str]) -> _Joins | None:
        fc = FieldCompiler(self.state, {})
        before = self._marks()
        try:
            included = included_joins(fc, needs)
        except LookerError:
            result = None
        else:
            touched = tuple(fc.derived_views)
            same = self._marks() == before
            result = _Joins(self.base, included.joins, included.fanned, touched, self.where) if same else None
        if len(self.joins) > _MAX_ENTRIES:
            self.joins.clear()
        self.joins[needs] = result
        return result

    def _ctes(self, names: tuple[str, ...]) -> tuple[list[tuple[str, str]], str] | None:
        state = self.state
        before = self._marks()
        try:
            ctes = derived.build_ctes(state, names, (), _native_planner(self.project, state))
        except LookerError:
            result = None
        else:
            # A SQL derived table whose Liquid read what the query selects (``_in_query``) is
            # not the same for every query; one that read parameters or filters is.
            same = self._marks() == before
            result = (ctes, sql_prefix(ctes, self.preamble)) if same else None
        if len(self.ctes) > _MAX_ENTRIES:
            self.ctes.clear()
        self.ctes[names] = result
        return result


class _Unsupported(Exception):
    """The explore has something the shortcut does not reproduce (the planner will)."""


def _conditions(fc: FieldCompiler, applied: list[AppliedFilter]) -> list[Sql]:
    """The WHERE conditions every fields-only query of the explore gets, as the planner writes
    them: the explore's default filters (``always_filter``, ``conditionally_filter``: a query
    without filters keeps their values), its ``access_filter`` (the user attributes are part of
    the context) and ``sql_always_where``. A condition on a measure (HAVING) or one that runs
    Liquid that reads the query's fields is not the same in every query: the planner's job."""
    explore = fc.scope.explore
    if not (applied or explore.access_filters or explore.sql_always_where):
        return []
    conditions = render_conditions(fc, applied, fc.state.query.user_attributes)
    if fc.state.liquid_query_reads or fc.state.empty_parameters or fc.measure_renders or conditions.having:
        raise _Unsupported
    return list(conditions.where)


def plan_fields(project: Project, query: Query, dialect_name: str, portable: bool) -> Plan | None:
    """The plan of a fields-only ``query`` from its explore's plan; ``None``: use the planner."""
    fields = query.fields
    if (
        query.filters
        or query.filter_expression
        or not fields
        or len(fields) > _MAX_FIELDS
        or (query.sorts and query.sorts != _UNSORTED)
    ):
        return None
    attributes = query.user_attributes
    key = (
        query.model,
        query.explore,
        dialect_name,
        portable,
        query.timezone,
        query.database_timezone,
        query.now,
        query.dev_mode,
        tuple(sorted(attributes.items())) if attributes else (),
    )
    plans: dict[tuple[object, ...], ExplorePlan | None] | None = project.__dict__.get("_fields_plans")
    if plans is None:
        plans = {}
        object.__setattr__(project, "_fields_plans", plans)
    try:
        plan = plans[key]
    except KeyError:
        if len(plans) >= _MAX_PLANS:
            plans.clear()
        plan = plans[key] = _explore_plan(project, query, dialect_name, portable)
    return None if plan is None else plan.plan(query)


def _explore_plan(project: Project, query: Query, dialect_name: str, portable: bool) -> ExplorePlan | None:
    try:
        model = project.model(query.model)
        explore = project.explore(query.model, query.explore)
    except LookerError:
        return None
    if explore.extension_required or explore.sql_always_having:
        return None
    try:
        scope = scope_for(project, model, explore)
        # The explore's default filters apply to every query without filters: the state carries
        # them as the planner's does (a native derived table binds them; Liquid, which reads
        # them too, makes a rendering the planner's job anyway).
        applied = effective_filters(scope, query)
        state = query_state(scope, query, dialect_name, applied, portable_aggregates=portable)
        return ExplorePlan(project, scope, state, applied)
    except (LookerError, _Unsupported):
        return None
