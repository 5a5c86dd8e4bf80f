"""Period-over-period measures (``type: period_over_period``), as Looker documents them.

Looker's "Period-over-period measures in Looker" page: a PoP measure gives its ``based_on``
measure for the previous ``period`` (``year``, ``quarter``, ``month``, ``week``, ``date``) of each
row, as ``kind: previous`` (the default), ``difference`` (current − previous) or
``relative_change`` ((current − previous) / previous). ``based_on_time`` names a timeframe of a
``type: time`` dimension group, of which only the group matters. The query must select a
timeframe of that group that carries a timestamp (date, week, month, quarter, year; week only
with ``period: week`` or ``date``), at most as large as ``period`` and nothing finer than a
date; otherwise "the SQL can't be generated" and the Explore shows an error. A PoP measure
cannot be filtered on. Looker has them on BigQuery (standard SQL), Snowflake and Redshift.

The docs show no generated SQL, so the shape is ours: the query without its PoP measures (with
their ``based_on`` measures) is one CTE; the same query with the group's timestamp moved one
``period`` forward is another, so that each previous period's value lands on the row of the
period after it; the two are joined on every dimension (NULLs matching). A row without a
previous period gets NULL; a relative change from 0 is NULL. Date filters on the group hold
for the moved timestamp too, so the previous values are whole periods (Looker widens the
filter by one unit of the filter's own granularity instead: with "12 months" and
``period: year`` its previous values are NULL where ours are not).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_looker.compile import bridge
from pytest_looker.compile.dimensions import is_date_like
from pytest_looker.compile.query import UNSORTED, Query, parse_sorts
from pytest_looker.compile.result import Column
from pytest_looker.compile.scope import Scope
from pytest_looker.errors import CompileError
from pytest_looker.lookml.model import Field, Project

if TYPE_CHECKING:
    from pytest_looker.compile.dialects import Dialect
    from pytest_looker.compile.planner import Plan, PlanOptions

POP_TYPE = "period_over_period"
KINDS = ("previous", "difference", "relative_change")
#: Dialects with PoP measures in Looker (docs, "Supported database dialects for PoP measures");
#: DuckDB is ours (no Looker dialect), kept so that portable projects can use them.
SUPPORTED_DIALECTS = frozenset({"bigquery", "snowflake", "redshift", "duckdb"})
#: Timeframes that carry a timestamp a PoP measure can move, by size.
_SIZE = {"date": 0, "week": 1, "month": 2, "quarter": 3, "fiscal_quarter": 3, "year": 4, "fiscal_year": 4}
_UNIT = {"date": "day", "week": "week", "month": "month", "quarter": "quarter", "fiscal_quarter": "quarter"}
_UNIT |= {"year": "year", "fiscal_year": "year"}
#: Timeframes finer than a date, which PoP queries do not support.
_FINER = ("raw", "time", "hour", "minute", "second", "millisecond", "microsecond")

Planner = Callable[[Project, Query, str, "PlanOptions"], "Plan"]


@dataclass(frozen=True)
class PopMeasure:
    """One selected PoP measure, its parameters resolved in the explore."""

    name: str
    field: Field
    based_on: str
    group_alias: str
    group: str
    period: str
    kind: str

    @property
    def key(self) -> tuple[str, str, str]:
        return self.group_alias, self.group, self.period


def pop_measure(scope: Scope, alias: str, target: Field) -> PopMeasure:
    """The parameters of a PoP measure; a CompileError naming what is missing or wrong."""
    raw = target.raw
    name = f"{alias}.{target.name}"

    def need(key: str) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise CompileError(f"measure {name} of type period_over_period needs {key}", target.location)
        return value.strip()

    kind = str(raw.get("kind") or "previous").strip()
    if kind not in KINDS:
        raise CompileError(f"measure {name}: kind must be one of {', '.join(KINDS)}, not {kind!r}", target.location)
    period = need("period")
    if period not in _SIZE:
        raise CompileError(f"measure {name}: period must be one of {', '.join(_SIZE)}, not {period!r}", target.location)
    if str(raw.get("value_to_date") or "no").strip().lower() == "yes":
        raise CompileError(
            f"translation limit: measure {name} has value_to_date: yes, which pytest-looker does not model",
            target.location,
        )
    base_alias, base = _resolve(scope, alias, need("based_on"), f"based_on of {name}")
    if not base.is_measure or base.type == POP_TYPE or base.type in _NOT_AGGREGATES:
        raise CompileError(
            f"measure {name}: based_on must name an aggregate measure (Looker's docs), not {base_alias}.{base.name} "
            f"of type {base.type}",
            target.location,
        )
    time_alias, time = _resolve(scope, alias, need("based_on_time"), f"based_on_time of {name}")
    if time.group is None or time.timeframe is None:
        raise CompileError(
            f"translation limit: based_on_time of {name} names {time_alias}.{time.name}, not a timeframe of a "
            "dimension group; pytest-looker models only dimension-group timeframes",
            target.location,
        )
    return PopMeasure(name, target, f"{base_alias}.{base.name}", time_alias, time.group, period, kind)


_NOT_AGGREGATES = frozenset({"number", "string", "date", "yesno", "percent_of_total", "running_total"})


def _resolve(scope: Scope, alias: str, name: str, context: str) -> tuple[str, Field]:
    return scope.resolve(name if "." in name else f"{alias}.{name}", context=context)


def companion_timeframe(scope: Scope, measure: PopMeasure) -> str | None:
    """The timeframe a query of ``measure`` alone needs: the group's largest that the period allows."""
    view = scope.view(measure.group_alias)
    fitting = [
        field
        for field in view.fields.values()
        if field.group == measure.group
        and field.timeframe in _SIZE
        and _SIZE[field.timeframe] <= _SIZE[measure.period]
        and (field.timeframe != "week" or measure.period in ("week", "date"))
    ]
    if not fitting:
        return None
    best = max(fitting, key=lambda field: _SIZE[field.timeframe or "date"])
    return f"{measure.group_alias}.{best.name}"


def plan_pop(
    project: Project, query: Query, dialect_name: str, options: PlanOptions, scope: Scope, plan: Planner
) -> Plan:
    """The plan of a query selecting PoP measures (see the module docstring)."""
    selected = [scope.resolve(name, context="the query's fields") for name in dict.fromkeys(query.fields)]
    pops = [pop_measure(scope, alias, field) for alias, field in selected if field.type == POP_TYPE]
    if dialect_name not in SUPPORTED_DIALECTS:
        raise CompileError(
            f"measure {pops[0].name} has type period_over_period, which Looker supports on BigQuery, Snowflake and "
            f"Redshift only, not on {dialect_name}",
            pops[0].field.location,
        )
    dimensions = [(a, f) for a, f in selected if f.is_dimension]
    for measure in pops:
        _check_query(measure, dimensions)
    _check_filters(scope, query, {m.name for m in pops})
    others = [f"{a}.{f.name}" for a, f in selected if f.type != POP_TYPE]
    bases = [m.based_on for m in pops if m.based_on not in others]
    current_query = dataclasses.replace(query, fields=[*others, *dict.fromkeys(bases)], sorts=(UNSORTED,), limit=-1)
    current = plan(project, current_query, dialect_name, options)
    keys = list(dict.fromkeys(m.key for m in pops))
    dimension_names = [f"{a}.{f.name}" for a, f in dimensions]
    previous: list[Plan] = []
    for alias, group, period in keys:
        wanted = dict.fromkeys(m.based_on for m in pops if m.key == (alias, group, period))
        moved = dataclasses.replace(options, time_shift=((alias, group, _UNIT[period], 1),))
        prev_query = dataclasses.replace(query, fields=[*dimension_names, *wanted], sorts=(UNSORTED,), limit=-1)
        previous.append(plan(project, prev_query, dialect_name, moved))
    named = dict(options.column_names or {})  # a native derived table's column names
    return _assemble(query, bridge.load_dialect(dialect_name), scope, current, previous, keys, pops, selected, named)


def _check_query(measure: PopMeasure, dimensions: Sequence[tuple[str, Field]]) -> None:
    """Looker's requirements on the query's timeframes of the measure's group."""
    timeframes = [f for a, f in dimensions if a == measure.group_alias and f.group == measure.group]
    where = f"measure {measure.name} (period: {measure.period})"
    finer = [
        f.name for f in timeframes if (f.timeframe or "") in _FINER or (f.timeframe or "").startswith(tuple(_FINER))
    ]
    if finer:
        raise CompileError(
            f"{where}: Looker cannot generate the SQL of a period-over-period query with {', '.join(finer)}: "
            "PoP queries take timeframes of a date or larger",
            measure.field.location,
        )
    stamped = [f for f in timeframes if f.timeframe in _SIZE]
    if not stamped:
        raise CompileError(
            f"{where}: Looker cannot generate the SQL: the query needs a timeframe of {measure.group_alias}."
            f"{measure.group} (date, week, month, quarter or year, no larger than {measure.period})",
            measure.field.location,
        )
    for field in stamped:
        timeframe = field.timeframe or "date"
        if _SIZE[timeframe] > _SIZE[measure.period] or (timeframe == "week" and measure.period not in ("week", "date")):
            raise CompileError(
                f"{where}: Looker cannot generate the SQL with {field.name}: the query's timeframes must be no "
                f"larger than the period (and week only with period: week or date)",
                measure.field.location,
            )


def _check_filters(scope: Scope, query: Query, names: set[str]) -> None:
    for name in query.filters:
        alias, field = scope.resolve(name, context="the query's filters", bare=True)
        if f"{alias}.{field.name}" in names:
            raise CompileError(f"a query cannot filter on the period-over-period measure {name}", field.location)


def _assemble(
    query: Query,
    dialect: Dialect,
    scope: Scope,
    current: Plan,
    previous: list[Plan],
    keys: list[tuple[str, str, str]],
    pops: list[PopMeasure],
    selected: list[tuple[str, Field]],
    named: dict[str, str],
) -> Plan:
    quote = dialect.quote_identifier
    by_field = {c.field: c for c in current.columns}
    names = {f"{a}.{f.name}" for a, f in selected}
    kept = [c for c in current.columns if c.field in names or c.field.removesuffix("__sort_") in names]
    select = [f"pop_current.{quote(c.name)} AS {quote(c.name)}" for c in kept]
    columns = list(kept)
    for measure in pops:
        side = f"pop_previous_{keys.index(measure.key) + 1}"
        value = f"pop_current.{quote(by_field[measure.based_on].name)}"
        before = f"{side}.{quote(by_field[measure.based_on].name)}"
        text = {
            "previous": before,
            "difference": f"({value} - {before})",
            "relative_change": f"(({value} - {before}) * 1.0 / NULLIF({before}, 0))",
        }[measure.kind]
        alias = named.get(measure.name) or str(dialect.alias(measure.name))
        select.append(f"{text} AS {alias}")
        columns.append(Column(alias.strip('"`'), measure.name, "measure", POP_TYPE))
    joins = []
    for index in range(len(keys)):
        side = f"pop_previous_{index + 1}"
        on = [
            f"(pop_current.{quote(c.name)} = {side}.{quote(c.name)} OR "
            f"(pop_current.{quote(c.name)} IS NULL AND {side}.{quote(c.name)} IS NULL))"
            for c in current.columns
            if c.category == "dimension"
        ]
        joins.append(f"LEFT JOIN {side} ON {' AND '.join(on)}")
    body = "\n".join(
        [
            "SELECT",
            ",\n".join("    " + item for item in select),
            "FROM pop_current",
            *joins,
            *_order_and_limit(query, dialect, columns, scope, selected),
        ]
    )
    ctes = dict(current.ctes)
    for plan in previous:
        ctes.update({name: sql for name, sql in plan.ctes if name not in ctes})
    ctes["pop_current"] = current.body
    for index, plan in enumerate(previous):
        ctes[f"pop_previous_{index + 1}"] = plan.body
    return dataclasses.replace(
        current,
        ctes=list(ctes.items()),
        body=body,
        columns=tuple(_in_query_order(columns, selected)),
        expressions=tuple(e for plan in (current, *previous) for e in plan.expressions),
        ignored=tuple(i for plan in (current, *previous) for i in plan.ignored),
    )


def _in_query_order(columns: list[Column], selected: list[tuple[str, Field]]) -> list[Column]:
    """Dimensions, then measures, each in the query's order (as the planner lays them out)."""
    order = {name: i for i, name in enumerate(f"{a}.{f.name}" for a, f in selected)}

    def rank(column: Column) -> tuple[int, int]:
        field = column.field.removesuffix("__sort_")
        return (0 if column.category == "dimension" else 1, order.get(field, len(order)))

    return sorted(columns, key=rank)


def _order_and_limit(
    query: Query, dialect: Dialect, columns: list[Column], scope: Scope, selected: list[tuple[str, Field]]
) -> list[str]:
    sorts = parse_sorts(query.sorts)
    quote = dialect.quote_identifier
    by_field = {c.field: c for c in columns}
    lines: list[str] = []
    if sorts is not None:
        keys: list[tuple[str, bool]] = []
        for sort in sorts:
            alias, field = scope.resolve(sort.field, context="the query's sorts")
            keys.append((f"{alias}.{field.name}", sort.descending))
        if not keys:  # Looker's default: the first date dimension, newest first
            first = next((f"{a}.{f.name}" for a, f in selected if f.is_dimension and is_date_like(f)), None)
            keys = [(first, True)] if first is not None else []
        order = [f"{quote(by_field[name].name)}{' DESC' if desc else ''}" for name, desc in keys if name in by_field]
        if order:
            lines.append("ORDER BY " + ", ".join(order))
    limit = query.effective_limit
    if limit is not None:
        lines.append(str(dialect.limit(limit)))
    return lines
