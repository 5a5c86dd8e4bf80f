"""Fan-out in every direction, checked by running the planner's SQL and hand-written SQL on DuckDB."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shop import NOW, rows

from pytest_looker.compile import Query, compile_query
from pytest_looker.errors import CompileError
from pytest_looker.lookml.jointree import JoinEdge, JoinTree
from pytest_looker.lookml.model import Project


def run(con: duckdb.DuckDBPyConnection, project: Project, explore: str, **kwargs: Any) -> list[tuple[Any, ...]]:
    result = rows(con, project, explore, **kwargs)
    return sorted((tuple(_norm(row[f]) for f in kwargs["fields"]) for row in result), key=repr)


def hand(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return sorted((tuple(_norm(v) for v in row) for row in con.execute(sql).fetchall()), key=repr)


def _norm(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if value is not None and type(value).__name__ == "Decimal":
        return round(float(value), 6)
    return value


# -- the rule itself ------------------------------------------------------------------------------


def fanned_views(base: str, joins: list[str], parents: dict[str, str], relationships: dict[str, str]) -> set[str]:
    """The views a tree of ``joins`` (each hanging from ``parents[j]``) fans out."""
    edges = [JoinEdge(j, relationships[j], frozenset({parents[j]})) for j in joins]
    return set(JoinTree(base, edges).fanned())


def test_rule_many_to_one_fans_the_joined_subtree_only() -> None:
    fanned = fanned_views(
        "orders",
        ["users", "user_facts"],
        {"users": "orders", "user_facts": "users"},
        {"users": "many_to_one", "user_facts": "one_to_one"},
    )
    assert fanned == {"users", "user_facts"}


def test_rule_one_to_many_fans_everything_outside_the_child() -> None:
    fanned = fanned_views(
        "orders",
        ["users", "order_items", "products"],
        {"users": "orders", "order_items": "orders", "products": "order_items"},
        {"users": "many_to_one", "order_items": "one_to_many", "products": "many_to_one"},
    )
    assert fanned == {"orders", "users", "products"}


def test_rule_many_to_many_fans_everything() -> None:
    fanned = fanned_views("orders", ["tags"], {"tags": "orders"}, {"tags": "many_to_many"})
    assert fanned == {"orders", "tags"}


# -- executed against hand-written SQL ------------------------------------------------------------------


def test_many_to_one_counts_users_once(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = run(db, project, "orders", fields=["orders.count", "users.count", "users.total_age", "users.average_age"])
    expected = hand(
        db,
        """
        SELECT (SELECT COUNT(*) FROM orders),
               (SELECT COUNT(DISTINCT u.id) FROM orders o JOIN users u ON o.user_id = u.id),
               (SELECT COALESCE(SUM(age), 0) FROM users WHERE id IN (SELECT user_id FROM orders)),
               (SELECT AVG(age) FROM users WHERE id IN (SELECT user_id FROM orders))
        """,
    )
    assert got == expected
    assert got[0][0] == 6


def test_base_view_stays_count_star_with_many_to_one_join(project: Project) -> None:
    compiled = compile_query(project, Query("shop", "orders", fields=["orders.count", "users.count"], now=NOW))
    assert "COUNT(*)" in compiled.sql
    assert "orders" not in compiled.fanned


def test_one_to_many_dedupes_orders_and_keeps_orders_without_items(
    project: Project, db: duckdb.DuckDBPyConnection
) -> None:
    got = run(
        db,
        project,
        "orders",
        fields=[
            "orders.status",
            "orders.count",
            "orders.total_amount",
            "orders.average_amount",
            "order_items.count",
            "order_items.total_price",
        ],
    )
    expected = hand(
        db,
        """
        WITH o AS (SELECT LOWER(status) AS status, COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total,
                          AVG(amount) AS avg FROM orders GROUP BY 1),
             i AS (SELECT LOWER(o.status) AS status, COUNT(i.id) AS n, COALESCE(SUM(i.price), 0) AS total
                   FROM orders o LEFT JOIN order_items i ON o.id = i.order_id GROUP BY 1)
        SELECT o.status, o.n, o.total, o.avg, i.n, i.total FROM o JOIN i USING (status)
        """,
    )
    assert got == expected


def test_chain_many_to_one_then_one_to_one(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = run(db, project, "orders", fields=["orders.count", "user_facts.total_lifetime_orders"])
    expected = hand(
        db,
        """
        SELECT (SELECT COUNT(*) FROM orders),
               (SELECT SUM(n) FROM (SELECT user_id, COUNT(*) AS n FROM orders GROUP BY user_id) f
                WHERE f.user_id IN (SELECT id FROM users) AND f.user_id IN (SELECT user_id FROM orders))
        """,
    )
    assert got == expected


def test_one_to_many_then_many_to_one_products(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = run(
        db,
        project,
        "orders",
        fields=["products.category", "products.count", "orders.count", "order_items.count"],
    )
    expected = hand(
        db,
        """
        SELECT p.category, COUNT(DISTINCT p.id), COUNT(DISTINCT o.id), COUNT(i.id)
        FROM orders o LEFT JOIN order_items i ON o.id = i.order_id LEFT JOIN products p ON i.product_id = p.id
        GROUP BY 1
        """,
    )
    assert got == expected


def test_many_to_many_fans_both_sides(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = run(db, project, "tags_m2m", fields=["orders.count", "orders.total_amount", "tags.count"])
    expected = hand(
        db,
        """
        SELECT (SELECT COUNT(*) FROM orders), (SELECT COALESCE(SUM(amount), 0) FROM orders),
               (SELECT COUNT(*) FROM tags)
        """,
    )
    assert got == expected


def test_null_side_of_left_join_groups_under_null(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = run(db, project, "orders", fields=["users.name", "orders.count", "users.count"])
    expected = hand(
        db,
        "SELECT u.name, COUNT(*), COUNT(DISTINCT u.id) FROM orders o LEFT JOIN users u ON o.user_id = u.id GROUP BY 1",
    )
    assert got == expected
    assert (None, 2, 0) in got


def test_joined_non_fanned_count_skips_null_extended_rows(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = run(db, project, "users", fields=["users.name", "orders.count", "users.count"])
    expected = hand(
        db,
        "SELECT u.name, COUNT(o.id), COUNT(DISTINCT u.id) "
        "FROM users u LEFT JOIN orders o ON u.id = o.user_id GROUP BY 1",
    )
    assert got == expected
    assert ("Dee", 0, 1) in got


def test_filter_on_fanned_join(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = run(
        db,
        project,
        "orders",
        fields=["orders.count", "orders.total_amount"],
        filters={"products.category": "toys"},
    )
    expected = hand(
        db,
        """
        SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM orders WHERE id IN (
          SELECT i.order_id FROM order_items i JOIN products p ON i.product_id = p.id
          WHERE p.category = 'toys')
        """,
    )
    assert got == expected


def test_filtered_measures_on_fanned_view_use_the_refined_dimension(
    project: Project, db: duckdb.DuckDBPyConnection
) -> None:
    got = run(db, project, "orders", fields=["orders.completed_count", "orders.big_amount", "order_items.count"])
    expected = hand(
        db,
        """
        SELECT (SELECT COUNT(*) FROM orders WHERE LOWER(status) = 'complete'),
               (SELECT COALESCE(SUM(amount), 0) FROM orders WHERE amount > 100),
               (SELECT COUNT(*) FROM order_items)
        """,
    )
    assert got == expected
    assert got[0][0] == 4  # 'Complete', 'COMPLETE' and 'complete' all match the refined LOWER(status)


def test_symmetric_aggregates_no_is_honoured(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = run(db, project, "naive", fields=["orders.total_amount", "order_items.count"])
    expected = hand(
        db,
        "SELECT COALESCE(SUM(o.amount), 0), COUNT(i.id) FROM orders o LEFT JOIN order_items i ON o.id = i.order_id",
    )
    assert got == expected


def test_fanned_view_without_primary_key_is_an_error(project: Project) -> None:
    with pytest.raises(CompileError, match=r"join 'buyers' fans out view 'nopk_users'.*no primary_key"):
        compile_query(project, Query("shop", "no_pk", fields=["buyers.total_age"], now=NOW))


def test_unfanned_view_without_primary_key_is_fine(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    assert run(db, project, "no_pk", fields=["orders.count"]) == [(6,)]


# -- property: random fan-out -------------------------------------------------------------------------

_amounts = st.one_of(
    st.none(),
    st.integers(min_value=-1000, max_value=1000),
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False).map(float),
)


@st.composite
def fanout_data(draw: st.DrawFn) -> Mapping[str, list[tuple[Any, ...]]]:
    n_users = draw(st.integers(min_value=0, max_value=5))
    users = [(uid, draw(_amounts)) for uid in range(1, n_users + 1)]
    n_orders = draw(st.integers(min_value=0, max_value=8))
    orders = [
        (oid, draw(st.integers(min_value=0, max_value=n_users + 1)) or None, draw(_amounts))
        for oid in range(1, n_orders + 1)
    ]
    items: list[tuple[Any, ...]] = []
    for oid, _, _ in orders:
        for _ in range(draw(st.integers(min_value=0, max_value=4))):
            items.append((len(items) + 1, oid, draw(_amounts)))
    return {"users": users, "orders": orders, "items": items}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=fanout_data())
def test_symmetric_aggregates_equal_deduplicated_aggregates(
    project: Project, data: Mapping[str, list[tuple[Any, ...]]]
) -> None:
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE users (id INTEGER, name VARCHAR, age DOUBLE, country VARCHAR)")
        con.execute(
            "CREATE TABLE orders (id INTEGER, user_id INTEGER, status VARCHAR, amount DOUBLE, created_at TIMESTAMP)"
        )
        con.execute("CREATE TABLE order_items (id INTEGER, order_id INTEGER, product_id INTEGER, price DOUBLE)")
        for uid, age in data["users"]:
            con.execute("INSERT INTO users VALUES (?, 'x', ?, 'US')", [uid, age])
        for oid, uid, amount in data["orders"]:
            con.execute("INSERT INTO orders VALUES (?, ?, 's', ?, TIMESTAMP '2024-01-01')", [oid, uid, amount])
        for iid, oid, price in data["items"]:
            con.execute("INSERT INTO order_items VALUES (?, ?, 1, ?)", [iid, oid, price])
        fields = [
            "orders.count",
            "orders.total_amount",
            "orders.average_amount",
            "users.count",
            "users.total_age",
            "users.average_age",
            "order_items.count",
            "order_items.total_price",
        ]
        got = run(con, project, "orders", fields=fields, limit=-1)
        expected = hand(
            con,
            """
            WITH joined AS (
              SELECT o.id AS oid, o.amount, u.id AS uid, u.age, i.id AS iid, i.price
              FROM orders o LEFT JOIN users u ON o.user_id = u.id
              LEFT JOIN order_items i ON o.id = i.order_id),
            o AS (SELECT DISTINCT oid, amount FROM joined),
            u AS (SELECT DISTINCT uid, age FROM joined WHERE uid IS NOT NULL),
            i AS (SELECT DISTINCT iid, price FROM joined WHERE iid IS NOT NULL)
            SELECT (SELECT COUNT(*) FROM o), (SELECT COALESCE(SUM(amount), 0) FROM o),
                   (SELECT AVG(amount) FROM o),
                   (SELECT COUNT(*) FROM u), (SELECT COALESCE(SUM(age), 0) FROM u), (SELECT AVG(age) FROM u),
                   (SELECT COUNT(*) FROM i), (SELECT COALESCE(SUM(price), 0) FROM i)
            """,
        )
        assert got == expected
    finally:
        con.close()
