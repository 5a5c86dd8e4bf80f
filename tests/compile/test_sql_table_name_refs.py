"""``${x.SQL_TABLE_NAME}`` names the table of the *view* x (Looker's reference: "the view's table
expression"; in a persistent derived table's SQL there is no explore to take an alias from). Only
when the model has no view x is it read as an alias of the explore.

Google's BigQuery information-schema block depends on it: its explore ``jobs_in_organization``
reads view ``jobs_in_organization`` under the alias ``jobs`` (``view_name: jobs``), and its
nested views read ``UNNEST(${jobs.SQL_TABLE_NAME}.job_stages)``. Taken as the alias's view, the
name was ``jobs_in_organization``, which the FROM clause had renamed ``jobs``: 118 fields failed.
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
        explore: jobs {
          join: stats { sql: CROSS JOIN ${stats.SQL_TABLE_NAME} AS stats ;; relationship: many_to_one }
        }
        explore: org_jobs {
          view_name: jobs
          from: org_jobs
          join: stats { sql: CROSS JOIN ${stats.SQL_TABLE_NAME} AS stats ;; relationship: many_to_one }
        }
        explore: renamed {
          view_name: other
          from: org_jobs
          join: alias_stats {
            sql: CROSS JOIN ${alias_stats.SQL_TABLE_NAME} AS alias_stats ;;
            relationship: many_to_one
          }
        }
    """,
    "views.view.lkml": """
        view: jobs {
          derived_table: { sql: SELECT id FROM main.project_jobs ;; }
          dimension: id { primary_key: yes type: number }
          measure: count { type: count }
        }
        view: org_jobs {
          derived_table: { sql: SELECT id FROM main.org_jobs ;; }
          dimension: id { primary_key: yes type: number }
          measure: count { type: count }
        }
        view: stats {
          derived_table: { sql: SELECT COUNT(*) AS n FROM ${jobs.SQL_TABLE_NAME} ;; }
          dimension: n { type: number }
        }
        view: alias_stats {
          derived_table: { sql: SELECT COUNT(*) AS n FROM ${other.SQL_TABLE_NAME} ;; }
          dimension: n { type: number }
        }
    """,
}
DATA = """
    CREATE TABLE main.project_jobs AS SELECT * FROM range(3) AS t(id);
    CREATE TABLE main.org_jobs AS SELECT * FROM range(5) AS t(id);
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root: Path = write_files(tmp_path_factory.mktemp("sql_table_name"), FILES)
    return load_project(root)


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    yield from duckdb_loaded(DATA)


def run(db: duckdb.DuckDBPyConnection, project: Project, explore: str, fields: list[str]) -> list[tuple[object, ...]]:
    return db.execute(compile_sql(project, Query("m", explore, fields=fields))).fetchall()


def test_the_view_of_that_name_wins_over_the_alias(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    # Under the alias `jobs` the explore reads org_jobs (5 rows); ${jobs.SQL_TABLE_NAME} is view jobs (3).
    expected = db.execute("SELECT (SELECT COUNT(*) FROM main.project_jobs), COUNT(*) FROM main.org_jobs").fetchall()
    assert run(db, project, "org_jobs", ["stats.n", "jobs.count"]) == expected == [(3, 5)]
    assert run(db, project, "jobs", ["stats.n", "jobs.count"]) == [(3, 3)]


def test_an_alias_no_view_is_named_after_reads_its_view(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    assert run(db, project, "renamed", ["alias_stats.n", "other.count"]) == [(5, 5)]
