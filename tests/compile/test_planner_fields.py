"""Field SQL, explore scoping, join pruning and name errors — executed on DuckDB where it matters."""

from __future__ import annotations

import duckdb
import pytest
import sqlglot
from shop import NOW, rows
from sqlglot import exp

from pytest_looker.compile import Query, compile_query, compile_sql
from pytest_looker.errors import CompileError, LookerError
from pytest_looker.lookml.model import Project


def joined_tables(sql: str) -> set[str]:
    return {table.alias_or_name for table in sqlglot.parse_one(sql, read="duckdb").find_all(exp.Table)}


# -- dimension types ----------------------------------------------------------------------------------


def test_timeframes_render_as_looker_strings(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    result = rows(
        db,
        project,
        "orders",
        fields=[
            "orders.id",
            "orders.created_date",
            "orders.created_week",
            "orders.created_month",
            "orders.created_quarter",
            "orders.created_year",
            "orders.created_day_of_week",
            "orders.created_hour_of_day",
        ],
        filters={"orders.id": "2"},
    )
    assert len(result) == 1
    row = result[0]
    assert str(row["orders.created_date"]) == "2024-02-20"
    assert str(row["orders.created_week"]) == "2024-02-19"  # Monday
    assert row["orders.created_month"] == "2024-02"
    assert row["orders.created_quarter"] == "2024-01"  # first month of the quarter (verified §4)
    assert int(row["orders.created_year"]) == 2024
    assert row["orders.created_day_of_week"] == "Tuesday"
    assert int(row["orders.created_hour_of_day"]) == 23


def test_query_timezone_shifts_timeframes(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    result = rows(
        db,
        project,
        "orders",
        fields=["orders.id", "orders.created_date"],
        filters={"orders.id": "2"},
        timezone="Asia/Tokyo",
    )
    assert str(result[0]["orders.created_date"]) == "2024-02-21"  # 23:30 UTC is the next day in Tokyo


def test_yesno_selects_yes_no_and_tier_labels(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    result = rows(db, project, "orders", fields=["orders.is_big", "orders.amount_tier", "orders.count"])
    got = {(r["orders.is_big"], r["orders.amount_tier"], r["orders.count"]) for r in result}
    expected = {
        tuple(r)
        for r in db.execute(
            """
            SELECT CASE WHEN amount > 100 THEN 'Yes' ELSE 'No' END,
                   CASE WHEN amount < 0 THEN 'Below 0' WHEN amount < 50 THEN '0 to 49'
                        WHEN amount < 100 THEN '50 to 99' WHEN amount >= 100 THEN '100 or Above'
                        ELSE 'Undefined' END,
                   COUNT(*)
            FROM orders GROUP BY 1, 2
            """
        ).fetchall()
    }
    assert got == expected
    assert all("__sort_" not in key for r in result for key in r)


def test_tier_sorts_by_its_companion_column(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    result = rows(db, project, "orders", fields=["orders.amount_tier"], sorts=["orders.amount_tier"])
    labels = [r["orders.amount_tier"] for r in result]
    assert labels == ["Below 0", "0 to 49", "50 to 99", "100 or Above", "Undefined"]


def test_number_measure_over_measures(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    result = rows(db, project, "orders", fields=["orders.amount_per_order"])
    expected = db.execute("SELECT COALESCE(SUM(amount), 0) / COUNT(*) FROM orders").fetchone()
    assert expected is not None
    assert result[0]["orders.amount_per_order"] == pytest.approx(expected[0])


def test_constants_are_substituted_in_sql_table_name(project: Project) -> None:
    sql = compile_sql(project, Query("shop", "orders", fields=["orders.count"], now=NOW))
    assert "main.orders AS orders" in sql
    assert "@{" not in sql


# -- joins ---------------------------------------------------------------------------------------------


def test_unused_joins_are_pruned(project: Project) -> None:
    sql = compile_sql(project, Query("shop", "orders", fields=["orders.status", "orders.count"], now=NOW))
    assert joined_tables(sql) == {"orders"}


def test_join_pulls_in_what_its_sql_on_references(project: Project) -> None:
    sql = compile_sql(project, Query("shop", "orders", fields=["user_facts.total_lifetime_orders"], now=NOW))
    assert {"orders", "users", "user_facts"} <= joined_tables(sql)
    assert "order_items" not in joined_tables(sql)
    assert sql.index("JOIN main.users") < sql.index("JOIN user_facts")


def test_filter_and_sort_fields_pull_in_joins(project: Project) -> None:
    sql = compile_sql(
        project,
        Query("shop", "orders", fields=["orders.count"], filters={"products.category": "toys"}, now=NOW),
    )
    assert {"order_items", "products"} <= joined_tables(sql)
    sql = compile_sql(project, Query("shop", "orders", fields=["orders.count"], sorts=["users.count desc"], now=NOW))
    assert "users" in joined_tables(sql)


def test_always_join_required_joins_and_foreign_key(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    sql = compile_sql(project, Query("shop", "forced", fields=["orders.count"], now=NOW))
    assert "INNER JOIN main.secret_notes AS secret_notes" in sql
    assert db.execute(sql).fetchall() == [(2,)]  # the inner always_join keeps orders 1 and 3
    sql = compile_sql(project, Query("shop", "forced", fields=["item_products.category"], now=NOW))
    assert sql.index("order_items") < sql.index("item_products ON")
    result = rows(db, project, "forced", fields=["buyers.name", "orders.count"], sorts=["buyers.name"])
    assert [(r["buyers.name"], r["orders.count"]) for r in result] == [("Ann", 1), ("Bob", 1)]
    fk_sql = compile_sql(project, Query("shop", "forced", fields=["buyers.name"], now=NOW))
    assert "ON orders.user_id = buyers.id" in fk_sql


# -- scoping and names ----------------------------------------------------------------------------------


def test_view_outside_the_explore_is_an_error(project: Project) -> None:
    with pytest.raises(CompileError, match="'products' is not part of explore 'users'"):
        compile_query(project, Query("shop", "users", fields=["products.count"], now=NOW))


def test_unknown_field_suggests_the_closest(project: Project) -> None:
    with pytest.raises(CompileError, match=r"unknown field orders\.totl_amount.*did you mean 'total_amount'"):
        compile_query(project, Query("shop", "orders", fields=["orders.totl_amount"], now=NOW))


def test_unknown_view_suggests_the_closest(project: Project) -> None:
    with pytest.raises(CompileError, match=r"unknown view 'user' .*did you mean 'users'"):
        compile_query(project, Query("shop", "orders", fields=["user.count"], now=NOW))


def test_unknown_explore_and_model(project: Project) -> None:
    with pytest.raises(LookerError, match="unknown explore 'nope'"):
        compile_query(project, Query("shop", "nope", fields=["orders.count"], now=NOW))


def test_fields_exclusions(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(CompileError, match=r"orders\.amount is not available in explore 'restricted'"):
        compile_query(project, Query("shop", "restricted", fields=["orders.amount"], now=NOW))
    with pytest.raises(CompileError, match=r"users\.age is not available"):
        compile_query(project, Query("shop", "restricted", fields=["users.age"], now=NOW))
    with pytest.raises(CompileError, match=r"users\.country is not available"):
        compile_query(project, Query("shop", "restricted", fields=["users.country"], now=NOW))
    # Excluded fields may still be referenced by LookML (total_amount sums ${amount}).
    result = rows(db, project, "restricted", fields=["users.name", "orders.total_amount"])
    assert {r["users.name"] for r in result} == {"Ann", "Bob", "Cy", None}


def test_reference_cycle_is_an_error_with_location(project: Project) -> None:
    with pytest.raises(CompileError, match=r"circular reference: loops\.a -> loops\.b -> loops\.c -> loops\.a") as info:
        compile_query(project, Query("shop", "cyclic", fields=["loops.a"], now=NOW))
    assert info.value.location is not None
    assert info.value.location.file.endswith("derived.view.lkml")


def test_reference_to_a_view_outside_the_explore(project: Project) -> None:
    with pytest.raises(CompileError, match=r"view 'products' is not part of explore 'cyclic'.*loops\.bad_ref"):
        compile_query(project, Query("shop", "cyclic", fields=["loops.bad_ref"], now=NOW))
    with pytest.raises(CompileError, match=r"unknown field loops\.bb \(referenced by loops\.typo_ref\).*'b'"):
        compile_query(project, Query("shop", "cyclic", fields=["loops.typo_ref"], now=NOW))


def test_a_query_needs_fields(project: Project) -> None:
    with pytest.raises(CompileError, match="needs at least one field"):
        compile_query(project, Query("shop", "orders", now=NOW))


def test_parameters_cannot_be_selected(project: Project) -> None:
    with pytest.raises(CompileError, match="cannot be selected"):
        compile_query(project, Query("shop", "orders", fields=["orders.amount_scale"], now=NOW))


# -- result shape ------------------------------------------------------------------------------------------


def test_dimensions_come_first_and_columns_map_to_fields(project: Project) -> None:
    compiled = compile_query(
        project,
        Query("shop", "orders", fields=["orders.count", "orders.status"], now=NOW),
        dialect="bigquery",
    )
    assert [c.field for c in compiled.columns] == ["orders.status", "orders.count"]
    assert [c.name for c in compiled.columns] == ["orders_status", "orders_count"]
    assert compiled.dialect == "bigquery"


def test_default_sort_and_limit(project: Project) -> None:
    sql = compile_sql(project, Query("shop", "orders", fields=["orders.status", "orders.count"], now=NOW))
    assert "ORDER BY 2 DESC" in sql
    assert "LIMIT 5000" in sql
    sql = compile_sql(
        project,
        Query("shop", "orders", fields=["orders.status", "orders.created_month", "orders.count"], now=NOW),
    )
    assert "ORDER BY 2 DESC" in sql
    sql = compile_sql(project, Query("shop", "orders", fields=["orders.status"], limit=-1, now=NOW))
    assert "ORDER BY 1" in sql
    assert "LIMIT" not in sql
    sql = compile_sql(project, Query("shop", "orders", fields=["orders.status"], sorts=["__UNSORTED__"], now=NOW))
    assert "ORDER BY" not in sql


def test_bigquery_project_transpiles_to_duckdb(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    compiled = compile_query(
        project,
        Query("shop", "orders", fields=["orders.created_month", "orders.count", "users.count"], now=NOW),
        dialect="bigquery",
        target="duckdb",
    )
    cursor = db.execute(compiled.sql)
    names = [d[0] for d in cursor.description]
    result = compiled.finish([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
    by_month = {r["orders.created_month"]: (r["orders.count"], r["users.count"]) for r in result}
    assert by_month["2024-02"] == (2, 2)
    assert by_month["2023-12"] == (1, 1)
