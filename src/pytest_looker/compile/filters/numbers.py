"""The number grammar: values, comparisons, ranges, interval notation, NULL, and negation.

A tokenizer and a small recursive-descent parser, because the grammar has real structure
(brackets whose commas are not item separators, ``OR`` that is either a separator or half of
``<a OR >b``). Looker's documented negation rule is applied here, so the tree holds each item's
*effective* negation: "if the first condition has a NOT and no other does, all are negated".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pytest_looker.errors import FilterSyntaxError

from .diagnostics import syntax_error
from .nodes import (
    CompareOp,
    NumberCompare,
    NumberCore,
    NumberEquals,
    NumberFilter,
    NumberIsNull,
    NumberItem,
    NumberOutside,
    NumberRange,
)

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<neginf>-inf\b)
  | (?P<op>>=|<=|<>|!=|>|<)
  | (?P<punct>[(),\[\]])
  | (?P<word>[A-Za-z]+)
    """,
    re.VERBOSE,
)
_KEYWORDS = {"NOT", "NULL", "AND", "OR", "TO"}
_LEADING_ZERO = re.compile(r"-?0\d")
_COMPARE_OPS: dict[str, CompareOp] = {">": ">", ">=": ">=", "<": "<", "<=": "<="}


@dataclass(frozen=True)
class _Token:
    kind: str  # number, neginf, inf, op, punct, keyword, end
    text: str
    position: int


def parse_number(text: str) -> NumberFilter:
    """Parse a number-filter expression (``>1 AND <100, NOT 2``) into its items."""
    tokens = _tokenize(text)
    if tokens[0].kind == "end":
        return NumberFilter(text=text, items=())
    return _Parser(text, tokens).expression()


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    index = 0
    while index < len(text):
        match = _TOKEN.match(text, index)
        if match is None:
            if text[index : index + 2] == "--" or text[index + 1 : index + 2].isalpha():
                raise _error(text, index, "'-' negates only a number; write NOT NULL or NOT 5 to negate")
            raise _error(text, index, f"unexpected character {text[index]!r}")
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "number":
            _check_number(text, index, match.end(), value)
        elif kind == "word":
            if value == "inf":
                kind = "inf"
            elif value.upper() in _KEYWORDS:
                kind, value = "keyword", value.upper()
            else:
                raise _error(text, index, f"expected a number, found {value!r}")
        if kind != "space":
            tokens.append(_Token(kind, value, index))
        index = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _check_number(text: str, start: int, end: int, value: str) -> None:
    if _LEADING_ZERO.match(value):
        raise _error(text, start, f"number {value!r} has a leading zero")
    following = text[end : end + 1]
    if following and not (following.isspace() or following in ",)]"):
        raise _error(text, end, f"unexpected {following!r} after the number {value!r}")


def _error(text: str, position: int, problem: str) -> FilterSyntaxError:
    return syntax_error("number", text, position, problem)


class _Parser:
    """Recursive descent over the token list; one method per grammar rule."""

    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.index = 0

    # -- helpers ------------------------------------------------------------------------------

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def peek(self, offset: int = 1) -> _Token:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def advance(self) -> _Token:
        token = self.current
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def at(self, kind: str, text: str | None = None) -> bool:
        token = self.current
        return token.kind == kind and (text is None or token.text == text)

    def fail(self, problem: str, token: _Token | None = None) -> FilterSyntaxError:
        return _error(self.text, (token or self.current).position, problem)

    def describe(self, token: _Token) -> str:
        return "the end of the expression" if token.kind == "end" else repr(token.text)

    def number(self) -> Decimal:
        token = self.current
        if token.kind != "number":
            raise self.fail(f"expected a number, found {self.describe(token)}")
        self.advance()
        try:
            return Decimal(token.text)
        except InvalidOperation as error:  # pragma: no cover - the regex only admits numbers
            raise self.fail(f"invalid number {token.text!r}", token) from error

    # -- grammar ------------------------------------------------------------------------------

    def expression(self) -> NumberFilter:
        written: list[tuple[NumberCore, bool]] = [self.item()]
        while not self.at("end"):
            if self.at("punct", ",") or self.at("keyword", "OR"):
                self.advance()
                written.append(self.item())
            else:
                raise self.fail(f"expected ',' or OR between items, found {self.describe(self.current)}")
        negate_all = written[0][1] and not any(negated for _, negated in written[1:])
        items = tuple(NumberItem(core, negate_all or negated) for core, negated in written)
        return NumberFilter(text=self.text, items=items)

    def item(self) -> tuple[NumberCore, bool]:
        negated = False
        if self.at("keyword", "NOT") or (self.at("op") and self.current.text in ("!=", "<>")):
            negated = True
            self.advance()
        return self.core(), negated

    def core(self) -> NumberCore:
        token = self.current
        if token.kind == "keyword" and token.text == "NULL":
            self.advance()
            return NumberIsNull()
        if token.kind == "punct" and token.text in "([":
            return self.interval()
        if token.kind == "op" and token.text in (">", ">=", "<", "<="):
            return self.comparison()
        if token.kind == "keyword" and token.text == "TO":
            self.advance()
            return NumberRange(None, self.number(), False, True)
        if token.kind == "number":
            value = self.number()
            if self.at("keyword", "TO"):
                self.advance()
                if self.at("number"):
                    return NumberRange(value, self.number(), True, True)
                return NumberRange(value, None, True, False)
            return NumberEquals(value)
        if (token.kind == "op" and token.text in ("!=", "<>")) or token.text == "NOT":
            raise self.fail("NOT can be written only once per item")
        if token.kind == "end" or (token.kind == "punct" and token.text == ","):
            raise self.fail("empty item: expected a number, a comparison, a range or NULL")
        raise self.fail(f"expected a number, found {self.describe(token)}")

    def comparison(self) -> NumberCore:
        first = self.single_comparison()
        if self.at("keyword", "AND"):
            self.advance()
            second_token = self.current
            second = self.single_comparison()
            if _is_lower(first) == _is_lower(second):
                raise self.fail("AND must join a lower bound (> or >=) and an upper bound (< or <=)", second_token)
            low, high = (first, second) if _is_lower(first) else (second, first)
            return NumberRange(low.value, high.value, low.op == ">=", high.op == "<=")
        following = self.peek()
        if (
            self.at("keyword", "OR")
            and following.kind == "op"
            and following.text in (">", ">=", "<", "<=")
            and _is_lower(first) != following.text.startswith(">")
        ):
            self.advance()
            second = self.single_comparison()
            below, above = (second, first) if _is_lower(first) else (first, second)
            return NumberOutside(below=below, above=above)
        return first

    def single_comparison(self) -> NumberCompare:
        token = self.current
        if not (token.kind == "op" and token.text in (">", ">=", "<", "<=")):
            raise self.fail(f"expected a comparison (> >= < <=), found {self.describe(token)}")
        self.advance()
        op: CompareOp = _COMPARE_OPS[token.text]
        return NumberCompare(op, self.number())

    def interval(self) -> NumberRange:
        opener = self.advance()
        low: Decimal | None = None
        if self.at("neginf"):
            if opener.text != "(":
                raise self.fail("-inf needs an open bracket '('")
            self.advance()
        elif self.at("number"):
            low = self.number()
        elif not self.at("punct", ","):
            raise self.fail(f"expected a lower bound, -inf or ',', found {self.describe(self.current)}")
        if not self.at("punct", ","):
            raise self.fail(f"expected ',' in the interval, found {self.describe(self.current)}")
        comma = self.advance()
        high: Decimal | None = None
        high_given = False
        if self.at("inf"):
            if self.peek().text != ")":
                raise self.fail("inf needs a closing ')'")
            self.advance()
            high_given = True
        elif self.at("number"):
            high = self.number()
            high_given = True
        if not (self.at("punct", ")") or self.at("punct", "]")):
            raise self.fail(f"expected ')' or ']' to close the interval, found {self.describe(self.current)}")
        closer = self.advance()
        low_given = low is not None or self.text[opener.position + 1 : comma.position].strip() != ""
        if not low_given and not high_given:
            raise self.fail("an interval needs at least one bound", opener)
        return NumberRange(low, high, opener.text == "[", closer.text == "]")


def _is_lower(compare: NumberCompare) -> bool:
    return compare.op in (">", ">=")


__all__ = ["parse_number"]
