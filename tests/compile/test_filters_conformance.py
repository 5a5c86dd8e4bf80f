"""filter-expressions.md §11, row by row, checked by executing SQL on DuckDB.

Each row of the transcribed table (``data/filter_conformance.json``) is compiled with our
package and run over small sample tables (``data/filter_samples.sql``) at the spec's fixed
clock. The spec's own reference SQL for the row is run over the same tables, and the two must
select the same rows: this compares meanings, not spellings. Rows stating exact date bounds
also have their bounds compared with :func:`date_range`. ``ERROR`` rows must raise
``FilterSyntaxError`` naming the expression. Rows marked ``?`` in the spec test our choice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pytest_looker.compile.filters import (
    FilterContext,
    FilterKind,
    date_range,
    filter_sql,
    substitute_user_attributes,
)
from pytest_looker.errors import FilterSyntaxError

DATA = Path(__file__).parent / "data"
ROWS: list[dict[str, Any]] = json.loads((DATA / "filter_conformance.json").read_text(encoding="utf-8"))
NOW = datetime(2024, 3, 2, 12, 0, 0, tzinfo=timezone.utc)

#: Sample table and column SQL for each filter kind.
TABLES: dict[str, tuple[str, str | tuple[str, str]]] = {
    "string": ("strings", "x"),
    "number": ("numbers", "x"),
    "date": ("dates", "x"),
    "tier": ("tiers", "t"),
    "yesno": ("yesno", "c"),
    "location": ("locations", ("lat", "lon")),
}


def load_samples() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding the sample tables (shared with the dialect tests)."""
    connection = duckdb.connect()
    connection.execute((DATA / "filter_samples.sql").read_text(encoding="utf-8"))
    return connection


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = load_samples()
    yield connection
    connection.close()


def selected(db: duckdb.DuckDBPyConnection, table: str, condition: str | None) -> set[int]:
    """The ids of ``table`` (aliased ``o``) that satisfy ``condition`` (all rows for ``None``)."""
    where = "TRUE" if condition is None else condition
    return {row[0] for row in db.execute(f"SELECT id FROM {table} AS o WHERE {where}").fetchall()}


def spec_sql(sql: str) -> str:
    """The spec's notation as DuckDB SQL: ``T'…'`` is a TIMESTAMP literal."""
    return re.sub(r"T'([^']*)'", r"TIMESTAMP '\1'", sql)


def context_for(row: dict[str, Any], dialect: str = "duckdb") -> FilterContext:
    return FilterContext(dialect=dialect, now=NOW, **row.get("context", {}))


def expression_of(row: dict[str, Any]) -> str:
    text: str = row["expression"]
    if "user_attributes" in row:
        text = substitute_user_attributes(text, row["user_attributes"])
    return text


def row_id(row: dict[str, Any]) -> str:
    return f"{row['n']}:{row['kind']}:{row['expression']!r}"


VALID_ROWS = [row for row in ROWS if row["sql"] != "ERROR"]
ERROR_ROWS = [row for row in ROWS if row["sql"] == "ERROR"]
BOUND_ROWS = [row for row in VALID_ROWS if row["kind"] == "date" and "T'" in row["sql"] and " OR " not in row["sql"]]


def test_transcription_is_complete() -> None:
    assert [row["n"] for row in ROWS] == list(range(1, 152))
    assert len(VALID_ROWS) + len(ERROR_ROWS) == 151


@pytest.mark.parametrize("row", VALID_ROWS, ids=row_id)
def test_row_selects_the_spec_rows(db: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> None:
    table, column = TABLES[row["kind"]]
    column = row.get("column", column)
    ours = filter_sql(FilterKind(row["kind"]), expression_of(row), column, context_for(row))
    expected = selected(db, table, spec_sql(row["sql"]))
    assert selected(db, table, ours) == expected, f"our SQL: {ours}"
    if row["sql"] in ("TRUE", "1=1"):
        assert ours is None  # empty expression: no condition at all
    else:
        assert ours is not None


@pytest.mark.parametrize("row", BOUND_ROWS, ids=row_id)
def test_row_bounds(row: dict[str, Any]) -> None:
    lower = re.search(r"x >= T'([^']*)'", row["sql"])
    upper = re.search(r"x < T'([^']*)'", row["sql"])
    expected = (
        datetime.fromisoformat(lower[1]) if lower else None,
        datetime.fromisoformat(upper[1]) if upper else None,
    )
    assert date_range(row["expression"], context_for(row)) == expected


@pytest.mark.parametrize("row", ERROR_ROWS, ids=row_id)
def test_row_is_rejected(row: dict[str, Any]) -> None:
    _table, column = TABLES[row["kind"]]
    with pytest.raises(FilterSyntaxError) as caught:
        filter_sql(FilterKind(row["kind"]), expression_of(row), column, context_for(row))
    message = str(caught.value)
    assert repr(row["expression"]) in message or row["expression"] in message
    if "user_attributes" not in row:
        assert "at position" in message


def test_templated_condition_rows_render_one_equals_one_when_empty() -> None:
    """Rows 150/151: ``{% condition %}`` uses filter_sql on the SQL between the tags."""
    ctx = FilterContext(now=NOW)
    assert filter_sql(FilterKind.STRING, "", "o.status", ctx) is None
    assert filter_sql(FilterKind.STRING, "-FOO", "o.status", ctx) == "(o.status <> 'FOO' OR o.status IS NULL)"
