"""Lexer and parser: literals, precedence, comments, and syntax errors with positions."""

from __future__ import annotations

import pytest

from pytest_looker.errors import ExpressionError
from pytest_looker.expressions import ExpressionSyntaxError, parse_expression, referenced_fields, to_text
from pytest_looker.expressions.nodes import Binary, Call, FieldRef, Null, Number, String, Unary, YesNo


def tree(text: str) -> object:
    return parse_expression(text).root


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", Number(7)),
        ("0.5", Number(0.5)),
        ("1.0", Number(1.0)),
        ('"complete"', String("complete")),
        (r'"\"dimension\":"', String('"dimension":')),
        (r'"a\\b"', String("a\\b")),
        (r'"a\nb"', String("a\\nb")),
        ("yes", YesNo(True)),
        ("no", YesNo(False)),
        ("null", Null()),
        ('"yes"', String("yes")),
        ("${orders.count}", FieldRef("orders", "count")),
        ("${count}", FieldRef(None, "count")),
        ("${orders.total:total}", FieldRef("orders", "total", "total")),
        ("-1", Unary("-", Number(1))),
        ("now()", Call("now", ())),
    ],
)
def test_literals(text: str, expected: object) -> None:
    assert tree(text) == expected


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("1 + 2 * 3", "1 + 2 * 3"),
        ("(1 + 2) * 3", "(1 + 2) * 3"),
        ("1 - 2 - 3", "1 - 2 - 3"),
        ("1 - (2 - 3)", "1 - (2 - 3)"),
        ("a_or", None),
        ("yes OR no AND no", "yes OR no AND no"),
        ("(yes OR no) AND no", "(yes OR no) AND no"),
        ("NOT 1 > 2", "NOT 1 > 2"),
        ("NOT(yes)", "NOT yes"),
        ("NOT NOT yes", "NOT NOT yes"),
        ("-(1 + 2)", "-(1 + 2)"),
        ("- -1", "- -1"),
        ("add_days(-1, now())", "add_days(-1, now())"),
        ("-1*pivot_column()+1", "-1 * pivot_column() + 1"),
    ],
)
def test_precedence_and_printing(text: str, printed: str | None) -> None:
    if printed is None:
        with pytest.raises(ExpressionSyntaxError):
            parse_expression(text)
        return
    assert to_text(tree(text)) == printed  # type: ignore[arg-type]
    assert tree(printed) == tree(text)


def test_and_binds_tighter_than_or() -> None:
    assert tree("yes OR no AND no") == Binary("OR", YesNo(True), Binary("AND", YesNo(False), YesNo(False)))


def test_not_is_looser_than_comparison() -> None:
    assert tree("NOT ${a.x} > 1") == Unary("NOT", Binary(">", FieldRef("a", "x"), Number(1)))


def test_comments_and_newlines() -> None:
    text = "# ids are positive\n${orders.id} > 0 # trailing\n  # own line\n"
    assert tree(text) == Binary(">", FieldRef("orders", "id"), Number(0))
    assert tree('"# not a comment"') == String("# not a comment")


def test_referenced_fields() -> None:
    expr = parse_expression("sum(${a.x}) > 0 AND ${B.y} = ${a.x} OR is_null(${z})")
    assert referenced_fields(expr) == frozenset({"a.x", "B.y", "z"})


@pytest.mark.parametrize(
    ("text", "fragment", "column"),
    [
        ("${a.x} ^ 2", "power(", 8),
        ("${a.x} ** 2", "power(", 8),
        ("${a.x} % 2", "mod(", 8),
        ("${a.x} == 1", "use =", 8),
        ("${a.x} <> 1", "use !=", 8),
        ("yes || no", "OR", 5),
        ("yes && no", "AND", 5),
        ("yes and no", "upper case: use AND", 5),
        ("yes or no", "upper case: use OR", 5),
        ("not yes", "upper case: use NOT", 1),
        ("${a.x} IS NULL", "is_null", 8),
        ("${a.x} is null", "is_null", 8),
        ("${a.x} IN (1, 2)", "IN", 8),
        ('${a.x} LIKE "a%"', "contains", 8),
        ("'text'", "double quotes", 1),
        ("1 < 2 < 3", "chained", 7),
        ("1e5", "exponent", 1),
        (".5", "leading digit", 1),
        ("1.", "followed by digits", 2),
        ("true", "write yes", 1),
        ("NULL", "lower case", 1),
        ("SUM(${a.x})", "write sum()", 1),
        ('"abc', "unterminated string", 1),
        ("${a.x", "unterminated field", 1),
        ("${a.b.c}", "malformed field", 1),
        ("${a.x:sum}", "malformed field", 1),
        ("foo", "unknown name", 1),
        ("", "empty", 1),
        ("(1 + 2", "')'", 7),
        ("abs(1 2)", "arguments of abs()", 7),
        ("1 +", "a value", 4),
        ("AND yes", "operand", 1),
        ("`unterminated", "backtick", 1),
        ("1 ; 2", "unexpected character", 3),
        ("9" * 400, "out of range", 1),
    ],
)
def test_syntax_errors_point_at_the_problem(text: str, fragment: str, column: int) -> None:
    with pytest.raises(ExpressionSyntaxError) as info:
        parse_expression(text)
    error = info.value
    assert fragment in str(error)
    assert isinstance(error, ExpressionError)
    assert error.column == column, str(error)


def test_syntax_error_message_has_caret_excerpt_on_the_right_line() -> None:
    with pytest.raises(ExpressionSyntaxError) as info:
        parse_expression("# check\n${a.x} ^ 2\n")
    error = info.value
    assert error.line == 2
    assert error.column == 8
    assert str(error).endswith("  ${a.x} ^ 2\n         ^")


def test_positions_are_not_part_of_equality() -> None:
    assert parse_expression("1+2").root == parse_expression("  1 +   2").root
