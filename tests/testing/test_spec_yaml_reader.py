"""Spec files are read by libyaml when PyYAML has it, and give what the pure-Python reader gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pytest_looker.checks.specs import SpecError, UnitSpec, load_specs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_SPECS = ROOT / "examples" / "ecommerce" / "tests" / "metrics.lkmltest.yml"

SPECS = """
tests:
  - name: dated
    explore: shop/orders
    given:
      shop.orders:
        - &first {id: 1, created: 2024-01-05, note: "multi\\nline", amount: 2.5}
        - {<<: *first, id: 2}
    query:
      fields: [orders.id, orders.count]
      filters: {orders.created_date: "2024-01-01 to 2024-02-01"}
    expect:
      rows:
        - {orders.id: 1, orders.count: 1}

  - name: broken
    explore: no_slash
    query: {fields: [orders.id]}
    expect: {rows: []}
"""

libyaml = pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="PyYAML has no libyaml")


def _without_libyaml(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[UnitSpec]:
    with monkeypatch.context() as patch:
        patch.setattr(yaml, "__with_libyaml__", False)
        return load_specs(path, "shown.lkmltest.yml")


def _comparable(specs: list[UnitSpec]) -> list[tuple[object, ...]]:
    return [(repr(s), s.problem, s.location) for s in specs]


@libyaml
@pytest.mark.parametrize("which", ["written", "example"])
def test_libyaml_reads_a_spec_as_the_pure_reader_does_and_alone(
    which: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = EXAMPLE_SPECS if which == "example" else tmp_path / "s.lkmltest.yml"
    if which == "written":
        path.write_text(SPECS, encoding="utf-8")
    pure = _without_libyaml(monkeypatch, path)

    class NoPureReader(yaml.SafeLoader):
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise AssertionError("a valid spec file was read by PyYAML's pure-Python reader")

    with monkeypatch.context() as patch:
        patch.setattr(yaml, "SafeLoader", NoPureReader)
        fast = load_specs(path, "shown.lkmltest.yml")
    assert _comparable(fast) == _comparable(pure) and len(fast) >= 2
    if which == "written":
        assert [s.location.line for s in fast] == [3, 16] and fast[1].problem is not None


@libyaml
def test_invalid_yaml_is_reported_in_pyyamls_words_at_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bad.lkmltest.yml"
    path.write_text("tests:\n  - name: a\n    explore: [unclosed\n", encoding="utf-8")
    with pytest.raises(SpecError) as fast:
        load_specs(path, "bad.lkmltest.yml")
    with pytest.raises(SpecError) as pure:
        _without_libyaml(monkeypatch, path)
    assert fast.value.message == pure.value.message and "line" in fast.value.message
