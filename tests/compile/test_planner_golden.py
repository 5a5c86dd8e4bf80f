"""Real Looker SQL from the reference as oracles, and Liquid wired through the planner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from golden import validate_compile

from helpers import duckdb_loaded
from pytest_looker.compile import Query, compile_query, compile_sql
from pytest_looker.lookml import load_project
from pytest_looker.lookml.model import Project

DB = duckdb.DuckDBPyConnection
THELOOK = Path(__file__).parent / "projects" / "thelook"
NOW = datetime(2024, 6, 15, 12, 0, tzinfo=timezone.utc)

SEED = """
CREATE TABLE order_items (id INTEGER, order_id INTEGER, user_id INTEGER, sale_price DOUBLE);
INSERT INTO order_items VALUES
  (1, 1, 1, 10.0), (2, 1, 1, 5.5), (3, 2, 2, 7.0), (4, 3, 1, 10.0), (5, 4, 9, 1.0);
CREATE TABLE users (id INTEGER, age INTEGER, created_at TIMESTAMP);
INSERT INTO users VALUES (1, 30, TIMESTAMP '2024-01-03 10:00:00'), (2, 50, TIMESTAMP '2024-01-08 00:30:00'),
                         (3, 20, TIMESTAMP '2024-01-09 00:00:00');
CREATE TABLE raw_events (id INTEGER, kind VARCHAR, ts TIMESTAMP);
INSERT INTO raw_events VALUES
  (1, 'click', TIMESTAMP '2024-06-10 10:00:00'), (2, 'view', TIMESTAMP '2024-06-11 11:00:00'),
  (3, 'click', TIMESTAMP '2024-05-01 00:00:00'), (4, 'buy', TIMESTAMP '2024-06-12 00:00:00');
CREATE TABLE event_days (day DATE, is_holiday BOOLEAN);
INSERT INTO event_days VALUES (DATE '2024-06-10', TRUE), (DATE '2024-06-11', FALSE);
"""


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(THELOOK)


@pytest.fixture
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    yield from duckdb_loaded(SEED)


def test_docs_redshift_query_matches_after_normalising(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    looker = """
        SELECT
          order_items.order_id AS "order_items.order_id",
          order_items.sale_price AS "order_items.sale_price"
        FROM order_items AS order_items
        GROUP BY 1,2
        ORDER BY 1
        LIMIT 500
    """
    query = Query("thelook", "order_items", fields=["order_items.order_id", "order_items.sale_price"], limit=500)
    validate_compile(project, query, {"redshift": looker})
    # The table compares every dialect it lists, and a different column is a mismatch it names.
    wrong = looker.replace("order_items.sale_price AS", "order_items.order_id AS")
    with pytest.raises(AssertionError, match=r"-- postgres: ours(?s:.*)sale_price"):
        validate_compile(project, query, {"redshift": looker, "postgres": wrong})


def test_real_bigquery_fanout_query_gives_the_same_rows(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    looker = """
        SELECT
          (FORMAT_TIMESTAMP('%F', TIMESTAMP_TRUNC(users.created_at , WEEK(MONDAY)))) AS users_created_week,
          COUNT(DISTINCT users.id ) AS users_count
        FROM order_items AS order_items
        LEFT JOIN users AS users ON order_items.user_id = users.id
        GROUP BY 1
        ORDER BY 1 DESC
        LIMIT 500
    """
    expected = db.execute(sqlglot.transpile(looker, read="bigquery", write="duckdb")[0]).fetchall()
    for dialect, target in (("bigquery", "duckdb"), ("duckdb", None)):
        compiled = compile_query(
            project,
            Query("thelook", "order_items", fields=["users.created_week", "users.count"], limit=500),
            dialect=dialect,
            target=target,
        )
        got = [(str(week) if week is not None else None, n) for week, n in db.execute(compiled.sql).fetchall()]
        assert got == [(str(week) if week is not None else None, n) for week, n in expected]
    assert ("2024-01-01", 1) in got


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _rows(con: duckdb.DuckDBPyConnection, project: Project, **kwargs: Any) -> list[dict[str, Any]]:
    compiled = compile_query(project, Query("thelook", "events", now=NOW, **kwargs))
    cursor = con.execute(compiled.sql)
    names = [d[0] for d in cursor.description]
    return compiled.finish([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])


def test_templated_filters_in_a_derived_table(project: Project, db: DB) -> None:
    result = _rows(
        db,
        project,
        fields=["events.kind", "events.count"],
        filters={"events.kind_filter": "click,buy", "events.date_filter": "7 days"},
    )
    assert {(r["events.kind"], r["events.count"]) for r in result} == {("click", 1), ("buy", 1)}


def test_templated_filters_unset_render_always_true(project: Project, db: DB) -> None:
    sql = compile_sql(project, Query("thelook", "events", fields=["events.count"], now=NOW))
    assert "1=1" in sql
    # An unset date_start renders NULL: `ts >= NULL` keeps nothing, as in Looker.
    assert db.execute(sql).fetchall() == [(0,)]


def test_is_selected_changes_the_sql(project: Project, db: DB) -> None:
    with_kind = _rows(db, project, fields=["events.kind", "events.kind_label"], filters={"events.date_filter": "2024"})
    assert {r["events.kind_label"] for r in with_kind} == {"CLICK", "VIEW", "BUY"}
    alone = _rows(db, project, fields=["events.kind_label"], filters={"events.date_filter": "2024"})
    assert [r["events.kind_label"] for r in alone] == ["hidden"]


def test_filter_on_a_yesno_of_a_joined_date_dimension(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    result = _rows(
        db,
        project,
        fields=["events.kind", "events.count"],
        filters={"events.date_filter": "2024", "event_days.is_holiday": "yes"},
    )
    assert [(r["events.kind"], r["events.count"]) for r in result] == [("click", 1)]
