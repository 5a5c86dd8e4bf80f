"""Which files of a run become our collectors: the project's model and test files, its
dashboards, every project file the loader reported a problem in, and ``*.lkmltest.yml`` specs
anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_looker.checks.dashboards import DASHBOARD_SUFFIXES
from pytest_looker.checks.specs import is_spec_file
from pytest_looker.testing.dashboards import DashboardFile
from pytest_looker.testing.items import LookMLFile, SpecFile, workspace_diagnostics
from pytest_looker.testing.state import LookerState
from pytest_looker.workspace import Workspace

__all__ = ["collect_file"]

_LOOKML_SUFFIXES = (".lkml", ".lookml")


def collect_file(file_path: Path, parent: pytest.Collector, state: LookerState) -> pytest.Collector | None:
    if is_spec_file(file_path):
        return SpecFile.from_parent(parent, path=file_path)
    if not file_path.name.endswith(_LOOKML_SUFFIXES):
        return None
    workspace = state.workspace
    try:
        relative = file_path.resolve().relative_to(workspace.root).as_posix()
    except ValueError:
        return None
    if file_path.name.endswith(DASHBOARD_SUFFIXES):
        return DashboardFile.from_parent(parent, path=file_path)
    if relative in _collected_files(workspace):
        return LookMLFile.from_parent(parent, path=file_path)
    return None


def _collected_files(workspace: Workspace) -> frozenset[str]:
    """Model files, files with LookML data tests, and files with diagnostics (computed once)."""

    def build() -> frozenset[str]:
        project = workspace.project
        relevant = {m.location.file for m in project.models.values()}
        relevant |= {t.location.file for m in project.models.values() for t in m.tests.values()}
        relevant |= set(workspace_diagnostics(workspace))
        return frozenset(relevant)

    return workspace.cached("testing.files", build)
