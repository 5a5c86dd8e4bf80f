"""``-- if dev --`` / ``-- if prod --`` lines per environment, executed on DuckDB.

Dev and prod read different tables here, so the rows say which line was live.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from helpers import duckdb_loaded, write_files
from pytest_looker.compile import Query, compile_query, compile_sql
from pytest_looker.compile.devmode import environment_lines
from pytest_looker.lookml import load_project
from pytest_looker.lookml.model import Project

FILES = {
    "env.model.lkml": """
        connection: "warehouse"
        include: "*.view.lkml"
        explore: users {
          join: orders { relationship: one_to_many sql_on: ${users.id} = ${orders.user_id} ;; }
        }
        explore: stats {}
    """,
    "views.view.lkml": """
        view: users {
          derived_table: {
            sql: select * from
                -- if dev -- dev_users
                -- if prod -- prod_users
                ;;
          }
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: name { sql: ${TABLE}.name ;; }
          measure: count { type: count }
        }
        view: orders {
          sql_table_name:
            -- if prod -- prod_orders
            -- if dev -- dev_orders
            ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: user_id { type: number sql: ${TABLE}.user_id ;; }
          measure: count { type: count }
        }
        view: stats {
          derived_table: {
            sql: SELECT user_id, COUNT(*) AS n FROM ${orders.SQL_TABLE_NAME} AS o GROUP BY 1 ;;
          }
          dimension: user_id { primary_key: yes type: number sql: ${TABLE}.user_id ;; }
          measure: total { type: sum sql: ${TABLE}.n ;; }
        }
    """,
}
DATA = """
CREATE TABLE dev_users AS SELECT * FROM (VALUES (1, 'dev-ann')) AS t(id, name);
CREATE TABLE prod_users AS SELECT * FROM (VALUES (1, 'ann'), (2, 'bob')) AS t(id, name);
CREATE TABLE dev_orders AS SELECT * FROM (VALUES (10, 1)) AS t(id, user_id);
CREATE TABLE prod_orders AS SELECT * FROM (VALUES (10, 1), (11, 2), (12, 2)) AS t(id, user_id);
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root: Path = tmp_path_factory.mktemp("env")
    return load_project(write_files(root, FILES))


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    yield from duckdb_loaded(DATA)


def rows(db: duckdb.DuckDBPyConnection, project: Project, explore: str, fields: list[str], dev: bool) -> list[tuple]:
    compiled = compile_query(project, Query("env", explore, fields=fields, sorts=[fields[0]], dev_mode=dev))
    return [tuple(r) for r in db.execute(compiled.sql).fetchall()]


def test_the_live_line_keeps_its_text_and_the_other_stays_a_comment() -> None:
    sql = 'select * from\n        -- if dev -- "PUBLIC"."USERS"\n        -- if prod -- "PUBLIC"."USERS"\n        '
    # Spectacles' recorded Looker responses for this view, in each mode.
    assert environment_lines(sql, dev=True) == (
        'select * from\n         "PUBLIC"."USERS"\n        -- if prod -- "PUBLIC"."USERS"\n        '
    )
    assert environment_lines(sql, dev=False) == (
        'select * from\n        -- if dev -- "PUBLIC"."USERS"\n         "PUBLIC"."USERS"\n        '
    )
    assert environment_lines("SELECT 1 -- if you like", dev=True) == "SELECT 1 -- if you like"


def test_derived_table_per_environment(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    assert rows(db, project, "users", ["users.name"], dev=False) == [("ann",), ("bob",)]
    assert rows(db, project, "users", ["users.name"], dev=True) == [("dev-ann",)]


def test_production_is_the_default(project: Project) -> None:
    sql = compile_sql(project, Query("env", "users", fields=["users.name"]))
    assert "-- if dev -- dev_users" in sql and "prod_users" in sql.replace("-- if prod --", "")


def test_sql_table_name_per_environment(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    fields = ["users.id", "orders.count"]
    assert rows(db, project, "users", fields, dev=False) == [(1, 1), (2, 2)]
    assert rows(db, project, "users", fields, dev=True) == [(1, 1)]
    sql = compile_sql(project, Query("env", "users", fields=fields))
    # In production the inactive dev line is last: the alias goes on a line of its own, so that
    # the comment cannot swallow it.
    assert "-- if dev -- dev_orders\n AS orders" in sql


def test_sql_table_name_reference_inherits_the_environment(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    assert rows(db, project, "stats", ["stats.total"], dev=False) == [(3,)]
    assert rows(db, project, "stats", ["stats.total"], dev=True) == [(1,)]
