"""GROUP BY, ORDER BY and LIMIT as Looker writes them, checked by executing the SQL on DuckDB.

Rules from the issue-16 research (real Looker SQL: Spectacles' recorded API responses, Looker's
docs, SQL pasted from Explores): no GROUP BY when a query without measures selects the base
view's primary key or a ``cancel_grouping_fields`` field (unless a one_to_many join is in it);
Postgres and Snowflake group a formatted timeframe by its unformatted expression; the default
sort; MySQL repeats the expression in ORDER BY; Postgres/Snowflake write ``FETCH NEXT n ROWS ONLY``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from helpers import duckdb_loaded, write_files
from pytest_looker.compile import Query, compile_query, compile_sql
from pytest_looker.lookml import load_project
from pytest_looker.lookml.model import Project

FILES = {
    "grp.model.lkml": """
        connection: "warehouse"
        include: "*.view.lkml"
        explore: orders {
          cancel_grouping_fields: [orders.code]
          join: users { relationship: many_to_one sql_on: ${orders.user_id} = ${users.id} ;; }
          join: items { relationship: one_to_many sql_on: ${orders.id} = ${items.order_id} ;; }
        }
    """,
    "orders.view.lkml": """
        view: orders {
          sql_table_name: orders ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: user_id { type: number sql: ${TABLE}.user_id ;; }
          dimension: status { sql: ${TABLE}.status ;; }
          dimension: code { sql: ${TABLE}.code ;; }
          dimension_group: created { type: time timeframes: [raw, date, month] sql: ${TABLE}.created_at ;; }
          measure: count { type: count }
          measure: total { type: sum sql: ${TABLE}.amount ;; }
        }
        view: users {
          sql_table_name: users ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: name { sql: ${TABLE}.name ;; }
        }
        view: items {
          sql_table_name: items ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: order_id { type: number sql: ${TABLE}.order_id ;; }
          dimension: sku { sql: ${TABLE}.sku ;; }
        }
    """,
}
DATA = """
CREATE TABLE orders (id INTEGER, user_id INTEGER, status VARCHAR, code VARCHAR, amount DOUBLE, created_at TIMESTAMP);
INSERT INTO orders VALUES
  (1, 1, 'done', 'A1', 10.0, TIMESTAMP '2024-01-31 23:30:00'),
  (2, 1, 'done', 'A2', 20.0, TIMESTAMP '2024-02-01 00:00:00'),
  (3, 2, 'open', 'B1', NULL, TIMESTAMP '2024-02-15 12:00:00'),
  (4, NULL, NULL, 'C1', 5.0, NULL),
  (5, 2, 'open', 'B2', 7.5, TIMESTAMP '2023-12-31 00:00:00');
CREATE TABLE users (id INTEGER, name VARCHAR);
INSERT INTO users VALUES (1, 'Ann'), (2, 'Bob');
CREATE TABLE items (id INTEGER, order_id INTEGER, sku VARCHAR);
INSERT INTO items VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 2, 'x'), (4, 3, 'z');
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root: Path = tmp_path_factory.mktemp("grp")
    return load_project(write_files(root, FILES))


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    yield from duckdb_loaded(DATA)


def query(**kwargs: Any) -> Query:
    return Query("grp", "orders", **kwargs)


def tree(project: Project, dialect: str = "duckdb", **kwargs: Any) -> exp.Select:
    parsed = sqlglot.parse_one(compile_sql(project, query(**kwargs), dialect=dialect), read=dialect)
    assert isinstance(parsed, exp.Select)
    return parsed


def run(
    db: duckdb.DuckDBPyConnection, project: Project, dialect: str = "duckdb", **kwargs: Any
) -> list[tuple[Any, ...]]:
    compiled = compile_query(project, query(**kwargs), dialect=dialect, target="duckdb")
    return [tuple(row) for row in db.execute(compiled.sql).fetchall()]


# -- GROUP BY -------------------------------------------------------------------------------------


def test_primary_key_without_measures_is_not_grouped(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    select = tree(project, fields=["orders.id", "orders.status"])
    assert select.args.get("group") is None
    rows = run(db, project, fields=["orders.status", "orders.id"], limit=-1)
    # One row per order, the repeated statuses kept: what the same SELECT without GROUP BY gives.
    assert sorted(rows, key=repr) == sorted(db.execute("SELECT status, id FROM orders").fetchall(), key=repr)


def test_other_dimensions_are_grouped(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    assert tree(project, fields=["orders.status"]).args.get("group") is not None
    assert sorted(run(db, project, fields=["orders.status"]), key=repr) == [("done",), ("open",), (None,)]


def test_measures_keep_the_group_by_even_with_the_primary_key(project: Project) -> None:
    assert tree(project, fields=["orders.id", "orders.count"]).args.get("group") is not None


def test_a_one_to_many_join_keeps_the_group_by(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    fields = ["orders.id", "orders.status"]
    select = tree(project, fields=fields, filters={"items.sku": "-z"})
    assert select.args.get("group") is not None
    rows = run(db, project, fields=fields, filters={"items.sku": "-z"}, limit=-1)
    assert len(rows) == len(set(rows))  # the fanned rows of order 1 collapse into one


def test_many_to_one_join_does_not_restore_grouping(project: Project) -> None:
    assert tree(project, fields=["orders.id", "users.name"]).args.get("group") is None


def test_cancel_grouping_fields(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    assert tree(project, fields=["orders.code", "orders.status"]).args.get("group") is None
    assert len(run(db, project, fields=["orders.code", "orders.status"])) == 5
    assert tree(project, fields=["orders.code", "orders.count"]).args.get("group") is not None


def test_measures_only_have_no_group_by_and_no_order_by(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    select = tree(project, fields=["orders.count", "orders.total"])
    assert select.args.get("group") is None and select.args.get("order") is None
    assert run(db, project, fields=["orders.count", "orders.total"]) == [(5, 42.5)]


@pytest.mark.parametrize(("dialect", "timeframe"), [("postgres", "month"), ("snowflake", "date")])
def test_postgres_and_snowflake_group_a_formatted_timeframe_by_its_expression(
    project: Project, db: duckdb.DuckDBPyConnection, dialect: str, timeframe: str
) -> None:
    fields = [f"orders.created_{timeframe}", "orders.status", "orders.count"]
    select = tree(project, dialect, fields=fields)
    group = select.args["group"].expressions
    assert not isinstance(group[0], exp.Literal)  # DATE_TRUNC('month', …), not 1
    assert "TO_CHAR" not in group[0].sql(dialect=dialect).upper()
    assert isinstance(group[1], exp.Literal) and group[1].name == "2"

    def as_text(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:  # Snowflake's date is text
        return sorted(((None if r[0] is None else str(r[0]), *r[1:]) for r in rows), key=repr)

    assert as_text(run(db, project, dialect, fields=fields)) == as_text(run(db, project, "duckdb", fields=fields))


@pytest.mark.parametrize("dialect", ["bigquery", "redshift", "mysql", "duckdb"])
def test_other_dialects_group_by_ordinals(project: Project, dialect: str) -> None:
    group = tree(project, dialect, fields=["orders.created_month", "orders.count"]).args["group"].expressions
    assert [g.sql() for g in group] == ["1"]


# -- ORDER BY -------------------------------------------------------------------------------------


def keys(select: exp.Select) -> list[tuple[str, bool]]:
    return [(o.this.sql(), bool(o.args.get("desc"))) for o in select.args["order"].expressions]


def test_default_sort_prefers_the_first_time_dimension_descending(
    project: Project, db: duckdb.DuckDBPyConnection
) -> None:
    fields = ["orders.status", "orders.created_date", "orders.count"]
    assert keys(tree(project, fields=fields)) == [("2", True)]
    dates = [row[1] for row in run(db, project, fields=fields)]
    present = [d for d in dates if d is not None]
    assert present == sorted(present, reverse=True)


def test_default_sort_then_the_first_measure_descending(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    rows = run(db, project, fields=["orders.status", "orders.count", "orders.total"])
    assert keys(tree(project, fields=["orders.status", "orders.count"])) == [("2", True)]
    assert [row[1] for row in rows] == sorted((row[1] for row in rows), reverse=True)


def test_default_sort_then_the_first_dimension(project: Project) -> None:
    assert keys(tree(project, fields=["orders.status", "orders.code"])) == [("1", False)]


def test_ungrouped_primary_key_alone_is_not_sorted(project: Project) -> None:
    assert tree(project, fields=["orders.id"]).args.get("order") is None
    # With another dimension Looker sorts by the first one (Spectacles' recorded added_params).
    assert keys(tree(project, fields=["orders.status", "orders.id"])) == [("1", False)]


def test_mysql_orders_by_the_expression(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    select = tree(project, "mysql", fields=["orders.status", "orders.count"])
    order = select.args["order"].expressions
    assert order[0].this.sql(dialect="mysql") == "COUNT(*)" and order[0].args.get("desc")
    sorted_by_user = tree(project, "mysql", fields=["orders.status", "orders.count"], sorts=["orders.status"])
    assert sorted_by_user.args["order"].expressions[0].this.sql(dialect="mysql") == "orders.status"
    rows = run(db, project, "mysql", fields=["orders.status", "orders.count"])
    assert rows == run(db, project, "duckdb", fields=["orders.status", "orders.count"])


# -- LIMIT ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialect", "text"),
    [
        ("postgres", "FETCH NEXT 2 ROWS ONLY"),
        ("snowflake", "FETCH NEXT 2 ROWS ONLY"),
        ("redshift", "LIMIT 2"),
        ("bigquery", "LIMIT 2"),
        ("mysql", "LIMIT 2"),
    ],
)
def test_limit_form_per_dialect(project: Project, db: duckdb.DuckDBPyConnection, dialect: str, text: str) -> None:
    sql = compile_sql(project, query(fields=["orders.code"], limit=2), dialect=dialect)
    assert sql.rstrip().endswith(text)
    assert len(run(db, project, dialect, fields=["orders.code"], limit=2)) == 2
    assert "LIMIT" not in compile_sql(project, query(fields=["orders.code"], limit=-1), dialect=dialect)
