"""Running a query and answering in one of Looker's result formats, results and errors alike.

Formats: ``sql`` (the SQL in the connection's dialect, not run), ``json`` (rows keyed
``view.field``), ``json_bi`` (``{"metadata", "rows"}``), ``json_detail`` (Looker's legacy detailed
format: rows of ``{"value"}`` cells and the query's SQL, fields and errors), ``csv``, ``txt`` (tab
separated), ``html``, ``md`` and ``xlsx``, all with field labels as header. Images (``png``,
``jpg``) are not rendered: 400.

Like Looker, a query names fields that do not exist at its own risk: they are dropped, and only
a query left with none answers 400 ``Must query at least one dimension or measure``.

A query that fails (a field whose SQL does not compile, a database error) is *answered*, not
refused, in the formats that carry errors: ``json`` as ``[{"looker_error": ...}]``, ``json_bi``
with the full metadata (the generated SQL included) and ``looker_error`` rows, ``json_detail``
with an ``errors`` list (line and column of the database's complaint when it gives them). The
text formats answer 400 with the message. The ``json_detail`` error shape differs between
Looker releases; ``--shape-profile`` selects one (:data:`.settings.SHAPE_PROFILES`).

``filter_expression`` (a custom filter, e.g. Spectacles' ``1=2``) is compiled into the SQL by
the compiler (:attr:`pytest_looker.compile.Query.filter_expression`), as Looker does.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import html
import io
import json
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_looker.compile import CompiledQuery, Query
from pytest_looker.errors import LookerError, LookMLError
from pytest_looker.looker.emulator.engine import Engine
from pytest_looker.looker.emulator.errors import ApiError
from pytest_looker.looker.emulator.metadata import field_sql, resolve_field, title, view_label
from pytest_looker.looker.emulator.queries import to_query
from pytest_looker.looker.emulator.xlsx import workbook
from pytest_looker.present import json_value

FORMATS = ("sql", "json", "json_bi", "json_detail", "csv", "txt", "html", "md", "xlsx")
CONTENT_TYPES = {
    "sql": "application/sql; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "json_bi": "application/json; charset=utf-8",
    "json_detail": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Formats whose answer carries a query's error in its body (200) rather than refusing it (400).
ERROR_CARRYING = frozenset({"json", "json_bi", "json_detail"})

NO_FIELDS = "Must query at least one dimension or measure"
#: How Looker names databases in its error messages.
_DATABASE_NAMES = {"duckdb": "DuckDB", "postgres": "PostgreSQL", "bigquery": "Google BigQuery Standard SQL",
                   "snowflake": "Snowflake", "redshift": "Amazon Redshift", "databricks": "Databricks"}  # fmt: skip
_LINE = re.compile(r"LINE (\d+):[^\n]*\n( *)\^")


@dataclass(frozen=True)
class Answer:
    """A run's answer: the body as sent and, for ``multi_results``, the same as data."""

    body: str | bytes
    content_type: str
    data: Any
    error: str | None = None


@dataclass(frozen=True)
class Failure:
    """Why a query could not be answered, and the SQL when it was generated."""

    message: str
    details: str | None
    sql: str | None

    @property
    def text(self) -> str:
        return f"{self.message} {self.details}" if self.details else self.message


def check_format(result_format: str) -> str:
    if result_format in ("png", "jpg"):
        raise ApiError(400, f"the pytest-looker emulator does not render images ({result_format})")
    if result_format not in FORMATS:
        raise ApiError(400, f"unsupported result format {result_format!r} (supported: {', '.join(FORMATS)})")
    return result_format


def run_write(
    engine: Engine,
    write: Mapping[str, Any],
    result_format: str,
    *,
    limit: str | None = None,
    profile: str = "full",
    result_id: str | None = None,
) -> Answer:
    """Run a stored ``WriteQuery`` and answer in ``result_format`` (already checked)."""
    started = time.perf_counter()
    query = _prepare(engine, write, limit)
    if result_format == "sql":
        return _text(_compile(engine, query, for_backend=False).sql, "sql")
    run_id = result_id or secrets.token_hex(16)
    try:
        compiled = _compile(engine, query, for_backend=True)
    except ApiError as exc:
        failure = Failure(exc.message, None, None)
        return _failed(engine, write, query, result_format, failure, started, profile, run_id)
    try:
        result = engine.run(compiled)
    except LookerError as exc:
        shown = _shown_sql(engine, query, compiled)
        database = _DATABASE_NAMES.get(compiled.dialect, compiled.dialect)  # the one that ran it
        message = f"The {database} database encountered an error while running this query."
        failure = Failure(message, str(exc), shown)
        return _failed(engine, write, query, result_format, failure, started, profile, run_id)
    columns = list(result.columns)
    rows = result.rows
    runtime = time.perf_counter() - started
    if result_format == "json":
        rows_json = [{c: json_value(row.get(c)) for c in columns} for row in rows]
        return Answer(json.dumps(rows_json), CONTENT_TYPES["json"], rows_json)
    if result_format in ("json_bi", "json_detail"):
        shown = _shown_sql(engine, query, compiled)
        data = (
            json_bi(engine, write, query, columns, rows, shown)
            if result_format == "json_bi"
            else json_detail(engine, write, query, columns, rows, shown, run_id, runtime)
        )
        return Answer(json.dumps(data), CONTENT_TYPES[result_format], data)
    labels = [_describe(engine, query, name)["label"] for name in columns]
    table = [[json_value(row.get(c)) for c in columns] for row in rows]
    if result_format == "xlsx":
        return Answer(workbook(labels, table), CONTENT_TYPES["xlsx"], None)
    return _text(TABLE_WRITERS[result_format](labels, table), result_format)


def _text(text: str, result_format: str) -> Answer:
    return Answer(text, CONTENT_TYPES[result_format], text)


# -- preparing and compiling --------------------------------------------------------------------
def _prepare(engine: Engine, write: Mapping[str, Any], limit: str | None) -> Query:
    """Our :class:`Query`, without the fields the explore does not have (Looker drops them)."""
    settings = engine.settings
    query = to_query(
        write,
        user_attributes=settings.user_attributes,
        now=settings.now,
        default_timezone=settings.timezone,
        limit=limit,
    )

    def known() -> tuple[list[str], bool]:
        project = engine.project
        model = project.models.get(query.model)
        if model is None or query.explore not in model.explores:
            return [], False
        return [f for f in query.fields if resolve_field(project, query.model, query.explore, f) is not None], True

    fields, exists = engine.locked(known)
    if not exists:
        raise ApiError(404, f"unknown explore {query.model}/{query.explore}")
    if not fields:
        raise ApiError(400, NO_FIELDS)
    if len(fields) == len(query.fields):
        return query
    kept = set(fields)
    sorts = [s for s in query.sorts if s.split()[0] in kept]
    return dataclasses.replace(query, fields=tuple(fields), sorts=tuple(sorts))


def _compile(engine: Engine, query: Query, *, for_backend: bool) -> CompiledQuery:
    """Compile; a field that does not compile is a 400 naming it (the caller may answer it)."""
    try:
        compiled = engine.compile(query, for_backend=for_backend)
    except LookMLError as exc:
        if "unknown model" in exc.message or "unknown explore" in exc.message:
            raise ApiError(404, exc.message) from None
        raise ApiError(400, str(exc)) from None
    except LookerError as exc:
        raise ApiError(400, str(exc)) from None
    return compiled


def _shown_sql(engine: Engine, query: Query, compiled: CompiledQuery) -> str:
    """The SQL as Looker shows it: in the connection's dialect (compiled again only if it differs)."""
    if engine.dialect_for(query.model) == compiled.dialect:
        return compiled.sql
    try:
        return _compile(engine, query, for_backend=False).sql
    except ApiError:
        return compiled.sql


# -- errors -------------------------------------------------------------------------------------
def _failed(
    engine: Engine,
    write: Mapping[str, Any],
    query: Query,
    result_format: str,
    failure: Failure,
    started: float,
    profile: str,
    run_id: str,
) -> Answer:
    if result_format not in ERROR_CARRYING:
        raise ApiError(400, failure.text)
    sql = None if profile == "null-sql" else failure.sql
    data: Any
    if result_format == "json":
        # A run answers rows with the error; a task's result data is the error itself.
        task_data = {"id": run_id, "error": failure.text, "runtime": round(time.perf_counter() - started, 3)}
        rows = [{"looker_error": failure.text}]
        return Answer(json.dumps(rows), CONTENT_TYPES["json"], {**task_data, "sql": sql or ""}, error=failure.text)
    if result_format == "json_bi":
        data = json_bi(engine, write, query, list(query.fields), [], sql)
        data["rows"] = [{"looker_error": failure.text}]
    elif profile == "string-error":
        data = {"from_cache": False, "id": run_id, "error": failure.text}
    else:
        data = json_detail(engine, write, query, list(query.fields), [], sql, run_id, time.perf_counter() - started)
        data["errors"] = [_detail_error(failure)]
    return Answer(json.dumps(data), CONTENT_TYPES[result_format], data, error=failure.text)


def _detail_error(failure: Failure) -> dict[str, Any]:
    """One ``json_detail`` error, with where the database pointed when it said."""
    location = None
    found = _LINE.search(failure.details or "")
    if found is not None:
        prefix = len(f"LINE {found.group(1)}: ")
        location = {"line": int(found.group(1)), "column": max(len(found.group(2)) - prefix, 0) + 1}
    return {
        "message": failure.message,
        "message_details": failure.details,
        "params": failure.sql,
        "level": "error",
        "sql_error_loc": location,
        "edit_url": None,
        "error_pos": None,
    }


# -- result shapes ------------------------------------------------------------------------------
def _describe(engine: Engine, query: Query, name: str) -> dict[str, Any]:
    """A field as result metadata describes it (``JsonBiField``); unknown names get neutral values."""

    def describe() -> dict[str, Any]:
        project = engine.project
        found = resolve_field(project, query.model, query.explore, name)
        alias, _, short = name.partition(".")
        if found is None:
            return {
                "sql": None, "view": alias, "dimension_group": None, "category": "dimension",
                "field_group_label": None, "name": name, "type": "string", "view_label": title(alias),
                "label": title(name), "field_group_variant": title(short), "hidden": False, "description": None,
            }  # fmt: skip
        alias, field = found
        model = project.models[query.model]
        explore = model.explores[query.explore]
        vlabel = view_label(explore, alias, model)
        label_short = field.label or title(field.name)
        sql = field_sql(
            project,
            explore,
            alias,
            field,
            dialect=engine.dialect_for(query.model),
            user_attributes=query.user_attributes,
        )
        return {
            "sql": sql,
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


def _fields(engine: Engine, query: Query, columns: list[str]) -> dict[str, list[Any]]:
    fields: dict[str, list[Any]] = {"dimensions": [], "measures": [], "pivots": [], "table_calculations": []}
    for name in columns:
        item = _describe(engine, query, name)
        fields["measures" if item["category"] == "measure" else "dimensions"].append(item)
    return fields


def json_bi(
    engine: Engine,
    write: Mapping[str, Any],
    query: Query,
    columns: list[str],
    rows: list[dict[str, Any]],
    sql: str | None,
) -> dict[str, Any]:
    """``JsonBi``: every required metadata key, rows as objects keyed ``view.field``."""
    metadata = _bi_metadata(_fields(engine, query, columns), write.get("filter_expression"), write.get("filters"), sql)
    return {"metadata": metadata, "rows": [{c: json_value(row.get(c)) for c in columns} for row in rows]}


def _bi_metadata(fields: dict[str, list[Any]], expression: Any, filters: Any, sql: str | None) -> dict[str, Any]:
    """``JsonBiMetadata`` (all of its required keys)."""
    return {
        "big_query_metadata": {"total_bytes_processed": 0, "backend_cache_hit": False},
        "fields": fields,
        "pivots": [],
        "has_subtotals": False,
        "has_totals": False,
        "columns_truncated": "false",
        "filter_expression": expression,
        "filters": dict(filters or {}),
        "sql": sql,
    }


def json_detail(
    engine: Engine,
    write: Mapping[str, Any],
    query: Query,
    columns: list[str],
    rows: list[dict[str, Any]],
    sql: str | None,
    run_id: str,
    runtime: float,
) -> dict[str, Any]:
    """Looker's ``json_detail`` (keys as recorded from Looker 22.x; ``runtime`` is a string)."""

    def explore_json() -> dict[str, Any]:
        explore = engine.project.models[query.model].explores[query.explore]
        return {"name": explore.name, "label": explore.label or title(explore.name), "description": None}

    return {
        "from_cache": False,
        "id": run_id,
        "supports_pivot_in_db": True,
        "null_sort_treatment": "low",
        "expired": False,
        "ran_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "aggregate_table_used_info": None,
        "runtime": f"{runtime:.3f}",
        "added_params": {"query_timezone": query.timezone or "UTC", "sorts": list(query.sorts)},
        "forecast_result": None,
        "sql": sql,
        "sql_explain": None,
        "fields": {**_fields(engine, query, columns), "measure_filters": []},
        "fill_fields": [],
        "has_totals": False,
        "has_row_totals": False,
        "applied_filters": dict(write.get("filters") or {}),
        "applied_filter_expression": write.get("filter_expression"),
        "number_format": "1,234.56",
        "explore": engine.locked(explore_json),
        "timezone": query.timezone or "UTC",
        "data": [{c: {"value": json_value(row.get(c))} for c in columns} for row in rows],
        "drill_menu_build_time": 0.0,
        "has_subtotals": False,
        "truncated": False,
        "dialect_specific_metadata": {"total_bytes_processed": 0, "backend_cache_hit": False},
    }


def _csv(labels: list[str], table: list[list[Any]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(labels)
    writer.writerows([["" if v is None else v for v in row] for row in table])
    return buffer.getvalue()


def _html(labels: list[str], table: list[list[Any]]) -> str:
    def cells(tag: str, values: list[Any]) -> str:
        return "".join(f"<{tag}>{html.escape('' if v is None else str(v))}</{tag}>" for v in values)

    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in table)
    return f"<table>\n<thead><tr>{cells('th', labels)}</tr></thead>\n<tbody>{body}</tbody>\n</table>\n"


def _md(labels: list[str], table: list[list[Any]]) -> str:
    def line(values: list[Any]) -> str:
        return "| " + " | ".join(("" if v is None else str(v)).replace("|", "\\|") for v in values) + " |"

    return "\n".join([line(labels), "|" + "---|" * len(labels), *(line(row) for row in table)]) + "\n"


TABLE_WRITERS: Mapping[str, Callable[[list[str], list[list[Any]]], str]] = {
    "csv": _csv,
    "txt": lambda labels, table: _csv(labels, table, "\t"),
    "html": _html,
    "md": _md,
}


def error_data(result_format: str, run_id: str, message: str | None) -> Any:
    """The ``data`` of a task refused before it ran (no explore, no field left...)."""
    text = message or "the query could not be run"
    if result_format == "json":
        return {"id": run_id, "error": text, "runtime": 0.0, "sql": ""}
    if result_format == "json_bi":
        empty: dict[str, list[Any]] = {"dimensions": [], "measures": [], "pivots": [], "table_calculations": []}
        return {"metadata": _bi_metadata(empty, None, None, None), "rows": [{"looker_error": text}]}
    if result_format == "json_detail":
        return {"from_cache": False, "id": run_id, "error": text}
    return text
