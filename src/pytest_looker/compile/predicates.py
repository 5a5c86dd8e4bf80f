"""Which filters apply to a query, and the WHERE and HAVING conditions they become.

Looker merges the user's filters with the explore's defaults before compiling:

* ``always_filter``: a filter on every query; the user may change its value, not remove it;
* ``conditionally_filter``: default filters, dropped as soon as the user filters any of the
  ``unless`` fields; the user may also change their values;
* ``access_filter``: restricts rows to the querying user's attribute value; a missing attribute
  is an error, never a silently unfiltered query;
* a filter on a ``parameter:`` sets the parameter's value; a filter on a filter-only field
  (``filter:``) only feeds Liquid (``{% condition %}``) unless the field has its own ``sql``.

Dimension filters go to WHERE (date filters on the group's raw timestamp), measure filters to
HAVING; ``sql_always_where``/``sql_always_having`` and the included joins' ``sql_where`` are
AND-ed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pytest_looker.compile import bridge
from pytest_looker.compile.fields import FieldCompiler
from pytest_looker.compile.filters.strings import unescape_caret
from pytest_looker.compile.query import Query
from pytest_looker.compile.scope import Scope
from pytest_looker.compile.sqltext import Sql, wrap
from pytest_looker.errors import CompileError
from pytest_looker.lookml.model import Field, FieldCategory


@dataclass(frozen=True)
class AppliedFilter:
    """One effective filter: the field as ``alias.field``, its expression and its origin."""

    name: str
    alias: str
    field: Field
    expression: str
    origin: str


def effective_filters(scope: Scope, query: Query) -> list[AppliedFilter]:
    """The query's filters merged with ``always_filter`` and ``conditionally_filter``.

    A field the explore's defaults name without its view (``filters: [id: "123"]``) is a field
    of the explore's base view, as Looker documents for ``always_filter``; the same holds for
    ``conditionally_filter`` and its ``unless`` list.
    """
    explore = scope.explore
    base = scope.base_alias
    merged: dict[str, tuple[str, str]] = {}
    for condition in explore.always_filter:
        merged[default_filter_name(condition.field, base)] = (condition.expression, "always_filter")
    conditional = explore.conditionally_filter
    if conditional is not None:
        user_fields = {default_filter_name(name, base) for name in query.filters}
        if not any(default_filter_name(name, base) in user_fields for name in conditional.unless):
            for condition in conditional.filters:
                merged.setdefault(
                    default_filter_name(condition.field, base), (condition.expression, "conditionally_filter")
                )
    for name, expression in query.filters.items():
        merged[default_filter_name(name, base)] = (expression, "query")
    result: list[AppliedFilter] = []
    for name, (expression, origin) in merged.items():
        context = "the query's filters" if origin == "query" else f"the explore's {origin}"
        try:
            alias, target = scope.resolve(name, context=context, bare=True)
        except CompileError as exc:
            if origin == "query":
                raise
            raise CompileError(exc.message, explore.parameter_location(origin)) from None
        if origin == "query":
            scope.check_selectable(alias, target)
        result.append(AppliedFilter(f"{alias}.{target.name}", alias, target, expression, origin))
    return result


def default_filter_name(name: str, base_alias: str) -> str:
    """``view.field`` of a field a filter names: a bare ``field`` is the base view's, as Looker
    documents for ``always_filter`` (and applies to ``conditionally_filter``, ``unless`` and the
    query's own filters alike)."""
    return name if "." in name else f"{base_alias}.{name}"


def liquid_filters(applied: list[AppliedFilter]) -> tuple[dict[str, str], dict[str, str]]:
    """(filters for ``_filters``/``{% condition %}``, parameter values) keyed ``alias.field``."""
    filters: dict[str, str] = {}
    parameters: dict[str, str] = {}
    for item in applied:
        if item.field.category is FieldCategory.PARAMETER:
            parameters[item.name] = unescape_caret(item.expression)
        else:
            filters[item.name] = item.expression
    return filters, parameters


@dataclass(frozen=True)
class Conditions:
    """Rendered WHERE and HAVING conditions (each already parenthesised where needed)."""

    where: tuple[Sql, ...]
    having: tuple[Sql, ...]


def render_conditions(
    fc: FieldCompiler, applied: list[AppliedFilter], user_attributes: Mapping[str, str]
) -> Conditions:
    """WHERE/HAVING for the effective filters, access filters and ``sql_always_*``."""
    where: list[Sql] = []
    having: list[Sql] = []
    for item in applied:
        if item.field.category is FieldCategory.PARAMETER:
            continue
        if item.field.category is FieldCategory.FILTER:
            if item.field.sql:
                where.append(_wrapped(fc.own_sql(item.alias, item.field)))
            continue
        rendered = filter_condition(fc, item.alias, item.field, item.expression, origin=item.origin)
        if rendered is not None:
            (having if item.field.is_measure else where).append(rendered)
    for index, access in enumerate(fc.scope.explore.access_filters):
        written_at = fc.scope.explore.parameter_location("access_filter", index)
        if access.user_attribute not in user_attributes:
            raise CompileError(
                f"explore {fc.scope.explore.name!r} has an access_filter on {access.field} that needs "
                f"user attribute {access.user_attribute!r}, which the query does not set",
                written_at,
            )
        try:
            alias, target = fc.scope.resolve(access.field, context="access_filter")
        except CompileError as exc:
            raise CompileError(exc.message, written_at) from None
        rendered = filter_condition(fc, alias, target, user_attributes[access.user_attribute], origin="access_filter")
        if rendered is not None:
            where.append(rendered)
    explore = fc.scope.explore
    base = fc.scope.base_alias
    if explore.sql_always_where:
        where.append(
            _wrapped(
                fc.template(
                    explore.sql_always_where,
                    base,
                    where="sql_always_where",
                    location=explore.parameter_location("sql_always_where"),
                )
            )
        )
    if explore.sql_always_having:
        having.append(
            _wrapped(
                fc.template(
                    explore.sql_always_having,
                    base,
                    where="sql_always_having",
                    location=explore.parameter_location("sql_always_having"),
                )
            )
        )
    return Conditions(tuple(where), tuple(having))


def filter_condition(fc: FieldCompiler, alias: str, target: Field, expression: str, *, origin: str) -> Sql | None:
    """One field's filter expression as a SQL condition (None: the filter matches anything)."""
    aim = fc.filter_target(alias, target)
    text = bridge.condition_sql(
        fc.state,
        aim.kind,
        expression,
        aim.column,
        case_sensitive=fc.state.case_sensitive(target),
        convert_tz=aim.convert_tz,
        column_is_date=aim.column_is_date,
        aggregate=target.is_measure,
        where=f"{origin} filter on {alias}.{target.name}",
        location=target.location,
    )
    if text is None:
        return None
    return aim.sql.map(wrap(text))


def _wrapped(sql: Sql) -> Sql:
    return sql.map(wrap(sql.text))
