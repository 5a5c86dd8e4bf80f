"""The query planner: from a :class:`Query` to the parts of one Looker-shaped SELECT.

Planning runs in two passes because a measure's SQL depends on the fan-out, and the fan-out
depends on which joins the query includes:

1. render every selected field, filter, sort and explore-level condition with no view fanned,
   only to learn which aliases they reference; close that set over the joins' own references,
   ``required_joins`` and ``always_join`` (:mod:`.joins`); decide the fanned views
   (:mod:`.fanout`);
2. render everything again with the fan-out known (measures switch to symmetric aggregates),
   add the derived tables the query reads as CTEs (:mod:`.derived`), and lay out the SELECT.

The references a field makes do not depend on the fan-out (symmetric aggregates only add the
primary key of the same view), so the second pass never needs another join.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

from pytest_looker.compile import bridge, derived, grouping, pop
from pytest_looker.compile.assemble import SelectParts, select_sql
from pytest_looker.compile.context import CompileState
from pytest_looker.compile.custom_filter import compile_custom_filter
from pytest_looker.compile.dimensions import is_date_like, tier_sort
from pytest_looker.compile.fields import FieldCompiler
from pytest_looker.compile.joins import included_joins
from pytest_looker.compile.measures import POST_SQL_TYPES, PercentileIgnored
from pytest_looker.compile.predicates import (
    AppliedFilter,
    effective_filters,
    liquid_filters,
    render_conditions,
)
from pytest_looker.compile.query import Query, Sort, parse_sorts
from pytest_looker.compile.result import Column, FieldsIgnored, IgnoredField, PostSqlMeasure
from pytest_looker.compile.scope import Scope, is_selectable_category, scope_for
from pytest_looker.compile.sqltext import Sql
from pytest_looker.errors import CompileError
from pytest_looker.lookml.model import Field, Project


class Selected:
    """A field of the SELECT list; ``name`` (``alias.field``) is read many times per query."""

    __slots__ = ("alias", "field", "name")

    def __init__(self, alias: str, field: Field) -> None:
        self.alias = alias
        self.field = field
        self.name = f"{alias}.{field.name}"


@dataclass
class Plan:
    """A planned query: CTEs, the SELECT body and the description of its result."""

    ctes: list[tuple[str, str]]
    body: str
    preamble: str | None
    columns: tuple[Column, ...]
    post_sql_measures: tuple[PostSqlMeasure, ...]
    views: tuple[str, ...]
    joins: tuple[str, ...]
    fanned: Mapping[str, str] = field(default_factory=dict)
    expressions: tuple[tuple[str, str], ...] = ()
    empty_parameters: tuple[str, ...] = ()
    ignored: tuple[IgnoredField, ...] = ()
    #: The whole SQL (preamble, CTEs, body) when already written (the fields-only shortcut's
    #: plans, asked again query after query); else ``with_ctes`` writes it.
    sql: str | None = None


@dataclass(frozen=True)
class PlanOptions:
    """Knobs used when compiling a native derived table's ``explore_source``."""

    column_names: Mapping[str, str] | None = None
    default_sort: bool = True
    derived_stack: tuple[str, ...] = ()
    portable_aggregates: bool = False
    #: See :attr:`.context.CompileState.time_shift` (a period-over-period measure's previous period).
    time_shift: tuple[tuple[str, str, str, int], ...] = ()


def plan_query(project: Project, query: Query, dialect_name: str, options: PlanOptions | None = None) -> Plan:
    """Plan ``query`` on ``project`` in ``dialect_name``."""
    options = options or PlanOptions()
    model = project.model(query.model)
    explore = project.explore(query.model, query.explore)
    if explore.extension_required:
        raise CompileError(f"explore {explore.name!r} has extension: required and cannot be queried", explore.location)
    scope = scope_for(project, model, explore)
    selected = _selected_fields(scope, query)
    if any(item.field.type == pop.POP_TYPE for item in selected):
        return pop.plan_pop(project, query, dialect_name, options, scope, plan_query)
    applied = effective_filters(scope, query)
    sorts = parse_sorts(query.sorts)
    sort_fields = _resolve_sorts(scope, sorts or ())
    names = frozenset(item.name for item in selected)
    state = query_state(
        scope,
        query,
        dialect_name,
        applied,
        selected=names,
        in_query=names | {s.name for s, _ in sort_fields},
        column_names=options.column_names,
        portable_aggregates=options.portable_aggregates,
        time_shift=options.time_shift,
    )

    # Pass 1: which aliases does the query reference?
    first = FieldCompiler(state, {})
    rendered = _render(first, selected, applied, sort_fields)
    needed = set(rendered.aliases)
    needed.add(scope.base_alias)
    included = included_joins(first, needed)
    joins = included.joins
    fanned = included.fanned

    # Pass 2: the SQL, with the fan-out known. Nothing fanned: pass 1 rendered it already (a
    # field's SQL depends on the query and the fanned views only), so it is not rendered again;
    # else only what reads a measure is (the rest is taken from pass 1).
    second = FieldCompiler(state, fanned, after=first) if fanned else first
    if fanned:
        ignored = _ignored_fields(second, selected)
        if ignored:
            return _plan_without(project, query, dialect_name, options, selected, sort_fields, ignored)
        rendered = _render(second, selected, applied, sort_fields, after=rendered)
    flat = grouping.ungrouped(scope, selected, [j.join.relationship for j in joins])
    key = grouping.primary_key(scope)
    pk_only = [s.name for s in selected] == ([f"{scope.base_alias}.{key.name}"] if key is not None else [])
    base_view = scope.view(scope.base_alias)
    from_ = f"{second.table_of(base_view, explore.sql_table_name)} AS {scope.base_alias}"
    where = [*rendered.where, *(j.sql_where.text for j in joins if j.sql_where is not None)]
    parts = SelectParts(
        select=rendered.select,
        from_=from_,
        joins=[j.clause for j in joins],
        where=where,
        group_by=[] if flat else rendered.group_by,
        having=rendered.having,
        order_by=_order_by(state, rendered, sort_fields, sorts, options.default_sort, ungrouped=flat, pk_only=pk_only),
        limit=_limit(state, query),
    )
    derived_names = list(dict.fromkeys([*first.derived_views, *second.derived_views]))
    ctes = derived.build_ctes(state, derived_names, options.derived_stack, _native_planner(project, state))
    return Plan(
        ctes=ctes,
        body=select_sql(parts),
        preamble=explore.sql_preamble,
        columns=tuple(rendered.columns),
        post_sql_measures=tuple(rendered.post_sql),
        views=(scope.base_alias, *(j.name for j in joins)),
        joins=tuple(j.name for j in joins),
        fanned=fanned,
        expressions=tuple(rendered.expressions),
        empty_parameters=tuple(sorted(state.empty_parameters)),
    )


def query_state(
    scope: Scope,
    query: Query,
    dialect_name: str,
    applied: list[AppliedFilter],
    *,
    selected: frozenset[str] = frozenset(),
    in_query: frozenset[str] = frozenset(),
    column_names: Mapping[str, str] | None = None,
    portable_aggregates: bool = False,
    time_shift: tuple[tuple[str, str, str, int], ...] = (),
) -> CompileState:
    """The state a query compiles in: its effective filters (``applied``) feed Liquid and set
    parameters; the fields they name are in the query, with ``in_query`` (selected, sorted)."""
    filters, parameter_values = liquid_filters(applied)
    return CompileState.of(
        scope,
        query,
        dialect_name,
        bridge.load_dialect(dialect_name),
        filters=filters,
        parameter_values=parameter_values,
        selected=selected,
        in_query=in_query | frozenset(filters) | frozenset(parameter_values),
        column_names=column_names,
        portable_aggregates=portable_aggregates,
        time_shift=time_shift,
    )


def _ignored_fields(fc: FieldCompiler, selected: list[Selected]) -> list[IgnoredField]:
    """The selected measures Looker leaves out of this query (:class:`.measures.PercentileIgnored`):
    a median or percentile of a fanned-out view, or a measure reading one, on a dialect without
    ``percentile_distinct``."""
    ignored: list[IgnoredField] = []
    for item in selected:
        if not item.field.is_measure:
            continue
        try:
            fc.select(item.alias, item.field)
        except PercentileIgnored as exc:
            reads = "" if exc.measure == item.name else f"{item.name} reads {exc.measure}: "
            ignored.append(IgnoredField(item.name, reads + exc.message, item.field.location))
    return ignored


def _plan_without(
    project: Project,
    query: Query,
    dialect_name: str,
    options: PlanOptions,
    selected: list[Selected],
    sort_fields: list[tuple[Selected, bool]],
    ignored: list[IgnoredField],
) -> Plan:
    """The plan of ``query`` without the ignored fields (and sorts on them), carrying the warnings.

    Planned again from the start: without those fields the query may need fewer joins, as when
    Looker runs the query without them.
    """
    dropped = {i.field for i in ignored}
    kept = [s.name for s in selected if s.name not in dropped]
    if not kept:
        raise FieldsIgnored(ignored)
    sorts = tuple(f"{s.name} desc" if descending else s.name for s, descending in sort_fields if s.name not in dropped)
    unsorted = parse_sorts(query.sorts) is None
    narrowed = dataclasses.replace(query, fields=kept, sorts=query.sorts if unsorted else sorts)
    plan = plan_query(project, narrowed, dialect_name, options)
    plan.ignored = (*ignored, *plan.ignored)
    return plan


def _native_planner(project: Project, outer: CompileState) -> derived.NativePlanner:
    def plan_native(
        query: Query, column_names: Mapping[str, str], stack: tuple[str, ...]
    ) -> tuple[list[tuple[str, str]], str]:
        options = PlanOptions(
            column_names=column_names,
            default_sort=False,
            derived_stack=stack,
            portable_aggregates=outer.portable_aggregates,
        )
        inner = plan_query(project, query, outer.dialect_name, options)
        return inner.ctes, inner.body

    return plan_native


# -- resolution -----------------------------------------------------------------------------------


def _selected_fields(scope: Scope, query: Query) -> list[Selected]:
    if not query.fields:
        raise CompileError(f"a query on {query.model}/{query.explore} needs at least one field", scope.explore.location)
    result: list[Selected] = []
    seen: set[str] = set()
    for name in query.fields:
        # The same names come back in query after query of an explore (validation asks for
        # every field of it): resolved and checked once per scope; an error is raised each time.
        item = scope.once(("selected", name), partial(_selectable, scope, name))
        if item.name not in seen:
            seen.add(item.name)
            result.append(item)
    dimensions = [s for s in result if s.field.is_dimension]
    measures = [s for s in result if s.field.is_measure]
    return dimensions + measures


def _selectable(scope: Scope, name: str) -> Selected:
    alias, target = scope.resolve(name, context="the query's fields")
    if not is_selectable_category(target):
        raise CompileError(
            f"{alias}.{target.name} is a {target.category.value} field and cannot be selected; "
            "give it a value in the query's filters instead",
            target.location,
        )
    scope.check_selectable(alias, target)
    return Selected(alias, target)


def _resolve_sorts(scope: Scope, sorts: tuple[Sort, ...]) -> list[tuple[Selected, bool]]:
    result: list[tuple[Selected, bool]] = []
    for sort in sorts:
        alias, target = scope.resolve(sort.field, context="the query's sorts")
        scope.check_selectable(alias, target)
        result.append((Selected(alias, target), sort.descending))
    return result


# -- rendering --------------------------------------------------------------------------------------


@dataclass
class Rendered:
    """One pass's output; ``aliases`` collects every alias referenced."""

    select: list[str] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    sort_positions: dict[str, int] = field(default_factory=dict)
    select_exprs: list[str] = field(default_factory=list)
    group_by: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    having: list[str] = field(default_factory=list)
    sort_exprs: dict[str, str] = field(default_factory=dict)
    post_sql: list[PostSqlMeasure] = field(default_factory=list)
    expressions: list[tuple[str, str]] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)
    first_time: str | None = None
    first_measure: str | None = None
    first_dimension: str | None = None
    #: This pass's output after its dimensions, when none of them read a measure: a second pass
    #: (views fanned out) starts from it and renders only the measures and the conditions.
    dimensions_only: Rendered | None = None

    def use(self, sql: Sql) -> str:
        self.aliases |= sql.aliases
        return sql.text

    def copy(self) -> Rendered:
        return Rendered(
            select=list(self.select),
            columns=list(self.columns),
            positions=dict(self.positions),
            sort_positions=dict(self.sort_positions),
            select_exprs=list(self.select_exprs),
            group_by=list(self.group_by),
            where=list(self.where),
            having=list(self.having),
            sort_exprs=dict(self.sort_exprs),
            post_sql=list(self.post_sql),
            expressions=list(self.expressions),
            aliases=set(self.aliases),
            first_time=self.first_time,
            first_measure=self.first_measure,
            first_dimension=self.first_dimension,
        )


def _render(
    fc: FieldCompiler,
    selected: list[Selected],
    applied: list[AppliedFilter],
    sort_fields: list[tuple[Selected, bool]],
    *,
    after: Rendered | None = None,
) -> Rendered:
    """One pass over the query; ``after``: the first pass, when this is the second."""
    state = fc.state
    column_names = state.column_names
    if after is not None and after.dimensions_only is not None:
        out = after.dimensions_only.copy()
        selected = [item for item in selected if not item.field.is_dimension]
    else:
        out = Rendered()
    measures_before = fc.measure_renders
    for item in selected:
        if out.dimensions_only is None and not item.field.is_dimension and fc.measure_renders == measures_before:
            out.dimensions_only = out.copy()
        text = out.use(fc.select(item.alias, item.field))
        column = column_names.get(item.name) or str(state.dialect.alias(item.name))
        out.select.append(f"{text} AS {column}")
        out.select_exprs.append(text)
        out.expressions.append((item.name, text))
        position = len(out.select)
        out.positions[item.name] = position
        category = "measure" if item.field.is_measure else "dimension"
        out.columns.append(Column(_unquoted(column), item.name, category, item.field.type))
        if item.field.is_dimension:
            grouped = state.dialect.group_by_expression(text) if item.field.timeframe is not None else None
            out.group_by.append(grouped or str(position))
            out.first_dimension = out.first_dimension or item.name
            if out.first_time is None and is_date_like(item.field):
                out.first_time = item.name
            companion = tier_sort(fc, item.alias, item.field)
            if companion is not None:
                sort_column = str(state.dialect.alias(item.name + "__sort_"))
                out.select.append(f"{out.use(companion)} AS {sort_column}")
                out.select_exprs.append(companion.text)
                out.sort_positions[item.name] = len(out.select)
                out.group_by.append(str(len(out.select)))
                out.columns.append(
                    Column(_unquoted(sort_column), item.name + "__sort_", "dimension", "string", hidden=True)
                )
        else:
            out.first_measure = out.first_measure or item.name
            if item.field.type in POST_SQL_TYPES:
                out.post_sql.append(PostSqlMeasure(item.name, item.field.type, _unquoted(column)))
    conditions = render_conditions(fc, applied, state.query.user_attributes)
    out.where = [out.use(sql) for sql in conditions.where]
    out.having = [out.use(sql) for sql in conditions.having]
    custom = compile_custom_filter(fc, state.query.filter_expression or "")
    if custom is not None:
        (out.having if custom.having else out.where).append(out.use(custom.sql))
    for sort, _ in sort_fields:
        if sort.name in out.positions:
            out.aliases.add(sort.alias)
            continue
        if not sort.field.is_measure:
            raise CompileError(
                f"cannot sort by {sort.name}: a dimension must be selected to sort by it", sort.field.location
            )
        out.sort_exprs[sort.name] = out.use(fc.reference(sort.alias, sort.field.name, context="the query's sorts"))
    return out


def _unquoted(column: str) -> str:
    """The result column name a database reports for an alias as written in SQL."""
    if len(column) >= 2 and column[0] == column[-1] and column[0] in '"`':
        return column[1:-1]
    return column


def _order_by(
    state: CompileState,
    rendered: Rendered,
    sort_fields: list[tuple[Selected, bool]],
    sorts: tuple[Sort, ...] | None,
    default_sort: bool,
    *,
    ungrouped: bool,
    pk_only: bool,
) -> list[str]:
    """Explicit sorts; else Looker's default (see :mod:`.grouping`)."""
    if sorts is None:
        return []
    keys = [(sort.name, descending) for sort, descending in sort_fields]
    if not keys and default_sort:
        keys = grouping.default_order(rendered, ungrouped=ungrouped, pk_only=pk_only)
    by_expression = state.dialect.orders_by_expression
    return [grouping.order_item(rendered, name, descending, by_expression=by_expression) for name, descending in keys]


def _limit(state: CompileState, query: Query) -> str | None:
    limit = query.effective_limit
    return None if limit is None else str(state.dialect.limit(limit))
