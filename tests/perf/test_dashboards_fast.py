"""Dashboards' fast paths give what the slow ones give.

libyaml's reader equals PyYAML's pure-Python one (every value and every ``$line``, errors at the
same line), a cached parse equals a fresh one, and lazily parsed dashboards equal the eager
reading, with the same diagnostics. No timing here: the figures are in ``benchmarks/``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_looker.lookml import dashboards as dashboards_module
from pytest_looker.lookml import load_project, yamlsubset
from pytest_looker.lookml.cache import ParseCache
from pytest_looker.lookml.dashboards import DashboardError, Dashboards, dashboards_of, parse_document

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ecommerce"

EXPORT = """\
- dashboard: sales
  title: Sales
  layout: newspaper
  elements:
  - title: Revenue
    name: revenue
    model: m
    explore: orders
    type: single_value
    fields: [orders.total, orders.count]
    filters:
      orders.status: complete
      orders.created_date: 7 days
    sorts: [orders.total desc]
    listen: !ruby/hash:ActiveSupport::HashWithIndifferentAccess
      Date: orders.created_date
    series_colors: &colors {a: '#fff', b: 12, c: 1.5, d: yes, e: ~}
  - name: again
    series_colors: *colors
    note_text: |
      two
      lines
  filters:
  - name: Date
    type: date_filter
    default_value: !ruby/object:ActiveSupport::SafeBuffer "7 days"
    ui_config: {type: advanced, options: [1, 2, {deep: [x, y]}]}
- dashboard: second
  elements: []
"""

BROKEN = ["- dashboard: x\n  elements: [\n", "- dashboard: y\n  title: 'a\n  b: [c\n", "a: b\n  c: d\n"]


def _generated_dashboards(tmp_path: Path) -> list[Path]:
    spec = importlib.util.spec_from_file_location("generate_project", ROOT / "benchmarks" / "generate_project.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_project", module)
    spec.loader.exec_module(module)
    module.write(module.generate(0.3, 5), tmp_path)
    return sorted(tmp_path.rglob("*.dashboard.lookml"))


needs_libyaml = pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML without libyaml")


@needs_libyaml
def test_libyaml_reads_what_the_pure_python_reader_reads_lines_included(tmp_path: Path) -> None:
    texts = [EXPORT, *(p.read_text() for p in sorted(EXAMPLE.rglob("*.dashboard.lookml")))]
    texts += [p.read_text() for p in _generated_dashboards(tmp_path)]
    assert len(texts) > 3
    for text in texts:
        fast, pure = parse_document(text), parse_document(text, pure=True)
        assert fast == pure
        assert _lines(fast) == _lines(pure) and _lines(fast)
        assert dashboards_of(fast, "f") == dashboards_of(pure, "f")
        assert [e.location for d in dashboards_of(fast, "f") for e in d.elements] == [
            e.location for d in dashboards_of(pure, "f") for e in d.elements
        ]


@needs_libyaml
@pytest.mark.parametrize("text", BROKEN)
def test_libyaml_reports_a_broken_file_at_the_pure_python_line(text: str) -> None:
    with pytest.raises(DashboardError) as fast:
        parse_document(text)
    with pytest.raises(DashboardError) as pure:
        parse_document(text, pure=True)
    assert fast.value.line == pure.value.line and fast.value.line is not None


def test_without_libyaml_the_pure_python_reader_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboards_module, "USE_LIBYAML", False)
    document = parse_document(EXPORT)
    assert document[0]["elements"][0]["$line"] == 5
    assert document == parse_document(EXPORT, pure=True)


def test_a_cached_parse_equals_a_fresh_one_and_errors_are_cached_too(tmp_path: Path) -> None:
    sources = (("a.dashboard.lookml", EXPORT), ("b.dashboard.lookml", BROKEN[0]))
    fresh = Dashboards(sources, None)
    cold = Dashboards(sources, tmp_path)
    assert dict(cold) == dict(fresh) and cold.diagnostics == fresh.diagnostics
    entries = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert len(entries) == 4  # each file's document and its outline (dashboard names or error)
    warm = Dashboards(sources, tmp_path)
    assert dict(warm) == dict(fresh) and warm.diagnostics == fresh.diagnostics
    assert [d.location for d in warm.values()] == [d.location for d in fresh.values()]
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == entries
    [diagnostic] = warm.diagnostics
    assert diagnostic.location.file == "b.dashboard.lookml" and diagnostic.location.line == 3


def test_a_date_the_cache_cannot_store_is_parsed_every_time(tmp_path: Path) -> None:
    text = "- dashboard: d\n  refreshed: 2024-01-02\n  elements: []\n"
    first, again = (
        Dashboards((("d.dashboard.lookml", text),), tmp_path),
        Dashboards((("d.dashboard.lookml", text),), tmp_path),
    )
    assert dict(first) == dict(again) and "d" in first
    assert str(first["d"].raw["refreshed"]) == "2024-01-02"


def test_dashboards_are_parsed_only_when_read(lookml: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = dashboards_module.parse_document

    def counting(text: str, *, pure: bool = False) -> Any:
        calls.append(text)
        return original(text, pure=pure)

    monkeypatch.setattr(dashboards_module, "parse_document", counting)
    project = lookml(
        {"m.model.lkml": 'connection: "db"', "d.dashboard.lookml": EXPORT, "x.dashboard.lookml": BROKEN[0]}
    )
    assert project.models["m"].name == "m" and calls == []
    assert project.lookml_diagnostics == ()
    assert sorted(project.dashboards) == ["sales", "second"] and len(calls) == 2
    [error] = project.errors
    assert error.location.file == "x.dashboard.lookml" and "does not parse" in error.message
    assert len(calls) == 2  # parsed once


def test_warm_project_has_the_cold_dashboards(tmp_path: Path) -> None:
    cold = load_project(EXAMPLE, cache_dir=None)
    load_project(EXAMPLE, cache_dir=tmp_path / "cache")
    warm = load_project(EXAMPLE, cache_dir=tmp_path / "cache")
    assert len(cold.dashboards) >= 1
    assert warm.dashboards == cold.dashboards and warm.diagnostics == cold.diagnostics
    assert warm == cold


def _lines(value: Any) -> list[int]:
    found: list[int] = []
    if isinstance(value, dict):
        if "$line" in value:
            found.append(value["$line"])
        for item in value.values():
            found += _lines(item)
    elif isinstance(value, list):
        for item in value:
            found += _lines(item)
    return found


#: Values whose reading PyYAML decides: YAML 1.1 booleans, numbers, nulls, dates, explicit and
#: Ruby tags, quoting, block scalars, duplicate keys, a ``$line`` key, flow collections.
EDGE_VALUES = """\
- dashboard: edges
  yes: on
  no: OFF
  1: 1.5
  ~: null
  2024-01-02: 2024-01-02 10:11:12+02:00
  hex: 0x1F
  octal: 017
  under: 1_000
  sexagesimal: 1:30
  inf: -.inf
  unset: !!null ''
  text_number: !!str 123
  number_text: !!int "12"
  flag: !!bool "true"
  stamp: !!timestamp 2001-12-14
  bang: ! 12
  symbol: !ruby/sym open
  quoted: ['yes', "1.5", '']
  $line: 999
  dup: first
  dup: second
  flow: {a: [1, {b: c}], d: ~}
  block: |
    two
    lines
  folded: >-
    one
    line
  unicode: "caf\\u00e9 ☕"
  elements: []
"""

#: What the one-pass reader leaves to PyYAML's loader (the result must still be PyYAML's).
LEFT_TO_PYYAML = [
    EXPORT,  # an anchor and an alias
    "- dashboard: m\n  base: &b {x: 1}\n  merged:\n    <<: *b\n    y: 2\n",
    "- dashboard: v\n  =: value key\n",
    "- dashboard: s\n  set: !!set {a, b}\n",
]


@needs_libyaml
@pytest.mark.parametrize("text", [EDGE_VALUES, "", "--- \n...\n", "---\n- dashboard: explicit\n"])
def test_the_one_pass_reader_builds_what_pyyaml_builds(text: str) -> None:
    from pytest_looker.lookml.fastyaml import read_events

    fast = read_events(text)
    assert fast == parse_document(text, pure=True)
    assert _lines(fast) == _lines(parse_document(text, pure=True))
    assert parse_document(text) == fast


@needs_libyaml
@pytest.mark.parametrize("text", LEFT_TO_PYYAML)
def test_what_the_one_pass_reader_leaves_is_read_by_pyyamls_loader(text: str) -> None:
    from pytest_looker.lookml.fastyaml import Unsupported, read_events

    with pytest.raises(Unsupported):
        read_events(text)
    assert parse_document(text) == parse_document(text, pure=True)


@needs_libyaml
def test_two_documents_and_broken_yaml_are_left_to_pyyaml() -> None:
    from pytest_looker.lookml.fastyaml import Unsupported, read_events

    for text in ["- dashboard: a\n---\n- dashboard: b\n", *BROKEN, "a: !!int x\n"]:
        with pytest.raises(Unsupported):
            read_events(text)
        with pytest.raises(DashboardError):
            parse_document(text)


def test_the_summary_reads_names_and_problems_without_building_dashboards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``len``, iteration and diagnostics (what ``inspect``'s summary reads) agree with the full
    reading, cold and warm, and a warm one neither parses a document nor builds a dashboard."""
    duplicate = "- dashboard: sales\n  title: Again\n  elements: []\n"
    sources = (("a.dashboard.lookml", EXPORT), ("b.dashboard.lookml", BROKEN[2]), ("c.dashboard.lookml", duplicate))
    full = Dashboards(sources, None)
    expected = (list(full), len(full), full.diagnostics)
    assert expected[1] == 2 and len(expected[2]) == 1
    summary = Dashboards(sources, tmp_path)
    assert (list(summary), len(summary), summary.diagnostics) == expected
    assert "sales" in summary and "nothing" not in summary
    monkeypatch.setattr(dashboards_module, "parse_document", _fail)
    monkeypatch.setattr(dashboards_module, "_dashboard", _fail)
    monkeypatch.setattr(yamlsubset, "read_outline", _fail)
    warm = Dashboards(sources, tmp_path)
    assert (list(warm), len(warm), warm.diagnostics) == expected


def test_with_the_files_digests_a_warm_summary_reads_one_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The load's digests of the files key the outline of all of them: a warm summary reads that
    one entry (no file's outline, no text hashed); another file content is another key."""
    sources = (("a.dashboard.lookml", EXPORT), ("b.dashboard.lookml", BROKEN[2]))
    expected = (list(Dashboards(sources, None)), Dashboards(sources, None).diagnostics)
    cold = Dashboards(sources, tmp_path, ("1" * 64, "2" * 64))
    assert (list(cold), cold.diagnostics) == expected
    with monkeypatch.context() as patch:
        patch.setattr(ParseCache, "cached_many", _fail)
        warm = Dashboards(sources, tmp_path, ("1" * 64, "2" * 64))
        assert (list(warm), warm.diagnostics) == expected
    changed = (sources[0], ("b.dashboard.lookml", "- dashboard: other\n"))
    again = Dashboards(changed, tmp_path, ("1" * 64, "3" * 64))
    assert (list(again), again.diagnostics) == (["sales", "second", "other"], ())


def _fail(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("parsed or built a dashboard")
