"""Every implemented function, plus arity, type and unknown-function errors."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest

from pytest_looker.expressions import (
    ExpressionTypeError,
    UnsupportedFunctionError,
    evaluate,
)
from pytest_looker.expressions.functions import FUNCTIONS

NOW = datetime(2024, 3, 10, 12, 0, 0)
ROWS: list[dict[str, object]] = [
    {
        "t.n": 3,
        "t.m": 1.5,
        "t.s": "Hello",
        "t.d": date(2024, 1, 31),
        "t.ts": datetime(2024, 1, 31, 13, 45, 30),
    },
    {"t.n": 1, "t.m": None, "t.s": "world", "t.d": date(2024, 2, 29), "t.ts": datetime(2024, 2, 1, 0, 0, 0)},
    {"t.n": 4, "t.m": 2.5, "t.s": None, "t.d": None, "t.ts": None},
    {
        "t.n": 1,
        "t.m": 4.0,
        "t.s": "Hello",
        "t.d": date(2023, 12, 31),
        "t.ts": datetime(2023, 12, 31, 23, 59, 59),
    },
]


def one(text: str) -> object:
    """Value of a row-independent expression."""
    return evaluate(text, ROWS[:1], now=NOW)[0]


def column(text: str) -> list[object]:
    return evaluate(text, ROWS, now=NOW)


SCALAR_CASES = [
    # logical
    ("if(yes, 1, 2)", 1),
    ("if(no, 1, 2)", 2),
    ("if(null, 1, 2)", 2),
    ('case(when(no, "a"), when(yes, "b"), "c")', "b"),
    ('case(when(no, "a"), "c")', "c"),
    ('case(when(no, "a"))', None),
    ("coalesce(null, null, 3)", 3),
    ("coalesce(null, null)", None),
    ("is_null(null)", True),
    ("is_null(0)", False),
    # math
    ("abs(-2.5)", 2.5),
    ("ceiling(2.1)", 3),
    ("floor(-2.1)", -3),
    ("round(3.2)", 3),
    ("round(2.5)", 3),
    ("round(-2.5)", -3),
    ("round(2.675, 2)", 2.68),
    ("round(1234, -2)", 1200),
    ("sqrt(16)", 4.0),
    ("sqrt(-1)", None),
    ("power(2, 10)", 1024),
    ("power(-8, 0.5)", None),
    ("exp(0)", 1.0),
    ("ln(0)", None),
    ("log(1000)", 3.0),
    ("mod(7, 3)", 1),
    ("mod(-7, 3)", -1),
    ("mod(7, -3)", 1),
    ("mod(mod(-1, 7) + 7, 7)", 6),
    ("mod(7, 0)", None),
    ("mod(7.5, 2)", 1.5),
    ("degrees(pi())", 180.0),
    ("radians(180)", math.pi),
    ("cos(0)", 1.0),
    ("fact(5)", 120),
    ("fact(-1)", None),
    ("combin(5, 2)", 10),
    ("combin(2, 5)", None),
    ("fact(1000000000)", None),
    ("power(10, 1000000)", None),
    ("power(-8, 1 / 3)", None),
    ("round(1, 400)", None),
    ('to_number("1e999")', None),
    ("multinomial(2, 3)", 10),
    ("1 / 0", None),
    ("7 / 2", 3.5),
    # strings
    ('concat("a", "b", "c")', "abc"),
    ('concat("a", null)', None),
    ('contains("Hello", "ell")', True),
    ('contains("Hello", "ELL")', False),
    ('length("héllo")', 5),
    ('lower("HeLLo")', "hello"),
    ('upper("HeLLo")', "HELLO"),
    ('position("banana", "an")', 2),
    ('position("banana", "x")', 0),
    ('replace("banana", "an", "AN")', "bANANa"),
    ('replace("abc", "", "x")', "abc"),
    ('substring("abcdef", 3, 2)', "cd"),
    ('substring("abcdef", 5, 10)', "ef"),
    ('substring("abcdef", 0, 2)', "a"),
    ('substring("abcdef", 2, -1)', None),
    # conversion
    ('to_number("12")', 12),
    ('to_number(" 1.5 ")', 1.5),
    ('to_number("1e3")', 1000.0),
    ('to_number("abc")', None),
    ("to_number(yes)", 1),
    ("to_string(102)", "102"),
    ("to_string(1.5)", "1.5"),
    ("to_string(10 / 2)", "5"),
    ("to_string(null)", ""),
    ("to_string(yes)", "Yes"),
    ("to_string(date(2024, 3, 1))", "2024-03-01"),
    ("to_string(date_time(2024, 3, 1, 8, 5, 0))", "2024-03-01 08:05:00"),
    ('to_date("2024")', date(2024, 1, 1)),
    ('to_date("2024-03")', date(2024, 3, 1)),
    ('to_date("2024-03-05")', date(2024, 3, 5)),
    ('to_date("2024-03-05 07")', datetime(2024, 3, 5, 7)),
    ('to_date("2024-03-05 07:08")', datetime(2024, 3, 5, 7, 8)),
    ('to_date("2024-03-05 07:08:09")', datetime(2024, 3, 5, 7, 8, 9)),
    ('to_date("2024-02-30")', None),
    ('to_date("March 5")', None),
    ('index(split("a,b,c", ","), 2)', "b"),
    # dates
    ("date(2024, 2, 29)", date(2024, 2, 29)),
    ("date(2023, 2, 29)", None),
    ("date(2024, 1, 1.5)", None),
    ("date_time(2024, 1, 1, 25, 0, 0)", None),
    ("now()", NOW),
    ("add_days(-1, now())", datetime(2024, 3, 9, 12)),
    ("add_days(1, date(2024, 2, 28))", date(2024, 2, 29)),
    ("add_months(1, date(2024, 1, 31))", date(2024, 2, 29)),
    ("add_months(-1, date(2024, 3, 31))", date(2024, 2, 29)),
    ("add_years(1, date(2024, 2, 29))", date(2025, 2, 28)),
    ("add_hours(2, date(2024, 1, 1))", datetime(2024, 1, 1, 2)),
    ("add_minutes(90, now())", datetime(2024, 3, 10, 13, 30)),
    ("add_seconds(-1, date(2024, 1, 1))", datetime(2023, 12, 31, 23, 59, 59)),
    ("diff_days(date(2024, 1, 1), date(2024, 3, 1))", 60),
    ("diff_days(date(2024, 3, 1), date(2024, 1, 1))", -60),
    ("diff_days(now(), date(2024, 3, 11))", 0),
    ("diff_hours(date(2024, 1, 1), now())", 1668),
    ("diff_minutes(date_time(2024, 1, 1, 0, 0, 0), date_time(2024, 1, 1, 0, 1, 59))", 1),
    ("diff_seconds(date_time(2024, 1, 1, 0, 0, 0), date_time(2024, 1, 1, 0, 1, 59))", 119),
    ("diff_months(date(2024, 1, 31), date(2024, 2, 29))", 0),
    ("diff_months(date(2024, 1, 15), date(2024, 3, 15))", 2),
    ("diff_months(date(2024, 3, 15), date(2024, 1, 16))", -1),
    ("diff_years(date(2020, 2, 29), date(2024, 2, 28))", 3),
    ("extract_years(now())", 2024),
    ("extract_months(now())", 3),
    ("extract_days(now())", 10),
    ("extract_hours(now())", 12),
    ("extract_minutes(add_minutes(7, now()))", 7),
    ("extract_seconds(now())", 0),
    ("extract_hours(date(2024, 1, 1))", 0),
    ("trunc_years(now())", date(2024, 1, 1)),
    ("trunc_months(now())", date(2024, 3, 1)),
    ("trunc_days(now())", date(2024, 3, 10)),
    ("trunc_hours(add_minutes(7, now()))", datetime(2024, 3, 10, 12)),
    ("trunc_minutes(add_seconds(7, now()))", datetime(2024, 3, 10, 12)),
    ("date(2024, 3, 10) = trunc_days(now())", True),
    ("date(2024, 3, 10) < now()", True),
    # positional helpers and pivots on an unpivoted result
    ("index(list(1, 2, 3), 3)", 3),
    ("index(list(1, 2, 3), 4)", None),
    ("pivot_column()", 1),
    ("pivot_index(1, 1)", None),
    ("pivot_row(1)", None),
    ("pivot_where(yes, 1)", None),
    ("pivot_offset(1, 1)", None),
    ("pivot_offset_list(1, 1, 2)", None),
    ("mean(list(1, 2, 3, null))", 2.0),
    ("match(2, list(1, 2, 2))", 2),
    ("rank(2, list(1, 2, 3))", 2),
    ("percent_rank(list(1, 2, 3), 2)", 0.5),
]


@pytest.mark.parametrize(("text", "expected"), SCALAR_CASES, ids=[case[0] for case in SCALAR_CASES])
def test_scalar_function(text: str, expected: object) -> None:
    value = one(text)
    if isinstance(expected, float):
        assert value == pytest.approx(expected)
    else:
        assert value == expected
        assert type(value) is type(expected)


COLUMN_CASES = [
    ("sum(${t.n})", [9] * 4),
    ("sum(${t.m})", [8.0] * 4),
    ("product(${t.n})", [12] * 4),
    ("count(${t.m})", [3] * 4),
    ("count_distinct(${t.n})", [3] * 4),
    ("count_distinct(${t.s})", [2] * 4),
    ("mean(${t.n})", [2.25] * 4),
    ("median(${t.n})", [2] * 4),
    ("min(${t.s})", ["Hello"] * 4),
    ("max(${t.d})", [date(2024, 2, 29)] * 4),
    ("mode(${t.n})", [1] * 4),
    ("mode(${t.s})", ["Hello"] * 4),
    ("percentile(${t.n}, 0.25)", [1] * 4),
    ("percentile(${t.n}, 1.5)", [None] * 4),
    ("large(${t.n}, 2)", [3] * 4),
    ("small(${t.n}, 2)", [1] * 4),
    ("large(${t.n}, 9)", [None] * 4),
    ("var_pop(${t.n})", [1.6875] * 4),
    ("var_samp(${t.n})", [2.25] * 4),
    ("stddev_pop(${t.n})", [1.6875**0.5] * 4),
    ("stddev_samp(${t.n})", [1.5] * 4),
    ("geomean(${t.n})", [12**0.25] * 4),
    ("row()", [1, 2, 3, 4]),
    ("offset(${t.n}, 1)", [1, 4, 1, None]),
    ("offset(${t.n}, -1)", [None, 3, 1, 4]),
    ("offset(${t.n}, row())", [1, 1, None, None]),
    ("offset_list(${t.n}, -1, 2)", [(None, 3), (3, 1), (1, 4), (4, 1)]),
    ("mean(offset_list(${t.n}, 0, 2))", [2, 2.5, 2.5, 1]),
    ("sum(offset_list(${t.m}, 0, 2))", [1.5, 2.5, 6.5, 4.0]),
    ("index(${t.n}, 3)", [4] * 4),
    ("index(${t.n}, 0)", [None] * 4),
    ("index(${t.n}, row())", [3, 1, 4, 1]),
    ('lookup("world", ${t.s}, ${t.n})', [1] * 4),
    ('lookup("nope", ${t.s}, ${t.n})', [None] * 4),
    ("lookup(${t.n}, ${t.n}, ${t.s})", ["Hello", "world", None, "world"]),
    ("running_total(${t.m})", [1.5, 1.5, 4.0, 8.0]),
    ("running_product(${t.n})", [3, 3, 12, 12]),
    ("rank(${t.n}, ${t.n})", [2, 3, 1, 3]),
    ("rank_avg(${t.n}, ${t.n})", [2, 3.5, 1, 3.5]),
    ("percent_rank(${t.n}, ${t.n})", [2 / 3, 0, 1, 0]),
    ("match(${t.n}, ${t.n})", [1, 2, 3, 2]),
    ("match(${t.s}, ${t.s})", [1, 2, None, 1]),
    ("sum(if(${t.n} > 1, ${t.n}, 0))", [7] * 4),
    ("correl(${t.n}, ${t.n})", [1.0] * 4),
    ("covar_pop(${t.n}, ${t.n})", [1.6875] * 4),
    ("covar_samp(${t.n}, ${t.n})", [2.25] * 4),
    ("slope(${t.n} * 2 + 1, ${t.n})", [2.0] * 4),
    ("intercept(${t.n} * 2 + 1, ${t.n})", [1.0] * 4),
    ("extract_days(${t.d})", [31, 29, None, 31]),
    ("diff_days(${t.d}, ${t.ts})", [0, -28, None, 0]),
    ("diff_hours(${t.d}, ${t.ts})", [13, -672, None, 23]),
]


@pytest.mark.parametrize(("text", "expected"), COLUMN_CASES, ids=[case[0] for case in COLUMN_CASES])
def test_column_function(text: str, expected: list[object]) -> None:
    assert (
        column(text) == pytest.approx(expected)
        if all(isinstance(v, (int, float, type(None))) for v in expected)
        else column(text) == expected
    )


def test_skew_and_kurtosis_match_excel() -> None:
    rows = [{"t.x": v} for v in (3, 4, 5, 2, 3, 4, 5, 6, 4, 7)]
    assert evaluate("skew(${t.x})", rows)[0] == pytest.approx(0.359543071)
    assert evaluate("kurtosis(${t.x})", rows)[0] == pytest.approx(-0.151799637)
    assert evaluate("kurtosis(${t.x})", rows[:3])[0] is None


DISTRIBUTION_CASES = [
    # Reference values from the textbook definitions (Excel documentation examples where available).
    ("norm_dist(42, 40, 1.5, yes)", 0.908788780),
    ("norm_dist(42, 40, 1.5, no)", 0.109340050),
    ("norm_inv(0.908789, 40, 1.5)", 42.000002),
    ("norm_s_dist(1.333333, yes)", 0.908788726),
    ("norm_s_inv(0.908789)", 1.3333347),
    ("t_dist(60, 1, yes)", 0.99469533),
    ("t_dist(8, 3, no)", 0.00073691),
    ("t_inv(0.75, 2)", 0.8164966),
    ("chisq_dist(0.5, 1, yes)", 0.52049988),
    ("chisq_dist(2, 3, no)", 0.20755375),
    ("chisq_inv(0.93, 1)", 3.283020286),
    ("f_dist(15.2069, 6, 4, yes)", 0.99),
    ("f_dist(15.2069, 6, 4, no)", 0.0012238),
    ("f_inv(0.01, 6, 4)", 0.10930991),
    ("beta_dist(2, 8, 10, yes)", None),
    ("beta_dist(0.4, 8, 10, yes)", 0.359492343),
    ("beta_dist(0.5, 8, 10, yes)", 0.685470581),
    ("beta_inv(0.685470581, 8, 10)", 0.5),
    ("gamma_dist(10.00001131, 9, 2, no)", 0.032639),
    ("gamma_dist(10.00001131, 9, 2, yes)", 0.068094),
    ("gamma_inv(0.068094, 9, 2)", 10.0000112),
    ("binom_dist(6, 10, 0.5, no)", 0.205078125),
    ("binom_dist(6, 10, 0.5, yes)", 0.828125),
    ("binom_inv(6, 0.5, 0.75)", 4),
    ("negbinom_dist(10, 5, 0.25, yes)", 0.3135141),
    ("negbinom_dist(10, 5, 0.25, no)", 0.0550487),
    ("hypgeom_dist(1, 4, 8, 20, yes)", 0.4654),
    ("hypgeom_dist(1, 4, 8, 20, no)", 0.363261094),
    ("poisson_dist(2, 5, yes)", 0.124652),
    ("poisson_dist(2, 5, no)", 0.084224),
    ("expon_dist(0.2, 10, yes)", 0.86466472),
    ("expon_dist(0.2, 10, no)", 1.35335283),
    ("weibull_dist(105, 20, 100, yes)", 0.929581),
    ("weibull_dist(105, 20, 100, no)", 0.035589),
    ("confidence_norm(0.05, 2.5, 50)", 0.692951912),
    ("confidence_t(0.05, 1, 50)", 0.284196855),
]


@pytest.mark.parametrize(("text", "expected"), DISTRIBUTION_CASES, ids=[c[0] for c in DISTRIBUTION_CASES])
def test_distribution(text: str, expected: float | None) -> None:
    value = one(text)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected, rel=1e-4)


def test_statistical_tests_over_columns() -> None:
    first = [3, 4, 5, 8, 9, 1, 2, 4, 5]
    second = [6, 19, 3, 2, 14, 4, 5, 17, 1]
    rows = [{"t.a": a, "t.b": b} for a, b in zip(first, second, strict=True)]
    assert evaluate("t_test(${t.a}, ${t.b}, 2, 1)", rows)[0] == pytest.approx(0.196016, rel=1e-4)
    two_tailed = evaluate("t_test(${t.a}, ${t.b}, 2, 3)", rows)[0]
    one_tailed = evaluate("t_test(${t.a}, ${t.b}, 1, 3)", rows)[0]
    assert isinstance(two_tailed, float)
    assert 0 < two_tailed < 1
    assert one_tailed == pytest.approx(two_tailed / 2)
    assert evaluate("t_test(${t.a}, ${t.b}, 3, 1)", rows)[0] is None
    z_rows = [{"t.x": v} for v in (3, 6, 7, 8, 6, 5, 4, 2, 1, 9)]
    assert evaluate("z_test(${t.x}, 4)", z_rows)[0] == pytest.approx(0.090574, rel=1e-4)
    assert evaluate("z_test(${t.x}, 6)", z_rows)[0] == pytest.approx(0.863043, rel=1e-4)
    chi = [{"t.o": o, "t.e": e} for o, e in ((58, 45.35), (11, 17.56), (10, 16.09))]
    statistic = sum((o - e) ** 2 / e for o, e in ((58, 45.35), (11, 17.56), (10, 16.09)))
    # With 2 degrees of freedom the chi-square survival function is exactly exp(-x / 2).
    assert evaluate("chisq_test(${t.o}, ${t.e})", chi)[0] == pytest.approx(math.exp(-statistic / 2))


def test_rand_is_in_unit_interval_and_seedable() -> None:
    first = evaluate("rand()", ROWS, seed=7)
    assert first == evaluate("rand()", ROWS, seed=7)
    assert all(isinstance(v, float) and 0 <= v < 1 for v in first)


TYPE_ERRORS = [
    ("abs()", "takes 1 argument, got 0"),
    ("abs(1, 2)", "takes 1 argument, got 2"),
    ("round(1, 2, 3)", "takes 1 to 2 arguments, got 3"),
    ("if(yes, 1)", "takes 3 arguments"),
    ("concat()", "at least 1 argument"),
    ('abs("x")', "argument 1 must be a number, got string"),
    ("length(3)", "argument 1 must be a string, got number"),
    ("concat(${t.s}, ${t.n})", "argument 2 must be a string, got number"),
    ("if(1, 2, 3)", "argument 1 must be a yesno"),
    ('if(yes, 1, "a")', "same type"),
    ('coalesce(1, "a")', "same type"),
    ('case(when(yes, 1), "a")', "same type"),
    ("case(1, 2)", "when(condition, value)"),
    ("when(yes, 1)", "only be used as an argument of case()"),
    ("add_days(now(), 1)", "argument 1 must be a number"),
    ("diff_days(1, 2)", "argument 1 must be a date or datetime"),
    ("sum(${t.s})", "argument 1 must be a number"),
    ("${t.n} + ${t.s}", "right side of + must be a number"),
    ("now() + 1", "add_days()"),
    ('${t.n} = "1"', "cannot compare number with string"),
    ("${t.d} = 1", "cannot compare date with number"),
    ("yes > no", "must be a date, datetime, number or string"),
    ("NOT 1", "operand of NOT must be a yesno"),
    ("1 AND yes", "left side of AND"),
    ('-"a"', "unary -"),
    ("abs(list(1, 2))", "lists are only accepted"),
    ("list(1, 2) = 1", "cannot be a list"),
    ('list(1, "a")', "one type"),
    ('sum(list("a"))', "must hold number values"),
    ("lookup(1, ${t.s}, ${t.n})", "cannot look up a number"),
    ('match("a", ${t.n})', "cannot look for a string"),
    ("sum(${t.n}, offset_list(${t.n}, 0, 2))", "takes 1 argument"),
    ("correl(${t.n}, offset_list(${t.n}, 0, 2))", "cannot mix a list and a column"),
]


@pytest.mark.parametrize(("text", "fragment"), TYPE_ERRORS, ids=[case[0] for case in TYPE_ERRORS])
def test_type_and_arity_errors(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionTypeError) as info:
        evaluate(text, ROWS, now=NOW)
    assert fragment in str(info.value)
    assert "^" in str(info.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("pivot_rows(1)", "unsupported Looker function pivot_rows(); did you mean pivot_row()?"),
        ("frobnicate(1)", "unsupported Looker function frobnicate()"),
        ('trim(" a ")', "trim() is not a Looker expression function"),
        ('starts_with("ab", "a")', "position(s, prefix) = 1"),
        ("to_boolean(1)", "to_boolean() is not a Looker expression function"),
        ("greatest(1, 2)", "if(a > b, a, b)"),
        ("trunc_weeks(now())", "trunc_weeks"),
        ("matches_filter(${t.s}, `Hello`)", "only allowed in custom filters"),
        ("${t.n:total} > 0", "Explore totals"),
    ],
)
def test_unsupported_functions_name_the_function(text: str, fragment: str) -> None:
    with pytest.raises(UnsupportedFunctionError) as info:
        evaluate(text, ROWS)
    assert fragment in str(info.value)


def test_filter_literal_outside_matches_filter_is_a_type_error() -> None:
    with pytest.raises(ExpressionTypeError, match="only valid inside matches_filter"):
        evaluate("contains(${t.s}, `Hello`)", ROWS)


# Section 6 of the reference, every function it lists for table calculations (A + T).
DOCUMENTED_FUNCTIONS = """
    abs ceiling floor sqrt exp ln log power rand round mod acos asin atan cos sin tan degrees
    radians pi fact combin multinomial count count_distinct sum product mean median mode min max
    geomean stddev_pop stddev_samp var_pop var_samp kurtosis skew percentile large small correl
    covar_pop covar_samp slope intercept rank rank_avg percent_rank match running_total
    running_product norm_dist norm_inv norm_s_dist norm_s_inv t_dist t_inv t_test z_test chisq_dist
    chisq_inv chisq_test f_dist f_inv beta_dist beta_inv gamma_dist gamma_inv binom_dist binom_inv
    negbinom_dist hypgeom_dist poisson_dist expon_dist weibull_dist confidence_norm confidence_t
    concat contains length lower upper position replace substring split to_number to_string
    add_days add_hours add_minutes add_months add_seconds add_years date date_time diff_days
    diff_hours diff_minutes diff_months diff_seconds diff_years extract_years extract_months
    extract_days extract_hours extract_minutes extract_seconds now trunc_days trunc_hours
    trunc_minutes trunc_months trunc_years to_date if case when coalesce is_null row offset
    offset_list index lookup list pivot_column pivot_index pivot_offset pivot_offset_list pivot_row
    pivot_where
"""


def test_registry_covers_the_reference_function_list() -> None:
    documented = DOCUMENTED_FUNCTIONS.split()
    assert set(documented) <= set(FUNCTIONS)
    assert set(FUNCTIONS) - set(documented) == set()
