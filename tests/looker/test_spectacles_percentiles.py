"""A Snowflake median over a fan-out: a warning everywhere, never a failure (Spectacles included).

Looker's docs (explore ``symmetric_aggregates``, "Things to consider"): on a dialect without
``percentile_distinct`` the Explore warns "SQL dialect doesn't support Symmetric Aggregates with
percentiles, field ignored." and leaves the field out of the query. That is a query-time warning,
not a LookML validator error: ``validate`` reports it as a warning, ``spectacles lookml`` finds no
LookML error, ``spectacles sql`` passes. Here ``users`` is joined many_to_one, so a query of a
users measure alone fans users out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import write_files
from pytest_looker.cli import main

FILES = {
    "pyproject.toml": """
        [tool.pytest-looker]
        project = "."
        backend = "duckdb"
        seeds = "seeds"
        [tool.pytest-looker.connections.warehouse]
        dialect = "snowflake"
    """,
    "seeds/shop/orders.csv": "id,user_id,amount\n1,1,10\n2,1,20\n3,2,30\n",
    "seeds/shop/users.csv": "id,age\n1,30\n2,50\n",
    "medians.model.lkml": """
        connection: "warehouse"
        include: "*.view.lkml"
        explore: orders {
          join: users {
            relationship: many_to_one
            sql_on: ${orders.user_id} = ${users.id} ;;
          }
        }
    """,
    "orders.view.lkml": """
        view: orders {
          sql_table_name: shop.orders ;;
          dimension: id { primary_key: yes type: number }
          dimension: user_id { type: number }
          measure: total { type: sum sql: ${TABLE}.amount ;; }
        }
    """,
    "users.view.lkml": """
        view: users {
          sql_table_name: shop.users ;;
          dimension: id { primary_key: yes type: number }
          dimension: age { type: number }
          measure: median_age { type: median sql: ${age} ;; }
          measure: p75_age { type: percentile percentile: 75 sql: ${age} ;; }
          measure: double_median { type: number sql: ${median_age} * 2 ;; }
        }
    """,
}
IGNORED = {"users.median_age", "users.p75_age", "users.double_median"}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(tmp_path_factory.mktemp("spectacles-percentiles") / "medians", FILES)


@pytest.mark.parametrize("mode", [["--compile-only"], []], ids=["compile-only", "duckdb"])
def test_validate_warns_and_passes(root: Path, mode: list[str]) -> None:
    result = CliRunner().invoke(main, ["validate", "--project", str(root), "--format", "json", *mode])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["failures"] == [] and report["fields"] == 8
    assert {w["field"] for w in report["warnings"]} == IGNORED
    by_field = {w["field"]: w for w in report["warnings"]}
    assert (by_field["users.median_age"]["file"], by_field["users.median_age"]["line"]) == ("users.view.lkml", 5)
    assert "field ignored" in by_field["users.median_age"]["message"]
    assert "join 'users' fans out" in by_field["users.median_age"]["message"]
    assert "reads users.median_age" in by_field["users.double_median"]["message"]


def test_validate_text_shows_the_warning(root: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--project", str(root), "--compile-only"])
    assert result.exit_code == 0, result.output
    assert "[warning] users.view.lkml:5: medians/orders" in result.output
    assert "8 fields: 8 validate (3 with a warning" in result.output


@pytest.fixture(scope="module")
def spectacles(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    pytest.importorskip("uvicorn")
    from client_support import git
    from spectacles_support import Spectacles, spectacles_executable

    from pytest_looker.looker.emulator.testing import running_emulator

    executable = spectacles_executable()
    git(root, "init", "--quiet", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "medians")
    with running_emulator(root, seeds=root / "seeds", client_id="pct-id", client_secret="pct-secret") as url:
        yield Spectacles(executable, url, "pct-id", "pct-secret", tmp_path_factory.mktemp("spectacles-logs"))


def test_spectacles_lookml_finds_no_error(spectacles: object) -> None:
    result = spectacles("lookml", project="medians")  # type: ignore[operator]
    assert result.returncode == 0 and "No LookML errors found" in result.output, result


def test_spectacles_sql_passes(spectacles: object) -> None:
    result = spectacles("sql", project="medians")  # type: ignore[operator]
    assert result.returncode == 0 and "medians.orders passed" in result.output, result
