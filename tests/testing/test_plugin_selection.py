"""Selection never silently tests less: explore selectors, --lf/--ff/-k/--deselect/-x, hidden fields."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from helpers import Run, Shop
from pytest_looker.cli import main

BROKEN_FIELD = """
  dimension: broken {
    type: number
    sql: ${TABLE}.no_such_column ;;
  }
"""

HIDDEN_BROKEN = """
  dimension: hidden_broken {
    hidden: yes
    type: number
    sql: ${TABLE}.hidden_missing ;;
  }
"""

FAILING_DATA_TEST = """
test: order_count_is_five {
  explore_source: orders {
    column: count { field: orders.count }
  }
  assert: five_orders {
    expression: ${orders.count} = 5 ;;
  }
}
"""

FAILING_SPEC = """
tests:
  - name: wrong_count
    explore: shop/orders
    query: {fields: [orders.count]}
    expect: {rows: [{orders.count: 5}]}
  - name: right_count
    explore: shop/orders
    query: {fields: [orders.count]}
    expect: {rows: [{orders.count: 4}]}
"""

DASHBOARD = """
- dashboard: overview
  title: Overview
  elements:
  - name: by_status
    model: shop
    explore: orders
    type: looker_column
    fields: [orders.stauts, orders.count]
"""

PYTHON = """
def test_fails(looker):
    assert looker.query("shop/orders", fields=["orders.count"]).rows == [{"orders.count": 5}]


def test_passes():
    pass
"""

DUPLICATE_KEY_CSV = "id,customer_id,status,amount,created_at\n1,1,complete,1,2024-01-01\n1,2,complete,2,2024-01-02\n"


def _failed(result: pytest.RunResult) -> set[str]:
    return set(re.findall(r"^FAILED (\S+)", result.stdout.str(), re.M))


def _everything_fails_once(shop: Shop) -> None:
    shop(
        extra_fields=BROKEN_FIELD,
        relationship="many_to_one",
        data_tests=FAILING_DATA_TEST,
        orders_csv=DUPLICATE_KEY_CSV,
        settings_extra="check_keys = true\n",
        files={
            "views/oops.view.lkml": "view: oops {\n  dimension: x {\n",
            "specs/orders.lkmltest.yml": FAILING_SPEC,
            "overview.dashboard.lookml": DASHBOARD,
            "test_python.py": PYTHON,
        },
    )


def test_every_item_kind_reruns_with_last_failed_and_runs_first_with_failed_first(shop: Shop, run: Run) -> None:
    _everything_fails_once(shop)
    first = run("-rf", cache=True)
    failed = _failed(first)
    kinds = {re.sub(r"\[.*", "", node.split("::")[-1]) for node in failed}
    assert {"lookml", "sql", "keys", "relationships", "overview", "shop/order_count_is_five"} <= kinds, failed
    assert {"specs/orders.lkmltest.yml::wrong_count", "test_python.py::test_fails"} <= failed

    again = run("--lf", "-rf", cache=True)
    assert _failed(again) == failed
    again.assert_outcomes(failed=len(failed))  # nothing that passed ran again
    assert f"run-last-failure: rerun previous {len(failed)} failures" in again.stdout.str()

    first_failed = run("--ff", "-x", "-rf", cache=True)
    assert len(_failed(first_failed)) == 1 and _failed(first_failed) <= failed

    sql_node = "shop.model.lkml::sql[shop/orders]"
    assert sql_node in failed
    deselected = run("--lf", "-rf", "--deselect", sql_node, cache=True)
    assert _failed(deselected) == failed - {sql_node}
    by_keyword = run("-rf", "-k", "sql and orders", cache=True)
    assert _failed(by_keyword) == {sql_node}


def test_a_misspelled_explore_selector_is_a_usage_error_naming_the_closest(shop: Shop, run: Run) -> None:
    shop()
    result = run("--looker-explores", "shop/ordrs")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "explore selector 'shop/ordrs' matches no explore (did you mean 'shop/orders'?)" in result.stderr.str()
    excluded = run("--looker-explores=-shop/custmers")
    assert excluded.ret == pytest.ExitCode.USAGE_ERROR
    assert "'-shop/custmers' matches no explore (did you mean '-shop/customers'?)" in excluded.stderr.str()
    globbed = run("--looker-explores", "sohp/*")
    assert "'sohp/*' matches no explore (did you mean 'shop/*'?)" in globbed.stderr.str()


def test_validate_refuses_a_selector_that_matches_nothing(shop: Shop) -> None:
    root = shop()
    result = CliRunner().invoke(main, ["validate", "--compile-only", "--project", str(root), "--explores", "shop/nope"])
    assert result.exit_code == 2
    assert "explore selector 'shop/nope' matches no explore (explores: shop/customers, shop/orders)" in result.output
    # A glob whose model exists lists that model's explores, not the same selector back.
    globbed = CliRunner().invoke(main, ["validate", "--compile-only", "--project", str(root), "--explores", "shop/x*"])
    assert globbed.exit_code == 2
    assert "explore selector 'shop/x*' matches no explore (explores: shop/customers, shop/orders)" in globbed.output


def test_hidden_fields_follow_one_rule_in_validate_and_pytest(shop: Shop, run: Run) -> None:
    root = shop(extra_fields=HIDDEN_BROKEN)
    runner = CliRunner()
    validate = runner.invoke(main, ["validate", "--project", str(root), "--explores", "shop/orders"])
    assert validate.exit_code == 1 and "orders.hidden_broken" in validate.output
    pytest_run = run("shop.model.lkml", "--looker-explores", "shop/orders")
    pytest_run.assert_outcomes(failed=1)
    assert "orders.hidden_broken" in pytest_run.stdout.str()

    # Configured off, both skip it.
    shop(extra_fields=HIDDEN_BROKEN, settings_extra="include_hidden = false\n")
    validate = runner.invoke(main, ["validate", "--project", str(root), "--explores", "shop/orders"])
    assert validate.exit_code == 0, validate.output
    run("shop.model.lkml", "--looker-explores", "shop/orders").assert_outcomes(passed=1)
    # ... and the option turns it back on for one run.
    run("shop.model.lkml", "--looker-explores", "shop/orders", "--looker-include-hidden").assert_outcomes(failed=1)


IGNORED = """
  dimension: tagged {
    tags: ["ci: ignore"]
    sql: ${TABLE}.tagged_missing ;;
  }

  dimension: commented {
    # spectacles: ignore
    sql: ${TABLE}.commented_missing ;;
  }
"""


def test_ignore_tags_and_comments_skip_a_field_in_validate_and_pytest(shop: Shop, run: Run) -> None:
    root = shop(extra_fields=IGNORED)
    validate = CliRunner().invoke(main, ["validate", "--project", str(root)])
    assert validate.exit_code == 0, validate.output
    run("shop.model.lkml").assert_outcomes(passed=2)
