"""LookML metadata in Looker's API shapes: ``LookmlModel``, ``LookmlModelExplore`` and fields.

Looker derives labels from names when LookML gives none (``created_date`` → "Created Date",
shown as "Orders Created Date" with its view label), lists an explore's fields per category
(dimensions, measures, filters, parameters) after the explore's and joins' ``fields:``
restrictions, and names files as ``<project>/<path>``. Values Looker computes from things we do
not model (drill metadata, suggestions, usage counts) are given their neutral defaults.

Every dimension has its ``sql`` text (clients search it, e.g. for ``spectacles: ignore``): the
LookML ``sql`` when the field has one, otherwise (duration and location dimension groups, a
dimension without ``sql:``) the expression our compiler writes for it. Measures of type
``count`` have none, as in Looker. ``lookml_link`` is Looker's relative IDE link,
``/projects/<project>/files/<url-encoded path>?line=<line>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from pytest_looker.compile import Query
from pytest_looker.compile.planner import PlanOptions, plan_query
from pytest_looker.compile.scope import Scope
from pytest_looker.errors import Location, LookerError
from pytest_looker.lookml.model import Explore, Field, FieldCategory, Model, Project

_NUMERIC_TYPES = frozenset(
    {
        "number", "count", "count_distinct", "sum", "sum_distinct", "average", "average_distinct",
        "min", "max", "median", "median_distinct", "percentile", "percentile_distinct", "running_total",
        "percent_of_total", "percent_of_previous", "tier", "duration_day", "duration_hour",
        "duration_minute", "duration_second", "duration_month", "duration_year", "duration_week",
        "duration_quarter", "date_year", "date_month_num", "date_day_of_month", "date_hour_of_day",
        "date_day_of_week_index", "date_week_of_year", "date_day_of_year", "date_quarter_of_year",
    }
)  # fmt: skip
_CATEGORY_KEYS = {
    FieldCategory.DIMENSION: "dimensions",
    FieldCategory.MEASURE: "measures",
    FieldCategory.FILTER: "filters",
    FieldCategory.PARAMETER: "parameters",
}


def title(name: str) -> str:
    """Looker's label for an unlabelled name: underscores to spaces, words capitalised."""
    return " ".join(word.capitalize() for word in name.replace("_", " ").split())


def project_id(project: Project) -> str:
    """The project's id in URLs: the manifest's ``project_name``, else the directory name."""
    return project.name or project.root.rstrip("/").rsplit("/", 1)[-1]


def lookml_link(project: Project, location: Location) -> str:
    """Looker's link to a file and line in its IDE, relative to the web server."""
    return f"/projects/{project_id(project)}/files/{quote(location.file, safe='')}?line={location.line or 1}"


def field_sql(
    project: Project,
    explore: Explore,
    alias: str,
    field: Field,
    *,
    dialect: str,
    user_attributes: Mapping[str, str],
) -> str | None:
    """The ``sql`` Looker shows for a field (see the module docstring)."""
    if field.sql is not None or field.category is not FieldCategory.DIMENSION:
        return field.sql
    query = Query(
        explore.model, explore.name, fields=[f"{alias}.{field.name}"], limit=0, user_attributes=user_attributes
    )
    try:
        expressions = dict(plan_query(project, query, dialect, PlanOptions()).expressions)
    except LookerError:
        expressions = {}
    return expressions.get(query.fields[0]) or "${TABLE}." + (field.group or field.name)


def model_json(project: Project, model: Model) -> dict[str, Any]:
    """A ``LookmlModel`` with its navigation explores."""
    return {
        "name": model.name,
        "project_name": project_id(project),
        "label": model.label or title(model.name),
        "has_content": bool(model.explores),
        "allowed_db_connection_names": [model.connection] if model.connection else [],
        "unlimited_db_connections": False,
        "explores": [
            {
                "name": e.name,
                "label": e.label or title(e.name),
                "description": e.raw.get("description"),
                "hidden": e.hidden,
                "group_label": e.raw.get("group_label"),
            }
            for e in model.explores.values()
            if not e.extension_required
        ],
        "can": {},
    }


def view_label(explore: Explore, alias: str, model: Model) -> str:
    """The label a field's view shows in the field picker: join ``view_label``, view ``label``."""
    join = explore.join(alias)
    if join is not None and join.view_label:
        return join.view_label
    if alias == explore.view_name and explore.raw.get("view_label"):
        return str(explore.raw["view_label"])
    view = model.views.get(explore.aliases().get(alias, alias))
    return (view.label if view is not None and view.label else None) or title(alias)


def field_json(
    project: Project, model: Model, explore: Explore, alias: str, field: Field, sql: str | None
) -> dict[str, Any]:
    """A ``LookmlModelExploreField`` (``sql`` from :func:`field_sql`)."""
    label_short = field.label or title(field.name)
    view_lbl = view_label(explore, alias, model)
    file_path = field.location.file
    return {
        "name": f"{alias}.{field.name}",
        "label": f"{view_lbl} {label_short}",
        "label_short": label_short,
        "view": alias,
        "view_label": view_lbl,
        "original_view": field.view,
        "scope": alias,
        "category": field.category.value,
        "type": field.type,
        "dimension_group": f"{alias}.{field.group}" if field.group else None,
        "is_timeframe": field.timeframe is not None,
        "is_numeric": field.type in _NUMERIC_TYPES,
        "is_filter": field.category is FieldCategory.FILTER,
        "measure": field.category is FieldCategory.MEASURE,
        "parameter": field.category is FieldCategory.PARAMETER,
        "primary_key": field.primary_key,
        "hidden": field.hidden,
        "sql": sql,
        "sql_case": [{"value": c.label, "condition": c.sql} for c in field.cases] or None,
        "filters": [{"field": f.field, "condition": f.expression} for f in field.filters] or None,
        "value_format": field.raw.get("value_format"),
        "value_format_name": field.raw.get("value_format_name"),
        "description": field.description,
        "tags": list(field.tags),
        "field_group_label": field.raw.get("group_label"),
        "field_group_variant": field.raw.get("group_item_label") or label_short,
        "suggestable": field.category is not FieldCategory.MEASURE,
        "suggest_dimension": field.suggest_dimension or f"{alias}.{field.name}",
        "suggest_explore": explore.name,
        "enumerations": [{"label": v.label, "value": v.value} for v in field.allowed_values] or None,
        "has_allowed_values": bool(field.allowed_values),
        "default_filter_value": field.default_value,
        "source_file": file_path,
        "source_file_path": f"{project_id(project)}/{file_path}",
        "project_name": project_id(project),
        "lookml_link": lookml_link(project, field.location),
        "drill_fields": list(field.raw.get("drill_fields") or []),
        "links": [],
        "can_filter": True,
        "can_time_filter": field.type.startswith("date") or field.type == "time",
        "sortable": field.category in (FieldCategory.DIMENSION, FieldCategory.MEASURE),
        "fill_style": "enumeration" if field.timeframe else None,
        "week_start_day": model.week_start_day,
        "fiscal_month_offset": model.fiscal_month_offset,
        "is_fiscal": False,
        "time_interval": None,
        "timeframe_labels": None,
        "user_attribute_filter_types": ["advanced_filter_string", "advanced_filter_number"],
        "datatype": field.datatype,
        "convert_tz": field.convert_tz if field.timeframe else None,
        "dynamic": False,
        "times_used": 0,
        "requires_refresh_on_sort": False,
        "align": "right" if field.type in _NUMERIC_TYPES else "left",
        "strict_value_format": False,
        "permanent": None,
        "synonyms": [],
        "error": None,
        "has_drills_metadata": False,
        "label_from_parameter": None,
        "map_layer": None,
        "period_over_period_params": _pop_params(field),
        "available_custom_timeframes": [],
        "suggestions": None,
    }


def _pop_params(field: Field) -> dict[str, Any] | None:
    """``LookmlModelExploreFieldPeriodOverPeriodParams`` of a PoP measure (its LookML as written)."""
    if field.type != "period_over_period":
        return None
    raw = field.raw
    return {
        "based_on": raw.get("based_on"),
        "based_on_time": raw.get("based_on_time"),
        "period": raw.get("period"),
        "kind": raw.get("kind") or "previous",
        "value_to_date": str(raw.get("value_to_date") or "no").lower() == "yes",
    }


def explore_fields(project: Project, model: Model, explore: Explore) -> list[tuple[str, Field]]:
    """Every (alias, field) a user may pick in the explore, in declaration order."""
    scope = Scope(project, model, explore)
    found: list[tuple[str, Field]] = []
    for alias in scope.aliases:
        for field in scope.view(alias).fields.values():
            try:
                scope.check_selectable(alias, field)
            except LookerError:
                continue
            found.append((alias, field))
    return found


def explore_json(
    project: Project, model: Model, explore: Explore, dialect: str, user_attributes: Mapping[str, str]
) -> dict[str, Any]:
    """A ``LookmlModelExplore``: description, joins and fields by category.

    ``user_attributes`` (with stand-ins, see :mod:`.attributes`) let the SQL of dimensions
    without ``sql:`` compile in an explore with access filters.
    """
    fieldset: dict[str, list[dict[str, Any]]] = {key: [] for key in _CATEGORY_KEYS.values()}
    for alias, field in explore_fields(project, model, explore):
        sql = field_sql(project, explore, alias, field, dialect=dialect, user_attributes=user_attributes)
        fieldset[_CATEGORY_KEYS[field.category]].append(field_json(project, model, explore, alias, field, sql))
    files = sorted({explore.location.file, *model.files})
    return {
        "id": f"{model.name}::{explore.name}",
        "name": explore.name,
        "description": explore.raw.get("description"),
        "label": explore.label or title(explore.name),
        "title": explore.label or title(explore.name),
        "scopes": list(explore.aliases()),
        "can_total": True,
        "can_develop": True,
        "can_see_lookml": True,
        "lookml_link": lookml_link(project, explore.location),
        "can_save": True,
        "can_explain": False,
        "can_pivot_in_db": True,
        "can_subtotal": True,
        "has_timezone_support": True,
        "supports_cost_estimate": False,
        "connection_name": model.connection,
        "dialect_name": dialect,
        "null_sort_treatment": "low",
        "files": [f"{project_id(project)}/{f}" for f in files],
        "source_file": explore.location.file,
        "project_name": project_id(project),
        "model_name": model.name,
        "view_name": explore.view_name,
        "hidden": explore.hidden,
        "sql_table_name": explore.sql_table_name,
        "access_filter_fields": [a.field for a in explore.access_filters],
        "access_filters": [{"field": a.field, "user_attribute": a.user_attribute} for a in explore.access_filters],
        "aliases": [],
        "always_filter": [{"name": f.field, "value": f.expression} for f in explore.always_filter],
        "conditionally_filter": (
            [{"name": f.field, "value": f.expression} for f in explore.conditionally_filter.filters]
            if explore.conditionally_filter
            else []
        ),
        "index_fields": [],
        "sets": [],
        "tags": list(explore.raw.get("tags") or []),
        "errors": [],
        "fields": fieldset,
        "joins": [
            {
                "name": j.name,
                "dependent_fields": [],
                "fields": list(j.fields) if j.fields is not None else None,
                "foreign_key": j.foreign_key,
                "from": j.view if j.view != j.name else None,
                "outer_only": False,
                "relationship": j.relationship,
                "required_joins": list(j.required_joins),
                "sql_foreign_key": None,
                "sql_on": j.sql_on,
                "sql_table_name": j.sql_table_name,
                "type": j.type,
                "view_label": j.view_label,
            }
            for j in explore.joins
        ],
        "group_label": explore.raw.get("group_label"),
        "supported_measure_types": [],
        "always_join": list(explore.always_join),
    }


def resolve_field(project: Project, model: str, explore: str, full_name: str) -> tuple[str, Field] | None:
    """``alias.field`` of an explore → (alias, field), or ``None`` when it does not exist."""
    found = project.models.get(model)
    scope_explore = found.explores.get(explore) if found is not None else None
    if found is None or scope_explore is None:
        return None
    alias, _, name = full_name.partition(".")
    view = found.views.get(scope_explore.aliases().get(alias, ""))
    field = view.fields.get(name) if view is not None else None
    return (alias, field) if field is not None else None
