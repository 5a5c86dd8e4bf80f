"""Filters: WHERE vs HAVING, explore-level defaults, access filters, parameters and Liquid."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from shop import NOW, SHOP, hand, values

from pytest_looker.compile import Query, compile_query, compile_sql
from pytest_looker.errors import CompileError
from pytest_looker.lookml import load_project
from pytest_looker.lookml.model import Project


def test_dimension_filter_goes_to_where_on_the_refined_sql(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = values(db, project, "orders", fields=["orders.count"], filters={"orders.status": "complete"})
    assert got == hand(db, "SELECT COUNT(*) FROM orders WHERE LOWER(status) = 'complete'")


def test_negated_string_filter_keeps_nulls(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = values(db, project, "orders", fields=["users.name", "orders.count"], filters={"users.name": "-Ann"})
    expected = hand(
        db,
        "SELECT u.name, COUNT(*) FROM orders o LEFT JOIN users u ON o.user_id = u.id "
        "WHERE u.name <> 'Ann' OR u.name IS NULL GROUP BY 1",
    )
    assert got == expected


def test_measure_filter_goes_to_having(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    compiled = compile_query(
        project,
        Query("shop", "orders", fields=["users.name", "orders.count"], filters={"orders.count": ">1"}, now=NOW),
    )
    assert "HAVING" in compiled.sql
    got = values(db, project, "orders", fields=["users.name", "orders.count"], filters={"orders.count": ">1"})
    expected = hand(
        db,
        "SELECT u.name, COUNT(*) FROM orders o LEFT JOIN users u ON o.user_id = u.id GROUP BY 1 HAVING COUNT(*) > 1",
    )
    assert got == expected


def test_measure_filter_on_fanned_measure(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = values(
        db,
        project,
        "orders",
        fields=["orders.status", "orders.total_amount", "order_items.count"],
        filters={"orders.total_amount": ">100"},
    )
    expected = hand(
        db,
        """
        SELECT LOWER(o.status), COALESCE(SUM(o.amount), 0),
               (SELECT COUNT(*) FROM order_items i JOIN orders o2 ON i.order_id = o2.id
                 WHERE LOWER(o2.status) = LOWER(o.status))
        FROM orders o GROUP BY LOWER(o.status) HAVING COALESCE(SUM(o.amount), 0) > 100
        """,
    )
    assert got == expected


def test_relative_date_filter_uses_the_injected_clock(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = values(db, project, "orders", fields=["orders.id"], filters={"orders.created_date": "7 days"})
    assert got == [(5,)]  # 2024-06-14, within the 7 days ending 2024-06-15
    got = values(db, project, "orders", fields=["orders.id"], filters={"orders.created_month": "2024-02"})
    assert got == [(2,), (3,)]


def test_yesno_filter_no_treats_null_as_no(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = values(db, project, "orders", fields=["orders.id"], filters={"orders.is_big": "no"})
    assert got == hand(db, "SELECT id FROM orders WHERE NOT COALESCE(amount > 100, FALSE)")


def test_sql_always_where_always_filter_and_conditionally_filter(
    project: Project, db: duckdb.DuckDBPyConnection
) -> None:
    attributes = {"country": "US"}
    # Defaults: amount >= 0, status not cancelled, created in 2024 (conditionally), users in US.
    got = values(db, project, "guarded", fields=["orders.id"], user_attributes=attributes)
    assert got == [(1,)]
    # A filter on an `unless` field drops the conditional filter; always_filter stays.
    got = values(
        db,
        project,
        "guarded",
        fields=["orders.id"],
        filters={"users.name": "Ann"},
        user_attributes=attributes,
    )
    assert got == [(1,)]
    got = values(db, project, "guarded", fields=["orders.id"], filters={"orders.id": "<10"}, user_attributes=attributes)
    assert got == [(1,)]  # order 4 (2023, US) fails amount >= 0 because its amount is NULL
    # The always_filter's value can be changed, not removed.
    got = values(
        db,
        project,
        "guarded",
        fields=["orders.id"],
        filters={"orders.status": "cancelled"},
        user_attributes=attributes,
    )
    assert got == [(2,)]


def test_access_filter_needs_its_user_attribute(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(CompileError, match="user attribute 'country'"):
        compile_query(project, Query("shop", "guarded", fields=["orders.id"], now=NOW))
    got = values(db, project, "guarded", fields=["orders.id"], user_attributes={"country": "FR"})
    assert got == [(3,)]


def test_parameter_value_comes_from_filters(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = values(db, project, "orders", fields=["orders.scaled_amount"], filters={"orders.amount_scale": "2"})
    assert got == hand(db, "SELECT COALESCE(SUM(amount * 2), 0) FROM orders")
    got = values(db, project, "orders", fields=["orders.scaled_amount"])
    assert got == hand(db, "SELECT COALESCE(SUM(amount * 1), 0) FROM orders")  # default_value


def test_unsafe_parameter_value_is_refused(project: Project) -> None:
    with pytest.raises(CompileError, match="not a number"):
        compile_query(
            project,
            Query(
                "shop",
                "orders",
                fields=["orders.scaled_amount"],
                filters={"orders.amount_scale": "1; DROP TABLE x"},
            ),
        )


def test_templated_filter_condition(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = values(
        db,
        project,
        "orders",
        fields=["orders.status_matches", "orders.count"],
        filters={"orders.status_filter": "complete,pending"},
    )
    assert got == [("No", 1), ("Yes", 5)]
    got = values(db, project, "orders", fields=["orders.status_matches", "orders.count"])
    assert got == [("Yes", 6)]  # unfiltered: {% condition %} renders 1=1


@pytest.mark.parametrize("hostile", ["x'; DROP TABLE orders; --", "a\\'b", "/* c */ ' OR 1=1 --", "it's"])
def test_filter_values_never_escape_their_literal(
    project: Project, db: duckdb.DuckDBPyConnection, hostile: str
) -> None:
    try:
        sql = compile_sql(
            project,
            Query("shop", "orders", fields=["orders.count"], filters={"users.name": hostile}, now=NOW),
        )
    except CompileError:
        return  # refusing a malformed expression is as safe as quoting it
    assert db.execute(sql).fetchall() == [(0,)]
    assert db.execute("SELECT COUNT(*) FROM orders").fetchone() == (6,)


def test_case_insensitive_explore_setting(tmp_path: Path, db: duckdb.DuckDBPyConnection) -> None:
    (tmp_path / "views").mkdir()
    (tmp_path / "views" / "orders.view.lkml").write_text((SHOP / "views" / "orders.view.lkml").read_text())
    (tmp_path / "manifest.lkml").write_text((SHOP / "manifest.lkml").read_text())
    (tmp_path / "ci.model.lkml").write_text(
        'connection: "x"\ninclude: "/views/*.view.lkml"\ncase_sensitive: no\nexplore: orders {}\n'
    )
    project = load_project(tmp_path)
    compiled = compile_query(
        project,
        Query("ci", "orders", fields=["orders.count"], filters={"orders.status": "COMPLETE"}, now=NOW),
    )
    assert db.execute(compiled.sql).fetchall() == [(4,)]
