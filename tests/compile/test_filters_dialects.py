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
from sqlglot import exp
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

DIALECTS = ["bigquery", "snowflake", "postgres", "redshift", "mysql"]
#: Dialects whose LIKE uses backslash as its escape character without an ESCAPE clause.
DEFAULT_BACKSLASH_ESCAPE = {"bigquery"}

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
    """Transpile a WHERE condition from ``dialect`` to DuckDB, asserting it is one statement."""
    statements = sqlglot.parse(f"SELECT id FROM t AS o WHERE {condition}", read=dialect)
    assert len(statements) == 1
    assert statements[0] is not None
    where = statements[0].args["where"]
    if dialect in DEFAULT_BACKSLASH_ESCAPE:
        # BigQuery's LIKE escapes with backslash by default; DuckDB needs it said explicitly.
        for node in list(where.find_all(exp.Like, exp.ILike)):
            if "\\" in node.expression.name and not isinstance(node.parent, exp.Escape):
                node.replace(exp.Escape(this=node.copy(), expression=exp.Literal.string("\\")))
    return str(where.this.sql(dialect="duckdb"))


#: sqlglot (30.x) keeps MySQL's DAYOFWEEK (1 = Sunday) as DuckDB's DAYOFWEEK (0 = Sunday), so
#: Looker's MySQL week arithmetic is a day off once transpiled. Reported to the translator (issue 15).
MYSQL_DAYOFWEEK = "sqlglot transpiles MySQL DAYOFWEEK (1 = Sunday) to DuckDB DAYOFWEEK (0 = Sunday)"


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
    if ours != expected and dialect == "mysql" and "DAYOFWEEK(" in rendered:
        pytest.xfail(MYSQL_DAYOFWEEK)
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
