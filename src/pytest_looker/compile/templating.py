"""Liquid in LookML SQL, wired to this query's filters, parameters and filter compiler.

The Liquid module renders tags; what a ``{% condition f %}`` *means* depends on the query's
filter on ``f`` and on the type of ``f``, which only the planner knows. This module supplies
those answers as callbacks and describes every parameter and filter-only field of the explore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_looker.compile import bridge
from pytest_looker.compile.renderer import FieldRenderer
from pytest_looker.errors import CompileError, Location
from pytest_looker.lookml.model import Field, FieldCategory

if TYPE_CHECKING:  # python-liquid is imported only when a query meets Liquid (it costs ~80 ms)
    from pytest_looker.compile.liquid import ParameterInfo

_FILTER_FIELD_KINDS = {
    "date": "date",
    "date_time": "date",
    "time": "date",
    "number": "number",
    "yesno": "yesno",
    "tier": "tier",
    "bin": "tier",
    "location": "location",
}


def render(
    fc: FieldRenderer, text: str, alias: str, *, where: str, location: Location | None, field: str | None = None
) -> str:
    """Render ``text`` written in view ``alias`` (an explore alias or a view name).

    ``field`` is the field whose own SQL ``text`` is (a bare ``{% condition %}`` means it).
    """
    state = fc.state

    def condition(name: str, sql_expression: str) -> str:
        expression = state.filters.get(name)
        if expression is None:
            return "1=1"
        kind, target, convert_tz, is_date = _kind_of(fc, name, where=where, location=location)
        result = bridge.condition_sql(
            state,
            kind,
            expression,
            sql_expression,
            case_sensitive=state.case_sensitive(target),
            convert_tz=convert_tz,
            column_is_date=is_date,
            where=f"{where} ({{% condition {name} %}})",
            location=location,
        )
        return "1=1" if result is None else result

    def bounds(name: str) -> tuple[str | None, str | None]:
        expression = state.filters.get(name)
        if expression is None:
            return (None, None)
        return bridge.date_range(state, expression)

    return bridge.render_liquid(
        state,
        text,
        view=alias,
        where=where,
        location=location,
        parameters=parameters(fc),
        condition=condition,
        bounds=bounds,
        field=field,
    )


def parameters(fc: FieldRenderer) -> dict[str, ParameterInfo]:
    """``alias.field`` → ParameterInfo for every parameter and filter-only field in reach."""
    if fc.liquid_parameters is not None:
        return fc.liquid_parameters
    if fc.scope.liquid_parameters is not None:  # the explore's, computed by an earlier query
        fc.liquid_parameters = fc.scope.liquid_parameters
        return fc.liquid_parameters
    result: dict[str, ParameterInfo] = {}
    for alias, view in fc.scope.views.items():
        for target in view.fields.values():
            if target.category in (FieldCategory.PARAMETER, FieldCategory.FILTER):
                allowed = tuple((a.label, a.value) for a in target.allowed_values)
                result[f"{alias}.{target.name}"] = bridge.parameter_info(target.type, allowed, target.default_value)
    fc.liquid_parameters = result
    fc.scope.liquid_parameters = result
    return result


def _kind_of(
    fc: FieldRenderer, name: str, *, where: str, location: Location | None
) -> tuple[str, Field | None, bool, bool]:
    """Filter grammar for ``{% condition name %}`` from the named field's type."""
    scope_name, _, field_name = name.rpartition(".")
    alias = fc.alias_for(scope_name, None)
    if alias is None:
        raise CompileError(f"{where}: {{% condition {name} %}} names an unknown view {scope_name!r}", location)
    target = fc.lookup(alias, field_name, context=where)
    if target.category is FieldCategory.DIMENSION:
        aim = fc.filter_target(alias, target)
        return aim.kind, target, aim.convert_tz, aim.column_is_date
    if target.category is FieldCategory.MEASURE:
        return "number", target, True, False
    return _FILTER_FIELD_KINDS.get(target.type, "string"), target, True, False
