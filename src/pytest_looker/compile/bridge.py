"""The planner's only contact points with the filter, dialect and Liquid modules.

Those three modules are written separately and their call signatures may move; keeping every
call in one small function here means an API change is a one-line fix, and the rest of the
planner speaks only in its own terms (a field kind, a column's SQL, the compile state).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from pytest_looker.compile.context import CompileState
from pytest_looker.compile.dialects import Dialect, get_dialect
from pytest_looker.compile.filters import (
    FilterContext,
    FilterKind,
    date_bounds_sql,
    filter_sql,
    substitute_user_attributes,
)
from pytest_looker.errors import CompileError, Location, LookerError, in_context

if TYPE_CHECKING:
    from pytest_looker.compile.liquid import ParameterInfo


def load_dialect(name: str) -> Dialect:
    """The dialect object that renders timeframes, aliases and symmetric aggregates."""
    return get_dialect(name)


def condition_sql(
    state: CompileState,
    kind: str,
    expression: str,
    column_sql: str | tuple[str, str],
    *,
    case_sensitive: bool,
    convert_tz: bool = True,
    column_is_date: bool = False,
    aggregate: bool = False,
    where: str,
    location: Location | None = None,
) -> str | None:
    """SQL for "``column_sql`` matches the Looker filter ``expression``"; None = no condition.

    ``column_sql`` is a (latitude, longitude) pair for location filters. User attributes written
    in the expression (``{{ _user_attributes['x'] }}``) are substituted first.
    """
    ctx = _filter_context(
        state, convert_tz=convert_tz, case_sensitive=case_sensitive, column_is_date=column_is_date, aggregate=aggregate
    )
    try:
        if "{{" in expression:
            expression = substitute_user_attributes(expression, state.query.user_attributes)
        result = _filter_sql(kind, expression, column_sql, ctx)
    except LookerError as error:
        raise CompileError(in_context(where, error.message), error.location or location) from error
    return None if result is None else str(result)


#: Filter conditions already written: the same measure filters and explore filters come back in
#: every query of an explore (and in both passes of one with a view fanned out).
_CONDITIONS: dict[tuple[object, ...], str | None] = {}
_MAX_CONDITIONS = 8192


def _filter_sql(kind: str, expression: str, column_sql: str | tuple[str, str], ctx: FilterContext) -> str | None:
    """``filter_sql``, remembered. Without a fixed clock the SQL reads the warehouse clock, but
    the filter module checks date ranges against the current time to the second, so the second
    is part of the key."""
    key = (kind, expression, column_sql, ctx, None if ctx.now is not None else int(time.time()))
    try:
        return _CONDITIONS[key]
    except KeyError:
        pass
    result = filter_sql(FilterKind(kind), expression, column_sql, ctx)
    if len(_CONDITIONS) >= _MAX_CONDITIONS:
        _CONDITIONS.clear()
    _CONDITIONS[key] = result
    return result


def _filter_context(
    state: CompileState,
    *,
    convert_tz: bool = True,
    case_sensitive: bool = True,
    column_is_date: bool = False,
    aggregate: bool = False,
) -> FilterContext:
    return FilterContext(
        dialect=state.dialect_name,
        now=state.now,
        timezone=state.timezone if state.timezone_given else None,
        database_timezone=state.database_timezone,
        convert_tz=convert_tz,
        case_sensitive=case_sensitive,
        week_start_day=state.week_start_day,
        fiscal_month_offset=state.fiscal_month_offset,
        column_is_date=column_is_date,
        aggregate=aggregate,
    )


def date_range(state: CompileState, expression: str) -> tuple[str | None, str | None]:
    """The SQL of the [start, end) of a date filter, for ``date_start``/``date_end``: the same
    bounds the filter itself compares with (over the warehouse clock for relative dates)."""
    try:
        result = date_bounds_sql(expression, _filter_context(state))
    except LookerError as error:
        raise CompileError(f"date filter {expression!r}: {error.message}", error.location) from error
    return (None, None) if result is None else result


def has_liquid(text: str) -> bool:
    """Whether ``text`` contains Liquid tags or output (``{% %}``/``{{ }}``)."""
    return "{%" in text or "{{" in text


def render_liquid(
    state: CompileState,
    template: str,
    *,
    view: str,
    where: str,
    location: Location | None,
    parameters: Mapping[str, ParameterInfo],
    condition: Callable[[str, str], str],
    bounds: Callable[[str], tuple[str | None, str | None]],
    field: str | None = None,
) -> str:
    """Render the Liquid in one LookML SQL text, in the context of the query.

    ``parameters`` maps ``view.field`` of every parameter and filter-only field in reach to its
    ``ParameterInfo``; ``condition`` renders ``{% condition f %}`` blocks and ``bounds`` gives
    ``{% date_start/end f %}``. ``field`` is the field whose own SQL this is, if any.
    """
    # python-liquid costs ~80 ms to import: only a query whose LookML holds Liquid pays it.
    from pytest_looker.compile.liquid import LiquidContext
    from pytest_looker.compile.liquid import render_liquid as liquid_render

    ctx = LiquidContext(
        model=state.scope.model.name,
        explore=state.scope.explore.name,
        view=view,
        dialect=state.dialect_name,
        condition_sql=condition,
        date_bounds=bounds,
        parameters=parameters,
        parameter_values=dict(state.parameter_values),
        filters=dict(state.filters),
        selected=state.selected,
        in_query=state.in_query,
        user_attributes=dict(state.query.user_attributes),
        query_timezone=state.timezone,
        field=field,
    )
    try:
        rendered = str(liquid_render(template, ctx, where=where))
    except LookerError as error:
        raise CompileError(in_context(where, error.message), error.location or location) from error
    state.empty_parameters.update(_pasted_empty(template, parameters, state.parameter_values))
    if ctx.field_reads or _reads_clock(template):
        state.liquid_query_reads += 1
    return rendered


@lru_cache(maxsize=8192)
def _reads_clock(template: str) -> bool:
    """Whether ``template`` names the clock (``'now' | date: …``): its rendering changes with
    time, not only with the query's context."""
    return re.search(r"""["'](?:now|today)["']""", template) is not None


#: Parameter types whose missing value is pasted as nothing (see ``liquid.context.parameter_sql``).
_BARE_TYPES = frozenset({"unquoted", "number", "yesno"})


def _pasted_empty(template: str, parameters: Mapping[str, ParameterInfo], values: Mapping[str, str]) -> list[str]:
    """The parameters ``template`` pastes that have no value, no ``default_value`` and a type
    that pastes nothing then: the SQL around them may not parse until the run gives a value."""
    found = []
    for name, info in parameters.items():
        value = values.get(name, info.default_value or "")
        if info.type not in _BARE_TYPES or value:
            continue
        if _pastes(template, name.rsplit(".", 1)[-1]):
            found.append(name)
    return found


@lru_cache(maxsize=8192)
def _pastes(template: str, short: str) -> bool:
    """Whether ``template`` pastes the parameter ``short`` (asked again for every query)."""
    name = re.escape(short)
    return re.search(rf"(?:parameter\s+(?:\w+\.)?{name}\b|\b{name}\._parameter_value)", template) is not None


def parameter_info(kind: str, allowed: tuple[tuple[str, str], ...], default: str | None) -> ParameterInfo:
    """The Liquid module's description of a parameter or filter-only field."""
    from pytest_looker.compile.liquid import ParameterInfo  # see render_liquid

    return ParameterInfo(type=kind, allowed_values=allowed, default_value=default)
