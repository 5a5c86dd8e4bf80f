"""BigQuery's map idiom: ``mozfun.map.get_key(x, 'k')`` (Mozilla's public UDF library) reads
``x`` as an ``ARRAY<STRUCT<key STRING, value STRING>>``, so the seed column is one, and its
elements' keys are the keys looked up: a lookup then finds values instead of a type error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
from click.testing import Result

from helpers import write_files
from pytest_looker.compile.sqlreads import read_field_sql, read_fragment
from pytest_looker.lookml import load_project
from pytest_looker.scaffold import infer_schema

Cli = Callable[..., Result]

PROJECT = {
    "pyproject.toml": '[tool.pytest-looker]\nproject = "."\ndialect = "bigquery"\nseeds = "seeds"\n',
    "m.model.lkml": 'connection: "bq"\ninclude: "*.view.lkml"\nexplore: events {}\n',
    # as mozilla/looker-spoke-default's experimentation model refines telemetry's events
    "events.view.lkml": """
        view: events {
          sql_table_name: mozdata.telemetry.events ;;
          dimension: reason { type: string sql: mozfun.map.get_key(event_map_values, 'reason') ;; }
          dimension: changed_pref { type: string sql: mozfun.map.get_key(${TABLE}.event_map_values, 'changedPref') ;; }
          dimension: other { type: string sql: mylib.map.get_key(${TABLE}.other_values, 'x') ;; }
        }
    """,
}


def test_a_map_lookup_is_a_use_of_type_map_with_its_key() -> None:
    fragment = read_fragment("mozfun.map.get_key(__t.extra, 'reason')", "bigquery")
    assert fragment is not None
    [use] = fragment.columns
    assert (use.column, use.type, use.literals) == ("extra", "map", ("reason",))
    [bare], _ = read_field_sql("mozfun.map.get_key(extra, 'k')", "bigquery")
    assert (bare.column, bare.type) == ("extra", "map")
    # a function of the same name elsewhere says nothing
    other = read_fragment("mylib.map.get_key(__t.extra, 'reason')", "bigquery")
    assert other is not None and other.columns[0].type is None


def test_map_columns_are_arrays_of_key_value_structs_keyed_by_the_lookups(tmp_path: Path) -> None:
    root = write_files(tmp_path, PROJECT)
    table = infer_schema(load_project(root, cache_dir=None), "bigquery").tables["mozdata.telemetry.events"]
    column = table.columns["event_map_values"]
    assert column.type == "array" and column.element is not None
    assert set(column.element.children) == {"key", "value"}
    assert column.element.children["key"].values == ["reason", "changedPref"]
    assert table.columns["other_values"].type == "string"


def test_seeded_maps_answer_lookups_of_the_keys_read(tmp_path: Path, cli: Cli) -> None:
    root = write_files(tmp_path, PROJECT)
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    seed = root / "seeds" / "mozdata" / "telemetry" / "events.parquet"
    connection = duckdb.connect()
    try:
        kind = connection.execute(
            f"SELECT typeof(event_map_values) FROM read_parquet('{seed}') WHERE event_map_values IS NOT NULL LIMIT 1"
        ).fetchone()
        assert kind == ('STRUCT("key" VARCHAR, "value" VARCHAR)[]',)
        # mozfun.map.get_key as its documentation defines it: the value of the first element with the key
        found = connection.execute(
            f"""SELECT count(*) FILTER (WHERE list_filter(event_map_values, lambda e: e.key = 'reason')[1].value
                                              IS NOT NULL),
                       count(*) FILTER (WHERE list_filter(event_map_values, lambda e: e.key = 'changedPref')[1].value
                                              IS NOT NULL)
                FROM read_parquet('{seed}')"""
        ).fetchone()
    finally:
        connection.close()
    assert found is not None and found[0] > 0 and found[1] > 0
    assert cli("scaffold", "data", "--project", str(root), "--check").exit_code == 0
