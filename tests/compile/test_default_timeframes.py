"""A time group without ``timeframes`` has every timeframe (Looker's documented default), and each
of them compiles and runs: the Spectacles demo's dashboards select such fields (``event_day_of_week``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from helpers import duckdb_loaded, write_files
from pytest_looker.compile import Query, compile_sql
from pytest_looker.lookml import load_project
from pytest_looker.lookml.fields import DEFAULT_TIMEFRAMES
from pytest_looker.lookml.model import Project

FILES = {
    "m.model.lkml": 'connection: "db"\ninclude: "/*.view.lkml"\nexplore: events {}\n',
    "events.view.lkml": """
        view: events {
          sql_table_name: main.events ;;
          dimension: id { primary_key: yes type: number }
          dimension_group: event { type: time sql: ${TABLE}.created_at ;; }
          dimension_group: booked { type: time datatype: date sql: ${TABLE}.booked_on ;; }
          measure: count { type: count }
        }
    """,
}
DATA = """
    CREATE TABLE main.events AS SELECT * FROM (VALUES
        (1, TIMESTAMP '2024-02-29 13:45:30.250', DATE '2024-02-29'),
        (2, TIMESTAMP '2023-12-31 23:59:59', DATE '2023-12-31')
    ) AS t(id, created_at, booked_on);
"""
#: What a user may select: ``raw`` exists for LookML references only.
SELECTABLE = [t for t in DEFAULT_TIMEFRAMES if t != "raw"]
DIALECTS = ["duckdb", "bigquery", "snowflake", "redshift", "postgres", "mysql"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root: Path = write_files(tmp_path_factory.mktemp("tf"), FILES)
    return load_project(root)


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    yield from duckdb_loaded(DATA)


def test_the_group_has_every_timeframe(project: Project) -> None:
    fields = project.models["m"].views["events"].fields
    assert {f.timeframe for f in fields.values() if f.group == "event"} == set(DEFAULT_TIMEFRAMES)
    assert "event_day_of_week" in fields and "event_minute15" in fields and "event_fiscal_year" in fields
    assert "event" not in fields  # no yesno timeframe taking the group's name


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("group", ["event", "booked"])
def test_every_default_timeframe_runs(
    project: Project, db: duckdb.DuckDBPyConnection, dialect: str, group: str
) -> None:
    fields = [f"events.{group}_{t}" for t in SELECTABLE]
    query = Query("m", "events", fields=["events.id", *fields], sorts=["events.id"])
    rows = db.execute(compile_sql(project, query, dialect=dialect, target="duckdb")).fetchall()
    assert len(rows) == 2
    assert all(value is not None for row in rows for value in row)


def test_day_of_week_is_the_weekday_name(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    query = Query("m", "events", fields=["events.id", "events.event_day_of_week", "events.event_date"])
    got = db.execute(compile_sql(project, query, dialect="duckdb", target="duckdb")).fetchall()
    expected = db.execute("SELECT id, dayname(created_at), created_at::DATE FROM main.events").fetchall()
    assert sorted((i, d, str(day)) for i, d, day in got) == sorted((i, d, str(day)) for i, d, day in expected)
    assert dt.date(2024, 2, 29).strftime("%A") in {d for _, d, _ in got}
