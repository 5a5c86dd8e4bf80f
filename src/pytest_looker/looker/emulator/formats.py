"""Running a query and writing its result in one of Looker's result formats.

``sql`` is the generated SQL (not run); ``json`` an array of objects keyed ``view.field`` with
JSON-native values; ``json_bi`` ``{"metadata": {...}, "rows": [...]}`` with the spec's required
metadata keys; ``csv`` a header of field labels as Looker writes them (``Orders Count``) —
Looker's CSV download uses labels, not names. Compile and database errors answer 400 with the
error in ``message`` as Looker does for every format but ``json_detail``.

``filter_expression`` (a custom filter) is applied to the result rows. That equals Looker's SQL
filter only when no measure is selected (then it is a row filter on dimensions) or when the
expression mentions no field; other uses are refused instead of answered wrongly.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from pytest_looker.checks.datatests import field_types
from pytest_looker.compile import CompiledQuery
from pytest_looker.errors import LookerError, LookMLError
from pytest_looker.expressions import check_assert
from pytest_looker.looker.emulator.engine import Engine
from pytest_looker.looker.emulator.errors import ApiError
from pytest_looker.looker.emulator.metadata import resolve_field, title, view_label
from pytest_looker.looker.emulator.queries import to_query
from pytest_looker.present import json_value

FORMATS = ("sql", "json", "json_bi", "csv")
CONTENT_TYPES = {
    "sql": "application/sql; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "json_bi": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def check_format(result_format: str) -> str:
    if result_format not in FORMATS:
        raise ApiError(400, f"unsupported result format {result_format!r} (the emulator supports {', '.join(FORMATS)})")
    return result_format


def compile_write(engine: Engine, write: Mapping[str, Any], *, limit: str | None, for_backend: bool) -> CompiledQuery:
    """Compile a stored ``WriteQuery``; unknown model or explore 404, anything else 400."""
    settings = engine.settings
    query = to_query(
        write,
        user_attributes=settings.user_attributes,
        now=settings.now,
        default_timezone=settings.timezone,
        limit=limit,
    )
    try:
        return engine.compile(query, for_backend=for_backend)
    except LookMLError as exc:
        if "unknown model" in exc.message or "unknown explore" in exc.message:
            raise ApiError(404, exc.message) from None
        raise ApiError(400, str(exc)) from None
    except LookerError as exc:
        raise ApiError(400, str(exc)) from None


def run_write(engine: Engine, write: Mapping[str, Any], result_format: str, *, limit: str | None = None) -> str:
    """The body of a ``run`` call in ``result_format`` (already checked)."""
    if result_format == "sql":
        return compile_write(engine, write, limit=limit, for_backend=False).sql
    compiled = compile_write(engine, write, limit=limit, for_backend=True)
    try:
        result = engine.run(compiled)
    except LookerError as exc:
        raise ApiError(400, str(exc)) from None
    rows = _filtered(engine, write, compiled, result.rows, list(result.columns))
    columns = list(result.columns)
    if result_format == "json":
        return json.dumps([{c: json_value(row.get(c)) for c in columns} for row in rows])
    if result_format == "json_bi":
        return json.dumps(json_bi(engine, write, compiled, rows, columns))
    return _csv(engine, write, rows, columns)


def result_data(engine: Engine, write: Mapping[str, Any], result_format: str) -> Any:
    """The parsed result for ``multi_results`` (``data``): JSON formats as objects, others as text."""
    text = run_write(engine, write, result_format)
    return json.loads(text) if result_format in ("json", "json_bi") else text


def _filtered(
    engine: Engine, write: Mapping[str, Any], compiled: CompiledQuery, rows: list[dict[str, Any]], columns: list[str]
) -> list[dict[str, Any]]:
    expression = (write.get("filter_expression") or "").strip()
    if not expression:
        return rows
    has_measure = any(c.category == "measure" for c in compiled.columns if not c.hidden)
    if has_measure and "${" in expression:
        raise ApiError(400, "the pytest-looker emulator applies filter_expression only to queries without measures")
    types = engine.locked(lambda: field_types(engine.project, write["model"], columns, write["view"]))
    try:
        checked = check_assert(expression, rows, now=engine.settings.local_now(), field_types=types)
    except LookerError as exc:
        raise ApiError(400, f"filter_expression: {exc}") from None
    return [row for row, keep in zip(rows, checked.values, strict=True) if keep is True]


def json_bi(
    engine: Engine, write: Mapping[str, Any], compiled: CompiledQuery, rows: list[dict[str, Any]], columns: list[str]
) -> dict[str, Any]:
    """``JsonBi``: every required metadata key, rows as objects keyed ``view.field``."""
    fields: dict[str, list[dict[str, Any]]] = {"dimensions": [], "measures": [], "pivots": [], "table_calculations": []}
    categories = {c.field: c.category for c in compiled.columns}
    for name in columns:
        item = _bi_field(engine, write, name, categories.get(name, "dimension"))
        fields["measures" if item["category"] == "measure" else "dimensions"].append(item)
    return {
        "metadata": {
            "big_query_metadata": {"total_bytes_processed": 0, "backend_cache_hit": False},
            "fields": fields,
            "pivots": [],
            "has_subtotals": False,
            "has_totals": False,
            "columns_truncated": "false",
            "filter_expression": write.get("filter_expression"),
            "filters": dict(write.get("filters") or {}),
            "sql": compiled.sql,
        },
        "rows": [{c: json_value(row.get(c)) for c in columns} for row in rows],
    }


def _bi_field(engine: Engine, write: Mapping[str, Any], name: str, category: str) -> dict[str, Any]:
    def describe() -> dict[str, Any]:
        project = engine.project
        found = resolve_field(project, write["model"], write["view"], name)
        alias, _, short = name.partition(".")
        if found is None:
            return {
                "sql": None, "view": alias, "dimension_group": None, "category": category,
                "field_group_label": None, "name": name, "type": "string", "view_label": title(alias),
                "label": title(name), "field_group_variant": title(short), "hidden": False, "description": None,
            }  # fmt: skip
        alias, field = found
        model = project.models[write["model"]]
        vlabel = view_label(model.explores[write["view"]], alias, model)
        label_short = field.label or title(field.name)
        return {
            "sql": field.sql,
            "view": alias,
            "dimension_group": f"{alias}.{field.group}" if field.group else None,
            "category": field.category.value,
            "field_group_label": field.raw.get("group_label"),
            "name": name,
            "type": field.type,
            "view_label": vlabel,
            "label": f"{vlabel} {label_short}",
            "field_group_variant": label_short,
            "hidden": field.hidden,
            "description": field.description,
        }

    return engine.locked(describe)


def _csv(engine: Engine, write: Mapping[str, Any], rows: list[dict[str, Any]], columns: list[str]) -> str:
    labels = [_bi_field(engine, write, c, "dimension")["label"] for c in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(labels)
    writer.writerows([["" if row.get(c) is None else json_value(row.get(c)) for c in columns] for row in rows])
    return buffer.getvalue()
