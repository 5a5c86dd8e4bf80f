"""Deterministic synthetic rows for the inferred schema, consistent along every join.

Why synthetic and not sampled: the point is to run a project's SQL validation, key checks and
unit tests with no warehouse at all, and to get the same bytes on every machine, so a seed file
diff in review means the LookML changed. Every column draws from its own RNG seeded with
``(seed, table, column)``: adding a column does not reshuffle the others.

Keys come first. Unique columns (primary keys, the "one" side of a join) get 1..n (or ``t-0001``
for strings); then each foreign key draws from its parent's values, leaving about a quarter of
the parents without children so ``one_to_many`` joins see zero, one and several children; a
``one_to_one`` child samples parent values without repeating. Other columns get ordinary values,
literals the LookML compares them with (``status = 'complete'``), some NULLs (never in the first
row, so a CSV reader can always tell the type) and edge values: zero, negatives, a leap day, the
last second of a year, quotes and non-ASCII text.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_looker.scaffold.schema import NESTED_TYPES, OBJECT, ColumnInfo, JoinKey, Schema, SourceTable, sql_type

__all__ = ["Dataset", "generate"]

_BASE = dt.datetime(2022, 1, 1)
_SPAN_SECONDS = 3 * 365 * 86400
_WORDS = ("alpha", "bravo", "cedar", "delta", "ember", "fjord", "grove", "harbor", "indigo", "juniper")
_EDGES: dict[str, tuple[Any, ...]] = {
    "integer": (0, -1, 2147483647),
    "number": (0.0, -12.5, 0.01, 1000000.0),
    "string": ("O'Brien", 'Zoë "quoted", ünïcode', "x" * 120),
    "boolean": (),
    "timestamp": (dt.datetime(2024, 2, 29), dt.datetime(2023, 12, 31, 23, 59, 59), dt.datetime(2024, 1, 1)),
    "date": (dt.date(2024, 2, 29), dt.date(2023, 12, 31), dt.date(2024, 1, 1)),
    "epoch": (0, 1704067199),
    "yyyymmdd": (20240229, 20231231),
}
_NULL_SHARE, _EDGE_SHARE, _CHILDLESS_SHARE = 0.08, 0.08, 0.25


@dataclass
class Dataset:
    """Generated rows per table (``schema.table`` as LookML names it) and each column's type."""

    tables: dict[str, list[dict[str, Any]]]
    types: dict[str, dict[str, str]]


def _rng(seed: int, *parts: str) -> random.Random:
    return random.Random(":".join([str(seed), *(p.lower() for p in parts)]))


def _row_counts(schema: Schema, rows: int, parents: Mapping[tuple[str, str], JoinKey]) -> dict[str, int]:
    """``rows`` per table; twice that for tables with many-side keys; not more than a 1:1 parent."""
    counts: dict[str, int] = {}
    for key in schema.tables:
        many = any(k.child_table.lower() == key and not k.unique_child for k in parents.values())
        counts[key] = rows * 2 if many else rows
    for _ in range(len(schema.tables)):
        changed = False
        for (child_table, child_column), link in parents.items():
            column = schema.tables[child_table].columns.get(child_column)
            parent = link.parent_table.lower()
            if column is not None and column.unique and column.not_null and counts[child_table] > counts[parent]:
                counts[child_table] = counts[parent]
                changed = True
        if not changed:
            break
    return counts


def generate(schema: Schema, *, rows: int = 20, seed: int = 0, tables: Iterable[str] | None = None) -> Dataset:
    """Rows for every table of ``schema`` (or only ``tables``), reproducible from ``seed``."""
    rows = max(rows, 1)
    parents: dict[tuple[str, str], JoinKey] = {}
    for known in schema.keys:
        parents.setdefault((known.child_table.lower(), known.child_column.lower()), known)
    counts = _row_counts(schema, rows, parents)
    types: dict[tuple[str, str], str] = {
        (key, name): sql_type(column) if column.type in NESTED_TYPES else column.type
        for key, table in schema.tables.items()
        for name, column in table.columns.items()
    }
    for (child_table, child_column), declared in parents.items():
        referenced = (declared.parent_table.lower(), declared.parent_column.lower())
        if referenced in types:
            types[(child_table, child_column)] = types[referenced]
    values: dict[tuple[str, str], list[Any]] = {}
    pending = [(key, name) for key, table in schema.tables.items() for name in table.columns]
    while pending:
        waiting = []
        for table_key, name in pending:
            link = parents.get((table_key, name))
            parent = (link.parent_table.lower(), link.parent_column.lower()) if link is not None else None
            if parent is not None and parent not in values and parent in types:
                waiting.append((table_key, name))
                continue
            table = schema.tables[table_key]
            values[(table_key, name)] = _column(
                table, name, types[(table_key, name)], counts[table_key], seed,
                link if parent is not None and parent in values else None, values.get(parent) if parent else None,
            )  # fmt: skip
        if len(waiting) == len(pending):  # a cycle of foreign keys: break it with independent values
            table_key, name = waiting[0]
            table = schema.tables[table_key]
            values[(table_key, name)] = _column(table, name, types[(table_key, name)], counts[table_key], seed)
            waiting = waiting[1:]
        pending = waiting
    wanted = {t.lower() for t in tables} if tables is not None else None
    out: dict[str, list[dict[str, Any]]] = {}
    out_types: dict[str, dict[str, str]] = {}
    for key, table in sorted(schema.tables.items()):
        if wanted is not None and key not in wanted:
            continue
        names = list(table.columns)
        out[table.name] = [{table.columns[n].name: values[(key, n)][i] for n in names} for i in range(counts[key])]
        out_types[table.name] = {table.columns[n].name: types[(key, n)] for n in names}
    return Dataset(out, out_types)


def _column(
    table: SourceTable,
    name: str,
    type_: str,
    count: int,
    seed: int,
    link: JoinKey | None = None,
    parent_values: list[Any] | None = None,
) -> list[Any]:
    column = table.columns[name]
    rng = _rng(seed, table.name, column.name)
    if link is not None and parent_values is not None:
        pool = [v for v in parent_values if v is not None]
        if link.unique_child or column.unique:
            chosen: list[Any] = rng.sample(pool, min(count, len(pool)))
            return chosen + [None] * (count - len(chosen))
        childless = set(rng.sample(range(len(pool)), int(len(pool) * _CHILDLESS_SHARE))) if len(pool) > 3 else set()
        candidates = [v for i, v in enumerate(pool) if i not in childless] or pool
        # No NULL keys: a NULL would become a NULL group (and primary key) in derived tables.
        return [rng.choice(candidates) if candidates else None for _ in range(count)]
    if column.holds is not None and column.type in ("json", "string"):
        return [
            None if index and rng.random() < _NULL_SHARE else _json_text(column, rng, index) for index in range(count)
        ]
    if column.unique and column.type not in NESTED_TYPES:
        return [_unique(type_, table, index) for index in range(count)]
    if column.type in NESTED_TYPES:
        return [None if index and rng.random() < _NULL_SHARE else _nested(column, rng, index) for index in range(count)]
    if column.name.lower() == "_table_suffix":  # always a matched suffix: no NULL, no edge value
        return [_ordinary(type_, column.name, column.values, rng, index) for index in range(count)]
    if column.text_format and type_ == "string":  # PARSE_DATE('%Y%m%d', date): text in that format
        return [_formatted(column.text_format, rng) for _ in range(count)]
    result: list[Any] = []
    for index in range(count):
        roll = rng.random()
        if index > 0 and not column.not_null and roll < _NULL_SHARE:
            result.append(None)
        elif index > 0 and roll < _NULL_SHARE + _EDGE_SHARE and _EDGES.get(type_):
            result.append(rng.choice(_EDGES[type_]))
        else:
            result.append(_ordinary(type_, column.name, column.values, rng, index))
    return result


def _nested(column: ColumnInfo, rng: random.Random, index: int, *, element: bool = False) -> Any:
    """A value of a struct (every field) or an array (one to three elements; an element's key
    cycles through the literals the LookML compares it with, so lookups find them).

    Within one array a literal is not repeated: ``(SELECT value FROM UNNEST(labels) WHERE key =
    'x')`` is a lookup, and two elements with key ``'x'`` make it fail on the warehouse as on
    DuckDB (a scalar subquery of more than one row); BigQuery's labels have unique keys."""
    if column.holds is not None and column.type in ("json", "string"):
        return _json_text(column, rng, index)
    if column.type == "struct":
        return {c.name: _nested(c, rng, index, element=element) for c in column.children.values()}
    if column.type == "array":
        item = column.element or ColumnInfo(column.name)
        return [_nested(item, rng, position, element=True) for position in range(1 + rng.randint(0, 2))]
    literals = column.values if not element or index < len(column.values) else []
    return _ordinary(column.type, column.name, literals, rng, index)


def _json_text(column: ColumnInfo, rng: random.Random, index: int) -> str:
    """A JSON column's value as JSON text (the seed formats and DuckDB's JSON type take text)."""
    return json.dumps(_json_value(column.holds or ColumnInfo(column.name), rng, index), ensure_ascii=False)


def _json_value(node: ColumnInfo, rng: random.Random, index: int) -> Any:
    """A JSON value of the shape SQL reads: an object with every key it reads (``*``: one to
    three keys of their own name, each holding the value read under any key), an array of one
    to three elements, or a scalar (dates as ISO text, the way JSON carries them)."""
    if node.type == OBJECT:
        value: dict[str, Any] = {}
        for name, child in node.children.items():
            if name == "*":
                for position in range(1 + rng.randint(0, 2)):
                    value[f"{rng.choice(_WORDS)}-{position + 1}"] = _json_value(child, rng, index)
            else:
                value[child.name] = _json_value(child, rng, index)
        return value
    if node.type == "array":
        element = node.element or ColumnInfo(node.name)
        return [_json_value(element, rng, position) for position in range(1 + rng.randint(0, 2))]
    scalar = _ordinary(node.type if node.type in _EDGES else "string", node.name, node.values, rng, index)
    return text_value(scalar, node.type) if isinstance(scalar, dt.date) else scalar


def _unique(type_: str, table: SourceTable, index: int) -> Any:
    if type_ in ("integer", "epoch"):
        return index + 1
    if type_ == "number":
        return float(index + 1)
    if type_ == "timestamp":
        return _BASE + dt.timedelta(hours=index)
    if type_ == "date":
        return _BASE.date() + dt.timedelta(days=index)
    if type_ == "yyyymmdd":
        return int((_BASE.date() + dt.timedelta(days=index)).strftime("%Y%m%d"))
    if type_ == "boolean":
        return index % 2 == 0
    prefix = table.name.split(".")[-1][:12]
    return f"{prefix}-{index + 1:04d}"


def _ordinary(type_: str, name: str, literals: list[str], rng: random.Random, index: int) -> Any:
    if type_ == "integer":
        return rng.randint(1, 100)
    if type_ == "number":
        return round(rng.uniform(1, 500), 2)
    if type_ == "boolean":
        return rng.random() < 0.5
    moment = _BASE + dt.timedelta(seconds=rng.randint(0, _SPAN_SECONDS))
    if type_ == "timestamp":
        return moment
    if type_ == "date":
        return moment.date()
    if type_ == "epoch":
        return int(moment.replace(tzinfo=dt.timezone.utc).timestamp())
    if type_ == "yyyymmdd":
        return int(moment.strftime("%Y%m%d"))
    lowered = name.lower()
    if lowered == "_table_suffix":
        # BigQuery wildcard tables (events_*): the suffix the * matched, a date in GA4 exports.
        return moment.strftime("%Y%m%d")
    if literals and (index == 0 or rng.random() < 0.8):
        return literals[index % len(literals)] if index < len(literals) else rng.choice(literals)
    if "email" in lowered:
        return f"{rng.choice(_WORDS)}{rng.randint(1, 999)}@example.com"
    return f"{rng.choice(_WORDS)} {rng.randint(1, 99)}"


def _formatted(text_format: str, rng: random.Random) -> str | None:
    """A moment written in ``text_format`` (strftime codes); ``None`` if Python cannot write it."""
    moment = _BASE + dt.timedelta(seconds=rng.randint(0, _SPAN_SECONDS))
    try:
        return moment.strftime(text_format)
    except ValueError:
        return None


def text_value(value: Any, type_: str) -> str:
    """A value as a CSV cell: ISO dates, ``true``/``false``, two decimals for numbers, NULL empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if type_ == "number" and isinstance(value, int | float):
        return f"{value:.2f}"
    return str(value)
