"""Hypothesis properties: arithmetic agrees with Python, printing round-trips, logic is Kleene."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st
from lexp_data import NOW, native_rows

from pytest_looker.errors import ExpressionError
from pytest_looker.expressions import LexpType, evaluate, parse_expression, to_text
from pytest_looker.expressions.functions import FUNCTIONS
from pytest_looker.expressions.nodes import (
    Binary,
    Call,
    FieldRef,
    Node,
    Null,
    Number,
    String,
    Unary,
    YesNo,
)

numbers = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
)
OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}


@given(a=numbers, b=numbers, op=st.sampled_from(["+", "-", "*", "/"]))
def test_arithmetic_matches_python_with_null_propagation(a: float | None, b: float | None, op: str) -> None:
    rows: list[dict[str, object]] = [{"t.a": a, "t.b": b}]
    (value,) = evaluate(f"${{t.a}} {op} ${{t.b}}", rows)
    if a is None or b is None or (op == "/" and b == 0):
        assert value is None
        return
    expected = a / b if op == "/" else OPS[op](a, b)
    if not math.isfinite(expected):
        assert value is None  # overflow is null, never inf
        return
    assert isinstance(value, (int, float))
    assert math.isclose(value, expected, rel_tol=1e-12, abs_tol=1e-12)


@given(a=numbers, b=numbers, op=st.sampled_from(["=", "!=", ">", "<", ">=", "<="]))
def test_comparison_matches_python(a: float | None, b: float | None, op: str) -> None:
    (value,) = evaluate(f"${{t.a}} {op} ${{t.b}}", [{"t.a": a, "t.b": b}])
    if a is None or b is None:
        assert value is None
        return
    python = {"=": "==", "!=": "!=", ">": ">", "<": "<", ">=": ">=", "<=": "<="}[op]
    assert value is eval(f"a {python} b")


truth = st.sampled_from([True, False, None])


@given(a=truth, b=truth)
def test_and_or_not_are_kleene(a: bool | None, b: bool | None) -> None:
    rows: list[dict[str, object]] = [{"t.a": a, "t.b": b}]
    declared = {"t.a": LexpType.YESNO, "t.b": LexpType.YESNO}
    conj, disj, neg = (
        evaluate(text, rows, field_types=declared)[0]
        for text in ("${t.a} AND ${t.b}", "${t.a} OR ${t.b}", "NOT ${t.a}")
    )
    rank = {False: 0, None: 1, True: 2}
    back = {0: False, 1: None, 2: True}
    assert conj is back[min(rank[a], rank[b])]
    assert disj is back[max(rank[a], rank[b])]
    assert neg is (None if a is None else not a)


@given(values=st.lists(st.one_of(st.none(), st.integers(-1000, 1000)), max_size=12))
def test_running_total_ends_at_sum(values: list[int | None]) -> None:
    rows: list[dict[str, object]] = [{"t.x": v} for v in values]
    totals = evaluate("running_total(${t.x})", rows)
    present = [v for v in values if v is not None]
    if values:
        assert totals[-1] == sum(present)
        assert evaluate("sum(${t.x})", rows)[0] == (sum(present) if present else None)


# The parser never builds calls named and/or/not (it rejects lowercase keywords).
names = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True).filter(lambda n: n not in {"and", "or", "not"})
leaves: st.SearchStrategy[Node] = st.one_of(
    st.integers(0, 10**6).map(Number),
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False).map(
        lambda d: Number(float(d))
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8).map(String),
    st.booleans().map(YesNo),
    st.just(Null()),
    st.tuples(names, names).map(lambda p: FieldRef(p[0], p[1])),
)


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    ops = ["OR", "AND", "=", "!=", ">", "<", ">=", "<=", "+", "-", "*", "/"]
    return st.one_of(
        st.tuples(st.sampled_from(ops), children, children).map(lambda t: Binary(t[0], t[1], t[2])),
        st.tuples(st.sampled_from(["-", "NOT"]), children).map(lambda t: Unary(t[0], t[1])),
        st.tuples(names, st.lists(children, max_size=3)).map(lambda t: Call(t[0], tuple(t[1]))),
    )


trees = st.recursive(leaves, _extend, max_leaves=12)


@settings(max_examples=300)
@given(tree=trees)
def test_printed_tree_parses_back_to_the_same_tree(tree: Node) -> None:
    text = to_text(tree)
    assert parse_expression(text).root == tree
    assert to_text(parse_expression(text).root) == text


_FIELDS = ["orders.id", "orders.status", "orders.created_date", "orders.is_returned", "users.age"]
_function_names = st.sampled_from(sorted(FUNCTIONS))
_small_leaves: st.SearchStrategy[Node] = st.one_of(
    st.integers(-3, 5).map(Number),
    st.sampled_from([0.5, 1.5]).map(Number),
    st.sampled_from(["complete", "", "e", "2024-02-01"]).map(String),
    st.booleans().map(YesNo),
    st.just(Null()),
    st.sampled_from(_FIELDS).map(lambda name: FieldRef(name.split(".")[0], name.split(".")[1])),
)


def _extend_known(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    ops = ["OR", "AND", "=", ">", "+", "-", "*", "/"]
    return st.one_of(
        st.tuples(st.sampled_from(ops), children, children).map(lambda t: Binary(t[0], t[1], t[2])),
        st.tuples(st.sampled_from(["-", "NOT"]), children).map(lambda t: Unary(t[0], t[1])),
        st.tuples(_function_names, st.lists(children, max_size=4)).map(lambda t: Call(t[0], tuple(t[1]))),
    )


@settings(max_examples=1500, deadline=None)
@given(tree=st.recursive(_small_leaves, _extend_known, max_leaves=8))
def test_any_expression_gives_values_or_an_expression_error(tree: Node) -> None:
    """Random calls of real functions on real columns: values, or an ExpressionError — never a crash."""
    try:
        values = evaluate(to_text(tree), native_rows(), now=NOW)
    except ExpressionError:
        return
    assert len(values) == 4
