"""The performance paths give the same results as the plain ones (no timing asserted here).

Covered: fields built without the dataclass ``__init__``, parsing split over two processes,
the whole-project warm cache (hit, invalidation, corruption), and compiling with the per-project
scope cache. Timings live in ``benchmarks/``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pytest_looker.checks.validation import explore_fields
from pytest_looker.compile import Query, compile_query
from pytest_looker.compile.scope import Scope, scope_for
from pytest_looker.errors import Location
from pytest_looker.lookml import Field, FieldCategory, load_project
from pytest_looker.lookml import cache as parse_cache
from pytest_looker.lookml.fields import new_field
from pytest_looker.lookml.syntax import parse_lookml

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecommerce"


def test_new_field_equals_the_dataclass_constructor() -> None:
    values = {spec.name: getattr(Field, spec.name, None) for spec in dataclasses.fields(Field)}
    values.update(
        view="orders",
        name="status",
        category=FieldCategory.DIMENSION,
        type="string",
        location=Location("orders.view.lkml", 3),
        sql="${TABLE}.status",
        tags=("a",),
        raw={},
    )
    fast = new_field(dict(values))
    slow = Field(**values)
    assert fast == slow and repr(fast) == repr(slow) and hash(fast) == hash(slow)
    assert _attributes(fast) == _attributes(slow)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.name = "other"  # type: ignore[misc]
    # Only what differs from the defaults is kept in the instance; the rest reads the class.
    given = {k: values[k] for k in ("view", "name", "category", "type", "location", "sql", "tags")}
    compact = new_field(dict(given))
    assert compact == slow and _attributes(compact) == {**_attributes(slow), "raw": {}}
    assert set(vars(compact)) == {*given, "raw"} and compact.hidden is False and compact.filters == ()
    assert dataclasses.replace(compact, hidden=True) == Field(**{**values, "hidden": True})


def _attributes(field: Field) -> dict[str, object]:
    return {spec.name: getattr(field, spec.name) for spec in dataclasses.fields(Field)}


def test_parsing_in_two_processes_equals_parsing_in_one(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLE.rglob("*.lkml"))] * 3
    monkeypatch.setattr(parse_cache, "PARALLEL_MIN_BYTES", 0)
    assert parse_cache.parse_all(texts) == [parse_lookml(t) for t in texts]


def test_warm_load_returns_the_cold_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = load_project(EXAMPLE, cache_dir=None)
    first = load_project(EXAMPLE, cache_dir=tmp_path)
    entries = list((tmp_path / "projects").iterdir())
    assert len(entries) == 1
    warm = load_project(EXAMPLE, cache_dir=tmp_path)
    for loaded in (first, warm):
        assert loaded.models == cold.models and loaded.diagnostics == cold.diagnostics
        assert loaded.manifest == cold.manifest and loaded.dashboards == cold.dashboards
        assert loaded.files == cold.files and loaded.root == cold.root
    view = warm.models["ecommerce"].views["orders"]
    assert dict(view.raw) == dict(cold.models["ecommerce"].views["orders"].raw)
    # Shared objects stay shared: a view both models include is one object.
    assert warm.models["ecommerce"].views["users"] is warm.models["marketing"].views["users"]


def test_a_changed_file_or_option_is_never_served_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (root / "a.model.lkml").write_text('connection: "db"\nexplore: t {}\nview: t {\n  dimension: x {}\n}\n')
    cache = tmp_path / "cache"
    first = load_project(root, cache_dir=cache)
    (root / "a.model.lkml").write_text('connection: "db"\nexplore: t {}\nview: t {\n  dimension: y {}\n}\n')
    second = load_project(root, cache_dir=cache)
    assert "y" in second.models["a"].views["t"].fields and "y" not in first.models["a"].views["t"].fields
    (root / "b.view.lkml").write_text("view: u {}\n")  # a new file, even one nothing includes
    assert load_project(root, cache_dir=cache).files == ("a.model.lkml", "b.view.lkml")
    with_constant = load_project(root, cache_dir=cache, constants={"c": "1"})
    assert with_constant.models == second.models


def test_a_corrupt_entry_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = load_project(EXAMPLE, cache_dir=None)
    load_project(EXAMPLE, cache_dir=tmp_path)
    for entry in (tmp_path / "projects").iterdir():
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2])
    assert load_project(EXAMPLE, cache_dir=tmp_path).models == cold.models


def test_cached_scopes_compile_the_same_sql() -> None:
    project = load_project(EXAMPLE, cache_dir=None)
    model = project.models["ecommerce"]
    explore = model.explores["orders"]
    assert scope_for(project, model, explore) is scope_for(project, model, explore)
    fresh = Scope(project, model, explore)
    cached = scope_for(project, model, explore)
    assert fresh.aliases == cached.aliases and fresh.views == cached.views
    for name, _ in explore_fields(project, explore):
        query = Query("ecommerce", "orders", fields=[name, "orders.count"], limit=10)
        first = compile_query(project, query).sql
        assert compile_query(project, query).sql == first
        reloaded = load_project(EXAMPLE, cache_dir=None) if name == "orders.id" else None
        if reloaded is not None:  # a new project object starts with an empty scope cache
            assert compile_query(reloaded, query).sql == first
