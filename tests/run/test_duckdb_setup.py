"""``duckdb_setup``: a SQL file DuckDB runs after seeding, for the warehouse's user-defined functions.

mozilla/looker-hub calls routines of the public ``mozfun`` dataset (``mozfun.map.get_key(m, k)``:
the value of key ``k`` in an array of key/value structs). DuckDB has no such function; the user
defines it once as a macro and the project validates and queries offline.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import write_files
from pytest_looker.cli import main
from pytest_looker.errors import ConfigurationError
from pytest_looker.run import DuckDBBackend

GET_KEY = """
-- mozfun.map.get_key: the value of the first entry whose key is k
ATTACH ':memory:' AS mozfun;
CREATE SCHEMA mozfun.map;
CREATE MACRO mozfun.map.get_key(m, k) AS (SELECT e.value FROM (SELECT UNNEST(m) AS e) WHERE e.key = k LIMIT 1);
"""

PROJECT = {
    "shop.model.lkml": """
        connection: "warehouse"
        include: "*.view.lkml"
        explore: events {}
    """,
    "events.view.lkml": """
        view: events {
          sql_table_name: `proj.ds.events` ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: reason { type: string sql: mozfun.map.get_key(${TABLE}.event_map, 'reason') ;; }
          measure: count { type: count }
        }
    """,
    "udfs.sql": GET_KEY,
}

ROWS = [
    {"id": 1, "event_map": [{"key": "reason", "value": "expired"}, {"key": "other", "value": "x"}]},
    {"id": 2, "event_map": [{"key": "other", "value": "y"}]},
    {"id": 3, "event_map": [{"key": "reason", "value": "expired"}]},
]


def project(root: Path, *, setup: bool) -> Path:
    write_files(root, PROJECT)
    (root / "seeds" / "proj" / "ds").mkdir(parents=True)
    (root / "seeds" / "proj" / "ds" / "events.json").write_text(json.dumps(ROWS))
    config = '[tool.pytest-looker]\nproject = "."\ndialect = "bigquery"\nseeds = "seeds"\n'
    if setup:
        config += 'duckdb_setup = "udfs.sql"\n'
    (root / "pyproject.toml").write_text(config)
    return root


def test_a_user_defined_function_runs_offline_once_defined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project(tmp_path / "p", setup=True))
    result = CliRunner().invoke(main, ["validate", "--format", "json"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(
        main, ["query", "shop/events", "--fields", "events.reason,events.count", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    got = {row["events.reason"]: row["events.count"] for row in json.loads(result.output)}
    assert got == {"expired": 2, None: 1}


def test_without_its_definition_the_function_is_a_configuration_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project(tmp_path / "p", setup=False))
    result = CliRunner().invoke(main, ["validate", "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    [cause] = report["causes"]
    assert cause["kind"] == "configuration" and "mozfun.map.get_key" in cause["summary"]
    assert "duckdb_setup" in cause["fix"]


def test_an_error_in_the_setup_names_the_file_and_line(tmp_path: Path) -> None:
    setup = tmp_path / "udfs.sql"
    setup.write_text("CREATE TEMP MACRO one() AS 1;\n\n-- then a typo\nSELEC two();\n")
    with pytest.raises(ConfigurationError) as caught:
        DuckDBBackend(setup=setup)
    assert f"duckdb_setup {setup}:4: Parser Error" in str(caught.value)
    setup.write_text("CREATE TEMP MACRO one() AS 1;\n\nSELECT two();\n")
    with pytest.raises(ConfigurationError) as caught:
        DuckDBBackend(setup=setup)
    assert f"duckdb_setup {setup}:3:" in str(caught.value) and "two" in str(caught.value)
    with pytest.raises(ConfigurationError, match="cannot read it"):
        DuckDBBackend(setup=tmp_path / "missing.sql")


def test_temp_macros_work_on_a_read_only_database_file(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    with DuckDBBackend(database, seeds=None, seed_tables={"main.t": _csv(tmp_path)}):
        pass
    setup = tmp_path / "udfs.sql"
    setup.write_text("CREATE TEMP MACRO twice(x) AS x * 2;\n")
    with DuckDBBackend(database, setup=setup) as backend:
        assert backend.read_only
        assert backend.execute("SELECT twice(v) FROM t").rows == ((4,),)


def _csv(root: Path) -> Path:
    path = root / "t.csv"
    path.write_text("v\n2\n")
    return path


def test_validate_stops_at_a_setup_file_it_cannot_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Not one failure per field (every probe re-opening the engine): a usage error, exit 2.
    root = project(tmp_path / "p", setup=True)
    (root / "udfs.sql").unlink()
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["validate", "--format", "json"])
    assert result.exit_code == 2, result.output
    assert "duckdb_setup" in result.output and "udfs.sql: cannot read it" in result.output
