"""Raw field blocks → :class:`~pytest_looker.lookml.model.Field`, dimension groups expanded.

A ``dimension_group`` is not a field a query can select: it stands for one dimension per
timeframe (``type: time``: ``created_date``, ``created_month``…) or per interval
(``type: duration``: ``days_enrolled``…). We expand it here, once, so the compiler only ever
sees concrete fields that still know their group.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Any

from pytest_looker.errors import Location
from pytest_looker.lookml.model import (
    EMPTY_MAPPING,
    AllowedValue,
    CaseWhen,
    Field,
    FieldCategory,
    FilterCondition,
)
from pytest_looker.lookml.syntax import RawNode

#: Timeframes Looker creates when a time group lists none. The dimension_group reference says
#: "If timeframes is not included every timeframe option will be added to the dimension group"
#: (and public projects rely on it: a dashboard of the Spectacles demo selects
#: ``events.event_day_of_week`` of a group without timeframes). Every option but ``yesno``, whose
#: field takes the group's own name (``${created}``) and so would change what that name means.
DEFAULT_TIMEFRAMES: tuple[str, ...] = (
    "raw", "time", "time_of_day", "date", "week", "month", "quarter", "year",
    "day_of_week", "day_of_week_index", "day_of_month", "day_of_year",
    "hour", "hour_of_day", "minute", "second", "millisecond", "microsecond",
    "week_of_year", "month_name", "month_num", "quarter_of_year",
    "fiscal_month_num", "fiscal_quarter", "fiscal_quarter_of_year", "fiscal_year",
    *(f"hour{n}" for n in (2, 3, 4, 6, 8, 12)),
    *(f"minute{n}" for n in (2, 3, 4, 5, 6, 10, 12, 15, 20, 30)),
    *(f"millisecond{n}" for n in (2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250, 500)),
)  # fmt: skip
#: Intervals Looker creates when a duration group lists none ("all possible intervals").
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
    if value == "yes":  # as written almost always
        return True
    if value == "no":
        return False
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
    # Only what differs from the dataclass defaults is stored (see :func:`new_field`).
    values: dict[str, Any] = {"view": view, "name": name, "category": category, "type": type_, "location": location}
    if sql is not None:
        values["sql"] = sql
    # A field's raw block holds a handful of keys out of the ~30 this reads: converting only the
    # keys present (each absent one keeps the dataclass default, which is what converting
    # ``None`` gives) makes building 100,000 fields several times faster.
    for key, value in raw.items():
        convert = _CONVERTERS.get(key)
        if convert is not None:
            convert(values, value)
    # The raw block itself, not a copy: nothing changes a tree once the project is resolved,
    # and sharing it with the view's merged tree stores it once in the project cache.
    values["raw"] = MappingProxyType(raw)
    values.update(extra)
    # ``type: date_<timeframe>`` written by hand (``date_raw``, ``date_year``…; public LookML
    # uses them) is that timeframe of the dimension's sql, as in a time group. ``date_time`` is
    # its own documented type.
    hand_written = category is FieldCategory.DIMENSION and values.get("timeframe") is None
    if hand_written and type_.startswith("date_") and type_ != "date_time":
        values["timeframe"] = type_[5:]
    return new_field(values)


def new_field(values: dict[str, Any]) -> Field:
    """``Field(**values)`` without the dataclass ``__init__``, keeping only ``values`` in the instance.

    A frozen dataclass sets each of its 37 attributes through ``object.__setattr__``; large
    projects build hundreds of thousands of fields, so ``values`` is installed as the instance
    dict at once. It holds only the attributes that differ from their defaults (a field sets
    about eight): the others are read from the class, where the dataclass keeps each default,
    so a field takes a third of the memory a 37-key dict took (looker-hub: 58 MiB of instance
    dicts). The result equals ``Field(**values)`` (``tests/perf/test_perf_equivalence.py``).
    """
    if "raw" not in values:  # the one attribute with a default factory has no class default
        values["raw"] = EMPTY_MAPPING
    field = object.__new__(Field)
    object.__setattr__(field, "__dict__", values)
    return field


def _set(name: str, convert: Callable[[Any], Any]) -> Callable[[dict[str, Any], Any], None]:
    def apply(values: dict[str, Any], value: Any) -> None:
        values[name] = convert(value)

    return apply


def _set_case(values: dict[str, Any], value: Any) -> None:
    case: dict[str, Any] = value if isinstance(value, dict) else {}
    values["cases"] = tuple(
        CaseWhen(str(w.get("sql", "")), str(w.get("label", ""))) for w in case.get("when", []) if isinstance(w, dict)
    )
    values["case_else"] = text(case.get("else"))


def _allowed_values(value: Any) -> tuple[AllowedValue, ...]:
    return tuple(
        AllowedValue(str(v.get("label", v.get("value", ""))), str(v.get("value", "")))
        for v in (value if isinstance(value, list) else [])
        if isinstance(v, dict)
    )


#: Raw key → how it sets the field's attributes (absent keys keep the defaults).
_CONVERTERS: dict[str, Callable[[dict[str, Any], Any], None]] = {
    "primary_key": _set("primary_key", yes),
    "hidden": _set("hidden", yes),
    "label": _set("label", text),
    "description": _set("description", text),
    "tags": _set("tags", string_list),
    "$comments": _set("comments", str),
    "filters": _set("filters", filter_conditions),
    "datatype": _set("datatype", text),
    "convert_tz": _set("convert_tz", lambda v: yes(v, default=True)),
    "tiers": _set("tiers", lambda v: _numbers(v)),
    "style": _set("style", text),
    "case": _set_case,
    "sql_distinct_key": _set("sql_distinct_key", text),
    "percentile": _set("percentile", lambda v: _number(v)),
    "list_field": _set("list_field", text),
    "sql_latitude": _set("sql_latitude", text),
    "sql_longitude": _set("sql_longitude", text),
    "allowed_value": _set("allowed_values", _allowed_values),
    "default_value": _set("default_value", text),
    "suggest_dimension": _set("suggest_dimension", text),
    "case_sensitive": _set("case_sensitive", lambda v: None if v is None else yes(v)),
    "required_access_grants": _set("required_access_grants", string_list),
}


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
