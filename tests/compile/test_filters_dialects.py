"""Every conformance row rendered for the other dialects: it parses, and it means the same.

For BigQuery, Snowflake, Postgres, Redshift and MySQL the generated condition must parse with
sqlglot in that dialect as one statement, and, transpiled back to DuckDB, select the same
sample rows as our DuckDB rendering. This catches dialect-specific literal escaping, LIKE
escapes and typed literals going wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pytest
import sqlglot
from bigquery_clock import reference_condition
from test_filters_conformance import (
    NOW,
    TABLES,
    VALID_ROWS,
    context_for,
    expression_of,
    load_samples,
    row_id,
    selected,
)

from pytest_looker.compile.filters import FilterContext, FilterKind, filter_sql
from pytest_looker.compile.transpile import transpile

DIALECTS = ["bigquery", "snowflake", "postgres", "redshift", "mysql"]

#: Extra expressions that stress escaping in every dialect.
EXTRA: list[tuple[str, str, dict[str, Any]]] = [
    ("string", "back\\\\slash", {}),
    ("string", "%back\\\\sl%", {}),
    ("string", "-%100^%%,%^_^^%", {}),
    ("string", 'O\'Brien,-say ^"hi^"', {"case_sensitive": False}),
    ("string", "%o'b%,-%100^%%", {"case_sensitive": False}),
    ("date", "2 days", {"column_is_date": True}),
    ("date", "24 hours, before 2021-06-01", {"column_is_date": True}),
    ("date", "this week", {"timezone": "America/Los_Angeles"}),
    ("location", "inside box from 60, 170 to 40, -170", {}),
]


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = load_samples()
    yield connection
    connection.close()


def as_duckdb(condition: str, dialect: str) -> str:
    """A WHERE condition moved from ``dialect`` to DuckDB by the product's translator, which
    carries the source's semantics (MySQL's DAYOFWEEK counts from Sunday = 1, BigQuery's LIKE
    escapes with a backslash) — the path a compiled query takes."""
    sql = transpile(f"SELECT id FROM t AS o WHERE {condition}", source=dialect, target="duckdb")
    statements = sqlglot.parse(sql, read="duckdb")
    assert len(statements) == 1
    assert statements[0] is not None
    return str(statements[0].args["where"].this.sql(dialect="duckdb"))


def check(db: duckdb.DuckDBPyConnection, kind: str, text: str, options: dict[str, Any], dialect: str) -> None:
    table, column = TABLES[kind]
    if kind == "date" and options.get("column_is_date"):
        table = "days"
    column = options.pop("column", column)
    reference = filter_sql(FilterKind(kind), text, column, FilterContext(now=NOW, **options))
    rendered = filter_sql(FilterKind(kind), text, column, FilterContext(dialect=dialect, now=NOW, **options))
    assert (reference is None) == (rendered is None)
    if rendered is None or reference is None:
        return
    if dialect == "bigquery" and kind == "date" and options.get("timezone"):
        # Looker's BigQuery SQL truncates only the clock in the query zone (see bigquery_clock).
        zone = options["timezone"]
        reference = reference_condition(text, str(column), NOW, zone, is_date=bool(options.get("column_is_date")))
    transpiled = as_duckdb(rendered, dialect)
    ours, expected = selected(db, table, transpiled), selected(db, table, reference)
    assert ours == expected, (rendered, transpiled)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("row", VALID_ROWS, ids=row_id)
def test_conformance_row_in_dialect(db: duckdb.DuckDBPyConnection, row: dict[str, Any], dialect: str) -> None:
    options = dict(row.get("context", {}))
    if "column" in row:
        options["column"] = row["column"]
    check(db, row["kind"], expression_of(row), options, dialect)
    assert context_for(row, dialect).dialect == dialect


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("kind", "text", "options"), EXTRA, ids=[f"{k}:{t}" for k, t, _ in EXTRA])
def test_escaping_stress_in_dialect(
    db: duckdb.DuckDBPyConnection, kind: str, text: str, options: dict[str, Any], dialect: str
) -> None:
    check(db, kind, text, dict(options), dialect)


def test_backslash_dialects_double_backslashes() -> None:
    ctx = FilterContext(dialect="bigquery", now=NOW)
    assert filter_sql(FilterKind.STRING, "%100^%%", "x", ctx) == "x LIKE '%100\\\\%%'"
    ctx = FilterContext(dialect="snowflake", now=NOW)
    assert filter_sql(FilterKind.STRING, "%100^%%", "x", ctx) == "x LIKE '%100\\\\%%' ESCAPE '\\\\'"
    ctx = FilterContext(dialect="postgres", now=NOW)
    assert filter_sql(FilterKind.STRING, "%100^%%", "x", ctx) == "x LIKE '%100\\%%' ESCAPE '\\'"
