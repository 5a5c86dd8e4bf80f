"""Every measure type, the remaining dimension types and join kinds — executed on DuckDB."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest
from shop import NOW, hand, values

from pytest_looker.compile import Query, compile_query, compile_sql
from pytest_looker.errors import CompileError
from pytest_looker.lookml.model import Project


def test_simple_aggregate_types(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = values(
        db,
        project,
        "orders",
        fields=[
            "orders.distinct_users",
            "orders.min_amount",
            "orders.max_amount",
            "orders.median_amount",
            "orders.p90_amount",
            "orders.has_big_order",
        ],
    )
    expected = hand(
        db,
        """
        SELECT COUNT(DISTINCT user_id), MIN(amount), MAX(amount), MEDIAN(amount),
               QUANTILE_CONT(amount, 0.9), CASE WHEN MAX(amount) > 100 THEN 'Yes' ELSE 'No' END
        FROM orders
        """,
    )
    assert got[0][:4] == expected[0][:4]
    assert got[0][4] == pytest.approx(expected[0][4])
    assert got[0][5] == "Yes"


def test_fanned_median_uses_distinct_values(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = values(db, project, "orders", fields=["orders.median_amount", "order_items.count"])
    expected = hand(db, "SELECT MEDIAN(amount), (SELECT COUNT(*) FROM order_items) FROM orders")
    assert got == expected


def test_list_measure(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = values(db, project, "orders", fields=["users.name", "orders.statuses"], filters={"users.name": "Ann"})
    assert len(got) == 1
    listed = got[0][1]
    assert "cancelled" in listed
    assert "complete" in listed


def test_sum_and_average_distinct(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    # Keyed on orders.id over the joined rows: every order counts once, with or without items.
    got = values(db, project, "orders", fields=["order_items.order_amount_once", "order_items.order_average_once"])
    expected = hand(
        db,
        """
        SELECT COALESCE(SUM(amount), 0), AVG(amount) FROM orders
        """,
    )
    assert [tuple(round(v, 6) for v in row) for row in got] == [tuple(round(v, 6) for v in row) for row in expected]


def test_case_dimension(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = values(db, project, "orders", fields=["orders.status_group", "orders.count"])
    expected = hand(
        db,
        """
        SELECT CASE WHEN LOWER(status) = 'complete' THEN 'Done'
                    WHEN LOWER(status) = 'cancelled' THEN 'Stopped' ELSE 'Other' END, COUNT(*)
        FROM orders GROUP BY 1
        """,
    )
    assert got == expected


def test_duration_dimensions(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = values(
        db,
        project,
        "orders",
        fields=["orders.id", "orders.days_age", "orders.hours_age", "orders.months_age"],
        filters={"orders.id": "1,5"},
    )
    assert got == [(1, 151, 3638, 4), (5, 0, 15, 0)]


def test_raw_join_sql_full_outer_and_cross(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    sql = compile_sql(project, Query("shop", "joins_zoo", fields=["raw_notes.note", "orders.count"], now=NOW))
    assert "LEFT JOIN main.secret_notes AS raw_notes ON orders.id = raw_notes.order_id" in sql
    assert values(db, project, "joins_zoo", fields=["raw_notes.note", "orders.count"]) == [
        ("n1", 1),
        ("n3", 1),
        (None, 4),
    ]
    got = values(db, project, "joins_zoo", fields=["everyone.name", "everyone.count"])
    assert ("Dee", 1) in got  # a user without orders survives the FULL OUTER JOIN
    got = values(db, project, "joins_zoo", fields=["orders.count", "all_products.count"])
    assert got == [(6, 3)]


def test_join_sql_where_applies_only_when_the_join_is_used(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    assert values(db, project, "joins_zoo", fields=["orders.count"]) == [(6,)]
    got = values(db, project, "joins_zoo", fields=["orders.count", "pricey_items.count"])
    expected = hand(
        db,
        "SELECT COUNT(DISTINCT o.id), COUNT(i.id) FROM orders o "
        "LEFT JOIN order_items i ON o.id = i.order_id WHERE i.price > 40",
    )
    assert got == expected


def test_bind_all_filters(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = values(
        db,
        project,
        "orders",
        fields=["orders.user_id", "all_bound_stats.order_count"],
        filters={"orders.status": "complete"},
    )
    expected = hand(
        db,
        """
        WITH s AS (SELECT user_id, COUNT(*) AS n FROM orders WHERE LOWER(status) = 'complete' GROUP BY 1)
        SELECT o.user_id, s.n FROM orders o LEFT JOIN s ON o.user_id = s.user_id
        WHERE LOWER(o.status) = 'complete' GROUP BY 1, 2
        """,
    )
    assert got == expected


def test_sort_by_unselected_measure(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    compiled = compile_query(
        project,
        Query("shop", "orders", fields=["orders.status"], sorts=["orders.total_amount desc"], now=NOW),
    )
    result = [row[0] for row in db.execute(compiled.sql).fetchall()]
    assert result == ["complete", "cancelled", "pending"]
    with pytest.raises(CompileError, match="must be selected to sort"):
        compile_query(project, Query("shop", "orders", fields=["orders.count"], sorts=["orders.status"], now=NOW))


@pytest.mark.parametrize("dialect", ["bigquery", "snowflake", "postgres", "redshift"])
def test_every_dialect_compiles_and_round_trips_to_duckdb(
    project: Project, db: duckdb.DuckDBPyConnection, dialect: str
) -> None:
    fields = [
        "orders.status",
        "orders.count",
        "users.count",
        "orders.total_amount",
        "users.total_age",
        "users.average_age",
    ]
    compiled = compile_query(project, Query("shop", "orders", fields=fields, now=NOW), dialect=dialect, target="duckdb")
    assert "LOOKER_SYMMETRIC" not in compiled.sql
    cursor = db.execute(compiled.sql)
    names = [d[0] for d in cursor.description]
    rows = compiled.finish([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
    got = sorted((tuple(row[f] for f in fields) for row in rows), key=repr)
    expected = hand(
        db,
        "SELECT LOWER(o.status), COUNT(*), COUNT(DISTINCT u.id), COALESCE(SUM(o.amount), 0), "
        "COALESCE(SUM(DISTINCT u.age), 0), AVG(DISTINCT u.age) "
        "FROM orders o LEFT JOIN users u ON o.user_id = u.id GROUP BY 1",
    )  # users' ages are distinct in the seed data, so DISTINCT on the value is the oracle here

    def rounded(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(round(float(v), 4) if isinstance(v, (float, int)) and not isinstance(v, bool) else v for v in row)

    assert [rounded(r) for r in got] == [rounded(r) for r in expected]


@pytest.mark.parametrize("dialect", ["bigquery", "snowflake", "postgres", "redshift"])
def test_without_target_the_sql_keeps_lookers_formula(project: Project, dialect: str) -> None:
    sql = compile_sql(project, Query("shop", "orders", fields=["users.total_age"], now=NOW), dialect=dialect)
    assert "LOOKER_SYMMETRIC" not in sql
    assert "MD5" in sql.upper()
