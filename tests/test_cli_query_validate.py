"""`pytest-looker sql | query | validate` on the example project, checked against hand-written SQL."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from helpers import write_files
from pytest_looker.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ecommerce"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("db") / "example.duckdb"
    connection = duckdb.connect(str(database))
    connection.execute("CREATE SCHEMA ecommerce")
    for seed in sorted((EXAMPLE / "seeds" / "ecommerce").glob("*.csv")):
        connection.execute(f"CREATE TABLE ecommerce.{seed.stem} AS SELECT * FROM read_csv_auto('{seed}')")
    connection.close()
    return database


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "--project", str(EXAMPLE)])
    return result.exit_code, result.output


def test_query_json_matches_hand_written_sql_across_a_fanout(seeded: Path) -> None:
    code, output = invoke(
        "query", "ecommerce/orders", "--fields", "orders.status,orders.total_amount,order_items.count",
        "--duckdb", str(seeded), "--format", "json",
    )  # fmt: skip
    assert code == 0, output
    got = {row["orders.status"]: (row["orders.total_amount"], row["order_items.count"]) for row in json.loads(output)}
    expected = (
        duckdb.connect(str(seeded), read_only=True)
        .execute(
            """
        SELECT LOWER(o.status), SUM(o.order_total),
               (SELECT COUNT(*) FROM ecommerce.order_items i JOIN ecommerce.orders o2 ON i.order_id = o2.id
                WHERE LOWER(o2.status) IS NOT DISTINCT FROM LOWER(o.status))
        FROM ecommerce.orders o GROUP BY 1
        """
        )
        .fetchall()
    )
    assert set(got) == {status for status, _, _ in expected}
    for status, total, items in expected:
        assert got[status][0] == pytest.approx(float(total), abs=1e-6)
        assert got[status][1] == items


def test_sql_prints_and_transpiles(seeded: Path) -> None:
    code, output = invoke("sql", "ecommerce/orders", "--fields", "orders.status,orders.count", "--dialect", "bigquery")
    assert code == 0 and "SELECT" in output
    code, output = invoke("sql", "ecommerce/orders", "--fields", "orders.nope")
    assert code == 1 and "orders.nope" in output and "Traceback" not in output
    code, output = invoke("sql", "ecommerce", "--fields", "orders.count")
    assert code == 2 and "MODEL/EXPLORE" in output


def test_validate_compile_only_and_on_duckdb_are_clean_for_the_example(seeded: Path) -> None:
    code, output = invoke("validate", "--compile-only", "--format", "json")
    report = json.loads(output)
    assert code == 0 and report["failures"] == [] and report["explores"] >= 3 and report["fields"] > 100
    code, output = invoke("validate", "--duckdb", str(seeded), "--format", "json", "--explores", "ecommerce/orders")
    assert code == 0 and json.loads(output)["explores"] == 1


def test_validate_bisects_to_each_broken_field(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "views").mkdir(parents=True)
    (project / "m.model.lkml").write_text('connection: "db"\ninclude: "/views/*.view.lkml"\nexplore: t {}\n')
    fields = "\n".join(f"  dimension: ok_{i} {{ type: number sql: ${{TABLE}}.x + {i} ;; }}" for i in range(20))
    (project / "views" / "t.view.lkml").write_text(
        "view: t {\n  sql_table_name: main.t ;;\n"
        + fields
        + "\n  dimension: broken { sql: ${TABLE}.no_such_column ;; }\n"
        + "  measure: also_broken { type: sum sql: ${TABLE}.missing ;; }\n}\n"
    )
    database = tmp_path / "t.duckdb"
    connection = duckdb.connect(str(database))
    connection.execute("CREATE TABLE main.t AS SELECT 1 AS x")
    connection.close()
    result = CliRunner().invoke(
        main, ["validate", "--project", str(project), "--duckdb", str(database), "--format", "json"]
    )
    assert result.exit_code == 1
    failures = json.loads(result.stdout)["failures"]
    assert sorted(f["field"] for f in failures) == ["t.also_broken", "t.broken"]
    assert all(f["file"] == "views/t.view.lkml" and isinstance(f["line"], int) for f in failures)
    assert any("no_such_column" in f["message"] for f in failures)


def test_explore_selectors(seeded: Path) -> None:
    code, output = invoke(
        "validate", "--compile-only", "--format", "json", "--explores", "ecommerce/*", "--explores=-ecommerce/o*"
    )
    assert code == 0, output
    code, output = invoke("validate", "--compile-only", "--explores", "bad")
    assert code == 2 and "model/explore" in output


ACCESS_FILTERED = {
    "m.model.lkml": """
        connection: "db"
        include: "/views/*.view.lkml"
        explore: t { access_filter: { field: t.region user_attribute: region } }
    """,
    "views/t.view.lkml": """
        view: t {
          sql_table_name: main.t ;;
          dimension: region {}
          dimension: amount { type: number }
          measure: total { type: sum sql: ${amount} ;; }
        }
    """,
}


def test_validate_reports_an_explore_level_problem_once_and_uses_user_attributes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_files(tmp_path / "p", ACCESS_FILTERED)
    result = CliRunner().invoke(main, ["validate", "--compile-only", "--project", str(root), "--format", "json"])
    assert result.exit_code == 1, result.output
    [failure] = json.loads(result.stdout)["failures"]
    assert failure["field"] == "*" and "every field fails" in failure["message"] and "region" in failure["message"]
    (root / "pyproject.toml").write_text(
        '[tool.pytest-looker]\nproject = "."\nuser_attributes = { region = "north" }\n'
    )
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["validate", "--compile-only", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["fields"] == 3
