"""Custom filters (``Query.filter_expression``) compiled into WHERE/HAVING, executed on DuckDB.

Each expression's rows are compared with independently written SQL over the same data; the
other dialects' SQL is transpiled to DuckDB and must select the same rows.
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
from pytest_looker.errors import CompileError
from pytest_looker.lookml import load_project
from pytest_looker.lookml.model import Project

FILES = {
    "cf.model.lkml": """
        connection: "warehouse"
        include: "*.view.lkml"
        explore: orders {
          join: users { relationship: many_to_one sql_on: ${orders.user_id} = ${users.id} ;; }
        }
    """,
    "orders.view.lkml": """
        view: orders {
          sql_table_name: orders ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: user_id { type: number sql: ${TABLE}.user_id ;; }
          dimension: status { sql: ${TABLE}.status ;; }
          dimension: amount { type: number sql: ${TABLE}.amount ;; }
          dimension: is_big { type: yesno sql: ${amount} > 15 ;; }
          dimension_group: created { type: time timeframes: [raw, date, month] sql: ${TABLE}.created_at ;; }
          measure: count { type: count }
          measure: total { type: sum sql: ${amount} ;; }
        }
        view: users {
          sql_table_name: users ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: name { sql: ${TABLE}.name ;; }
        }
    """,
}
DATA = """
CREATE TABLE orders (id INTEGER, user_id INTEGER, status VARCHAR, amount DOUBLE, created_at TIMESTAMP);
INSERT INTO orders VALUES
  (1, 1, 'done', 10.0, TIMESTAMP '2024-01-31 23:30:00'),
  (2, 1, 'done', 20.0, TIMESTAMP '2024-02-01 00:00:00'),
  (3, 2, 'open', NULL, TIMESTAMP '2024-02-15 12:00:00'),
  (4, NULL, NULL, 5.0, NULL),
  (5, 2, 'it''s', 30.0, TIMESTAMP '2023-12-31 00:00:00');
CREATE TABLE users (id INTEGER, name VARCHAR);
INSERT INTO users VALUES (1, 'Ann'), (2, 'O''Brien');
"""
DIALECTS = ["duckdb", "bigquery", "snowflake", "redshift", "postgres", "mysql"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root: Path = tmp_path_factory.mktemp("cf")
    return load_project(write_files(root, FILES))


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    yield from duckdb_loaded(DATA)


def ids(db: duckdb.DuckDBPyConnection, project: Project, custom: str, dialect: str = "duckdb", **kw: Any) -> set[Any]:
    query = Query("cf", "orders", fields=kw.pop("fields", ["orders.id"]), filter_expression=custom, limit=-1, **kw)
    compiled = compile_query(project, query, dialect=dialect, target="duckdb")
    return {row[0] for row in db.execute(compiled.sql).fetchall()}


def hand(db: duckdb.DuckDBPyConnection, where: str) -> set[Any]:
    return {
        row[0]
        for row in db.execute(
            f"SELECT o.id FROM orders AS o LEFT JOIN users AS u ON o.user_id = u.id WHERE {where}"
        ).fetchall()
    }


CASES = [
    ('${orders.status} = "done"', "o.status = 'done'"),
    ('${orders.status} = "done" AND ${orders.amount} > 15', "o.status = 'done' AND o.amount > 15"),
    ('${orders.status} = "it\'s" OR is_null(${orders.amount})', "o.status = 'it''s' OR o.amount IS NULL"),
    ("NOT ${orders.is_big}", "NOT (o.amount > 15)"),
    ("${orders.is_big} = yes", "o.amount > 15"),
    ("${orders.amount} * 2 >= 40 - 10", "o.amount * 2 >= 30"),
    ('contains(${orders.status}, "on")', "strpos(o.status, 'on') > 0"),
    ('starts_with(${orders.status}, "op")', "o.status LIKE 'op%'"),
    ("coalesce(${orders.amount}, 0) < 6", "coalesce(o.amount, 0) < 6"),
    # SQL's CASE: a NULL condition takes the else branch.
    ('if(${orders.amount} > 15, "big", "small") = "small"', "o.amount <= 15 OR o.amount IS NULL"),
    ("${orders.amount} = null", "o.amount IS NULL"),
    ("${orders.created_date} >= date(2024, 2, 1)", "CAST(o.created_at AS DATE) >= DATE '2024-02-01'"),
    # date() of a field: each dialect's own spelling (MySQL, Postgres and Redshift have no DATE_FROM_PARTS).
    (
        "${orders.created_date} >= date(2024, ${orders.user_id} + 1, 1)",
        "CAST(o.created_at AS DATE) >= MAKE_DATE(2024, o.user_id + 1, 1)",
    ),
    ("matches_filter(${orders.created_date}, `before 2024-02-01`)", "o.created_at < TIMESTAMP '2024-02-01'"),
    ("matches_filter(${orders.status}, `-done`)", "(o.status <> 'done' OR o.status IS NULL)"),
    ('${users.name} = "O\'Brien"', "u.name = 'O''Brien'"),
    ("1=2", "1 = 2"),
]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("custom", "where"), CASES, ids=[c for c, _ in CASES])
def test_custom_filter_selects_the_rows_of_hand_written_sql(
    project: Project, db: duckdb.DuckDBPyConnection, dialect: str, custom: str, where: str
) -> None:
    assert ids(db, project, custom, dialect) == hand(db, where)


def test_the_condition_is_anded_last_in_parentheses(project: Project) -> None:
    sql = compile_sql(
        project,
        Query("cf", "orders", fields=["orders.id"], filters={"orders.status": "done"}, filter_expression="1=2"),
        dialect="snowflake",
    )
    where = sqlglot.parse_one(sql, read="snowflake").args["where"].this
    assert isinstance(where, exp.And)
    assert where.expression.sql() == "(1 = 2)"


def test_a_measure_goes_to_having(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    query = Query("cf", "orders", fields=["orders.status", "orders.count"], filter_expression="${orders.count} > 1")
    tree = sqlglot.parse_one(compile_sql(project, query), read="duckdb")
    assert tree.args.get("having") is not None and "COUNT(*)" in tree.args["having"].sql()
    assert [row[0] for row in db.execute(compile_sql(project, query)).fetchall()] == ["done"]


def test_a_custom_filter_pulls_in_the_join_it_reads(project: Project) -> None:
    without = compile_sql(project, Query("cf", "orders", fields=["orders.id"]))
    with_join = compile_sql(
        project, Query("cf", "orders", fields=["orders.id"], filter_expression='${users.name} = "x"')
    )
    assert "JOIN users" not in without and "LEFT JOIN users AS users" in with_join


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_means_no_filter(project: Project, blank: str | None) -> None:
    assert "WHERE" not in compile_sql(project, Query("cf", "orders", fields=["orders.id"], filter_expression=blank))


@pytest.mark.parametrize(
    ("custom", "message"),
    [
        ("${orders.id} = ", "custom filter '${orders.id} = '"),
        ("offset(${orders.id}, 1) = 2", "offset() cannot be used in a custom filter"),
        ("${orders.nope} = 1", "nope"),
        ("matches_filter(${orders.status}, ${orders.status})", "matches_filter takes a field"),
        ("${orders.status} = `x`", "only allowed as the second argument of matches_filter"),
    ],
)
def test_bad_custom_filters_are_clear_errors(project: Project, custom: str, message: str) -> None:
    with pytest.raises(CompileError, match=message.replace("(", r"\(").replace(")", r"\)").replace("$", r"\$")):
        compile_sql(project, Query("cf", "orders", fields=["orders.id"], filter_expression=custom))


def test_a_date_that_does_not_exist_is_an_error_naming_it(project: Project) -> None:
    query = Query("cf", "orders", fields=["orders.id"], filter_expression="${orders.created_date} > date(2024, 2, 30)")
    with pytest.raises(CompileError, match=r"date\(2024, 2, 30\) is not a date"):
        compile_query(project, query, dialect="mysql")
