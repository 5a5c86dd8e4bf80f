"""A ``create_process`` derived table reads what its steps write into ``${SQL_TABLE_NAME}``."""

from __future__ import annotations

from pathlib import Path

import duckdb

from helpers import write_files
from pytest_looker.compile import Query, compile_sql
from pytest_looker.lookml import load_project

FILES = {
    "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: snapshots {}\n',
    "snapshots.view.lkml": """
        view: snapshots {
          derived_table: {
            datagroup_trigger: daily
            create_process: {
              sql_step: CREATE TABLE IF NOT EXISTS scratch.history (day DATE, n BIGINT) ;;
              sql_step: INSERT INTO scratch.history SELECT CURRENT_DATE, COUNT(*) FROM main.events ;;
              sql_step: CREATE TABLE ${SQL_TABLE_NAME} AS SELECT * FROM scratch.history WHERE n > 0 ;;
            }
          }
          dimension: day { primary_key: yes type: date }
          measure: total { type: sum sql: ${TABLE}.n ;; }
        }
    """,
}


def test_the_step_that_fills_the_table_is_its_sql(tmp_path: Path) -> None:
    project = load_project(write_files(tmp_path, FILES))
    view = project.models["m"].views["snapshots"]
    assert view.derived_table is not None
    assert view.derived_table.sql == "SELECT * FROM scratch.history WHERE n > 0"
    db = duckdb.connect()
    db.execute(
        "CREATE SCHEMA scratch; CREATE TABLE scratch.history AS SELECT * FROM (VALUES"
        " (DATE '2024-01-01', 3), (DATE '2024-01-02', 0), (DATE '2024-01-03', 4)) AS t(day, n)"
    )
    sql = compile_sql(project, Query("m", "snapshots", fields=["snapshots.total"]), dialect="postgres", target="duckdb")
    assert db.execute(sql).fetchall() == [(7,)]
