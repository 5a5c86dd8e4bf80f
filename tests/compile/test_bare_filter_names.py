"""A filter that names a field without its view means the explore's base view (Looker's docs for
``always_filter``/``conditionally_filter``) or, in a measure's ``filters:``, the measure's own
view (docs, ``filters``: "reference fields from other joined views with view_name.field_name").

Each case runs on DuckDB and is compared with hand-written SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from helpers import duckdb_loaded, write_files
from pytest_looker.compile import Query, compile_sql
from pytest_looker.lookml import load_project
from pytest_looker.lookml.model import Project

FILES = {
    "m.model.lkml": """
        connection: "db"
        include: "*.view.lkml"
        explore: events {
          always_filter: { filters: [kind: "click"] }
          join: users { sql_on: ${events.user_id} = ${users.id} ;; relationship: many_to_one }
        }
        explore: events_cond {
          from: events
          conditionally_filter: { filters: [kind: "view"] unless: [user_id] }
          join: users { sql_on: ${events_cond.user_id} = ${users.id} ;; relationship: many_to_one }
        }
        explore: users {
          join: events { sql_on: ${events.user_id} = ${users.id} ;; relationship: one_to_many }
        }
    """,
    "events.view.lkml": """
        view: events {
          sql_table_name: main.events ;;
          dimension: id { primary_key: yes type: number }
          dimension: user_id { type: number }
          dimension: kind {}
          measure: count { type: count }
          measure: clicks { type: count filters: [kind: "click"] }
        }
    """,
    "users.view.lkml": """
        view: users {
          sql_table_name: main.users ;;
          dimension: id { primary_key: yes type: number }
          dimension: kind { sql: ${TABLE}.plan ;; }
          measure: count { type: count }
        }
    """,
}
DATA = """
    CREATE TABLE main.users AS SELECT * FROM (VALUES (1, 'click'), (2, 'free')) AS t(id, plan);
    CREATE TABLE main.events AS SELECT * FROM (VALUES
        (1, 1, 'click'), (2, 1, 'view'), (3, 2, 'click'), (4, 2, 'view'), (5, 2, 'view')) AS t(id, user_id, kind);
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root: Path = write_files(tmp_path_factory.mktemp("bare"), FILES)
    return load_project(root)


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    yield from duckdb_loaded(DATA)


def run(db: duckdb.DuckDBPyConnection, project: Project, explore: str, **query: object) -> list[tuple[object, ...]]:
    sql = compile_sql(project, Query("m", explore, **query))  # type: ignore[arg-type]
    return db.execute(sql).fetchall()


def test_always_filter_bare_name_is_the_base_view(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    # users.kind exists too (its plan 'click' matches user 1): the base view's events.kind wins.
    got = run(db, project, "events", fields=["events.count"])
    assert got == db.execute("SELECT COUNT(*) FROM main.events WHERE kind = 'click'").fetchall() == [(2,)]


def test_user_filter_on_the_same_field_replaces_the_bare_default(
    project: Project, db: duckdb.DuckDBPyConnection
) -> None:
    got = run(db, project, "events", fields=["events.count"], filters={"events.kind": "view"})
    assert got == [(3,)]


def test_conditionally_filter_bare_names_and_unless(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    assert run(db, project, "events_cond", fields=["events_cond.count"]) == [(3,)]
    # unless: [user_id] (bare) is lifted by a filter on events_cond.user_id.
    got = run(db, project, "events_cond", fields=["events_cond.count"], filters={"events_cond.user_id": "2"})
    assert got == db.execute("SELECT COUNT(*) FROM main.events WHERE user_id = 2").fetchall() == [(3,)]


def test_bare_names_are_qualified_when_the_project_loads(project: Project) -> None:
    explore = project.models["m"].explores["events_cond"]
    assert explore.conditionally_filter is not None
    assert [c.field for c in explore.conditionally_filter.filters] == ["events_cond.kind"]
    assert explore.conditionally_filter.unless == ("events_cond.user_id",)


def test_measure_filter_bare_name_is_the_measures_own_view(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    # From users (events joined), events.clicks filters events.kind, not users.kind.
    got = run(db, project, "users", fields=["users.id", "events.clicks"], sorts=["users.id"])
    expected = db.execute(
        "SELECT u.id, COUNT(CASE WHEN e.kind = 'click' THEN 1 END) FROM main.users u "
        "LEFT JOIN main.events e ON e.user_id = u.id GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert got == expected == [(1, 1), (2, 1)]


def test_query_filter_bare_name_is_the_base_view(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    """Native derived tables and data tests pass their filters as a query's: same rule."""
    got = run(db, project, "users", fields=["users.count"], filters={"kind": "free"})
    assert got == [(1,)]
