"""``--looker-changed-since REF`` selects exactly the affected items; ``diff REF`` names them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from impact_helpers import edit

from helpers import FAST
from pytest_looker.cli import main

ORDER_TOTAL = ("sql: ${TABLE}.order_total ;;", "sql: ${TABLE}.order_total * 1.0 ;;")
#: Everything that reads orders.order_total, and nothing else.
AFFECTED = {
    "ecommerce.model.lkml::sql[ecommerce/orders]",
    "ecommerce.model.lkml::sql[ecommerce/order_items]",
    "ecommerce.model.lkml::sql[ecommerce/returns]",
    "ecommerce.model.lkml::sql[ecommerce/users]",
    "tests/data_tests.lkml::ecommerce/completed_revenue_2023_is_accurate",
    "tests/metrics.lkmltest.yml::order_totals_survive_the_item_fanout",
    "tests/metrics.lkmltest.yml::completed_orders_by_month",
    "tests/metrics.lkmltest.yml::completed_revenue_by_year_on_the_seeds",
    "dashboards/sales_overview.dashboard.lookml::sales_overview",
}


def _collected(pytester: pytest.Pytester, *args: str) -> tuple[set[str], int]:
    result = pytester.runpytest(*FAST, "--collect-only", "-q", *args)
    ids = {line.strip() for line in result.outlines if "::" in line and not line.startswith(" ")}
    found = re.search(r"(\d+) deselected", result.stdout.str())
    return ids, int(found.group(1)) if found else 0


def test_a_changed_field_selects_exactly_the_items_that_read_it(repo: Path, pytester: pytest.Pytester) -> None:
    everything, _ = _collected(pytester)
    edit(repo / "views/orders.view.lkml", *ORDER_TOTAL)
    selected, deselected = _collected(pytester, "--looker-changed-since", "HEAD")
    assert selected == AFFECTED
    assert deselected == len(everything) - len(AFFECTED)


def test_without_changes_every_lookml_item_is_deselected(repo: Path, pytester: pytest.Pytester) -> None:
    (repo / "test_plain.py").write_text("def test_python():\n    pass\n", encoding="utf-8")
    selected, deselected = _collected(pytester, "--looker-changed-since", "HEAD")
    assert selected == {"test_plain.py::test_python"}  # not ours: always kept
    assert deselected == 36


@pytest.mark.slow
def test_an_edited_unit_spec_selects_only_itself(repo: Path, pytester: pytest.Pytester) -> None:
    edit(repo / "tests/metrics.lkmltest.yml", 'orders.created_month: "2024-02"', 'orders.created_month: "2024-2"')
    selected, _ = _collected(pytester, "--looker-changed-since", "HEAD")
    assert selected == {"tests/metrics.lkmltest.yml::completed_orders_by_month"}


@pytest.mark.slow
def test_diff_prints_the_blast_radius(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(repo / "views/orders.view.lkml", *ORDER_TOTAL)
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["diff", "HEAD", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    fields = {f["field"]: f for f in report["fields"]}
    assert fields["ecommerce/orders.order_total"]["change"] == "changed"
    assert fields["ecommerce/orders.total_amount"]["explores"] == [
        "ecommerce/order_items", "ecommerce/orders", "ecommerce/returns", "ecommerce/users",
    ]  # fmt: skip
    assert "ecommerce/orders.status" not in fields and "ecommerce/users.age" not in fields
    assert report["explores"] == ["ecommerce/order_items", "ecommerce/orders", "ecommerce/returns", "ecommerce/users"]
    assert report["tests"] == [
        "[lookml-test] ecommerce/completed_revenue_2023_is_accurate",
        "[unit] tests/metrics.lkmltest.yml::order_totals_survive_the_item_fanout",
        "[unit] tests/metrics.lkmltest.yml::completed_orders_by_month",
        "[unit] tests/metrics.lkmltest.yml::completed_revenue_by_year_on_the_seeds",
    ]
    assert report["dashboards"] == ["sales_overview"]
    assert report["checks"] == [f"[sql] {e}" for e in report["explores"]]
    text = CliRunner().invoke(main, ["diff", "HEAD"], catch_exceptions=False).output
    assert "changed  ecommerce/orders.order_total  (in ecommerce/order_items" in text
    assert "dashboards affected (1):\n  sales_overview" in text


@pytest.mark.slow
def test_a_bad_ref_is_a_usage_error(repo: Path, pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(*FAST, "--collect-only", "-q", "--looker-changed-since", "no-such-ref")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--looker-changed-since no-such-ref: git ref 'no-such-ref' is not a commit of the repository*"]
    )
    assert "known refs: master" in result.stderr.str() or "known refs: main" in result.stderr.str()


@pytest.mark.slow
def test_diff_with_a_ref_the_checkout_lacks_says_which_and_how_to_fetch(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["diff", "origin/main"])
    assert result.exit_code == 2
    assert "git ref 'origin/main' is not a commit of the repository" in result.output
    assert "fetch-depth: 0" in result.output and "failed: 1" not in result.output
