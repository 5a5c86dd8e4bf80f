"""NULL rules (reference section 5): SQL three-valued logic by default, two-valued as a switch."""

from __future__ import annotations

import pytest

from pytest_looker.expressions import evaluate

ROW: list[dict[str, object]] = [{"t.n": None, "t.s": None, "t.b": None, "t.x": 1}]


def value(text: str, logic: str = "sql") -> object:
    return evaluate(text, ROW, null_logic=logic)[0]  # type: ignore[arg-type]


KLEENE = [
    ("yes AND null", None),
    ("no AND null", False),
    ("null AND no", False),
    ("yes OR null", True),
    ("null OR yes", True),
    ("no OR null", None),
    ("null OR null", None),
    ("NOT null", None),
    ("null = null", None),
    ("null = 1", None),
    ("${t.n} != 1", None),
    ('${t.s} = "a"', None),
    ("NOT ${t.b}", None),
]


@pytest.mark.parametrize(("text", "expected"), KLEENE)
def test_sql_three_valued_logic(text: str, expected: object) -> None:
    assert value(text) is expected


TWO_VALUED = [
    ("yes AND null", False),
    ("no OR null", False),
    ("yes OR null", True),
    ("NOT null", True),
    ("null = null", False),
    ("${t.n} != 1", False),
    ("NOT ${t.n} > 100", True),
]


@pytest.mark.parametrize(("text", "expected"), TWO_VALUED)
def test_two_valued_policy(text: str, expected: object) -> None:
    assert value(text, "two_valued") is expected


PROPAGATING = [
    "${t.n} + 1",
    "1 - ${t.n}",
    "${t.n} * 2",
    "${t.n} / 2",
    "2 / ${t.n}",
    "-${t.n}",
    "abs(${t.n})",
    "round(${t.n}, 1)",
    "round(1.25, ${t.n})",
    "mod(${t.n}, 2)",
    "power(2, ${t.n})",
    "length(${t.s})",
    "upper(${t.s})",
    'concat("a", ${t.s})',
    'contains(${t.s}, "a")',
    "substring(${t.s}, 1, 2)",
    "to_number(${t.s})",
    "to_date(${t.s})",
    "add_days(${t.n}, now())",
    "add_days(1, null)",
    "diff_days(null, now())",
    "extract_years(null)",
    "trunc_months(null)",
    "date(2024, ${t.n}, 1)",
    "offset(${t.x}, 1)",
    "offset(${t.x}, -1)",
    "index(${t.x}, 2)",
    "sum(${t.n})",
    "mean(${t.n})",
    "max(${t.n})",
    "median(${t.n})",
    "percentile(${t.x}, null)",
    "if(yes, null, 1)",
    "case(when(null, 1))",
    "coalesce(null, ${t.n})",
]


@pytest.mark.parametrize("text", PROPAGATING)
def test_null_in_null_out(text: str) -> None:
    assert value(text) is None


NOT_PROPAGATING = [
    ("is_null(${t.n})", True),
    ("is_null(${t.x})", False),
    ("coalesce(${t.n}, 5)", 5),
    ("to_string(${t.n})", ""),
    ("if(${t.b}, 1, 2)", 2),
    ("case(when(${t.b}, 1), 2)", 2),
    ("count(${t.n})", 0),
    ("count_distinct(${t.n})", 0),
    ("running_total(${t.n})", 0),
    ("running_product(${t.n})", 1),
    ("index(list(${t.n}, 1), 2)", 1),
    ("count(list(${t.n}, 1, null))", 1),
]


@pytest.mark.parametrize(("text", "expected"), NOT_PROPAGATING)
def test_functions_that_handle_null(text: str, expected: object) -> None:
    assert value(text) == expected


def test_division_by_zero_is_null_not_an_error() -> None:
    rows = [{"t.a": 1, "t.b": 0}, {"t.a": 0, "t.b": 0}, {"t.a": 1, "t.b": 4}]
    assert evaluate("${t.a} / ${t.b}", rows) == [None, None, 0.25]


def test_aggregates_skip_nulls() -> None:
    rows = [{"t.a": v} for v in (1, None, 3, None)]
    assert evaluate("sum(${t.a})", rows) == [4] * 4
    assert evaluate("mean(${t.a})", rows) == [2.0] * 4
    assert evaluate("count(${t.a})", rows) == [2] * 4
    assert evaluate("running_total(${t.a})", rows) == [1, 1, 4, 4]


def test_all_null_column_has_unknown_type_and_compares_to_anything() -> None:
    rows = [{"t.a": None}, {"t.a": None}]
    assert evaluate('${t.a} = "x"', rows) == [None, None]
    assert evaluate("${t.a} > 1", rows) == [None, None]
