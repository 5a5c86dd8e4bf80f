"""An explore's default filters may name a base-view field without its view.

Looker's ``always_filter`` reference: in ``filters: [id: "123", customer.id: "789"]`` "the id
filter refers to the id field from order", the explore's base view. Mozilla's generated
explores (looker-hub) write ``always_filter`` that way; the compiler rejected them ("must be
written as 'view.field'"), so every query on 627 of the hub's 681 explores failed. The same rule
is applied to ``conditionally_filter`` and its ``unless`` list. Results are checked on DuckDB
against hand-written SQL.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from helpers import ProjectFactory
from pytest_looker.compile import Query, compile_sql
from pytest_looker.lookml.model import Project

FILES = {
    "shop.model.lkml": """
        connection: "warehouse"
        include: "*.view.lkml"
        explore: orders {
          always_filter: { filters: [status: "complete"] }
          conditionally_filter: { filters: [amount: ">10"] unless: [id, users.name] }
          join: users { relationship: many_to_one sql_on: ${orders.user_id} = ${users.id} ;; }
        }
    """,
    "views.view.lkml": """
        view: orders {
          sql_table_name: orders ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: user_id { type: number sql: ${TABLE}.user_id ;; }
          dimension: status { sql: ${TABLE}.status ;; }
          dimension: amount { type: number sql: ${TABLE}.amount ;; }
          measure: count { type: count }
        }
        view: users {
          sql_table_name: users ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: name { sql: ${TABLE}.name ;; }
        }
    """,
}
DATA = """
CREATE TABLE users AS SELECT * FROM (VALUES (1, 'Ann'), (2, 'Bob')) AS t(id, name);
CREATE TABLE orders AS SELECT * FROM (VALUES
    (1, 1, 'complete', 5), (2, 1, 'complete', 50), (3, 2, 'pending', 70), (4, 2, 'complete', 90)
) AS t(id, user_id, status, amount);
"""


@pytest.fixture
def project(lookml: ProjectFactory) -> Project:
    return lookml(FILES)


@pytest.fixture
def db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(DATA)
    return con


def ids(db: duckdb.DuckDBPyConnection, project: Project, **filters: str) -> list[Any]:
    sql = compile_sql(project, Query("shop", "orders", fields=["orders.id"], filters=filters))
    return sorted(row[0] for row in db.execute(sql).fetchall())


def hand(db: duckdb.DuckDBPyConnection, where: str) -> list[Any]:
    sql = f"SELECT o.id FROM orders o LEFT JOIN users u ON o.user_id = u.id WHERE {where}"
    return sorted(row[0] for row in db.execute(sql).fetchall())


def test_the_loader_accepts_bare_names_in_default_filters(project: Project) -> None:
    assert not project.errors


def test_bare_names_filter_the_base_view(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    assert ids(db, project) == hand(db, "o.status = 'complete' AND o.amount > 10") == [2, 4]


def test_the_query_changes_a_default_named_bare(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = ids(db, project, **{"orders.status": "pending"})
    assert got == hand(db, "o.status = 'pending' AND o.amount > 10") == [3]


def test_a_bare_unless_name_drops_the_conditional_filter(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    assert ids(db, project, **{"orders.id": "<10"}) == hand(db, "o.status = 'complete' AND o.id < 10") == [1, 2, 4]
    got = ids(db, project, **{"users.name": "Ann"})
    assert got == hand(db, "o.status = 'complete' AND u.name = 'Ann'") == [1, 2]
