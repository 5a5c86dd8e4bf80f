"""Filter conditions are remembered, and never across what changes them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pytest_looker.compile import bridge
from pytest_looker.compile.filters import FilterContext, FilterKind, filter_sql


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    seen: list[tuple[object, ...]] = []

    def counted(kind: FilterKind, text: str, column: str, ctx: FilterContext) -> str | None:
        seen.append((kind, text, column, ctx))
        return filter_sql(kind, text, column, ctx)

    monkeypatch.setattr(bridge, "filter_sql", counted)
    bridge._CONDITIONS.clear()
    return seen


def test_a_condition_is_written_once_per_expression_column_and_context(calls: list[tuple[object, ...]]) -> None:
    fixed = FilterContext(dialect="duckdb", now=datetime(2024, 3, 4, tzinfo=UTC))
    first = bridge._filter_sql("date", "7 days", "t.created", fixed)
    assert bridge._filter_sql("date", "7 days", "t.created", fixed) == first
    assert len(calls) == 1
    other_clock = FilterContext(dialect="duckdb", now=datetime(2024, 3, 9, tzinfo=UTC))
    assert bridge._filter_sql("date", "7 days", "t.created", other_clock) != first
    assert bridge._filter_sql("date", "7 days", "t.other", fixed) != first
    assert bridge._filter_sql("number", ">7", "t.created", fixed) is not None
    assert len(calls) == 4


def test_without_a_fixed_clock_the_current_second_is_part_of_the_key(
    calls: list[tuple[object, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse_clock = FilterContext(dialect="duckdb")
    monkeypatch.setattr(bridge.time, "time", lambda: 1_700_000_000.2)
    bridge._filter_sql("date", "today", "t.created", warehouse_clock)
    bridge._filter_sql("date", "today", "t.created", warehouse_clock)
    assert len(calls) == 1
    monkeypatch.setattr(bridge.time, "time", lambda: 1_700_000_001.2)
    bridge._filter_sql("date", "today", "t.created", warehouse_clock)
    assert len(calls) == 2
