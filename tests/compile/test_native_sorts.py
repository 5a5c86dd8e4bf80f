"""An ``explore_source`` sort may name one of the table's own columns: Looker's Shopify block
ranks its top 15 with ``sort: { field: units desc: yes }``, where ``units`` is the column of
``order_line.count_items``. The sort is the column's field, so ``limit`` keeps the largest.

Each case runs on DuckDB and is compared with hand-written SQL.
"""

from __future__ import annotations

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
        explore: lines {}
        explore: top_products {}
        explore: top_products_sorts {}
        explore: top_by_typo {}
    """,
    "lines.view.lkml": """
        view: lines {
          sql_table_name: main.lines ;;
          dimension: id { primary_key: yes type: number }
          dimension: product {}
          measure: units { type: sum sql: ${TABLE}.quantity ;; }
        }
    """,
    "top.view.lkml": """
        view: top_products {
          derived_table: {
            explore_source: lines {
              column: units { field: lines.units }
              column: product { field: lines.product }
              sort: { field: units desc: yes }
              limit: 2
            }
          }
          dimension: product { primary_key: yes }
          dimension: units { type: number }
        }
        view: top_products_sorts {
          derived_table: {
            explore_source: lines {
              column: units { field: lines.units }
              column: product { field: lines.product }
              sorts: [units: asc]
              limit: 2
            }
          }
          dimension: product { primary_key: yes }
          dimension: units { type: number }
        }
        view: top_by_typo {
          derived_table: {
            explore_source: lines {
              column: units { field: lines.units }
              sorts: [unit: desc]
            }
          }
          dimension: units { primary_key: yes type: number }
        }
    """,
}
DATA = """
    CREATE TABLE main.lines AS SELECT * FROM (VALUES
        (1, 'a', 5), (2, 'b', 1), (3, 'c', 7), (4, 'a', 4), (5, 'd', 2)) AS t(id, product, quantity);
"""
HAND = "SELECT product, SUM(quantity) AS units FROM main.lines GROUP BY product ORDER BY units {} LIMIT 2"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root: Path = write_files(tmp_path_factory.mktemp("ndt_sorts"), FILES)
    return load_project(root)


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    yield from duckdb_loaded(DATA)


def rows(db: duckdb.DuckDBPyConnection, project: Project, explore: str) -> list[tuple[object, ...]]:
    query = Query("m", explore, fields=[f"{explore}.product", f"{explore}.units"], sorts=[f"{explore}.product"])
    return db.execute(compile_sql(project, query)).fetchall()


def test_a_sort_block_naming_a_column_sorts_by_its_field(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    expected = sorted(db.execute(HAND.format("DESC")).fetchall())
    assert rows(db, project, "top_products") == expected == [("a", 9), ("c", 7)]


def test_sorts_naming_a_column_sort_by_its_field(project: Project, db: duckdb.DuckDBPyConnection) -> None:
    expected = sorted(db.execute(HAND.format("ASC")).fetchall())
    assert rows(db, project, "top_products_sorts") == expected == [("b", 1), ("d", 2)]


def test_a_bare_sort_naming_no_column_is_still_an_error(project: Project) -> None:
    with pytest.raises(CompileError, match="unit"):
        compile_sql(project, Query("m", "top_by_typo", fields=["top_by_typo.units"]))
