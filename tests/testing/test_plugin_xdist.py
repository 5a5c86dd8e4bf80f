"""pytest-xdist: an explore's items are one unit of work, the costliest explores go first."""

from __future__ import annotations

import pytest

from helpers import Shop
from pytest_looker.testing.state import STATE_KEY
from pytest_looker.testing.xdist import item_cost
from pytest_looker.testing.xdist_scheduling import ExploreScheduling


def test_an_explores_items_are_one_unit_and_other_items_their_own() -> None:
    scope = ExploreScheduling._split_scope
    sql = scope(None, "shop.model.lkml::sql[shop/orders]")
    assert sql == scope(None, "shop.model.lkml::relationships[shop/orders]")
    assert sql != scope(None, "shop.model.lkml::sql[shop/customers]")
    for alone in ("shop.model.lkml::keys[shop/orders]", "tests/data.lkml::shop/t", "test_x.py::test_a[sql[x]]"):
        assert scope(None, alone) == alone


def test_items_cost_what_their_explores_views_hold(shop: Shop, pytester: pytest.Pytester) -> None:
    shop(relationship="many_to_one")
    items, _ = pytester.inline_genitems("-p", "no:cacheprovider", "--looker-check-keys")
    costs = {item.nodeid.split("::")[-1]: item_cost(item.config, item) for item in items}
    model = items[0].config.stash[STATE_KEY].workspace.project.models["shop"]
    both = 1 + len(model.views["orders"].fields) + len(model.views["customers"].fields)
    # each explore joins the other view: its items cost the fields of both
    assert costs["sql[shop/orders]"] == costs["relationships[shop/orders]"] == costs["sql[shop/customers]"] == both
    assert costs["keys[shop/orders]"] == 1 and costs["shop/order_count_is_four"] == both


@pytest.mark.slow
def test_xdist_schedules_by_explore_with_the_same_outcomes(shop: Shop, pytester: pytest.Pytester) -> None:
    shop(relationship="many_to_one")
    args = ("-p", "no:benchmark", "-p", "no:hypothesispytest", "-p", "no:cacheprovider", "-v", "--looker-check-keys")
    serial = pytester.runpytest_subprocess(*args)
    parallel = pytester.runpytest_subprocess(*args, "-n", "2")
    parallel.stdout.fnmatch_lines(["*scheduling tests via ExploreScheduling*"])
    assert parallel.parseoutcomes() == serial.parseoutcomes()
    other = pytester.runpytest_subprocess(*args, "-n", "2", "--dist", "loadfile")
    other.stdout.fnmatch_lines(["*scheduling tests via LoadFileScheduling*"])
