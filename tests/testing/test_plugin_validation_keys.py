"""SQL validation and key-check items end to end with pytester."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

Shop = Callable[..., Path]
Run = Callable[..., pytest.RunResult]

BROKEN_FIELDS = """
  dimension: broken {
    type: number
    sql: ${TABLE}.no_such_column ;;
  }

  dimension: ignored_broken {
    type: number
    tags: ["spectacles: ignore"]
    sql: ${TABLE}.also_missing ;;
  }

  dimension: hidden_broken {
    hidden: yes
    type: number
    sql: ${TABLE}.hidden_missing ;;
  }
"""


def test_sql_validation_passes_on_a_clean_project(shop: Shop, run: Run) -> None:
    shop()
    result = run("shop.model.lkml", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*shop.model.lkml::sql?shop/orders? PASSED*", "sql *2 passed"])


def test_a_broken_field_is_reported_with_file_line_and_database_message(shop: Shop, run: Run) -> None:
    shop(extra_fields=BROKEN_FIELDS)
    result = run("shop.model.lkml", "--looker-explores", "shop/orders", "--looker-ignore-hidden")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "[sql] shop/orders" in out
    assert "SQL validation of shop/orders: 1 of" in out
    assert "views/orders.view.lkml:40  orders.broken" in out
    assert "no_such_column" in out and "Binder Error" in out
    assert "also_missing" not in out and "hidden_missing" not in out
    assert "Traceback" not in out


def test_hidden_fields_are_validated_by_default_as_looker_runs_them(shop: Shop, run: Run) -> None:
    shop(extra_fields=BROKEN_FIELDS)
    result = run("shop.model.lkml", "--looker-explores", "shop/orders")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "orders.hidden_broken" in out and "orders.ignored_broken" not in out


def test_explore_selection_with_globs_and_excludes(shop: Shop, run: Run) -> None:
    shop()
    result = run("shop.model.lkml", "--collect-only", "-q", "--looker-explores", "*/*", "--looker-explores=-shop/cust*")
    out = result.stdout.str()
    assert "sql[shop/orders]" in out and "sql[shop/customers]" not in out


def test_key_checks_are_opt_in_and_pass_on_good_data(shop: Shop, run: Run) -> None:
    shop()
    assert "keys[" not in run("--collect-only", "-q").stdout.str()
    result = run("shop.model.lkml", "--looker-check-keys", "-v")
    result.assert_outcomes(passed=6)  # 2 sql, 2 primary keys, 2 explores' relationships
    result.stdout.fnmatch_lines(["keys *2 passed", "relationships *2 passed"])


def test_a_wrong_relationship_is_caught_with_the_offending_keys(shop: Shop, run: Run) -> None:
    shop(relationship="many_to_one")  # customers → orders is really one_to_many
    result = run("shop.model.lkml", "--looker-check-keys", "-k", "relationships")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "[relationships] shop/customers" in out
    assert "join orders (shop.model.lkml:" in out
    assert "is declared relationship: many_to_one, but these customers.id values match more than one orders row" in out
    assert "customers.id | orders rows" in out and "1            | 2" in out
    assert "Traceback" not in out


def test_a_duplicate_or_null_primary_key_fails(shop: Shop, run: Run) -> None:
    csv = (
        "id,customer_id,status,amount,created_at\n"
        "1,1,complete,1,2024-01-01\n1,2,complete,2,2024-01-02\n,3,complete,3,2024-01-03\n"
    )
    shop(orders_csv=csv)
    result = run("shop.model.lkml", "--looker-check-keys", "-k", "keys")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "primary key orders.id (views/orders.view.lkml:4) is not unique" in out
    assert "orders.id | rows" in out
    assert "primary key orders.id (views/orders.view.lkml:4) is NULL in 1 row(s)" in out
