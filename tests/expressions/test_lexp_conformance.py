"""The reference's conformance table (looker-expressions.md section 9), one test per row.

Each case runs twice: once with the rows as a driver returns them (dates, bools, types inferred)
and once as text with declared LookML types ("Yes"/"No" yesno, ISO date strings).
"""

from __future__ import annotations

from typing import Any

import pytest
from lexp_data import CONFORMANCE, FIELD_TYPES, NOW, native_rows

from pytest_looker import expressions
from pytest_looker.expressions import NullLogic, check_assert

CASES: list[dict[str, Any]] = CONFORMANCE["cases"]
ENCODINGS = ["native", "declared"]


def _rows_and_types(encoding: str) -> tuple[list[dict[str, object]], Any]:
    if encoding == "native":
        return native_rows(), None
    return [dict(row) for row in CONFORMANCE["rows"]], FIELD_TYPES


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("case", CASES, ids=[f"row{c['id']}" for c in CASES])
def test_conformance_row(case: dict[str, Any], encoding: str) -> None:
    rows, field_types = _rows_and_types(encoding)
    expression = case["expression"]
    if case["expected"] == "ERROR":
        error_class = getattr(expressions, case["error"])
        with pytest.raises(error_class):
            check_assert(expression, rows, now=NOW, field_types=field_types)
        return
    result = check_assert(expression, rows, now=NOW, field_types=field_types)
    assert result.passed is (case["expected"] == "PASS"), result
    if case["expected"] == "FAIL":
        first = result.first_failure
        assert first is not None
        assert first == case["first_failing_row"] - 1
        assert result.values[first] is case.get("failing_value", False)


def test_conformance_table_is_complete() -> None:
    """Rows 1-40 are all transcribed (row 39 holds two expressions)."""
    ids = {str(case["id"]) for case in CASES}
    assert ids == {str(n) for n in range(1, 41) if n != 39} | {"39a", "39b"}


POLICY_CASES = [case for case in CASES if "two_valued" in case]


@pytest.mark.parametrize("case", POLICY_CASES, ids=[f"row{c['id']}" for c in POLICY_CASES])
def test_two_valued_policy_rows(case: dict[str, Any]) -> None:
    """Rows marked † with a stated two-valued outcome flip under null_logic="two_valued"."""
    result = check_assert(case["expression"], native_rows(), now=NOW, null_logic="two_valued")
    assert result.passed is (case["two_valued"] == "PASS")


def test_row8_fails_under_both_policies() -> None:
    """Row 8's † note: a null comparison fails the row under either null policy."""
    logics: tuple[NullLogic, ...] = ("sql", "two_valued")
    for logic in logics:
        result = check_assert("${users.age} >= 18", native_rows(), null_logic=logic)
        assert result.failing_rows == [2]


@pytest.mark.parametrize("case", CASES[:34], ids=[f"row{c['id']}" for c in CASES[:34]])
def test_zero_rows_pass_with_warning(case: dict[str, Any]) -> None:
    """Rows 1-34 on an empty result: PASS plus a warning (section 8)."""
    result = check_assert(case["expression"], [], now=NOW, field_types=FIELD_TYPES)
    assert result.passed
    assert result.failing_rows == []
    assert result.warnings


def test_row19_uses_interpolated_percentile(orders: list[dict[str, object]]) -> None:
    """Both sides are 50 (interpolation), not 19.5 (nearest rank)."""
    values = expressions.evaluate("percentile(${orders.total_revenue}, 0.5)", orders)
    assert values == [50, 50, 50, 50]


def test_row24_bound(orders: list[dict[str, object]]) -> None:
    from datetime import datetime

    assert expressions.evaluate("add_days(-30, now())", orders[:1], now=NOW) == [datetime(2024, 2, 9, 12)]


def test_row25_leap_february(orders: list[dict[str, object]]) -> None:
    values = expressions.evaluate("diff_days(${orders.created_date}, trunc_days(now()))", orders, now=NOW)
    assert values == [9, 24, 39, 70]


def test_row30_rounding(orders: list[dict[str, object]]) -> None:
    values = expressions.evaluate("round(${orders.total_revenue} / 3, 1)", orders)
    assert values == [83.3, 26.8, 0, 6.5]
