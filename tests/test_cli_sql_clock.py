"""The run's settings reach the SQL: ``now``, the query and database time zones, the Looker
environment (dev mode) and custom filters, through ``pytest-looker sql``/``query``, the
workspace and the ``looker`` fixture alike."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from helpers import write_files
from pytest_looker.cli import main
from pytest_looker.testing.fixtures import Looker
from pytest_looker.workspace import Workspace

PROJECT = {
    "pyproject.toml": """
        [tool.pytest-looker]
        project = "."
        dialect = "{dialect}"
        timezone = "America/New_York"
        database_timezone = "UTC"
        now = "2024-03-02T03:30:00Z"
        duckdb = "data.duckdb"

        [tool.pytest-looker.environments.dev]
        workspace = "dev"

        [tool.pytest-looker.environments.prod]
        workspace = "production"
    """,
    "clk.model.lkml": """
        connection: "warehouse"
        include: "*.view.lkml"
        explore: events {}
    """,
    "events.view.lkml": """
        view: events {
          derived_table: {
            sql: SELECT * FROM
              -- if dev -- dev_events
              -- if prod -- prod_events
              ;;
          }
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: kind { sql: ${TABLE}.kind ;; }
          dimension_group: at { type: time timeframes: [raw, date] sql: ${TABLE}.happened ;; }
          measure: count { type: count }
        }
    """,
}
#: 03:30 UTC on March 2 is still March 1 in New York: "today" is March 1 there.
EVENTS = """
CREATE TABLE {table} (id INTEGER, kind VARCHAR, happened TIMESTAMP);
INSERT INTO {table} VALUES
  (1, 'click', TIMESTAMP '2024-03-01 12:00:00'),
  (2, 'view', TIMESTAMP '2024-03-02 02:00:00'),
  (3, 'click', TIMESTAMP '2024-03-02 06:00:00'),
  (4, 'buy', TIMESTAMP '2024-02-29 12:00:00');
"""


def make(root: Path, dialect: str = "duckdb") -> Path:
    files = {name: text.replace("{dialect}", dialect) for name, text in PROJECT.items()}
    write_files(root, files)
    con = duckdb.connect(str(root / "data.duckdb"))
    con.execute(EVENTS.format(table="prod_events"))
    con.execute(EVENTS.format(table="dev_events") + "DELETE FROM dev_events WHERE id > 1;")
    con.close()
    return root


def invoke(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(main, [*args, "--project", str(root)], env=env)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("dialect", ["duckdb", "bigquery", "redshift", "mysql"])
def test_sql_writes_the_configured_clock_in_the_query_zone(tmp_path: Path, dialect: str) -> None:
    root = make(tmp_path, dialect)
    sql = invoke(root, "sql", "clk/events", "--fields", "events.count", "--filter", "events.at_date=today")
    assert "2024-03-02 03:30" in sql  # the configured now, in place of the warehouse clock
    assert "America/New_York" in sql  # the configured query zone
    default = invoke(root, "sql", "clk/events", "--fields", "events.count", "--filter", "events.at_date=today")
    assert sql == default  # reproducible


def test_query_honours_now_and_the_time_zone(tmp_path: Path) -> None:
    root = make(tmp_path)
    output = invoke(
        root, "query", "clk/events", "--fields", "events.id", "--filter", "events.at_date=today", "--format", "json"
    )
    # March 1 in New York runs from 05:00 UTC on March 1 to 05:00 UTC on March 2.
    assert sorted(row["events.id"] for row in json.loads(output)) == [1, 2]


def test_a_database_time_zone_setting_moves_the_bounds(tmp_path: Path) -> None:
    root = make(tmp_path)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('database_timezone = "UTC"', 'database_timezone = "Asia/Tokyo"'))
    output = invoke(
        root, "query", "clk/events", "--fields", "events.id", "--filter", "events.at_date=today", "--format", "json"
    )
    # Stored values are Tokyo wall clock now: March 1 in New York is 14:00 March 1 .. 14:00 March 2.
    assert sorted(row["events.id"] for row in json.loads(output)) == [2, 3]


def test_the_environment_picks_the_dev_or_prod_line(tmp_path: Path) -> None:
    root = make(tmp_path)
    args = ("query", "clk/events", "--fields", "events.count", "--format", "json")
    assert json.loads(invoke(root, *args))[0]["events.count"] == 4  # production by default
    assert json.loads(invoke(root, *args, env={"PYTEST_LOOKER_ENV": "dev"}))[0]["events.count"] == 1
    assert json.loads(invoke(root, *args, env={"PYTEST_LOOKER_ENV": "prod"}))[0]["events.count"] == 4


def test_filter_expression_option(tmp_path: Path) -> None:
    root = make(tmp_path)
    custom = '${events.kind} = "click" AND ${events.id} > 1'
    sql = invoke(root, "sql", "clk/events", "--fields", "events.id", "--filter-expression", custom)
    assert "(events.kind = 'click' AND events.id > 1)" in sql
    output = invoke(
        root, "query", "clk/events", "--fields", "events.id", "--filter-expression", custom, "--format", "json"
    )
    assert [row["events.id"] for row in json.loads(output)] == [3]


def test_the_looker_fixture_takes_a_filter_expression(tmp_path: Path) -> None:
    root = make(tmp_path)
    with Workspace.open(project_dir=root, cwd=root) as workspace:
        looker = Looker(workspace)
        result = looker.query(
            "clk/events", fields=["events.kind", "events.count"], filter_expression="${events.id} <= 2"
        )
        assert {(row["events.kind"], row["events.count"]) for row in result.rows} == {("click", 1), ("view", 1)}
