"""LookML dashboards as test items: ``[dashboard] name``, checked offline (:mod:`pytest_looker.checks.dashboards`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pytest_looker.checks.dashboards import check_dashboard, dashboard_target
from pytest_looker.lookml.model import Dashboard
from pytest_looker.testing.items import LookerItem, diagnostics_items
from pytest_looker.testing.state import STATE_KEY

__all__ = ["DashboardFile", "DashboardItem"]


class DashboardItem(LookerItem):
    """One dashboard: every tile's model, explore, fields, filters and sorts exist and compile."""

    kind = "dashboard"

    def __init__(self, *, dashboard: Dashboard, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dashboard = dashboard

    def runtest(self) -> None:
        self.report(check_dashboard(self.workspace, self.dashboard))


class DashboardFile(pytest.File):
    """A ``*.dashboard.lookml`` file of the project: its LookML problems, then one item per dashboard."""

    def collect(self) -> Iterator[pytest.Item]:
        workspace = self.config.stash[STATE_KEY].workspace
        relative = self.path.resolve().relative_to(workspace.root).as_posix()
        yield from diagnostics_items(self, relative, workspace)
        for dashboard in workspace.project.dashboards.values():
            if dashboard.location.file == relative:
                yield DashboardItem.from_parent(
                    self, name=dashboard.name, target=dashboard_target(dashboard), dashboard=dashboard
                )
