"""``*.lkmltest.yml`` unit tests end to end: hermetic and seeded, passing, failing, malformed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

Shop = Callable[..., Path]
Run = Callable[..., pytest.RunResult]

SPECS = """
tests:
  - name: totals_by_status
    explore: shop/orders
    given:
      shop.orders:
        - {id: 1, customer_id: 1, status: complete, amount: 2.5}
        - {id: 2, customer_id: 1, status: complete, amount: 4}
        - {id: 3, customer_id: 2, status: cancelled}
    query:
      fields: [orders.status, orders.count, orders.total_amount]
    expect:
      rows:
        - {orders.status: cancelled, orders.count: 1, orders.total_amount: 0}
        - {orders.status: complete, orders.count: 2, orders.total_amount: 6.5}
  - name: months_on_the_seeds
    explore: shop/orders
    query:
      fields: [orders.created_month, orders.count]
      sorts: [orders.created_month]
    expect:
      ordered: true
      rows:
        - {orders.created_month: "2024-01", orders.count: 2}
        - {orders.created_month: "2024-02", orders.count: 2}
  - name: wrong_expectation
    explore: shop/orders
    query:
      fields: [orders.status, orders.total_amount]
    expect:
      tolerance: 0.01
      rows:
        - {orders.status: complete, orders.total_amount: 37.75}
        - {orders.status: cancelled, orders.total_amount: 6.0}
        - {orders.status: returned, orders.total_amount: 1.0}
"""

BROKEN = """
tests:
  - name: misspelled_field
    explore: shop/orders
    query:
      fields: [orders.stauts]
    expect:
      rows: []
  - name: unknown_key
    explore: shop/orders
    querry: {fields: [orders.count]}
    query: {fields: [orders.count]}
    expect: {rows: []}
  - name: missing_query
    explore: shop/orders
    expect: {rows: []}
"""


def test_hermetic_and_seeded_specs_pass_and_a_wrong_one_shows_a_table_diff(shop: Shop, run: Run) -> None:
    shop(files={"specs/orders.lkmltest.yml": SPECS})
    result = run("specs", "-v")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "unit test wrong_expectation (specs/orders.lkmltest.yml:25) on shop/orders: rows differ" in out
    assert "actual differs from expected: 1 expected row(s) missing, 1 row(s) differ" in out
    assert "~ cancelled     | 6 → 5" in out
    assert "- returned      | 1" in out
    assert "SQL:" in out and "GROUP BY 1" in out
    assert "Traceback" not in out
    result.stdout.fnmatch_lines(["unit *2 passed, 1 failed"])


def test_malformed_specs_fail_one_by_one_with_clear_messages(shop: Shop, run: Run) -> None:
    shop(files={"specs/broken.lkmltest.yml": BROKEN})
    result = run("specs")
    result.assert_outcomes(failed=3)
    out = result.stdout.str()
    assert "unit test misspelled_field (specs/broken.lkmltest.yml:2) on shop/orders:" in out
    assert "orders.stauts" in out and "status" in out
    assert "unit test unknown_key (specs/broken.lkmltest.yml:8): malformed spec: unknown key(s) querry" in out
    assert "unit test missing_query (specs/broken.lkmltest.yml:13): malformed spec: missing 'query:'" in out
    assert "Traceback" not in out


def test_a_file_that_is_not_yaml_is_one_failing_item(shop: Shop, run: Run) -> None:
    shop(files={"bad.lkmltest.yml": "tests:\n  - name: x\n    explore: [unclosed\n"})
    result = run("bad.lkmltest.yml")
    result.assert_outcomes(failed=1)
    assert (
        "(bad.lkmltest.yml): malformed spec: cannot read unit-test spec: invalid YAML at line 4" in result.stdout.str()
    )


def test_given_tables_are_typed_from_the_lookml(shop: Shop, run: Run) -> None:
    # created_at is a string in the YAML; the LookML time dimension makes the column a TIMESTAMP,
    # so the month timeframe works on it.
    spec = """
    tests:
      - name: typed
        explore: shop/orders
        given:
          shop.orders:
            - {id: 1, created_at: "2024-03-05 10:00:00"}
        query: {fields: [orders.created_month, orders.created_year]}
        expect:
          rows: [{orders.created_month: "2024-03", orders.created_year: 2024}]
    """
    shop(files={"typed.lkmltest.yml": spec})
    run("typed.lkmltest.yml").assert_outcomes(passed=1)


TYPOS = """
tests:
  - name: column_typo
    explore: shop/orders
    given:
      shop.orders:
        - {id: 1, status: complete, amout: 2.5}
    query: {fields: [orders.total_amount]}
    expect:
      rows: [{orders.total_amount: 0}]
  - name: table_typo
    explore: shop/orders
    given:
      shop.ordrs:
        - {id: 1}
    query: {fields: [orders.count]}
    expect:
      rows: [{orders.count: 0}]
  - name: field_typo
    explore: shop/orders
    query: {fields: [orders.cuont]}
    expect: {rows: []}
  - name: view_typo
    explore: shop/orders
    query: {fields: [order.count]}
    expect: {rows: []}
  - name: explore_typo
    explore: shop/ordres
    query: {fields: [orders.count]}
    expect: {rows: []}
"""


def test_typos_in_given_tables_columns_views_fields_and_explores_fail_with_did_you_mean(shop: Shop, run: Run) -> None:
    # Before: the misspelt column became NULL, the sum 0, and the (wrong) expectation of 0 passed.
    shop(files={"typos.lkmltest.yml": TYPOS})
    result = run("typos.lkmltest.yml")
    result.assert_outcomes(failed=5)
    out = result.stdout.str()
    assert "given column shop.orders.amout is read by no SQL of model 'shop' (did you mean 'amount'?)" in out
    assert "given table 'shop.ordrs' is read by no view of model 'shop' (did you mean 'shop.orders'?)" in out
    assert "unknown field orders.cuont (referenced by the query's fields): view 'orders' has no field 'cuont'" in out
    assert "(did you mean 'count'?)" in out
    assert "unknown view 'order' in explore 'orders' (referenced by the query's fields) (did you mean 'orders'?)" in out
    assert "unknown explore 'ordres' in model 'shop' (did you mean 'orders'?)" in out
    assert "Traceback" not in out


MARKED = """
tests:
  - name: not_yet
    explore: shop/orders
    skip: the refunds table is not seeded yet
    query: {fields: [orders.count]}
    expect: {rows: [{orders.count: 99}]}
  - name: known_bug
    explore: shop/orders
    xfail: cancelled orders are still counted
    query: {fields: [orders.count]}
    expect: {rows: [{orders.count: 3}]}
  - name: advisory
    explore: shop/orders
    severity: warn
    query: {fields: [orders.count]}
    expect: {rows: [{orders.count: 5}]}
  - name: bad_severity
    explore: shop/orders
    severity: fatal
    query: {fields: [orders.count]}
    expect: {rows: [{orders.count: 4}]}
"""


def test_specs_can_be_skipped_expected_to_fail_or_warn_only(shop: Shop, run: Run) -> None:
    shop(files={"marked.lkmltest.yml": MARKED})
    result = run("marked.lkmltest.yml", "-rsx")
    result.assert_outcomes(skipped=1, xfailed=1, passed=1, failed=1, warnings=1)
    out = result.stdout.str()
    assert "the refunds table is not seeded yet" in out and "cancelled orders are still counted" in out
    assert "[unit] advisory: fails (severity: warn)" in out and "orders.count" in out
    assert "malformed spec: severity: must be error or warn, not 'fatal'" in out
