"""The warm path (whole-project cache, lazily decoded) gives exactly the cold project.

No timing is asserted here (figures live in ``benchmarks/``): these tests prove that a warm load
equals a cold one, that it really came from the cache, and that the stat-based validity check
never serves a project for files whose content changed, even when size and mtime are kept.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from pytest_looker.checks.inspection import counts, inspect_text
from pytest_looker.lookml import Project, inputs, load_project, loader, projectcache
from pytest_looker.lookml.files import discover

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ecommerce"


def _generated(directory: Path) -> Path:
    spec = importlib.util.spec_from_file_location("generate_project", ROOT / "benchmarks" / "generate_project.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_project", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    module.write(module.generate(0.3, 5), directory)
    return directory


@pytest.fixture
def cache_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust stats of files written a moment ago."""
    monkeypatch.setattr(inputs, "RACY_MARGIN_NS", -(10**15))


def _from_cache_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("expected a warm load from the cache, got a cold load")

    monkeypatch.setattr(loader, "_load", fail)


def _count_hashes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    hashed: list[Path] = []
    original = inputs.hash_file

    def counting(path: Path) -> str:
        hashed.append(path)
        return original(path)

    monkeypatch.setattr(inputs, "hash_file", counting)
    return hashed


def _assert_same_project(warm: Project, cold: Project) -> None:
    assert warm.root == cold.root and warm.files == cold.files
    assert warm.manifest == cold.manifest and dict(warm.manifest.raw) == dict(cold.manifest.raw)
    assert warm.diagnostics == cold.diagnostics and warm.dashboards == cold.dashboards
    assert warm.models == cold.models and list(warm.models) == list(cold.models)
    for name, model in cold.models.items():
        loaded = warm.models[name]
        assert dict(loaded.raw) == dict(model.raw) and repr(loaded) == repr(model)
        for kind in ("views", "explores"):
            mine, theirs = getattr(loaded, kind), getattr(model, kind)
            assert list(mine) == list(theirs) and len(mine) == len(theirs)
            assert repr(mine) == repr(theirs) and mine == theirs and theirs == mine
            for key, value in theirs.items():
                assert key in mine and mine.get(key) == value and mine[key] is mine.get(key)
                assert dict(mine[key].raw) == dict(value.raw)
            assert mine.get("no such name") is None and "no such name" not in mine
            with pytest.raises(KeyError):
                mine["no such name"]
        for view_name, view in model.views.items():
            for field_name, field in view.fields.items():
                assert dict(loaded.views[view_name].fields[field_name].raw) == dict(field.raw)
    # A view several models include is one object, as in a cold load.
    for name, model in warm.models.items():
        for other_name, other in warm.models.items():
            if name < other_name:
                for view_name in set(model.views) & set(other.views):
                    same = cold.models[name].views[view_name] is cold.models[other_name].views[view_name]
                    assert (model.views[view_name] is other.views[view_name]) == same


@pytest.mark.parametrize("which", ["example", "generated"])
def test_a_warm_load_equals_a_cold_load(
    which: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_everything: None
) -> None:
    root = EXAMPLE if which == "example" else _generated(tmp_path / "project")
    cold = load_project(root, cache_dir=None)
    filled = load_project(root, cache_dir=tmp_path / "cache")
    _assert_same_project(filled, cold)
    hashed = _count_hashes(monkeypatch)
    _from_cache_only(monkeypatch)
    warm = load_project(root, cache_dir=tmp_path / "cache")
    assert hashed == []  # unchanged stats: no file re-read
    with monkeypatch.context() as patch:  # inspect's summary is read from the entry, not decoded
        patch.setattr(projectcache._Store, "get_many", _no_decoding)
        assert inspect_text(warm) == inspect_text(cold)
        assert counts(warm) == counts(cold) and counts(cold)["fields"] > 0
    _assert_same_project(warm, cold)


def _no_decoding(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("decoded a view or an explore")


def test_editing_a_file_keeping_size_and_mtime_still_invalidates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_everything: None
) -> None:
    root = _generated(tmp_path / "project")
    cache = tmp_path / "cache"
    load_project(root, cache_dir=cache)
    victim = next(p for p in sorted(root.rglob("*.view.lkml")) if "dimension: " in p.read_text(encoding="utf-8"))
    view_name = victim.read_text(encoding="utf-8").split("view: ", 1)[1].split(" ", 1)[0]
    before = os.stat(victim)
    text = victim.read_text(encoding="utf-8")
    first = text.index("dimension: ") + len("dimension: ")
    renamed = text[:first] + "zz" + text[first + 2 :]  # same length: rename one dimension
    old_name = text[first:].split(" ", 1)[0]
    new_name = "zz" + old_name[2:]
    assert len(renamed.encode()) == len(text.encode()) and new_name != old_name
    victim.write_text(renamed, encoding="utf-8")
    os.utime(victim, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(victim)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    hashed = _count_hashes(monkeypatch)
    reloaded = load_project(root, cache_dir=cache)
    assert hashed == [victim]  # only the file whose stat changed is re-hashed
    fields = reloaded.models["main"].views[view_name].fields
    assert new_name in fields and old_name not in fields
    assert reloaded.models == load_project(root, cache_dir=None).models


def test_a_changed_dependency_file_invalidates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_everything: None
) -> None:
    root = tmp_path / "project"
    dep = root / "imported_projects" / "shared"
    dep.mkdir(parents=True)
    (root / "manifest.lkml").write_text('local_dependency: {\n  project: "shared"\n}\n')
    (root / "a.model.lkml").write_text('connection: "db"\ninclude: "//shared/*.view.lkml"\nexplore: t {}\n')
    (dep / "t.view.lkml").write_text("view: t {\n  dimension: a {}\n}\n")
    cache = tmp_path / "cache"
    assert "a" in load_project(root, cache_dir=cache).models["a"].views["t"].fields
    before = os.stat(dep / "t.view.lkml")
    (dep / "t.view.lkml").write_text("view: t {\n  dimension: b {}\n}\n")
    os.utime(dep / "t.view.lkml", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert list(load_project(root, cache_dir=cache).models["a"].views["t"].fields) == ["b"]
    shutil.rmtree(dep)  # the dependency disappears: not served from the cache either
    assert "t" not in load_project(root, cache_dir=cache).models["a"].views


def test_recent_files_are_always_rehashed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The racy-timestamp rule: a stat taken within the margin of a change proves nothing."""
    root = tmp_path / "project"
    shutil.copytree(EXAMPLE, root)
    cache = tmp_path / "cache"
    load_project(root, cache_dir=cache)
    hashed = _count_hashes(monkeypatch)
    _from_cache_only(monkeypatch)
    load_project(root, cache_dir=cache)  # files written just now: every one is re-hashed
    assert sorted(hashed) == sorted(root / p for p in discover(root))


def test_which_recorded_stats_are_trusted() -> None:
    second = 1_000_000_000
    now = 100 * second
    old = (10, 5 * second, 5 * second, 1, 1)
    recent = (10, 5 * second, now - second, 2, 1)  # changed one second before the stats
    future_mtime = (10, now + 50 * second, 5 * second, 3, 1)
    files = (
        ("p", "old", "d1"),
        ("p", "recent", "d2"),
        ("p", "future", "d3"),
        ("p", "unread", ""),
        ("p", "nostat", "d5"),
    )
    stats = {("p", "old"): old, ("p", "recent"): recent, ("p", "future"): future_mtime, ("p", "unread"): old}
    recorded = inputs.Recorded(inputs.Inputs(files, ()), stats, now)
    assert recorded.trusted() == {("p", "old"): (old, "d1")}


def test_a_truncated_or_foreign_entry_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = load_project(EXAMPLE, cache_dir=None)
    load_project(EXAMPLE, cache_dir=tmp_path)
    (entry,) = (tmp_path / "projects").iterdir()
    data = entry.read_bytes()
    for broken in (data[:-1], data[: len(data) - 100], data + b"x", b"PLPC1\n" + data[6:]):
        entry.write_bytes(broken)
        warm = load_project(EXAMPLE, cache_dir=tmp_path)
        _assert_same_project(warm, cold)


def test_a_warm_inspect_counts_a_field_added_since(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_everything: None
) -> None:
    root = _generated(tmp_path / "project")
    cache = tmp_path / "cache"
    before = counts(load_project(root, cache_dir=cache))
    victim = next(p for p in sorted(root.rglob("*.view.lkml")) if "dimension: " in p.read_text(encoding="utf-8"))
    text = victim.read_text(encoding="utf-8")
    first = text.index("dimension: ")
    victim.write_text(text[:first] + "dimension: added_since { sql: 1 ;; }\n  " + text[first:], encoding="utf-8")
    after = counts(load_project(root, cache_dir=cache))
    assert after == counts(load_project(root, cache_dir=None)) and after["fields"] > before["fields"]
    assert inspect_text(load_project(root, cache_dir=cache)) == inspect_text(load_project(root, cache_dir=None))


def test_raw_lookml_of_a_warm_view_is_read_only_when_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_everything: None
) -> None:
    """A decoded view's raw mappings stay marshalled until read, then equal the cold ones; a warm
    project written to the cache again (through those lazy mappings) reads back the same."""
    cold = load_project(EXAMPLE, cache_dir=None)
    load_project(EXAMPLE, cache_dir=tmp_path / "cache")
    warm = load_project(EXAMPLE, cache_dir=tmp_path / "cache")
    name, model = next(iter(warm.models.items()))
    view_name, view = next(iter(model.views.items()))
    field_name, field = next(iter(view.fields.items()))
    assert isinstance(field.raw, projectcache.LazyRaw)
    unread = [f.raw._mapping is None for f in view.fields.values()]  # type: ignore[attr-defined]
    assert all(unread)
    cold_field = cold.models[name].views[view_name].fields[field_name]
    assert dict(field.raw) == dict(cold_field.raw) and field.raw.get("$line") == cold_field.raw.get("$line")
    assert len(field.raw) == len(cold_field.raw) and list(field.raw) == list(cold_field.raw)
    path = tmp_path / "again" / "entry"
    empty = inputs.Inputs((), ())
    projectcache.write(path, warm, inputs.Recorded(empty, {}, 0))
    again = projectcache.read(path, lambda recorded: empty)
    assert again is not None
    _assert_same_project(again, cold)


def test_a_dependency_kept_inside_the_project_is_its_own_and_loads_warm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_everything: None
) -> None:
    # block-square beside block-square-config under deps/ (dependency_paths = ["deps"]): the
    # config project's own model file was read as the main project's, which then extended an
    # explore it did not include. The warm load must list the same files as the cold one.
    root = tmp_path / "project"
    dep = root / "deps" / "config"
    dep.mkdir(parents=True)
    (root / "manifest.lkml").write_text('local_dependency: {\n  project: "config"\n}\n')
    (root / "a.model.lkml").write_text('connection: "db"\ninclude: "//config/*.view.lkml"\nexplore: t {}\n')
    (dep / "t.view.lkml").write_text("view: t {\n  dimension: a {}\n}\n")
    (dep / "config.model.lkml").write_text('connection: "db"\ninclude: "*.view.lkml"\nexplore: t_config {}\n')
    cache = tmp_path / "cache"
    cold = load_project(root, cache_dir=cache, dependency_paths=[root / "deps"])
    assert list(cold.models) == ["a"] and cold.errors == ()
    assert not any(name.startswith("deps/") for name in cold.files)
    _from_cache_only(monkeypatch)
    warm = load_project(root, cache_dir=cache, dependency_paths=[root / "deps"])
    assert list(warm.models) == ["a"] and list(warm.models["a"].views["t"].fields) == ["a"]
