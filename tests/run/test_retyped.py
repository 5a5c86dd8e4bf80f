"""Snowflake's NUMBER/VARCHAR union columns are numbers on DuckDB too (:mod:`pytest_looker.run.retyped`).

llooker/bridge_snowflake_lookml unions three native derived tables, one selecting
``product_id::string``; Snowflake makes the column NUMBER, DuckDB VARCHAR, and the explore's join
``bottle_id = CASE … THEN products.id … THEN products.product_id … END`` failed offline only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import write_files
from pytest_looker.cli import main
from pytest_looker.compile.translate.unions import numbers_win_in_unions
from pytest_looker.errors import BackendError
from pytest_looker.run import DuckDBBackend
from pytest_looker.run.retyped import execute_translated

UNION = """
WITH a AS (SELECT 1 AS id, CAST(p AS VARCHAR) AS product_id FROM (VALUES (10), (11)) AS v(p)),
     b AS (SELECT 2 AS id, p AS product_id FROM (VALUES (20)) AS v(p)),
     u AS (SELECT * FROM a UNION ALL SELECT * FROM b)
SELECT id, CASE WHEN id = 1 THEN id ELSE product_id END AS picked, product_id + 1 AS next
FROM u ORDER BY product_id
"""


@pytest.fixture
def db() -> DuckDBBackend:
    return DuckDBBackend()


def test_a_number_wins_over_text_in_a_snowflake_union(db: DuckDBBackend) -> None:
    with pytest.raises(BackendError, match="Cannot mix values"):
        db.execute(UNION)
    result = execute_translated(db, UNION, "snowflake")
    # Snowflake: product_id is NUMBER, so it sorts as a number and adds as one.
    assert result.rows == ((1, 1, 11), (1, 1, 12), (2, 20, 21))


def test_only_sources_whose_unions_convert_are_retried(db: DuckDBBackend) -> None:
    for source in ("bigquery", "duckdb", None):
        with pytest.raises(BackendError, match="Cannot mix values"):
            execute_translated(db, UNION, source)


def test_text_that_is_no_number_fails_as_on_snowflake_with_the_first_error(db: DuckDBBackend) -> None:
    sql = UNION.replace("CAST(p AS VARCHAR)", "'x' || CAST(p AS VARCHAR)")
    with pytest.raises(BackendError, match="Cannot mix values"):
        execute_translated(db, sql, "snowflake")


def test_unions_of_one_type_are_left_alone(db: DuckDBBackend) -> None:
    assert numbers_win_in_unions("WITH u AS (SELECT 1 AS x UNION SELECT 2) SELECT * FROM u", db.column_types) is None


PROJECT = {
    "united.model.lkml": """
        connection: "warehouse"
        include: "*.view.lkml"
        explore: lines {
          join: products {
            sql_on: ${lines.bottle_id} = CASE WHEN ${lines.source} = 'a' THEN ${products.id}
                    ELSE ${products.product_id} END ;;
            relationship: many_to_one
          }
        }
    """,
    "views.view.lkml": """
        view: lines {
          sql_table_name: shop.lines ;;
          dimension: id { primary_key: yes type: number }
          dimension: bottle_id { type: number }
          dimension: source {}
          measure: count { type: count }
        }
        view: products {
          derived_table: {
            sql: SELECT id, product_id::string AS product_id FROM shop.products_a
                 UNION SELECT id, product_id FROM shop.products_b ;;
          }
          dimension: id { primary_key: yes type: number }
          dimension: product_id { type: number }
          measure: total_product_id { type: sum sql: ${product_id} ;; }
        }
    """,
}


def test_the_explore_validates_and_queries_as_snowflake_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_files(tmp_path / "p", PROJECT)
    seeds = root / "seeds" / "shop"
    seeds.mkdir(parents=True)
    (seeds / "lines.csv").write_text("id,bottle_id,source\n1,1,a\n2,200,b\n3,999,b\n")
    (seeds / "products_a.csv").write_text("id,product_id\n1,100\n")
    (seeds / "products_b.csv").write_text("id,product_id\n2,200\n")
    config = '[tool.pytest-looker]\nproject = "."\ndialect = "snowflake"\nseeds = "seeds"\n'
    (root / "pyproject.toml").write_text(config)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["validate", "--format", "json"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(
        main, ["query", "united/lines", "--fields", "lines.id,products.total_product_id", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    got = {row["lines.id"]: row["products.total_product_id"] for row in json.loads(result.output)}
    # line 1 matches products.id 1 (product_id 100), line 2 product_id 200, line 3 nothing (Looker: 0).
    assert got == {1: 100, 2: 200, 3: 0}
