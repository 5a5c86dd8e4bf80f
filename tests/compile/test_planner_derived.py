"""Derived tables (SQL and native) as CTEs, sql_preamble, and post-SQL measures."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest
from shop import NOW

from pytest_looker.compile import Query, compile_query, compile_sql
from pytest_looker.compile.posttable import percent_of_previous, percent_of_total, running_total
from pytest_looker.errors import CompileError
from pytest_looker.lookml.model import Project


def values(con: duckdb.DuckDBPyConnection, project: Project, explore: str, **kwargs: Any) -> list[tuple[Any, ...]]:
    compiled = compile_query(project, Query("shop", explore, now=NOW, **kwargs))
    cursor = con.execute(compiled.sql)
    names = [d[0] for d in cursor.description]
    rows = compiled.finish([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
    return [tuple(row[f] for f in kwargs["fields"]) for row in rows]


def hand(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return sorted((tuple(row) for row in con.execute(sql).fetchall()), key=repr)


def test_sql_derived_table_is_a_cte(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    sql = compile_sql(project, Query("shop", "orders", fields=["user_facts.total_lifetime_orders"], now=NOW))
    assert sql.startswith("WITH user_facts AS (")
    assert "FROM main.orders" in sql  # ${orders.SQL_TABLE_NAME} became the table, constant substituted


def test_derived_table_reading_another_derived_table(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    sql = compile_sql(project, Query("shop", "stacked", fields=["stacked.total_score"], now=NOW))
    assert sql.index("user_facts AS (") < sql.index("stacked AS (")
    got = sorted(values(db, project, "stacked", fields=["stacked.total_score"]))
    assert got == hand(db, "SELECT SUM(n) * 10 FROM (SELECT user_id, COUNT(*) AS n FROM orders GROUP BY 1)")


def test_sql_preamble_comes_first(project: Project) -> None:
    sql = compile_sql(project, Query("shop", "stacked", fields=["stacked.total_score"], now=NOW))
    assert sql.startswith("CREATE TEMP MACRO double_it(x) AS x * 2;")


def test_derived_table_cycle_is_an_error(project: Project) -> None:
    with pytest.raises(CompileError, match="cycle: dt_a -> dt_b -> dt_a"):
        compile_query(project, Query("shop", "dt_a", fields=["dt_a.x"], now=NOW))


def test_native_derived_table(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = sorted(
        values(
            db,
            project,
            "native_user_stats",
            fields=[
                "users.name",
                "native_user_stats.order_count",
                "native_user_stats.revenue_per_order",
                "native_user_stats.total_revenue",
            ],
        ),
        key=repr,
    )
    expected = hand(
        db,
        """
        WITH s AS (SELECT user_id, COUNT(*) AS order_count, COALESCE(SUM(amount), 0) AS revenue
                   FROM orders WHERE LOWER(status) <> 'cancelled' OR status IS NULL GROUP BY 1)
        SELECT u.name, s.order_count, s.revenue / NULLIF(s.order_count, 0), COALESCE(SUM(s.revenue), 0)
        FROM s LEFT JOIN users u ON s.user_id = u.id GROUP BY 1, 2, 3
        """,
    )
    assert got == expected


def test_native_derived_table_bind_filters(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = sorted(
        values(
            db,
            project,
            "bound",
            fields=["orders.user_id", "bound_stats.order_count"],
            filters={"orders.status": "cancelled,complete"},
        ),
        key=repr,
    )
    expected = hand(
        db,
        """
        WITH s AS (SELECT user_id, COUNT(*) AS order_count FROM orders
                   WHERE LOWER(status) IN ('cancelled', 'complete') GROUP BY 1)
        SELECT o.user_id, s.order_count FROM orders o LEFT JOIN s ON o.user_id = s.user_id
        WHERE LOWER(o.status) IN ('cancelled', 'complete') GROUP BY 1, 2
        """,
    )
    assert got == expected
    assert (1, 2) in got  # both of Ann's orders pass the bound filter inside the NDT too


def test_post_sql_measures_are_computed_on_rows(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = values(
        db,
        project,
        "orders",
        fields=["orders.status", "orders.count", "orders.share_of_orders", "orders.running_orders"],
        sorts=["orders.status"],
    )
    assert [row[0] for row in got] == ["cancelled", "complete", "pending"]
    assert [row[1] for row in got] == [1, 4, 1]
    assert [round(row[2], 4) for row in got] == [round(100 / 6, 4), round(400 / 6, 4), round(100 / 6, 4)]
    assert [row[3] for row in got] == [1, 5, 6]


def test_post_sql_helpers() -> None:
    assert percent_of_total([1, None, 3]) == [25.0, None, 75.0]
    assert percent_of_total([0, 0]) == [None, None]
    assert running_total([1, None, 2]) == [1.0, 1.0, 3.0]
    assert percent_of_previous([2, 3, None, 4]) == [None, 50.0, None, None]
