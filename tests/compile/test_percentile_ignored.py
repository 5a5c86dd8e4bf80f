"""A median or percentile of a fanned-out view where Looker has no ``percentile_distinct``.

Looker's docs (explore ``symmetric_aggregates``, "Things to consider"; measure types
``percentile``/``percentile_distinct``): with symmetric aggregates on, a fanned median becomes
``median_distinct``; on dialects without it (Snowflake, Redshift) the Explore warns "SQL dialect
doesn't support Symmetric Aggregates with percentiles, field ignored." and runs the query without
the field. BigQuery and PostgreSQL have it. The offline run follows the project's dialect, not
DuckDB's, even though DuckDB could compute the value. Queries execute on DuckDB against SQL
written by hand.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pytest
from shop import NOW, hand

from pytest_looker.compile import CompiledQuery, FieldsIgnored, Query, compile_query
from pytest_looker.compile.dialects import get_dialect
from pytest_looker.compile.transpile import transpile
from pytest_looker.lookml.model import Project

FANNED = ["order_items.count", "orders.median_amount", "orders.p90_amount"]


def _run(
    db: duckdb.DuckDBPyConnection, project: Project, dialect: str, fields: list[str]
) -> tuple[list[str], list[tuple[Any, ...]], CompiledQuery]:
    compiled = compile_query(project, Query("shop", "orders", fields=fields, now=NOW), dialect=dialect, target="duckdb")
    cursor = db.execute(compiled.sql)
    names = [d[0] for d in cursor.description]
    result = compiled.finish([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
    return [c.field for c in compiled.columns], [tuple(r.values()) for r in result], compiled


@pytest.mark.parametrize("dialect", ["snowflake", "redshift"])
def test_fanned_median_is_left_out_with_looker_warning(
    project: Project, db: duckdb.DuckDBPyConnection, dialect: str
) -> None:
    columns, got, compiled = _run(db, project, dialect, FANNED)
    assert columns == ["order_items.count"]
    assert got == hand(db, "SELECT COUNT(*) FROM order_items")
    assert [i.field for i in compiled.ignored] == ["orders.median_amount", "orders.p90_amount"]
    first = compiled.ignored[0]
    assert "SQL dialect doesn't support Symmetric Aggregates with percentiles, field ignored." in first.message
    assert "join 'order_items' fans out" in first.message and dialect in first.message
    assert first.location is not None and first.location.file == "views/orders.view.lkml"
    assert first.location.line == 106
    assert "median" not in compiled.sql.lower() and "quantile" not in compiled.sql.lower()


#: Looker's percentile rule (measure-type reference, "percentile"): with n values, the value at
#: position n·p rounded up, or the average of positions n·p and n·p + 1 when n·p is whole.
LOOKER_P90 = """
WITH ranked AS (SELECT amount, ROW_NUMBER() OVER (ORDER BY amount) AS pos, COUNT(*) OVER () AS n
                FROM orders WHERE amount IS NOT NULL)
SELECT AVG(amount) FROM ranked WHERE pos = CEIL(n * 0.9) OR (n * 0.9 = FLOOR(n * 0.9) AND pos = n * 0.9 + 1)
"""


@pytest.mark.parametrize(
    ("dialect", "p90"),
    [("bigquery", LOOKER_P90), ("postgres", "SELECT QUANTILE_CONT(amount, 0.9) FROM orders"), ("duckdb", None)],
)
def test_dialects_with_percentile_distinct_compute_it(
    project: Project, db: duckdb.DuckDBPyConnection, dialect: str, p90: str | None
) -> None:
    # BigQuery keeps Looker's BigQuery rule offline; the others run DuckDB's interpolating quantile.
    columns, got, compiled = _run(db, project, dialect, FANNED)
    assert columns == FANNED and compiled.ignored == ()
    expected = hand(db, "SELECT (SELECT COUNT(*) FROM order_items), MEDIAN(amount) FROM orders")
    assert got[0][:2] == expected[0]
    reference = hand(db, p90 or "SELECT QUANTILE_CONT(amount, 0.9) FROM orders")[0][0]
    assert got[0][2] == pytest.approx(reference)


def test_unfanned_median_is_kept_on_snowflake(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    columns, got, compiled = _run(db, project, "snowflake", ["orders.median_amount"])
    assert columns == ["orders.median_amount"] and compiled.ignored == ()
    assert got == hand(db, "SELECT MEDIAN(amount) FROM orders")


def test_the_source_sql_leaves_it_out_too(project: Project) -> None:
    compiled = compile_query(project, Query("shop", "orders", fields=FANNED, now=NOW), dialect="snowflake")
    assert [c.field for c in compiled.columns] == ["order_items.count"]
    assert [i.field for i in compiled.ignored] == ["orders.median_amount", "orders.p90_amount"]
    assert "PERCENTILE" not in compiled.sql.upper()


def test_a_sort_on_the_ignored_field_goes_with_it(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    query = Query("shop", "orders", fields=FANNED, sorts=["orders.median_amount desc"], now=NOW)
    compiled = compile_query(project, query, dialect="snowflake", target="duckdb")
    assert [c.field for c in compiled.columns] == ["order_items.count"]
    assert db.execute(compiled.sql).fetchall() == hand(db, "SELECT COUNT(*) FROM order_items")


def test_a_query_of_only_ignored_fields_has_nothing_to_run(project: Project) -> None:
    query = Query("shop", "orders", fields=["orders.median_amount"], filters={"order_items.price": ">0"}, now=NOW)
    with pytest.raises(FieldsIgnored, match="field ignored") as caught:
        compile_query(project, query, dialect="snowflake", target="duckdb")
    assert [i.field for i in caught.value.ignored] == ["orders.median_amount"]
    compiled = compile_query(project, query, dialect="bigquery", target="duckdb")
    assert [c.field for c in compiled.columns] == ["orders.median_amount"]


def test_dialect_support_follows_lookers_table() -> None:
    # Looker's measure-type reference, "Supported database dialects for percentile_distinct".
    supported = {name: get_dialect(name).supports_distinct_percentile for name in ("bigquery", "postgres", "mysql")}
    refused = {name: get_dialect(name).supports_distinct_percentile for name in ("snowflake", "redshift")}
    assert all(supported.values()) and not any(refused.values())


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # the fanned-out 10 counts once; the NULL key and the NULL value are left out
        ([(1, 10.0), (1, 10.0), (1, 10.0), (2, 20.0), (3, 40.0), (None, 99.0), (4, None)], (20.0, 40.0, 10.0)),
        # an even count: whole positions average two values
        ([(1, 10.0), (2, 20.0), (3, 40.0), (4, 50.0), (4, 50.0)], (30.0, 45.0, 10.0)),
        ([], (None, None, None)),
    ],
)
def test_bigquery_percentile_distinct_follows_lookers_rule(
    rows: list[tuple[int | None, float | None]], expected: tuple[float | None, ...]
) -> None:
    bigquery = get_dialect("bigquery")
    parts = [bigquery.symmetric_median("v", "k"), *(bigquery.symmetric_percentile("v", "k", p) for p in (75, 10))]
    sql = transpile(f"SELECT {', '.join(parts)} FROM f", source="bigquery", target="duckdb")
    con = duckdb.connect()
    con.execute("CREATE TABLE f (k INTEGER, v DOUBLE)")
    if rows:
        con.executemany("INSERT INTO f VALUES (?, ?)", rows)
    assert con.execute(sql).fetchall() == [expected]
