"""LookML dashboards as test items: ``[dashboard] name``, checked offline (:mod:`pytest_looker.checks.dashboards`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from pytest_looker.testing.items import LookerItem, planned_items

if TYPE_CHECKING:
    from pytest_looker.lookml.model import Dashboard

__all__ = ["DashboardFile", "DashboardItem"]


class DashboardItem(LookerItem):
    """One dashboard: every tile's model, explore, fields, filters and sorts exist and compile."""

    kind = "dashboard"

    def __init__(self, *, dashboard: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dashboard_name = dashboard

    @property
    def dashboard(self) -> Dashboard:
        return self.workspace.project.dashboards[self.dashboard_name]

    def runtest(self) -> None:
        from pytest_looker.checks.dashboards import check_dashboard

        self.report(check_dashboard(self.workspace, self.dashboard))


class DashboardFile(pytest.File):
    """A ``*.dashboard.lookml`` file of the project: its LookML problems, then one item per dashboard."""

    def collect(self) -> Iterator[pytest.Item]:
        return planned_items(self)
