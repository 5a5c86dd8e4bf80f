"""Dashboard items accept what Looker accepts and still catch what Looker would break on."""

from __future__ import annotations

from pathlib import Path

from helpers import Run, Shop, write_shop
from pytest_looker.checks.dashboards import dashboard_problems, including_model
from pytest_looker.lookml import load_project

TIER = """
  dimension: amount_tier {
    type: tier
    tiers: [0, 10]
    style: integer
    sql: ${amount} ;;
  }
"""

#: Three tiles as Looker saves them: a tier's sort helper, a sort on a dimension the tile does
#: not select (Looker ignores it), and a pivoted tile's sorts with the pivot column index.
LOOKER_SAVED = """
- dashboard: saved_by_looker
  title: Saved by Looker
  elements:
  - name: by_tier
    model: shop
    explore: orders
    type: looker_column
    fields: [orders.amount_tier, orders.count]
    sorts: [orders.amount_tier__sort_]
  - name: unselected_sort
    model: shop
    explore: orders
    type: looker_bar
    fields: [orders.status, orders.count]
    sorts: [orders.created_date desc, orders.count desc]
  - name: pivoted
    model: shop
    explore: customers
    type: looker_column
    fields: [customers.name, orders.status, orders.count]
    pivots: [orders.status]
    sorts: [orders.status 0, orders.count desc 0]
"""

BROKEN = """
- dashboard: broken
  title: Broken
  elements:
  - name: typo
    model: shop
    explore: orders
    type: looker_column
    fields: [orders.amount_teir, orders.count]
    sorts: [orders.amount_teir__sort_]
"""


def test_tiles_as_looker_saves_them_pass(shop: Shop, run: Run) -> None:
    shop(extra_fields=TIER, files={"saved.dashboard.lookml": LOOKER_SAVED})
    result = run("saved.dashboard.lookml", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*saved.dashboard.lookml::saved_by_looker PASSED*"])


def test_a_misspelt_tier_and_its_sort_helper_fail_by_name(shop: Shop, run: Run) -> None:
    shop(extra_fields=TIER, files={"broken.dashboard.lookml": BROKEN})
    result = run("broken.dashboard.lookml")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "element typo (broken.dashboard.lookml:4): field orders.amount_teir is not a field of shop/orders" in out
    assert "sort on orders.amount_teir__sort_, which is not a field of shop/orders" in out


LOCATION = """
  dimension: approx_location {
    type: location
    sql_latitude: round(${amount}, 1) ;;
    sql_longitude: round(${amount}, 1) ;;
  }
"""

#: A map tile as Looker exports it (the Spectacles demo's "Average Shipping Time to Users"): the
#: heatmap's bin level is stored as a filter on ``<location field>_bin_level``.
MAP = """
- dashboard: map
  title: Map
  elements:
  - name: heatmap
    model: shop
    explore: orders
    type: looker_map
    fields: [orders.approx_location, orders.count]
    filters:
      orders.approx_location_bin_level: '7'
    map_plot_mode: automagic_heatmap
  - name: typo
    model: shop
    explore: orders
    type: looker_map
    fields: [orders.count]
    filters:
      orders.status_bin_level: '7'
"""


def test_a_map_tiles_bin_level_is_the_location_fields_not_a_typo(shop: Shop, run: Run) -> None:
    shop(extra_fields=LOCATION, files={"map.dashboard.lookml": MAP})
    result = run("map.dashboard.lookml")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "approx_location_bin_level" not in out
    assert "filter on orders.status_bin_level, which is not a field of shop/orders" in out


RESTRICTED = """
explore: restricted_orders {
  from: orders
  access_filter: { field: restricted_orders.status user_attribute: allowed_status }
}
"""

RESTRICTED_BOARD = """
- dashboard: restricted
  title: Restricted
  elements:
  - name: by_status
    model: shop
    explore: restricted_orders
    type: looker_column
    fields: [restricted_orders.status, restricted_orders.count]
"""


def test_a_tile_on_an_explore_with_an_access_filter_gets_the_configured_attribute(shop: Shop, run: Run) -> None:
    # Google's Workspace audit-log dashboards: every tile's explore has an access_filter on a user
    # attribute that pyproject.toml sets; the tiles failed as if it were not set.
    files = {"tests/restricted.lkml": RESTRICTED, "restricted.dashboard.lookml": RESTRICTED_BOARD}
    shop(files=files, settings_extra='user_attributes = { allowed_status = "complete" }\n')
    run("restricted.dashboard.lookml").assert_outcomes(passed=1)
    shop(files=files)
    result = run("restricted.dashboard.lookml")
    result.assert_outcomes(failed=1)
    assert "needs user attribute 'allowed_status'" in result.stdout.str()


def test_a_tile_without_model_queries_the_model_that_includes_its_dashboard(tmp_path: Path) -> None:
    # Looker's atomfashion_bq, bridge and Cortex SAP dashboards leave `model:` out of their tiles.
    tiles = """
- dashboard: overview
  title: Overview
  elements:
  - name: fine
    explore: orders
    type: looker_column
    fields: [orders.status, orders.count]
  - name: typo
    explore: orders
    type: looker_column
    fields: [orders.statsu]
"""
    root = write_shop(tmp_path, files={"dashboards/overview.dashboard.lookml": tiles})
    model = root / "shop.model.lkml"
    model.write_text(
        model.read_text().replace(
            'include: "/tests/*.lkml"', 'include: "/tests/*.lkml"\ninclude: "/dashboards/*.dashboard"'
        )
    )
    project = load_project(root)
    dashboard = project.dashboards["overview"]
    assert including_model(project, dashboard) == "shop"
    problems = dashboard_problems(project, dashboard, lambda _model: "duckdb")
    assert len(problems) == 1 and "field orders.statsu is not a field of shop/orders" in problems[0], problems
