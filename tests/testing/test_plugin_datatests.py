"""LookML data tests as pytest items, end to end with pytester."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

Shop = Callable[..., Path]
Run = Callable[..., pytest.RunResult]

FAILING = """
test: order_count_is_four {
  explore_source: orders {
    column: count { field: orders.count }
  }
  assert: four_orders {
    expression: ${orders.count} = 4 ;;
  }
}

test: every_order_is_big {
  explore_source: orders {
    column: id { field: orders.id }
    column: amount { field: orders.amount }
    sorts: [orders.id: asc]
  }
  assert: amount_over_eight {
    expression: ${orders.amount} > 8 ;;
  }
}
"""

UNKNOWN_FUNCTION = """
test: uses_a_made_up_function {
  explore_source: orders {
    column: count { field: orders.count }
  }
  assert: frobnicated {
    expression: frobnicate(${orders.count}) > 1 ;;
  }
}
"""


def test_inert_without_a_configured_project(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run: Run
) -> None:
    monkeypatch.delenv("PYTEST_LOOKER_PROJECT", raising=False)
    pytester.makefile(".lkml", m="explore: x {}\ntest: t { explore_source: x { column: a { field: x.a } } }")
    pytester.makepyfile("def test_plain():\n    assert True\n")
    result = run()
    result.assert_outcomes(passed=1)
    assert "looker:" not in result.stdout.str()
    assert "pytest-looker" not in result.stdout.str()


def test_data_tests_pass_and_fail_with_the_failing_rows(shop: Shop, run: Run) -> None:
    shop(data_tests=FAILING)
    result = run("tests/data.lkml")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "[lookml-test] shop/every_order_is_big" in out
    assert 'Assertion "amount_over_eight" failed: expression evaluated to "No" on row 3 of 4.' in out
    assert "tests/data.lkml:" in out and "${orders.amount} > 8" in out
    # The failing rows, as a table (row number, the columns, the assert's value).
    assert "row | orders.id | orders.amount | value" in out
    assert "3   | 3         | 5             | false" in out and "4   | 4         | 7.25" in out
    assert "SQL:" in out and "FROM shop.orders AS orders" in out
    assert "Traceback" not in out and "runtest" not in out
    result.stdout.fnmatch_lines(["*pytest-looker*", "lookml-test    1 passed, 1 failed"])


def test_an_unknown_function_is_one_clear_error(shop: Shop, run: Run) -> None:
    shop(data_tests=UNKNOWN_FUNCTION)
    result = run("tests/data.lkml")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert 'Assert "frobnicated" (tests/data.lkml:' in out
    assert "unsupported Looker function frobnicate()" in out
    assert "Traceback" not in out and "evaluator.py" not in out


def test_data_test_reports_its_file_and_line(pytester: pytest.Pytester, shop: Shop) -> None:
    shop()
    items = pytester.inline_genitems("tests/data.lkml", "-p", "no:benchmark", "-p", "no:hypothesispytest")[0]
    assert [item.name for item in items] == ["shop/order_count_is_four"]
    path, line, label = items[0].reportinfo()
    assert str(path).endswith("tests/data.lkml") and line == 0 and label == "[lookml-test] shop/order_count_is_four"
