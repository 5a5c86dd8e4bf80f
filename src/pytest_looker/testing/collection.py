"""Which files of a run become our collectors: the project's model and test files, its
dashboards, and ``*.lkmltest.yml`` specs anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_looker.checks.dashboards import DASHBOARD_SUFFIXES
from pytest_looker.checks.specs import is_spec_file
from pytest_looker.testing.dashboards import collect_dashboards
from pytest_looker.testing.items import LookMLFile, SpecFile
from pytest_looker.testing.state import LookerState

__all__ = ["collect_file"]


def collect_file(file_path: Path, parent: pytest.Collector, state: LookerState) -> pytest.Collector | None:
    if is_spec_file(file_path):
        return SpecFile.from_parent(parent, path=file_path)
    workspace = state.workspace
    if file_path.name.endswith(DASHBOARD_SUFFIXES):
        return collect_dashboards(file_path, parent, workspace.root)
    if file_path.suffix != ".lkml":
        return None
    try:
        relative = file_path.resolve().relative_to(workspace.root).as_posix()
    except ValueError:
        return None
    project = workspace.project
    relevant = {m.location.file for m in project.models.values()}
    relevant |= {t.location.file for m in project.models.values() for t in m.tests.values()}
    return LookMLFile.from_parent(parent, path=file_path) if relative in relevant else None
