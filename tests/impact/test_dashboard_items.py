"""Dashboards as ``[dashboard] name`` items: every tile's names exist and its query compiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from impact_helpers import edit

from helpers import FAST

DASHBOARD = "dashboards/sales_overview.dashboard.lookml"


def test_the_example_dashboard_passes(repo: Path, pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(*FAST, "-v", DASHBOARD)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*sales_overview.dashboard.lookml::sales_overview PASSED*", "dashboard *1 passed"])


def test_a_broken_tile_fails_naming_element_and_file_line(repo: Path, pytester: pytest.Pytester) -> None:
    path = repo / DASHBOARD
    edit(
        path,
        "fields: [products.category, order_items.total_sale_price",
        "fields: [products.kategory, order_items.total_sale_price",
    )
    edit(path, "sorts: [user_order_facts.lifetime_orders_tier]", "sorts: [user_order_facts.tier]")
    edit(path, "explore: order_items\n    type: single_value", "explore: order_itemz\n    type: single_value")
    result = pytester.runpytest(*FAST, DASHBOARD)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert f"dashboard sales_overview ({DASHBOARD}:1): 3 problem(s)" in out
    assert (
        f"element revenue_by_category ({DASHBOARD}:83): field products.kategory is not a field of ecommerce/order_items"
        in out
    )
    assert f"element customers_by_tier ({DASHBOARD}:100): sort on user_order_facts.tier" in out
    assert f"element return_rate ({DASHBOARD}:54): unknown explore 'order_itemz' in model 'ecommerce'" in out
    assert "Traceback" not in out


def test_a_tile_whose_filter_does_not_compile_fails(repo: Path, pytester: pytest.Pytester) -> None:
    edit(repo / DASHBOARD, 'orders.status: "-cancelled"', 'orders.created_date: "after the big bang"')
    result = pytester.runpytest(*FAST, DASHBOARD)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*element revenue_by_category*the tile's query does not compile*"])
