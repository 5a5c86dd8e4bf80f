"""Plain fields: a column of the view's table, a timeframe of one, an aggregate of one.

Half the fields of real explores are a column of their table (``${TABLE}.x``), a timeframe of
one, or a measure aggregating one. Rendering them through :class:`.FieldCompiler` — the
generic path that handles Liquid, cycles, type suffixes, fan-out and error context — was most
of a first-time query's cost. The functions here write them exactly as that path writes them,
without its bookkeeping, and return ``None`` for anything else (tiers, ``case:``, durations,
Liquid, filtered or fanned measures, a ``number`` over a ``number``, references beyond one
level, a shifted period), which the compiler then renders. They are used by
:class:`.FieldCompiler` for ``${}`` references to dimensions, for joins' ``sql_on``
(:mod:`.joins`) and by the fields-only shortcut (:mod:`.fastpath`).

Like the Liquid reader, they repeat a subset of the general path, so they are checked against
it: with :data:`ENABLED` off every field goes the general way, and ``tests/compile/test_fastpath.py``
(and the differential script over the public projects) compiles random field sets both ways on
separately loaded projects and compares every part of the plans.
"""

from __future__ import annotations

from pytest_looker.compile.context import CompileState
from pytest_looker.compile.dimensions import TIER_TYPES
from pytest_looker.compile.scope import Scope
from pytest_looker.compile.sqltext import Sql, wrap
from pytest_looker.errors import LookerError
from pytest_looker.lookml.model import Field, FieldCategory
from pytest_looker.lookml.refs import SPECIAL_NAMES, RefKind, scanned

#: Off: every field is rendered by the general path (the differential tests' reference).
ENABLED = True

#: Dimension types :func:`.dimensions.reference` renders other than through the field's own SQL.
_SHAPED_TYPES = TIER_TYPES | {"distance", "location"}
#: The aggregate measures :func:`.measures.render` writes as one function of their value when
#: no view is fanned out and they have no ``filters:``.
_PLAIN_AGGREGATES = {
    "sum": "COALESCE(SUM({}), 0)",
    "average": "AVG({})",
    "count_distinct": "COUNT(DISTINCT {})",
    "min": "MIN({})",
    "max": "MAX({})",
}


def plain_dimension(state: CompileState, alias: str, target: Field) -> Sql | None:
    """What :meth:`.FieldCompiler.select` gives for a plain dimension (yesno as 'Yes'/'No')."""
    value = plain_value(state, alias, target, nested=False)
    if value is None or target.type != "yesno":
        return value
    return Sql(f"(CASE WHEN {value.text} THEN 'Yes' ELSE 'No' END)", value.aliases)


def plain_value(state: CompileState, alias: str, target: Field, *, nested: bool) -> Sql | None:
    """What ``${target}`` expands to, for a dimension rendered from its own SQL alone — a
    timeframe of it as the dialect writes it (:func:`.dimensions.reference`)."""
    scope = state.scope
    if (
        target.category is not FieldCategory.DIMENSION
        or target.interval is not None
        or target.cases
        or target.type in _SHAPED_TYPES
    ):
        return None
    raw = target.sql
    if raw is None:
        raw = "${TABLE}." + (target.group or target.name)
    expanded = _expanded(state, alias, raw, nested=nested)
    if expanded is None:
        return None
    text, reads = expanded
    timeframe = target.timeframe
    if timeframe is not None:
        text = str(
            state.dialect.timeframe(
                timeframe,
                wrap(text),
                datatype=target.datatype or "timestamp",
                convert_tz=target.convert_tz,
                query_timezone=state.timezone,
                database_timezone=state.database_timezone,
                week_start_day=state.week_start_day,
                fiscal_month_offset=state.fiscal_month_offset,
            )
        )
    return Sql(wrap(text), _own_view(scope, alias, reads))


def plain_measure(state: CompileState, alias: str, target: Field) -> Sql | None:
    """What :meth:`.FieldCompiler.select` gives, with no view fanned, for a ``count``, for an
    unfiltered sum, average, distinct count, min or max of plain SQL, and for a ``number``
    measure over those and plain dimensions."""
    if target.category is not FieldCategory.MEASURE or target.filters:
        return None
    scope = state.scope
    kind = target.type
    if kind == "count":
        key = scope.primary_key(alias) if alias != scope.base_alias else None
        if key is None:
            return Sql("COUNT(*)", frozenset((alias,)))
        value = plain_value(state, alias, key, nested=False)
        if value is None:
            return None
        return Sql(f"COUNT({value.text})", _own_view(scope, alias, value.aliases))
    if kind == "number":  # its SQL over plain dimensions and plain measures (not numbers)
        if target.sql is None:
            return None
        expanded = _expanded(state, alias, target.sql, nested=False, measures=True)
        if expanded is None:
            return None
        text, reads = expanded
        return Sql(text, _own_view(scope, alias, reads))
    form = _PLAIN_AGGREGATES.get(kind)
    if form is None or target.sql is None:
        return None
    expanded = _expanded(state, alias, target.sql, nested=False)
    if expanded is None:
        return None
    text, reads = expanded
    return Sql(form.format(text), _own_view(scope, alias, reads))


def plain_text(state: CompileState, alias: str, raw: str) -> Sql | None:
    """What :meth:`.FieldCompiler.template` gives for ``raw`` (written in the view under
    ``alias``) when it has no Liquid and references only ``${TABLE}`` and dimensions written
    from their table alone: a join's ``sql_on`` (``${orders.user_id} = ${users.id}``), rendered
    the first time each join of an explore is included."""
    if not ENABLED or state.time_shift:
        return None
    try:
        expanded = _expanded(state, alias, raw, nested=False)
    except LookerError:
        return None
    return None if expanded is None else Sql(*expanded)


def _expanded(
    state: CompileState, alias: str, raw: str, *, nested: bool, measures: bool = False
) -> tuple[str, frozenset[str]] | None:
    """``raw`` with ``${TABLE}`` and references to plain dimensions expanded (with ``measures``,
    to plain measures other than numbers too, as a ``number`` measure reads them), and the
    aliases they read (:meth:`.FieldCompiler.expand`); ``None`` for Liquid or any other reference."""
    scope = state.scope
    if "{%" in raw or "{{" in raw:
        return None
    if "${" not in raw:
        return raw, frozenset()
    if raw.startswith("${TABLE}") and raw.find("${", 8) < 0:  # a column of the table: most fields
        return alias + raw[8:], frozenset((alias,))
    sole = _sole_field(raw)
    if sole is not None:  # ${name} alone (a measure of a dimension): no scan, no splicing
        found = scope.view(alias).fields.get(sole)
        value = None if nested or found is None else _field_value(state, alias, found, measures=measures)
        return None if value is None else (value.text, value.aliases)
    parts: list[str] = []
    reads: set[str] = set()
    last = 0
    for ref in scanned(raw):
        kind = ref.kind
        if kind is RefKind.TABLE:
            text = alias
            reads.add(alias)
        elif nested or ref.type_suffix is not None or ref.field is None:
            return None
        else:
            if kind is RefKind.FIELD:
                owner: str | None = alias
            elif kind is RefKind.VIEW_FIELD and ref.view is not None:
                owner = ref.view if ref.view in scope.views else alias if scope.view(alias).name == ref.view else None
            else:
                return None
            found = scope.view(owner).fields.get(ref.field) if owner is not None else None
            value = _field_value(state, owner, found, measures=measures) if found is not None and owner else None
            if value is None:
                return None
            text = value.text
            reads |= value.aliases
        parts.append(raw[last : ref.start])
        parts.append(text)
        last = ref.end
    parts.append(raw[last:])
    return "".join(parts), frozenset(reads)


def _field_value(state: CompileState, owner: str, found: Field, *, measures: bool) -> Sql | None:
    """What ``${found}`` (of the view under ``owner``) expands to inside another field's SQL: a
    plain dimension's value, or (``measures``) a plain measure other than a number, wrapped."""
    if found.category is FieldCategory.MEASURE:
        value = plain_measure(state, owner, found) if measures and found.type != "number" else None
        return None if value is None else value.map(wrap(value.text))
    return plain_value(state, owner, found, nested=True)


def _sole_field(raw: str) -> str | None:
    """The name in ``${name}`` when that is all of ``raw`` (read without :func:`.scanned`)."""
    if not (raw.startswith("${") and raw.endswith("}")) or raw.find("${", 2) >= 0:
        return None
    inner = raw[2:-1]
    if not (inner.isascii() and inner.isidentifier()) or inner in SPECIAL_NAMES:
        return None
    return inner


def _own_view(scope: Scope, alias: str, reads: frozenset[str]) -> frozenset[str]:
    """As :class:`.FieldCompiler`: a field needs its own view in FROM unless its join writes no
    clause (a bare join only exposes the view's fields)."""
    join = scope.joins.get(alias)
    if alias in reads or not (join is None or join.sql_on or join.foreign_key or join.sql):
        return reads
    return reads | {alias}
