"""Dashboards (incl. Looker exports), the parse cache and `pytest-looker inspect`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from helpers import ProjectFactory, write_files
from pytest_looker.cli import main
from pytest_looker.lookml import load_project
from pytest_looker.lookml.cache import ParseCache
from pytest_looker.lookml.syntax import parse_lookml

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecommerce"

EXPORTED_DASHBOARD = """\
- dashboard: sales
  title: Sales
  layout: newspaper
  preferred_viewer: dashboards-next
  elements:
  - title: Revenue
    name: revenue
    model: m
    explore: orders
    type: single_value
    fields: [orders.total]
    filters:
      orders.status: complete
    sorts: [orders.total desc]
    listen: !ruby/hash:ActiveSupport::HashWithIndifferentAccess
      Date: orders.created_date
  filters:
  - name: Date
    type: date_filter
    default_value: !ruby/object:ActiveSupport::SafeBuffer "7 days"
"""


def test_looker_exported_dashboard_with_ruby_tags_loads(lookml: ProjectFactory) -> None:
    project = lookml({"m.model.lkml": 'connection: "db"', "dashboards/sales.dashboard.lookml": EXPORTED_DASHBOARD})
    dashboard = project.dashboards["sales"]
    [element] = dashboard.elements
    assert (element.model, element.explore, element.fields) == ("m", "orders", ("orders.total",))
    assert dict(element.filters) == {"orders.status": "complete"}
    assert element.raw["listen"]["Date"] == "orders.created_date"
    assert element.location.file == "dashboards/sales.dashboard.lookml" and element.location.line == 6
    assert project.errors == ()


def test_broken_dashboard_is_a_diagnostic(lookml: ProjectFactory) -> None:
    project = lookml({"m.model.lkml": 'connection: "db"', "d.dashboard.lookml": "- dashboard: x\n  elements: [\n"})
    [error] = project.errors
    assert error.location.file == "d.dashboard.lookml" and "does not parse" in error.message


def test_parse_cache_hits_and_survives_corruption(tmp_path: Path) -> None:
    text = "view: a {\n  dimension: x { sql: ${TABLE}.x ;; }\n}\n"
    cache = ParseCache(tmp_path)
    first = cache.parse(text)
    again = cache.parse(text)
    assert (cache.misses, cache.hits) == (1, 1)
    assert again == first == parse_lookml(text)
    for entry in tmp_path.rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"garbage")
    assert cache.parse(text) == first  # a corrupt entry is a miss, never a wrong tree
    assert cache.misses == 2


def test_reloading_an_unchanged_project_uses_the_cache(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    first = load_project(EXAMPLE, cache_dir=cache_dir)
    entries = sorted(p.name for p in cache_dir.rglob("*") if p.is_file())
    second = load_project(EXAMPLE, cache_dir=cache_dir)
    assert entries and sorted(p.name for p in cache_dir.rglob("*") if p.is_file()) == entries
    assert second.models == first.models and second.diagnostics == first.diagnostics


def test_example_project_loads_every_object_with_file_and_line() -> None:
    project = load_project(EXAMPLE, cache_dir=None)
    assert project.diagnostics == ()
    assert len(project.models["ecommerce"].views) >= 8 and len(project.models["ecommerce"].explores) >= 3
    for model in project.models.values():
        for view in model.views.values():
            assert (EXAMPLE / view.location.file).is_file() and view.location.line
            for field in view.fields.values():
                assert (EXAMPLE / field.location.file).is_file() and field.location.line, field.full_name
        for explore in model.explores.values():
            assert explore.location.line and all(j.location.line for j in explore.joins)


def test_inspect_json_contract() -> None:
    result = CliRunner().invoke(main, ["inspect", "--project", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["format_version"] == 1 and report["project"]["name"] == "ecommerce"
    assert report["counts"]["errors"] == 0 and report["diagnostics"] == []
    model = next(m for m in report["models"] if m["name"] == "ecommerce")
    orders = next(v for v in model["views"] if v["name"] == "orders")
    status = next(f for f in orders["fields"] if f["name"] == "orders.status")
    assert status["file"].endswith(".lkml") and isinstance(status["line"], int)
    assert {"name", "file", "line", "base_view", "joins"} <= set(model["explores"][0])
    assert report["counts"]["fields"] == sum(len(v["fields"]) for v in model["views"]) or len(report["models"]) > 1


def test_inspect_exit_codes_and_errors_without_traceback(tmp_path: Path) -> None:
    root = write_files(tmp_path / "p", {"m.model.lkml": 'connection: "db"\nexplore: nothing {}\n'})
    env = {**os.environ, "PYTEST_LOOKER_CACHE_DIR": ""}
    command = [sys.executable, "-m", "pytest_looker.cli", "inspect", "--project", str(root)]
    failed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert failed.returncode == 1
    assert "m.model.lkml:2: error: explore 'nothing' is based on unknown view 'nothing'" in failed.stdout
    missing = subprocess.run(
        [*command[:-1], str(tmp_path / "absent")], capture_output=True, text=True, env=env, check=False
    )
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
