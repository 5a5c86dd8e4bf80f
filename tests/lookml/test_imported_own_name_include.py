"""An imported project including its own files as ``/<its name>/…`` (mozilla/looker-hub)."""

from __future__ import annotations

from pathlib import Path

from helpers import write_files
from pytest_looker.lookml import load_project


def test_imported_project_may_include_itself_by_name(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "spoke/manifest.lkml": 'project_name: "spoke"\nlocal_dependency: { project: "looker-hub" }\n',
            "spoke/ns.model.lkml": 'connection: "c"\ninclude: "//looker-hub/ns/explores/*.explore.lkml"\n',
            "deps/looker-hub/ns/explores/events.explore.lkml": (
                'include: "/looker-hub/ns/views/events.view.lkml"\nexplore: events {}\n'
            ),
            "deps/looker-hub/ns/views/events.view.lkml": "view: events { sql_table_name: ds.e ;; dimension: id {} }\n",
        },
    )
    project = load_project(tmp_path / "spoke", dependency_paths=[tmp_path / "deps"], cache_dir=None)
    assert [d.message for d in project.diagnostics if d.severity == "error"] == []
    assert "id" in project.models["ns"].views["events"].fields
