"""Keeping in step: ``--check`` reports drift; regeneration never overwrites a person's edits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from pytest_looker.checks.specs import load_specs

Cli = Callable[..., Result]

NEW_FIELD = """
  dimension: discount {
    type: number
    sql: ${TABLE}.discount ;;
  }
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def seeded(bq_project: Path, cli: Cli) -> Callable[..., Result]:
    """The BigQuery project with scaffolded seeds; returns ``data(*extra)`` for more runs."""

    def data(*extra: str) -> Result:
        return cli("scaffold", "data", "--project", str(bq_project), "--seeds", str(bq_project / "seeds"), *extra)

    assert data().exit_code == 0
    return data


def test_check_is_clean_after_generating(seeded: Callable[..., Result]) -> None:
    result = seeded("--check")
    assert result.exit_code == 0, result.output
    assert "match the LookML" in result.output


def test_check_reports_a_new_field_column(bq_project: Path, seeded: Callable[..., Result]) -> None:
    _edit(bq_project / "views/orders.view.lkml", "  measure: count {", NEW_FIELD + "\n  measure: count {")
    result = seeded("--check")
    assert result.exit_code == 1
    assert "new column acme-prod.ecommerce.orders.discount (number, from orders.discount)" in result.output


def test_check_reports_a_removed_column(bq_project: Path, seeded: Callable[..., Result]) -> None:
    _edit(bq_project / "views/products.view.lkml", "sql: SUBSTR(${TABLE}.sku, 1, 2) ;;", "sql: 'xx' ;;")
    result = seeded("--check")
    assert result.exit_code == 1
    assert "removed column acme-prod.ecommerce.products.sku: no LookML reads it any more" in result.output


def test_check_reports_a_retyped_column(bq_project: Path, seeded: Callable[..., Result]) -> None:
    view = bq_project / "views/products.view.lkml"
    _edit(view, "  dimension: name {\n    type: string", "  dimension: name {\n    type: number")
    result = seeded("--check")
    assert result.exit_code == 1
    assert (
        "retyped column acme-prod.ecommerce.products.name: string in the seeds, number in the LookML" in result.output
    )


def test_an_edited_seed_is_kept_unless_forced(bq_project: Path, seeded: Callable[..., Result]) -> None:
    seed = bq_project / "seeds/acme-prod/ecommerce/users.csv"
    untouched = bq_project / "seeds/acme-prod/ecommerce/orders.csv"
    edited = seed.read_text(encoding="utf-8") + "999,Ada,Lovelace,36,UK,1,2024-01-01 00:00:00\n"
    seed.write_text(edited, encoding="utf-8")
    again = seeded("--rows", "5")
    assert again.exit_code == 0
    assert "kept acme-prod/ecommerce/users.csv (edited since it was generated; --force overwrites it)" in again.output
    assert seed.read_text(encoding="utf-8") == edited
    assert untouched.read_text(encoding="utf-8").count("\n") == 1 + 10  # regenerated with 5 rows (x2: a child)
    forced = seeded("--rows", "5", "--force")
    assert forced.exit_code == 0 and "wrote acme-prod/ecommerce/users.csv" in forced.output
    assert seed.read_text(encoding="utf-8") != edited


def test_starter_specs_are_regenerated_only_while_unedited(bq_project: Path, cli: Cli) -> None:
    args = ("scaffold", "tests", "--project", str(bq_project))
    assert cli(*args).exit_code == 0
    spec = bq_project / "tests/scaffold/bq_ecommerce__orders.lkmltest.yml"
    text = spec.read_text(encoding="utf-8")
    assert "# SNAPSHOT" in text and "generated: snapshot" in text and "sha256:" in text.splitlines()[1]
    assert cli(*args, "--check").exit_code == 0
    assert "3 unchanged" in cli(*args).output
    edited = text.replace("description: No value of", "description: Reviewed. No value of", 1)
    spec.write_text(edited, encoding="utf-8")
    kept = cli(*args)
    assert f"kept {spec} (edited since it was generated; --force overwrites it)" in kept.output
    assert spec.read_text(encoding="utf-8") == edited
    assert cli(*args, "--force").exit_code == 0
    assert spec.read_text(encoding="utf-8") == text


def test_spec_check_reports_removed_and_new_fields(bq_project: Path, cli: Cli) -> None:
    args = ("scaffold", "tests", "--project", str(bq_project))
    assert cli(*args).exit_code == 0
    # A person reviewed the users spec (it is now theirs), then the field it uses is renamed.
    users = bq_project / "tests/scaffold/bq_ecommerce__users.lkmltest.yml"
    users.write_text(users.read_text(encoding="utf-8").replace("Computed from", "Reviewed; computed from"))
    view = bq_project / "views/users.view.lkml"
    _edit(view, "dimension: first_name {", "dimension: given_name {")
    _edit(view, "CONCAT(${first_name}", "CONCAT(${given_name}")
    result = cli(*args, "--check")
    assert result.exit_code == 1
    assert (
        "users__snapshot_example uses field users.first_name, which bq_ecommerce/users no longer has" in result.output
    )
    orders = str(bq_project / "tests/scaffold/bq_ecommerce__orders.lkmltest.yml")
    assert f"drift: {orders}: test orders__snapshot_example uses field users.first_name" not in result.output


def test_generated_snapshot_key_is_accepted_and_checked(tmp_path: Path) -> None:
    spec = {
        "tests": [
            {"name": "ok", "generated": "snapshot", "explore": "m/e", "query": {"fields": ["v.f"]},
             "expect": {"rows": []}},
            {"name": "bad", "generated": "yes", "explore": "m/e", "query": {"fields": ["v.f"]},
             "expect": {"rows": []}},
        ]
    }  # fmt: skip
    path = tmp_path / "x.lkmltest.yml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    good, bad = load_specs(path, "x.lkmltest.yml")
    assert good.problem is None
    assert bad.problem == "generated: must be snapshot, not 'yes'"
