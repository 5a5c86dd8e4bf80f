"""After a pause of the garbage collector, a large load's objects are frozen, a small one's not."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from pytest_looker.lookml import collector


@pytest.fixture
def paused() -> Iterator[None]:
    gc.collect()
    gc.disable()
    yield
    gc.unfreeze()
    gc.enable()


def test_many_objects_are_frozen_when_the_collector_resumes(paused: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collector, "_FREEZE_AFTER", 1_000)
    before = gc.get_freeze_count()
    kept: list[dict[str, int]] = [{} for _ in range(5_000)]
    collector.resume_collector(True)
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(kept)


def test_few_objects_are_left_to_the_collector(paused: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collector, "_FREEZE_AFTER", 1_000_000)
    before = gc.get_freeze_count()
    kept: list[dict[str, int]] = [{} for _ in range(5_000)]
    collector.resume_collector(True)
    assert gc.isenabled() and len(kept) == 5_000
    assert gc.get_freeze_count() == before


def test_an_inner_pause_leaves_the_collector_paused(paused: None) -> None:
    collector.resume_collector(False)
    assert not gc.isenabled()
