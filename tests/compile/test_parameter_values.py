"""Parameters without a value: Looker's empty value, and values supplied for validation/tests.

A query that sets no value for ``{% parameter p %}`` of a parameter without ``default_value``
gets the empty value (``''`` for a string parameter), so valid LookML compiles and runs; the
``parameters`` setting and ``validate --parameter`` choose a value instead, as a user would.
Each case runs on DuckDB.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from helpers import write_files
from pytest_looker.checks.validation import validate
from pytest_looker.cli import main
from pytest_looker.compile import Query, compile_sql
from pytest_looker.workspace import Workspace

FILES = {
    "m.model.lkml": """
        connection: "db"
        include: "*.view.lkml"
        explore: orders {}
    """,
    "orders.view.lkml": """
        view: orders {
          sql_table_name: main.orders ;;
          parameter: metric {
            type: string
            allowed_value: { value: "Revenue" }
            allowed_value: { value: "Count" }
          }
          parameter: grain { type: unquoted }
          dimension: id { primary_key: yes type: number }
          dimension: metric_value {
            type: number
            sql: CASE WHEN {% parameter metric %} = 'Revenue' THEN ${TABLE}.amount ELSE 1 END ;;
          }
          dimension: bucket { sql: DATE_TRUNC('{% parameter grain %}', ${TABLE}.created) ;; }
          measure: total { type: sum sql: ${metric_value} ;; }
        }
    """,
}
DATA = """
    CREATE TABLE main.orders AS SELECT * FROM (VALUES
        (1, 10.0, TIMESTAMP '2024-03-05 10:00'), (2, 32.5, TIMESTAMP '2024-04-01 00:00')) AS t(id, amount, created);
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_files(tmp_path, FILES)
    (tmp_path / "pyproject.toml").write_text('[tool.pytest-looker]\nproject = "."\n', encoding="utf-8")
    database = duckdb.connect(str(tmp_path / "db.duckdb"))
    database.execute(DATA)
    database.close()
    return tmp_path


def total(root: Path, **filters: str) -> object:
    workspace = Workspace.open(project_dir=root)
    query = workspace.with_settings(Query("m", "orders", fields=["orders.total"], filters=filters))
    sql = compile_sql(workspace.project, query)
    with duckdb.connect(str(root / "db.duckdb"), read_only=True) as db:
        row = db.execute(sql).fetchone()
    return None if row is None else row[0]


def test_string_parameter_without_value_is_the_empty_string(root: Path) -> None:
    # '' = 'Revenue' is false: every row counts 1.
    assert total(root) == 2


def test_configured_parameter_value_is_the_users_choice(root: Path) -> None:
    (root / "pyproject.toml").write_text(
        '[tool.pytest-looker]\nproject = "."\nparameters = { "orders.metric" = "Revenue" }\n', encoding="utf-8"
    )
    assert total(root) == pytest.approx(42.5)
    # a filter on the parameter in the query wins over the configured value
    assert total(root, **{"orders.metric": "Count"}) == 2


def test_unquoted_parameter_without_value_fails_like_looker_and_a_value_fixes_it(root: Path) -> None:
    workspace = Workspace.open(project_dir=root, options={"duckdb": root / "db.duckdb"})
    report = validate(workspace, runner=workspace.runner)
    failed = {f.field for f in report.failures}
    assert failed == {"orders.bucket"}  # DATE_TRUNC('', ...) fails on any warehouse
    workspace.close()

    result = CliRunner().invoke(
        main,
        ["validate", "--project", str(root), "--duckdb", str(root / "db.duckdb"), "--format", "json",
         "--parameter", "orders.grain=month"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["failures"] == []


def test_parameter_option_must_name_a_value(root: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--project", str(root), "--compile-only", "--parameter", "grain"])
    assert result.exit_code == 2
    assert "--parameter 'grain' must be written NAME=VALUE" in result.output


def test_a_parameter_value_as_a_filter_ui_escapes_it_is_read_unescaped(root: Path) -> None:
    # Google's GCS storage-intelligence dashboards set an unquoted parameter to `date^_hour` (the
    # filter UI escapes `_`): the value is date_hour. A caret before another character stays.
    workspace = Workspace.open(project_dir=root)
    query = Query("m", "orders", fields=["orders.bucket"], filters={"orders.grain": "mon^_th"})
    assert "DATE_TRUNC('mon_th'" in compile_sql(workspace.project, workspace.with_settings(query))
    assert total(root, **{"orders.metric": "Reven^ue"}) == 2  # not 'Revenue': every row counts 1
    assert total(root, **{"orders.metric": "Revenue"}) == pytest.approx(42.5)
