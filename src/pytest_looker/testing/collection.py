"""Which files of a run become our collectors: the project's model and test files, its
dashboards, every project file the loader reported a problem in, and ``*.lkmltest.yml`` specs
anywhere — and the run's :data:`~.plan.Plan` of their items, from the collection cache when the
project is unchanged (:mod:`.plan`), else described from the loaded project (:mod:`.describe`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_looker.testing.dashboards import DashboardFile
from pytest_looker.testing.items import LookMLFile, SpecFile
from pytest_looker.testing.plan import Plan, entry_path, read_plan, write_plan
from pytest_looker.testing.state import LookerState

__all__ = ["collect_file", "plan_of"]

_LOOKML_SUFFIXES = (".lkml", ".lookml")
#: As :data:`pytest_looker.checks.dashboards.DASHBOARD_SUFFIXES` (not imported: a warm collection
#: does not load the checks).
_DASHBOARD_SUFFIXES = (".dashboard.lookml", ".dashboard.lkml")
#: As :data:`pytest_looker.checks.specs.SPEC_SUFFIXES`.
_SPEC_SUFFIXES = (".lkmltest.yml", ".lkmltest.yaml")


def collect_file(file_path: Path, parent: pytest.Collector, state: LookerState) -> pytest.Collector | None:
    name = file_path.name
    if name.endswith(_SPEC_SUFFIXES):
        return SpecFile.from_parent(parent, path=file_path)
    if not name.endswith(_LOOKML_SUFFIXES):
        return None
    workspace = state.workspace
    try:
        relative = file_path.resolve().relative_to(workspace.root).as_posix()
    except ValueError:
        return None
    if name.endswith(_DASHBOARD_SUFFIXES):
        return DashboardFile.from_parent(parent, path=file_path)
    if relative in _collected(state):
        return LookMLFile.from_parent(parent, path=file_path)
    return None


def _collected(state: LookerState) -> frozenset[str]:
    return state.workspace.cached("testing.collected", lambda: frozenset(plan_of(state)["collected"]))


def plan_of(state: LookerState) -> Plan:
    """The run's plan (once per workspace): read from the collection cache, else described and stored."""

    def build() -> Plan:
        from pytest_looker.lookml.cache import default_cache_dir

        workspace = state.workspace
        directory = default_cache_dir()
        entry = entry_path(directory, workspace.settings) if directory is not None else None
        if entry is not None:
            stored = read_plan(entry, workspace.root)
            if stored is not None:
                return stored
        from pytest_looker.testing.describe import describe

        plan = describe(workspace)
        if entry is not None and workspace.recorded is not None:
            write_plan(entry, workspace.recorded, plan)
        return plan

    return state.workspace.cached("testing.plan", build)
