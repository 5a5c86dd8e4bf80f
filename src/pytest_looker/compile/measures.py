"""Measure SQL: Looker's aggregate forms, filtered measures and symmetric aggregates.

Which form a measure takes depends on the query, not only on the LookML: the fan-out decided in
:mod:`.fanout` for the joins the query includes. The rules (verified page §5 and §1b):

* ``count``: the base view ``COUNT(*)``; a joined, non-fanned view ``COUNT(pk)`` (skipping the
  NULL rows a LEFT JOIN adds); a fanned view ``COUNT(DISTINCT pk)``. Filtered, non-fanned counts
  use ``COUNT(CASE WHEN cond THEN 1 ELSE NULL END)`` — Looker's form, replicated as is.
* ``sum`` is ``COALESCE(SUM(x), 0)``, ``average`` ``AVG(x)``; fanned, both (and median and
  percentile) use the dialect's symmetric-aggregate formula keyed on the primary key.
* ``*_distinct`` types always use the symmetric formula keyed on ``sql_distinct_key``.
* ``filters:`` wrap the value (and the key) in ``CASE WHEN <conditions> THEN … ELSE NULL END``;
  the conditions use each filtered dimension's own SQL, so a refined ``LOWER(status)`` counts.
* ``number``/``string``/``date``/``yesno`` measures inline the aggregates they reference;
  ``date_<timeframe>`` (``date_raw``, ``date_date``, ``date_month``…: undocumented, used in
  Looker's own blocks and in production projects) are ``date`` measures shown as that timeframe,
  like the dimension group's field of the same name.
* post-SQL types (``percent_of_total``, ``running_total``, ``percent_of_previous``) select the
  measure they reference and are finished on the result rows by :mod:`.posttable`.
"""

from __future__ import annotations

from pytest_looker.compile import bridge
from pytest_looker.compile.renderer import FieldRenderer
from pytest_looker.compile.sqltext import Sql, combine, wrap
from pytest_looker.compile.transpile import TRANSLATION_LIMIT, symmetric_marker
from pytest_looker.errors import CompileError, Location
from pytest_looker.lookml.model import Field

SYMMETRIC_TYPES = frozenset({"sum", "average", "count", "median", "percentile"})
DISTINCT_KEY_TYPES = frozenset({"sum_distinct", "average_distinct", "median_distinct", "percentile_distinct"})
AGGREGATE_TYPES = (
    frozenset({"count", "count_distinct", "sum", "average", "min", "max", "median", "percentile", "list"})
    | DISTINCT_KEY_TYPES
)
POST_SQL_TYPES = frozenset({"percent_of_total", "running_total", "percent_of_previous"})
#: ``date_time`` is not in Looker's list of measure types, but Looker accepts it (Google's own
#: BigQuery and Workspace blocks use ``type: date_time`` on ``MIN``/``MAX`` timestamps) and treats
#: it as the ``date`` measure it is: a non-aggregate over SQL that aggregates itself.
NON_AGGREGATE_TYPES = frozenset({"number", "string", "date", "date_time", "yesno"})
#: Documented measure types the offline compiler cannot render, with the reason.
_UNSUPPORTED_TYPES: dict[str, str] = {}

_STRING_RESULT = frozenset({"string", "list"})
#: Looker's Explore warning for a median or percentile of a fanned-out view on a dialect without
#: ``percentile_distinct`` (docs, explore ``symmetric_aggregates``: "Not all database dialects
#: support median and percentile measure types with symmetric aggregates").
PERCENTILE_IGNORED = "SQL dialect doesn't support Symmetric Aggregates with percentiles, field ignored."
_PERCENTILES = frozenset({"median", "percentile"})


class PercentileIgnored(CompileError):
    """A median or percentile of a fanned-out view on a dialect without ``percentile_distinct``.

    Looker's measure reference: "If percentile_distinct is not available for the dialect, Looker
    returns an error"; the Explore shows it as the warning :data:`PERCENTILE_IGNORED` and runs the
    query without the field, so the planner catches this and drops the selected field that needs it.
    """

    def __init__(self, measure: str, dialect: str, fanned_by: str | None, location: Location | None) -> None:
        why = f"join {fanned_by!r} fans out its view" if fanned_by else "it is a distinct-key percentile"
        super().__init__(
            f"{PERCENTILE_IGNORED} {measure} needs percentile_distinct ({why}), which Looker does not have on "
            f"{dialect}; to keep it, make it type: number with the aggregate in its sql (no symmetric "
            "aggregates), or query it without the fan-out",
            location,
        )
        self.measure = measure


def date_timeframe(kind: str) -> str | None:
    """The timeframe of a ``date_<timeframe>`` measure type (``date_time`` is plain ``date``)."""
    return kind[5:] if kind.startswith("date_") and kind != "date_time" else None


def filter_kind(target: Field) -> str:
    """The filter grammar of a HAVING filter on this measure."""
    if target.type in _STRING_RESULT:
        return "string"
    if target.type in ("date", "date_time") or date_timeframe(target.type) is not None:
        return "date"
    if target.type == "yesno":
        return "yesno"
    return "number"


def render(fc: FieldRenderer, alias: str, target: Field, *, select: bool) -> Sql:
    """The measure's SQL (``select``: a yesno measure as 'Yes'/'No')."""
    kind = target.type
    if kind in AGGREGATE_TYPES:
        return _aggregate(fc, alias, target)
    timeframe = date_timeframe(kind)
    if kind in NON_AGGREGATE_TYPES or kind in POST_SQL_TYPES or timeframe is not None:
        if target.sql is None:
            raise CompileError(f"measure {alias}.{target.name} of type {kind} needs a sql", target.location)
        value = fc.own_sql(alias, target)
        if kind == "yesno" and select:
            return value.map(f"(CASE WHEN {value.text} THEN 'Yes' ELSE 'No' END)")
        if timeframe is not None and timeframe != "raw":
            return value.map(_timeframe_of(fc, target, timeframe, value.text))
        return value
    if kind == "period_over_period":  # selected, it is planned by .pop; anything else reads it
        raise CompileError(
            f"a query cannot filter on the period-over-period measure {alias}.{target.name} (Looker's docs), and "
            "pytest-looker computes one only as a selected field, not inside another field's SQL",
            target.location,
        )
    reason = _UNSUPPORTED_TYPES.get(kind)
    if reason is not None:  # valid LookML: a limit of the offline compiler, never the user's error
        raise CompileError(
            f"{TRANSLATION_LIMIT}: measure {alias}.{target.name} has type {kind!r}: {reason}", target.location
        )
    raise CompileError(f"measure {alias}.{target.name} has unsupported type {kind!r}", target.location)


def _timeframe_of(fc: FieldRenderer, target: Field, timeframe: str, sql: str) -> str:
    """``sql`` (a timestamp) as the dimension-group timeframe ``timeframe`` would show it."""
    state = fc.state
    return str(
        fc.dialect.timeframe(
            timeframe,
            wrap(sql),
            convert_tz=target.convert_tz,
            query_timezone=state.timezone,
            database_timezone=state.database_timezone,
            week_start_day=state.week_start_day,
            fiscal_month_offset=state.fiscal_month_offset,
        )
    )


def _aggregate(fc: FieldRenderer, alias: str, target: Field) -> Sql:
    kind = target.type
    dialect = fc.dialect
    condition = conditions(fc, alias, target)
    fanned_by = fc.fanned.get(alias) if fc.scope.explore.symmetric_aggregates else None
    symmetric = fanned_by is not None and kind in SYMMETRIC_TYPES

    if kind == "count":
        return _count(fc, alias, target, condition, fanned_by)
    if kind == "list":
        if not target.list_field:
            raise CompileError(f"measure {alias}.{target.name} of type list needs list_field", target.location)
        listed = fc.reference(alias, target.list_field, context=f"{alias}.{target.name}")
        return combine(str(dialect.list_agg(_case(condition, listed.text))), _parts(listed, condition))

    value = _value(fc, alias, target)
    guarded = _case(condition, value.text)
    if kind in DISTINCT_KEY_TYPES:
        if not target.sql_distinct_key:
            raise CompileError(f"measure {alias}.{target.name} of type {kind} needs sql_distinct_key", target.location)
        key = fc.own_sql(alias, target, target.sql_distinct_key)
        return _symmetric(fc, alias, kind.removesuffix("_distinct"), target, guarded, key, condition, value)
    if symmetric:
        assert fanned_by is not None
        key = _primary_key(fc, alias, target, fanned_by)
        return _symmetric(fc, alias, kind, target, guarded, key, condition, value)

    parts = _parts(value, condition)
    if kind == "sum":
        return combine(f"COALESCE(SUM({guarded}), 0)", parts)
    if kind == "average":
        return combine(f"AVG({guarded})", parts)
    if kind == "count_distinct":
        return combine(f"COUNT(DISTINCT {guarded})", parts)
    if kind in ("min", "max"):
        return combine(f"{kind.upper()}({guarded})", parts)
    if kind == "median":
        return combine(str(dialect.median(guarded)), parts)
    return combine(str(dialect.percentile(guarded, _percentile(alias, target))), parts)


def _count(fc: FieldRenderer, alias: str, target: Field, condition: Sql | None, fanned_by: str | None) -> Sql:
    if fanned_by is not None:
        key = _primary_key(fc, alias, target, fanned_by)
        return combine(f"COUNT(DISTINCT {_case(condition, key.text)})", _parts(key, condition))
    if condition is not None:
        return combine(f"COUNT({_case(condition, '1')})", [condition, Sql("", frozenset({alias}))])
    if alias == fc.scope.base_alias:
        return Sql("COUNT(*)", frozenset({alias}))
    pk = fc.scope.primary_key(alias)
    if pk is None:
        # Looker needs a primary key here too; without one, rows are what we can count.
        return Sql("COUNT(*)", frozenset({alias}))
    key = fc.reference(alias, pk.name, context=f"{alias}.{target.name}")
    return key.map(f"COUNT({key.text})")


def _symmetric(
    fc: FieldRenderer, alias: str, kind: str, target: Field, guarded: str, key: Sql, condition: Sql | None, value: Sql
) -> Sql:
    dialect = fc.dialect
    guarded_key = _case(condition, key.text)
    if kind in _PERCENTILES and not dialect.supports_distinct_percentile:
        # Decided on the project's dialect even when the SQL runs on DuckDB, which could compute it.
        raise PercentileIgnored(f"{alias}.{target.name}", dialect.name, fc.fanned.get(alias), target.location)
    if fc.state.portable_aggregates and not (kind in _PERCENTILES and dialect.portable_percentile):
        p = _percentile(target.view, target) if kind == "percentile" else None
        text = symmetric_marker(kind, guarded, guarded_key, p)
        return combine(text, _parts(value, condition, key))
    if kind == "sum":
        text = dialect.symmetric_sum(guarded, guarded_key)
    elif kind == "average":
        text = dialect.symmetric_average(guarded, guarded_key)
    elif kind == "median":
        text = dialect.symmetric_median(guarded, guarded_key)
    elif kind == "percentile":
        text = dialect.symmetric_percentile(guarded, guarded_key, _percentile(target.view, target))
    else:  # pragma: no cover - guarded by SYMMETRIC_TYPES
        raise CompileError(f"no symmetric aggregate for type {kind}", target.location)
    return combine(str(text), _parts(value, condition, key))


#: What the error about a fanned-out measure of a view without primary key says. Looker refuses
#: such a query ("cannot be calculated because of a one_to_many or many_to_many join. Add a
#: primary key", mozilla/lookml-generator#139) but its LookML validator does not report it.
NEEDS_SYMMETRIC_AGGREGATES = "needs symmetric aggregates because join"


def refused_only_at_query_time(message: str) -> bool:
    """Whether a compile error is one Looker gives when the query runs, not in LookML validation."""
    return NEEDS_SYMMETRIC_AGGREGATES in message


def _primary_key(fc: FieldRenderer, alias: str, target: Field, fanned_by: str) -> Sql:
    pk = fc.scope.primary_key(alias)
    if pk is None:
        view = fc.scope.view(alias)
        raise CompileError(
            f"measure {alias}.{target.name} {NEEDS_SYMMETRIC_AGGREGATES} {fanned_by!r} "
            f"fans out view {view.name!r} (as {alias!r}), but that view has no primary_key",
            target.location,
        )
    return fc.reference(alias, pk.name, context=f"primary key of {alias}")


def _value(fc: FieldRenderer, alias: str, target: Field) -> Sql:
    if target.sql is None:
        raise CompileError(f"measure {alias}.{target.name} of type {target.type} needs a sql", target.location)
    return fc.own_sql(alias, target)


def _percentile(alias: str, target: Field) -> float:
    if target.percentile is None:
        raise CompileError(f"measure {alias}.{target.name} of type percentile needs percentile", target.location)
    return target.percentile


def _case(condition: Sql | None, value: str) -> str:
    if condition is None:
        return value
    return f"CASE WHEN {condition.text} THEN {value} ELSE NULL END"


def _parts(*parts: Sql | None) -> list[Sql]:
    return [part for part in parts if part is not None]


def conditions(fc: FieldRenderer, alias: str, target: Field) -> Sql | None:
    """The AND of a measure's ``filters:``, each on its dimension's own SQL; None if none."""
    rendered: list[Sql] = []
    for item in target.filters:
        scope_name, dot, name = item.field.rpartition(".")
        filter_alias = alias
        if dot:
            found = fc.alias_for(scope_name, alias)
            if found is None:
                fc.scope.check_alias(scope_name, context=f"filters of {alias}.{target.name}")
                raise AssertionError("unreachable")
            filter_alias = found
        filtered = fc.lookup(filter_alias, name, context=f"filters of {alias}.{target.name}")
        where = f"filter {item.field}: {item.expression!r} of measure {alias}.{target.name}"
        aim = fc.filter_target(filter_alias, filtered)
        text = bridge.condition_sql(
            fc.state,
            aim.kind,
            item.expression,
            aim.column,
            case_sensitive=fc.state.case_sensitive(filtered),
            convert_tz=aim.convert_tz,
            column_is_date=aim.column_is_date,
            where=where,
            location=target.location,
        )
        if text is not None:
            rendered.append(aim.sql.map(wrap(text)))
    if not rendered:
        return None
    return combine(" AND ".join(part.text for part in rendered), rendered)
