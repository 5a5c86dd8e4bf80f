"""The collector runs less often during a batch and exactly as before after it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from pytest_looker.collector import BATCH_THRESHOLD, fewer_collections


@pytest.fixture
def thresholds() -> Iterator[None]:
    saved = gc.get_threshold()
    yield
    gc.set_threshold(*saved)


@pytest.mark.usefixtures("thresholds")
def test_the_first_threshold_is_raised_for_the_batch_and_restored() -> None:
    gc.set_threshold(700, 10, 10)
    with fewer_collections():
        assert gc.get_threshold() == (BATCH_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


@pytest.mark.usefixtures("thresholds")
def test_the_thresholds_are_restored_when_the_batch_fails() -> None:
    gc.set_threshold(700, 5, 3)
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("boom")
    assert gc.get_threshold() == (700, 5, 3)


@pytest.mark.usefixtures("thresholds")
@pytest.mark.parametrize("first", [0, BATCH_THRESHOLD * 2])
def test_a_disabled_or_higher_threshold_is_left_alone(first: int) -> None:
    gc.set_threshold(first, 10, 10)
    with fewer_collections():
        assert gc.get_threshold() == (first, 10, 10)
    assert gc.get_threshold() == (first, 10, 10)
