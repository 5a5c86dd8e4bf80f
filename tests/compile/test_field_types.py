"""Field types found in public LookML that Looker accepts, each compiled and run on DuckDB.

The survey of ~250k fields in 20 public repositories (Looker's own blocks, mozilla/looker-hub,
cortex, square…) found these beyond the common ones: measures ``date_raw``/``date_date``/
``date_<timeframe>``, hand-written ``type: date_<timeframe>`` dimensions, ``case:`` without
``type: case``, ``bin`` (the docs' synonym of ``tier``) and ``distance``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from helpers import duckdb_loaded, write_files
from pytest_looker.compile import Query, compile_sql
from pytest_looker.errors import CompileError
from pytest_looker.lookml import load_project
from pytest_looker.lookml.model import Project

FILES = {
    "m.model.lkml": """
        connection: "db"
        include: "*.view.lkml"
        explore: orders {
          join: stores { sql_on: ${orders.store_id} = ${stores.id} ;; relationship: many_to_one }
        }
    """,
    "orders.view.lkml": """
        view: orders {
          sql_table_name: main.orders ;;
          dimension: id { primary_key: yes type: number }
          dimension: store_id { type: number }
          dimension: amount { type: number }
          dimension_group: created { type: time timeframes: [raw, date, month] sql: ${TABLE}.created ;; }
          dimension: created_stamp { type: date_raw sql: ${TABLE}.created ;; }
          dimension: created_yr { type: date_year sql: ${TABLE}.created ;; }
          dimension: size {
            case: {
              when: { sql: ${amount} >= 100 ;; label: "large" }
              when: { sql: ${amount} >= 10 ;; label: "medium" }
              else: "small"
            }
          }
          dimension: amount_bin { type: bin tiers: [0, 10, 100] style: integer sql: ${amount} ;; }
          dimension: home { type: location sql_latitude: ${TABLE}.lat ;; sql_longitude: ${TABLE}.lon ;; }
          dimension: to_store {
            type: distance
            start_location_field: home
            end_location_field: stores.spot
            units: kilometers
          }
          measure: first_order { type: date_raw sql: MIN(${created_raw}) ;; }
          measure: first_day { type: date_date sql: MIN(${created_raw}) ;; }
          measure: last_month { type: date_month sql: MAX(${created_raw}) ;; }
        }
    """,
    "stores.view.lkml": """
        view: stores {
          sql_table_name: main.stores ;;
          dimension: id { primary_key: yes type: number }
          dimension: spot { type: location sql_latitude: ${TABLE}.lat ;; sql_longitude: ${TABLE}.lon ;; }
        }
    """,
}
DATA = """
    CREATE TABLE main.stores AS SELECT * FROM (VALUES (1, 48.8566, 2.3522)) AS t(id, lat, lon);
    CREATE TABLE main.orders AS SELECT * FROM (VALUES
        (1, 1, 5.0, TIMESTAMP '2024-02-29 13:45:30', 51.5074, -0.1278),
        (2, 1, 50.0, TIMESTAMP '2023-12-31 23:59:59', 40.7128, -74.0060),
        (3, 1, 500.0, TIMESTAMP '2024-03-01 00:00:00', 48.8566, 2.3522)
    ) AS t(id, store_id, amount, created, lat, lon);
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root: Path = write_files(tmp_path_factory.mktemp("types"), FILES)
    return load_project(root)


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    yield from duckdb_loaded(DATA)


def rows(db: duckdb.DuckDBPyConnection, project: Project, fields: list[str], dialect: str = "duckdb") -> list[tuple]:
    query = Query("m", "orders", fields=fields, sorts=[fields[0]])
    return db.execute(compile_sql(project, query, dialect=dialect, target="duckdb")).fetchall()


@pytest.mark.parametrize("dialect", ["duckdb", "bigquery", "snowflake", "postgres"])
def test_date_measures_show_their_timeframe(project: Project, db: duckdb.DuckDBPyConnection, dialect: str) -> None:
    got = rows(db, project, ["orders.first_order", "orders.first_day", "orders.last_month"], dialect)
    first_day = got[0][1]
    assert got[0][0] == dt.datetime(2023, 12, 31, 23, 59, 59)
    assert str(first_day) == "2023-12-31"  # a DATE (a 'YYYY-MM-DD' string on Snowflake, as Looker)
    assert got[0][2] == "2024-03"


def test_hand_written_date_timeframe_dimensions(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = rows(db, project, ["orders.created_stamp", "orders.created_yr"])
    assert got == [
        (dt.datetime(2023, 12, 31, 23, 59, 59), 2023),
        (dt.datetime(2024, 2, 29, 13, 45, 30), 2024),
        (dt.datetime(2024, 3, 1, 0, 0), 2024),
    ]


def test_case_without_type_is_a_case(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = rows(db, project, ["orders.id", "orders.size"])
    assert got == [(1, "small"), (2, "medium"), (3, "large")]


def test_bin_is_a_tier(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    got = [row[:2] for row in rows(db, project, ["orders.id", "orders.amount_bin"])]  # then its __sort_ column
    assert got == [(1, "0 to 9"), (2, "10 to 99"), (3, "100 or Above")]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@pytest.mark.parametrize("dialect", ["duckdb", "bigquery", "snowflake", "redshift"])
def test_distance_between_two_locations(project: Project, db: duckdb.DuckDBPyConnection, dialect: str) -> None:
    got = dict(rows(db, project, ["orders.id", "orders.to_store"], dialect))
    assert got[1] == pytest.approx(haversine_km(51.5074, -0.1278, 48.8566, 2.3522), rel=1e-9)  # London → Paris
    assert got[1] == pytest.approx(343.5, abs=1.0)
    assert got[2] == pytest.approx(haversine_km(40.7128, -74.0060, 48.8566, 2.3522), rel=1e-9)
    assert got[3] == pytest.approx(0.0, abs=1e-6)


def test_distance_needs_location_fields(tmp_path: Path) -> None:
    files = dict(FILES)
    files["orders.view.lkml"] = FILES["orders.view.lkml"].replace(
        "end_location_field: stores.spot", "end_location_field: id"
    )
    project = load_project(write_files(tmp_path, files))
    with pytest.raises(CompileError, match="must be a location dimension"):
        compile_sql(project, Query("m", "orders", fields=["orders.to_store"]))
