"""Raw field blocks → :class:`~pytest_looker.lookml.model.Field`, dimension groups expanded.

A ``dimension_group`` is not a field a query can select: it stands for one dimension per
timeframe (``type: time``: ``created_date``, ``created_month``…) or per interval
(``type: duration``: ``days_enrolled``…). We expand it here, once, so the compiler only ever
sees concrete fields that still know their group.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytest_looker.errors import Location
from pytest_looker.lookml.model import (
    AllowedValue,
    CaseWhen,
    Field,
    FieldCategory,
    FilterCondition,
    frozen_mapping,
)
from pytest_looker.lookml.syntax import RawNode

#: Timeframes Looker creates when a time group lists none (documented default set).
DEFAULT_TIMEFRAMES = ("raw", "time", "date", "week", "month", "quarter", "year")
#: Intervals Looker creates when a duration group lists none.
DEFAULT_INTERVALS = ("day", "hour", "minute", "month", "quarter", "second", "week", "year")

_CATEGORY_OF_KEY = {
    "dimension": FieldCategory.DIMENSION,
    "measure": FieldCategory.MEASURE,
    "filter": FieldCategory.FILTER,
    "parameter": FieldCategory.PARAMETER,
}
_DEFAULT_TYPE = {
    FieldCategory.DIMENSION: "string",
    FieldCategory.MEASURE: "string",
    FieldCategory.FILTER: "string",
    FieldCategory.PARAMETER: "string",
}

Locate = Callable[[RawNode], Location]
Report = Callable[[RawNode, str], None]


def yes(value: Any, default: bool = False) -> bool:
    """LookML's ``yes``/``no`` (the parser gives strings)."""
    if value is None:
        return default
    return str(value).strip().lower() == "yes"


def text(value: Any) -> str | None:
    return None if value is None else str(value)


def string_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value if not isinstance(v, dict))
    return (str(value),)


def filter_conditions(value: Any) -> tuple[FilterCondition, ...]:
    """``filters: [a: "x"]`` or repeated ``filters: { field: a value: "x" }`` blocks."""
    conditions: list[FilterCondition] = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        if "field" in item:
            conditions.append(FilterCondition(str(item["field"]), str(item.get("value", ""))))
            continue
        for key, expression in item.items():
            if not key.startswith("$"):
                conditions.append(FilterCondition(key, str(expression)))
    return tuple(conditions)


def build_fields(view: str, node: RawNode, locate: Locate, report: Report) -> dict[str, Field]:
    """Every concrete field of a merged view, in declaration order, keyed by name."""
    fields: dict[str, Field] = {}

    def add(field: Field, raw: RawNode) -> None:
        if field.name in fields:
            report(raw, f"field {view}.{field.name} is defined more than once in view {view!r}")
        fields[field.name] = field

    for key in ("dimension", "dimension_group", "measure", "filter", "parameter"):
        for raw in node.get(key, []):
            if not isinstance(raw, dict) or not raw.get("$name"):
                continue
            if key == "dimension_group":
                for field in _expand_group(view, raw, locate, report):
                    add(field, raw)
            else:
                add(_field(view, str(raw["$name"]), _CATEGORY_OF_KEY[key], raw, locate(raw)), raw)
    return fields


def _field(view: str, name: str, category: FieldCategory, raw: RawNode, location: Location, **extra: Any) -> Field:
    type_ = str(raw.get("type", _DEFAULT_TYPE[category]))
    sql = text(raw.get("sql"))
    if sql is None and category is FieldCategory.DIMENSION and type_ not in ("location", "distance"):
        sql = "${TABLE}." + name  # Looker's default when a dimension gives no sql
    case: dict[str, Any] = raw["case"] if isinstance(raw.get("case"), dict) else {}
    values: dict[str, Any] = {
        "view": view,
        "name": name,
        "category": category,
        "type": type_,
        "location": location,
        "sql": sql,
        "primary_key": yes(raw.get("primary_key")),
        "hidden": yes(raw.get("hidden")),
        "label": text(raw.get("label")),
        "description": text(raw.get("description")),
        "tags": string_list(raw.get("tags")),
        "comments": str(raw.get("$comments", "")),
        "filters": filter_conditions(raw.get("filters")),
        "datatype": text(raw.get("datatype")),
        "convert_tz": yes(raw.get("convert_tz"), default=True),
        "tiers": _numbers(raw.get("tiers")),
        "style": text(raw.get("style")),
        "cases": tuple(
            CaseWhen(str(w.get("sql", "")), str(w.get("label", "")))
            for w in case.get("when", [])
            if isinstance(w, dict)
        ),
        "case_else": text(case.get("else")),
        "sql_distinct_key": text(raw.get("sql_distinct_key")),
        "percentile": _number(raw.get("percentile")),
        "list_field": text(raw.get("list_field")),
        "sql_latitude": text(raw.get("sql_latitude")),
        "sql_longitude": text(raw.get("sql_longitude")),
        "allowed_values": tuple(
            AllowedValue(str(v.get("label", v.get("value", ""))), str(v.get("value", "")))
            for v in raw.get("allowed_value", [])
            if isinstance(v, dict)
        ),
        "default_value": text(raw.get("default_value")),
        "suggest_dimension": text(raw.get("suggest_dimension")),
        "case_sensitive": None if raw.get("case_sensitive") is None else yes(raw.get("case_sensitive")),
        "required_access_grants": string_list(raw.get("required_access_grants")),
        "raw": frozen_mapping(raw),
    }
    values.update(extra)
    return Field(**values)


def _expand_group(view: str, raw: RawNode, locate: Locate, report: Report) -> list[Field]:
    group = str(raw["$name"])
    group_type = str(raw.get("type", "time"))
    location = locate(raw)
    if group_type == "duration":
        intervals = string_list(raw.get("intervals")) or DEFAULT_INTERVALS
        return [
            _field(
                view,
                f"{interval}s_{group}",
                FieldCategory.DIMENSION,
                {**raw, "type": "duration_" + interval, "sql": None},
                location,
                sql=None,
                group=group,
                interval=interval,
                sql_start=text(raw.get("sql_start")),
                sql_end=text(raw.get("sql_end")),
            )
            for interval in intervals
        ]
    if group_type not in ("time", "custom_calendar"):
        report(raw, f"dimension_group {view}.{group} has unknown type {group_type!r} (time or duration)")
        return []
    timeframes = string_list(raw.get("timeframes")) or DEFAULT_TIMEFRAMES
    sql = text(raw.get("sql")) or "${TABLE}." + group
    return [
        _field(
            view,
            f"{group}_{timeframe}",
            FieldCategory.DIMENSION,
            raw,
            location,
            type="date_" + timeframe if timeframe != "raw" else "date_raw",
            sql=sql,
            group=group,
            timeframe=timeframe,
        )
        for timeframe in timeframes
    ]


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except ValueError:
        return None


def _numbers(value: Any) -> tuple[float, ...]:
    result = []
    for item in string_list(value):
        number = _number(item)
        if number is not None:
            result.append(number)
    return tuple(result)
