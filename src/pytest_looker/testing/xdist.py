"""pytest-xdist: one explore's items on one worker, and the most expensive explores first.

xdist's default ``load`` scheduling hands items out in collection order, in chunks. A project's
items differ in cost by orders of magnitude (an explore of 3,000 fields whose failures are
bisected on the database, beside explores of ten fields), so a long item met last leaves the
other workers idle, and an explore's ``[sql]`` and ``[relationships]`` items, split over two
workers, build its scope twice. With a LookML project configured and ``--dist load`` (what
``-n`` uses by default), this plugin:

* orders the project's items by their estimated cost, highest first, on every worker (the
  same order everywhere, as xdist requires): an item's cost is the number of fields the views
  of its explore hold (what validating it compiles and runs);
* schedules by explore (``xdist_scheduling.ExploreScheduling``): the items of one explore are
  one unit of work, units are handed out one at a time as workers free up, in that order — the longest
  work starts first and the short items fill in at the end.

Other ``--dist`` modes are xdist's own, untouched.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_looker.testing.state import STATE_KEY

_ORDER_KEY = "pytest_looker_order_by_cost"


class XdistPlugin:
    """Registered by the core plugin when a project is configured and xdist is installed."""

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if config.getvalue("dist") != "load":
            return None
        # Imported here: xdist's scheduler (and its execnet) costs every run that collects
        # without ``-n`` a noticeable share of its start-up.
        from pytest_looker.testing.xdist_scheduling import ExploreScheduling

        return ExploreScheduling(config, log)

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """Tell the workers to order their items (a worker's own ``dist`` option reads "no")."""
        node.workerinput[_ORDER_KEY] = node.config.getvalue("dist") == "load"

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        workerinput = getattr(config, "workerinput", None)
        if not workerinput or not workerinput.get(_ORDER_KEY):
            return  # a serial run keeps the collection order, and so do other --dist modes
        costs = {id(item): item_cost(config, item) for item in items}
        items.sort(key=lambda item: -costs[id(item)])  # stable: equal costs keep their order


def item_cost(config: pytest.Config, item: pytest.Item) -> int:
    """An estimate of what running ``item`` costs: the fields of its explore's views (0: not ours)."""
    target = getattr(item, "looker_target", None)
    if target is None or target.model is None or target.explore is None:
        return 1 if target is not None else 0
    project = config.stash[STATE_KEY].workspace.project
    model = project.models.get(target.model)
    explore = model.explores.get(target.explore) if model is not None else None
    if model is None or explore is None:
        return 1
    views = model.views
    return 1 + sum(len(views[name].fields) for name in explore.aliases().values() if name in views)
