"""Data-test assert semantics over multi-row results (reference sections 7 and 8)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from pytest_looker.errors import ExpressionError
from pytest_looker.expressions import (
    ExpressionTypeError,
    LexpType,
    UnknownFieldError,
    check_assert,
    evaluate,
)
from pytest_looker.expressions.asserts import EMPTY_RESULT_WARNING

SALES: list[dict[str, object]] = [
    {"sales.day": date(2024, 1, 1), "sales.revenue": Decimal("100.00"), "sales.orders": 4},
    {"sales.day": date(2024, 1, 2), "sales.revenue": Decimal("150.50"), "sales.orders": 5},
    {"sales.day": date(2024, 1, 3), "sales.revenue": Decimal("90.25"), "sales.orders": 3},
    {"sales.day": date(2024, 1, 5), "sales.revenue": None, "sales.orders": 0},
]


def test_all_rows_yes_passes() -> None:
    result = check_assert("${sales.orders} >= 0", SALES)
    assert result.passed
    assert result.failing_rows == []
    assert result.values == [True] * 4
    assert result.warnings == []


def test_failing_rows_include_no_and_null() -> None:
    result = check_assert("${sales.revenue} > 95", SALES)
    assert not result.passed
    assert result.failing_rows == [2, 3]
    assert result.values == [True, True, False, None]
    assert result.failure_message("revenue_ok") == (
        'Assertion "revenue_ok" failed: expression evaluated to "No" on row 3 of 4.'
    )


def test_failure_message_for_null_row() -> None:
    result = check_assert("${sales.revenue} > 0", SALES)
    assert result.failing_rows == [3]
    assert "evaluated to null on row 4 of 4" in result.failure_message("a")


def test_aggregate_asserts_broadcast_to_every_row() -> None:
    assert check_assert("sum(${sales.orders}) = 12", SALES).passed
    assert check_assert("count(${sales.revenue}) = 3 AND count(${sales.orders}) = 4", SALES).passed
    assert check_assert("max(${sales.day}) = date(2024, 1, 5)", SALES).passed
    assert check_assert("mean(${sales.revenue}) > 113", SALES).passed
    result = check_assert("sum(${sales.orders}) = 11", SALES)
    assert result.failing_rows == [0, 1, 2, 3]


def test_offset_asserts_find_gaps_in_a_daily_series() -> None:
    expression = "row() = 1 OR diff_days(offset(${sales.day}, -1), ${sales.day}) = 1"
    result = check_assert(expression, SALES)
    assert result.failing_rows == [3]


def test_offset_asserts_check_sort_order() -> None:
    expression = "is_null(offset(${sales.day}, 1)) OR offset(${sales.day}, 1) > ${sales.day}"
    assert check_assert(expression, SALES).passed
    assert not check_assert(expression, list(reversed(SALES))).passed


def test_running_total_against_sum() -> None:
    expression = "running_total(${sales.orders}) <= sum(${sales.orders})"
    assert check_assert(expression, SALES).passed
    last = "row() < count(${sales.orders}) OR running_total(${sales.orders}) = sum(${sales.orders})"
    assert check_assert(last, SALES).passed


def test_moving_average_table_calculation() -> None:
    values = evaluate("mean(offset_list(${sales.orders}, -1, 2))", SALES)
    assert values == [4.0, 4.5, 4.0, 1.5]


def test_empty_result_passes_with_a_warning() -> None:
    result = check_assert("${sales.orders} > 0", [])
    assert result.passed
    assert result.values == []
    assert result.warnings == [EMPTY_RESULT_WARNING]


def test_empty_result_with_declared_columns_still_checks_fields() -> None:
    with pytest.raises(UnknownFieldError):
        check_assert("${sales.nope} > 0", [], field_types={"sales.orders": LexpType.NUMBER})


def test_unknown_field_names_it_and_lists_columns() -> None:
    with pytest.raises(UnknownFieldError) as info:
        check_assert("${sales.order} > 0", SALES)
    message = str(info.value)
    assert "${sales.order}" in message
    assert "did you mean sales.orders?" in message
    assert "available columns: sales.day, sales.orders, sales.revenue" in message
    assert isinstance(info.value, ExpressionError)


def test_unscoped_reference_is_rejected_in_asserts_only() -> None:
    rows = [{"total": 1}]
    with pytest.raises(UnknownFieldError, match="not fully scoped"):
        check_assert("${total} > 0", rows)
    assert evaluate("${total} > 0", rows) == [True]


def test_field_names_match_case_insensitively() -> None:
    assert check_assert("${SALES.Orders} >= 0", SALES).passed


def test_non_yesno_assert_is_an_error_not_a_failure() -> None:
    with pytest.raises(ExpressionTypeError, match="must be a yes/no condition, but this one is a number"):
        check_assert("${sales.orders} + 1", SALES)


def test_yesno_text_columns_are_conditions() -> None:
    rows: list[dict[str, object]] = [{"u.active": "Yes", "u.n": 1}, {"u.active": "No", "u.n": 2}]
    assert check_assert("NOT ${u.active} OR ${u.n} = 1", rows).passed
    assert evaluate("if(${u.active}, 1, 0)", rows) == [1, 0]


def test_declared_types_convert_driver_text() -> None:
    rows: list[dict[str, object]] = [
        {"o.month": "2024-03", "o.flag": "yes", "o.total": "12.5", "o.code": 7},
        {"o.month": "2024-01", "o.flag": "No", "o.total": None, "o.code": 8},
    ]
    types = {
        "o.month": LexpType.DATE,
        "o.flag": LexpType.YESNO,
        "o.total": LexpType.NUMBER,
        "o.code": LexpType.STRING,
    }
    assert evaluate("${o.month}", rows, field_types=types) == [date(2024, 3, 1), date(2024, 1, 1)]
    assert evaluate("${o.flag}", rows, field_types=types) == [True, False]
    assert evaluate("${o.total} * 2", rows, field_types=types) == [25.0, None]
    assert evaluate('concat(${o.code}, "!")', rows, field_types=types) == ["7!", "8!"]


def test_declared_type_mismatch_is_an_expression_error() -> None:
    with pytest.raises(ExpressionError, match="declared number"):
        evaluate("${o.x} > 1", [{"o.x": "abc"}], field_types={"o.x": LexpType.NUMBER})


def test_mixed_column_types_are_an_expression_error() -> None:
    with pytest.raises(ExpressionError, match="mixes number and string"):
        evaluate("${o.x} > 1", [{"o.x": 1}, {"o.x": "a"}])


def test_unusable_python_values_are_an_expression_error() -> None:
    with pytest.raises(ExpressionError, match="cannot use"):
        evaluate("${o.x} > 1", [{"o.x": [1, 2]}])


def test_timezone_aware_values_and_clock() -> None:
    from datetime import timedelta, timezone

    tz = timezone(timedelta(hours=-5))
    rows: list[dict[str, object]] = [{"o.at": datetime(2024, 3, 10, 11, 0, tzinfo=tz)}]
    now = datetime(2024, 3, 10, 12, 0, tzinfo=tz)
    assert check_assert("${o.at} < now() AND diff_hours(${o.at}, now()) = 1", rows, now=now).passed


def test_type_errors_are_raised_before_any_row_is_evaluated() -> None:
    with pytest.raises(ExpressionTypeError):
        check_assert('${sales.orders} > 0 OR ${sales.orders} = "x"', SALES)


def test_assert_accepts_a_parsed_expression() -> None:
    from pytest_looker.expressions import parse_expression

    parsed = parse_expression("${sales.orders} < 10")
    assert check_assert(parsed, SALES).passed
