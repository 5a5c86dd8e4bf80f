"""Recursive-descent parser for Looker expressions.

Grammar, loosest binding first (see the Lexp reference, section 3)::

    expr     := or
    or       := and  ("OR"  and)*
    and      := not  ("AND" not)*
    not      := "NOT" not | cmp          # NOT is looser than comparison: NOT x > 1 == NOT (x > 1)
    cmp      := add  (CMPOP add)?        # non-associative: a < b < c is an error
    add      := mul  (("+" | "-") mul)*
    mul      := unary (("*" | "/") unary)*
    unary    := "-" unary | primary
    primary  := NUMBER | STRING | "yes" | "no" | "null" | FIELD | FILTER
              | IDENT "(" [expr ("," expr)*] ")" | "(" expr ")"

The parser knows nothing about functions; it only checks that names look like Lexp names (lower
case) so that ``SUM(x)`` or a lowercase ``and`` get a message that says how to fix them.
"""

from __future__ import annotations

import math

from .errors import ExpressionSyntaxError
from .lexer import Kind, Token, tokenize
from .nodes import (
    Binary,
    Call,
    Expression,
    FieldRef,
    FilterLiteral,
    Node,
    Null,
    Number,
    String,
    Unary,
    YesNo,
)

_COMPARISONS = frozenset({"=", "!=", ">", "<", ">=", "<="})
_CONSTANTS = {"yes", "no", "null"}
# Words from SQL that people write between operands, with the Lexp replacement.
_SQL_WORDS: dict[str, str] = {
    "and": "logical operators must be upper case: use AND",
    "or": "logical operators must be upper case: use OR",
    "not": "logical operators must be upper case: use NOT",
    "is": "IS NULL is not Looker expression syntax: use is_null(x)",
    "in": "IN is not Looker expression syntax: combine comparisons with OR",
    "like": "LIKE is not Looker expression syntax: use contains(string, search)",
    "between": "BETWEEN is not Looker expression syntax: use x >= a AND x <= b",
}


class Parser:
    """Parses one expression; create a new instance per text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind is not Kind.EOF:
            self.index += 1
        return token

    def error(self, message: str, token: Token | None = None) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(message, self.text, (token or self.current).position)

    def at(self, kind: Kind, value: str | None = None) -> bool:
        token = self.current
        return token.kind is kind and (value is None or token.value == value)

    def parse(self) -> Expression:
        if self.at(Kind.EOF):
            raise self.error("empty expression")
        root = self.parse_or()
        if not self.at(Kind.EOF):
            raise self._unexpected("an operator or the end of the expression")
        return Expression(self.text, root)

    def _unexpected(self, expected: str) -> ExpressionSyntaxError:
        token = self.current
        if token.kind is Kind.IDENT and token.value.lower() in _SQL_WORDS:
            return self.error(_SQL_WORDS[token.value.lower()])
        if token.kind is Kind.OP and token.value in _COMPARISONS:
            return self.error("comparisons cannot be chained: combine them with AND (a < b AND b < c)")
        found = "the end of the expression" if token.kind is Kind.EOF else repr(token.value)
        return self.error(f"expected {expected}, found {found}")

    def parse_or(self) -> Node:
        node = self.parse_and()
        while self.at(Kind.KEYWORD, "OR"):
            token = self.advance()
            node = Binary("OR", node, self.parse_and(), token.position)
        return node

    def parse_and(self) -> Node:
        node = self.parse_not()
        while self.at(Kind.KEYWORD, "AND"):
            token = self.advance()
            node = Binary("AND", node, self.parse_not(), token.position)
        return node

    def parse_not(self) -> Node:
        if self.at(Kind.KEYWORD, "NOT"):
            token = self.advance()
            return Unary("NOT", self.parse_not(), token.position)
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        node = self.parse_additive()
        if self.current.kind is Kind.OP and self.current.value in _COMPARISONS:
            token = self.advance()
            node = Binary(token.value, node, self.parse_additive(), token.position)
        return node

    def parse_additive(self) -> Node:
        node = self.parse_multiplicative()
        while self.current.kind is Kind.OP and self.current.value in ("+", "-"):
            token = self.advance()
            node = Binary(token.value, node, self.parse_multiplicative(), token.position)
        return node

    def parse_multiplicative(self) -> Node:
        node = self.parse_unary()
        while self.current.kind is Kind.OP and self.current.value in ("*", "/"):
            token = self.advance()
            node = Binary(token.value, node, self.parse_unary(), token.position)
        return node

    def parse_unary(self) -> Node:
        if self.at(Kind.OP, "-"):
            token = self.advance()
            return Unary("-", self.parse_unary(), token.position)
        return self.parse_primary()

    def parse_primary(self) -> Node:
        token = self.current
        kind = token.kind
        if kind is Kind.NUMBER:
            self.advance()
            return Number(self.number_value(token), token.position)
        if kind is Kind.STRING:
            self.advance()
            return String(token.value, token.position)
        if kind is Kind.FILTER:
            self.advance()
            return FilterLiteral(token.value, token.position)
        if kind is Kind.FIELD:
            self.advance()
            name, _, suffix = token.value.partition(":")
            view, dot, field_name = name.rpartition(".")
            return FieldRef(view if dot else None, field_name, suffix or None, token.position)
        if kind is Kind.LPAREN:
            self.advance()
            node = self.parse_or()
            self.expect(Kind.RPAREN, "')' to close the parenthesis")
            return node
        if kind is Kind.IDENT:
            return self.parse_name()
        if kind is Kind.KEYWORD:
            raise self.error(f"{token.value} needs an operand on its left")
        raise self._unexpected("a value, a field reference or a function call")

    def number_value(self, token: Token) -> int | float:
        """The literal's value; one beyond float64 range is rejected rather than carried as inf."""
        try:
            value: int | float = float(token.value) if "." in token.value else int(token.value)
            in_range = math.isfinite(float(value))
        except (ValueError, OverflowError):
            in_range = False
        if not in_range:
            raise self.error("number literal out of range", token)
        return value

    def parse_name(self) -> Node:
        token = self.advance()
        word = token.value
        if not self.at(Kind.LPAREN):
            if word == "yes" or word == "no":
                return YesNo(word == "yes", token.position)
            if word == "null":
                return Null(token.position)
            lowered = word.lower()
            if lowered in _SQL_WORDS:
                raise self.error(_SQL_WORDS[lowered], token)
            if lowered in _CONSTANTS:
                raise self.error(f"constants are lower case: write {lowered}", token)
            if lowered in ("true", "false"):
                raise self.error(
                    f"{word} is not a Looker constant: write {'yes' if lowered == 'true' else 'no'}",
                    token,
                )
            raise self.error(
                f"unknown name {word!r}: fields are written ${{view.field}},"
                " constants are yes, no and null, functions need parentheses",
                token,
            )
        if word.lower() in ("and", "or", "not"):
            raise self.error(_SQL_WORDS[word.lower()], token)
        if word != word.lower():
            raise self.error(f"function names are lower case: write {word.lower()}()", token)
        self.advance()
        args: list[Node] = []
        if not self.at(Kind.RPAREN):
            args.append(self.parse_or())
            while self.at(Kind.COMMA):
                self.advance()
                args.append(self.parse_or())
        self.expect(Kind.RPAREN, f"',' or ')' in the arguments of {word}()")
        return Call(word, tuple(args), token.position)

    def expect(self, kind: Kind, description: str) -> Token:
        if self.current.kind is not kind:
            raise self._unexpected(description)
        return self.advance()


def parse_expression(text: str) -> Expression:
    """Parse Lexp ``text`` into an immutable :class:`Expression`.

    Raises :class:`ExpressionSyntaxError` with the position and a caret excerpt on bad syntax.
    """
    return Parser(text).parse()
