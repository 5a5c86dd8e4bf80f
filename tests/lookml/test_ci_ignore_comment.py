"""Spectacles' documented way to skip a dimension: a ``-- spectacles: ignore`` SQL comment."""

from __future__ import annotations

from pathlib import Path

from helpers import write_files
from pytest_looker.checks.validation import explore_fields
from pytest_looker.lookml import load_project


def test_sql_comment_marks_a_field_ignored(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: v {}\n',
            "v.view.lkml": """
                view: v {
                  sql_table_name: s.v ;;
                  dimension: kept { sql: ${TABLE}.kept ;; }
                  dimension: skipped {
                    sql: -- spectacles: ignore
                      DATE_TRUNC({% parameter period %}, ${TABLE}.created) ;;
                  }
                  dimension_group: ci { type: time timeframes: [date] sql: -- CI: Ignore
                    ${TABLE}.created ;; }
                  filter: period { type: string }
                }
            """,
        },
    )
    project = load_project(root)
    view = project.models["m"].views["v"]
    assert view.fields["skipped"].ci_ignored and view.fields["ci_date"].ci_ignored
    assert not view.fields["kept"].ci_ignored
    explore = project.models["m"].explores["v"]
    assert [name for name, _ in explore_fields(project, explore)] == ["v.kept"]
