"""LookML dashboards as test items: ``[dashboard] name``, checked offline (:mod:`pytest_looker.checks.dashboards`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_looker.checks.dashboards import DASHBOARD_SUFFIXES, check_dashboard, dashboard_target
from pytest_looker.checks.outcome import Target
from pytest_looker.lookml.model import Dashboard
from pytest_looker.testing.items import LookerFailure, LookerItem
from pytest_looker.testing.state import STATE_KEY

__all__ = ["DashboardFile", "DashboardItem", "collect_dashboards"]


class DashboardItem(LookerItem):
    """One dashboard: every tile's model, explore, fields, filters and sorts exist and compile."""

    kind = "dashboard"

    def __init__(self, *, dashboard: Dashboard, load_error: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dashboard = dashboard
        self.load_error = load_error

    def runtest(self) -> None:
        if self.load_error is not None:
            raise LookerFailure(f"dashboard file {self.looker_location}: {self.load_error}")
        self.report(check_dashboard(self.workspace, self.dashboard))


class DashboardFile(pytest.File):
    """A ``*.dashboard.lookml`` file of the project: one item per dashboard in it."""

    def collect(self) -> Iterator[pytest.Item]:
        workspace = self.config.stash[STATE_KEY].workspace
        relative = self.path.resolve().relative_to(workspace.root).as_posix()
        for dashboard in workspace.project.dashboards.values():
            if dashboard.location.file == relative:
                yield DashboardItem.from_parent(
                    self, name=dashboard.name, target=dashboard_target(dashboard), dashboard=dashboard
                )
        for diagnostic in workspace.project.errors:
            if diagnostic.location.file == relative:
                broken = Dashboard(relative, diagnostic.location, None, ())
                yield DashboardItem.from_parent(
                    self, name="<dashboard>", target=Target("dashboard", relative, diagnostic.location),
                    dashboard=broken, load_error=diagnostic.message,
                )  # fmt: skip


def collect_dashboards(file_path: Path, parent: pytest.Collector, root: Path) -> pytest.Collector | None:
    """The collector for a dashboard file inside the project, else ``None`` (called by the plugin)."""
    if not file_path.name.endswith(DASHBOARD_SUFFIXES):
        return None
    try:
        file_path.resolve().relative_to(root)
    except ValueError:
        return None
    return DashboardFile.from_parent(parent, path=file_path)
