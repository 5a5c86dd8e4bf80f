"""Derived tables as CTEs: SQL derived tables and native ones (``explore_source``).

Offline there is no scratch schema, so every derived table — persistent or not — becomes a CTE
named after its view, placed before the CTEs that read it. A native derived table is the SQL of
its ``explore_source`` query, compiled by the same planner (recursively), with its ``column``
names as result aliases, its ``derived_column`` expressions on top, and the outer query's
filters passed in through ``bind_filters``/``bind_all_filters``. Persistence settings are
ignored: the result is the same, only when it is computed differs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from pytest_looker.compile.context import CompileState
from pytest_looker.compile.devmode import environment_lines
from pytest_looker.compile.fields import FieldCompiler
from pytest_looker.compile.query import Query
from pytest_looker.errors import CompileError
from pytest_looker.lookml.model import ExploreSource, View

#: Compiles a native derived table's query: (query, column names, derived stack) → (CTEs, body).
NativePlanner = Callable[[Query, Mapping[str, str], tuple[str, ...]], tuple[list[tuple[str, str]], str]]


def build_ctes(
    state: CompileState, names: Sequence[str], stack: tuple[str, ...], plan_native: NativePlanner
) -> list[tuple[str, str]]:
    """The CTEs for the derived views ``names`` and everything they read, dependencies first."""
    result: dict[str, str] = {}
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in result:
            return
        if name in visiting or name in stack:
            path = " -> ".join([*stack, *visiting, name])
            view = state.scope.model.views.get(name)
            raise CompileError(
                f"derived tables reference each other in a cycle: {path}", view.location if view else None
            )
        view = state.scope.model.views.get(name)
        if view is None or view.derived_table is None:
            return
        visiting.append(name)
        try:
            ctes, body = _derived_sql(state, view, (*stack, *visiting), plan_native, visit)
        finally:
            visiting.pop()
        for cte_name, cte_sql in ctes:
            result.setdefault(cte_name, cte_sql)
        result[name] = body

    for name in names:
        visit(name)
    return list(result.items())


def _derived_sql(
    state: CompileState,
    view: View,
    stack: tuple[str, ...],
    plan_native: NativePlanner,
    visit: Callable[[str], None],
) -> tuple[list[tuple[str, str]], str]:
    table = view.derived_table
    assert table is not None
    if table.sql is not None:
        fc = FieldCompiler(state, {})
        sql = table.sql

        def render() -> tuple[str, tuple[str, ...]]:
            where = f"derived_table of view {view.name}"
            text = sql
            if "{%" in text or "{{" in text:
                text = fc.liquid(text, view.name, where=where, location=table.location)
            expanded = fc.expand(text, None, where=where, location=table.location)
            return environment_lines(expanded.text, dev=state.query.dev_mode), tuple(fc.derived_views)

        # The same for every query in the context unless it ran Liquid (see FieldCompiler).
        body, dependencies = fc.remembered(("derived table", view.name), render)
        for dependency in dependencies:
            visit(dependency)
        return [], body
    source = table.explore_source
    if source is None:
        raise CompileError(f"view {view.name} has a derived_table without sql or explore_source", table.location)
    query = native_query(state, source)
    names = {column.field: column.name for column in source.columns}
    ctes, body = plan_native(query, names, stack)
    if source.derived_columns:
        extra = ",\n    ".join(f"{column.sql.strip()} AS {column.name}" for column in source.derived_columns)
        body = f"SELECT\n    *,\n    {extra}\nFROM (\n{body}\n) AS {view.name}_source"
    return ctes, body


def native_query(state: CompileState, source: ExploreSource) -> Query:
    """The query of an ``explore_source``, with the outer query's bound filters."""
    filters = {condition.field: condition.expression for condition in source.filters}
    outer = {**state.filters, **state.parameter_values}
    for bind in source.bind_filters:
        if bind.from_field in outer:
            filters[bind.to_field] = outer[bind.from_field]
    if source.bind_all_filters:
        inner = state.scope.model.explores.get(source.explore)
        aliases = inner.aliases() if inner is not None else {}
        for name, expression in outer.items():
            if name.partition(".")[0] in aliases:
                filters[name] = expression
    # A sort may name one of the table's own columns (``sort: { field: units desc: yes }`` in
    # Looker's Shopify block): it sorts by that column's field.
    by_column = {column.name: column.field for column in source.columns}
    sorted_fields = (
        by_column.get(sort.field, sort.field) if "." not in sort.field else sort.field for sort in source.sorts
    )
    sorts = tuple(
        f"{name} desc" if sort.descending else name for sort, name in zip(source.sorts, sorted_fields, strict=True)
    )
    return Query(
        model=state.query.model,
        explore=source.explore,
        fields=tuple(column.field for column in source.columns),
        filters=filters,
        sorts=sorts,
        limit=source.limit if source.limit is not None else -1,
        user_attributes=state.query.user_attributes,
        timezone=source.timezone or state.query.timezone,
        now=state.now,
        dialect=state.dialect_name,
        dev_mode=state.query.dev_mode,
        database_timezone=state.query.database_timezone,
    )
