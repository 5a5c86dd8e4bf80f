"""Tokenizer for Looker expressions.

The lexer is where most "this is SQL, not Lexp" mistakes are caught: ``==``, ``<>``, ``^``, ``%``,
``||``, single quotes, exponent numbers. Each gets a syntax error that names the Lexp replacement,
because a user who wrote ``x ^ 2`` needs to hear "use power()", not "unexpected character".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from .errors import ExpressionSyntaxError


class Kind(Enum):
    """Token kinds. Keywords (``AND OR NOT``) are only recognised in upper case."""

    NUMBER = "number"
    STRING = "string"
    FILTER = "filter expression"
    FIELD = "field reference"
    IDENT = "name"
    KEYWORD = "keyword"
    OP = "operator"
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    EOF = "end of expression"


@dataclass(frozen=True)
class Token:
    """One token; ``value`` is the decoded value (string contents without quotes, etc.)."""

    kind: Kind
    value: str
    position: int


KEYWORDS = frozenset({"AND", "OR", "NOT"})

# Operators that people bring from SQL or programming languages, with the Lexp way to say it.
_FOREIGN_OPERATORS: dict[str, str] = {
    "==": "use = for equality",
    "<>": "use != for inequality",
    "**": "use power(base, exponent)",
    "^": "use power(base, exponent)",
    "%": "use mod(x, divisor)",
    "||": "use OR, or concat() to join strings",
    "&&": "use AND",
    "|": "use OR",
    "&": "use AND",
    "!": "use NOT, or != for inequality",
}

_TWO_CHAR_OPS = ("!=", ">=", "<=")
_ONE_CHAR_OPS = "+-*/=<>"
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


class Lexer:
    """Turns expression text into tokens; raises :class:`ExpressionSyntaxError` on bad input."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, message: str, position: int | None = None) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(message, self.text, self.pos if position is None else position)

    def tokens(self) -> Iterator[Token]:
        text = self.text
        while True:
            self._skip_blank()
            if self.pos >= len(text):
                yield Token(Kind.EOF, "", self.pos)
                return
            yield self._next()

    def _skip_blank(self) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char.isspace():
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end == -1 else end
            else:
                return

    def _next(self) -> Token:
        text, start = self.text, self.pos
        char = text[start]
        two = text[start : start + 2]
        if char.isdigit():
            return self._number()
        if char == "." and text[start + 1 : start + 2].isdigit():
            raise self.error("numbers need a leading digit: write 0.5, not .5")
        if char == '"':
            return self._string()
        if char == "'":
            raise self.error('strings use double quotes in Looker expressions: write "text"')
        if char == "`":
            end = text.find("`", start + 1)
            if end == -1:
                raise self.error("unterminated filter expression: missing closing backtick")
            self.pos = end + 1
            return Token(Kind.FILTER, text[start + 1 : end], start)
        if two == "${":
            return self._field()
        if char in _NAME_CHARS:
            while self.pos < len(text) and text[self.pos] in _NAME_CHARS:
                self.pos += 1
            word = text[start : self.pos]
            return Token(Kind.KEYWORD if word in KEYWORDS else Kind.IDENT, word, start)
        if two in _FOREIGN_OPERATORS:
            raise self.error(f"'{two}' is not a Looker expression operator: {_FOREIGN_OPERATORS[two]}")
        if two in _TWO_CHAR_OPS:
            self.pos += 2
            return Token(Kind.OP, two, start)
        if char in _FOREIGN_OPERATORS:
            raise self.error(f"'{char}' is not a Looker expression operator: {_FOREIGN_OPERATORS[char]}")
        simple = {"(": Kind.LPAREN, ")": Kind.RPAREN, ",": Kind.COMMA}
        if char in simple:
            self.pos += 1
            return Token(simple[char], char, start)
        if char in _ONE_CHAR_OPS:
            self.pos += 1
            return Token(Kind.OP, char, start)
        raise self.error(f"unexpected character {char!r}")

    def _number(self) -> Token:
        text, start = self.text, self.pos
        while self.pos < len(text) and text[self.pos].isdigit():
            self.pos += 1
        if text[self.pos : self.pos + 1] == ".":
            self.pos += 1
            if not text[self.pos : self.pos + 1].isdigit():
                raise self.error("a decimal point must be followed by digits (write 1.0)", self.pos - 1)
            while self.pos < len(text) and text[self.pos].isdigit():
                self.pos += 1
        if self.pos < len(text) and (text[self.pos] in _NAME_CHARS or text[self.pos] == "."):
            raise self.error("malformed number: Looker expressions have no exponent or suffix forms", start)
        return Token(Kind.NUMBER, text[start : self.pos], start)

    def _string(self) -> Token:
        """Double-quoted string; ``\\"`` and ``\\\\`` are escapes, any other backslash is kept."""
        text, start = self.text, self.pos
        self.pos += 1
        parts: list[str] = []
        while True:
            if self.pos >= len(text):
                raise self.error("unterminated string: missing closing double quote", start)
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return Token(Kind.STRING, "".join(parts), start)
            if char == "\\" and text[self.pos + 1 : self.pos + 2] in ('"', "\\"):
                parts.append(text[self.pos + 1])
                self.pos += 2
                continue
            parts.append(char)
            self.pos += 1

    def _field(self) -> Token:
        """``${view.field}``, ``${name}`` or ``${view.field:total}``; value is the inner text."""
        text, start = self.text, self.pos
        end = text.find("}", start)
        if end == -1:
            raise self.error("unterminated field reference: missing '}'")
        inner = text[start + 2 : end]
        name, _, suffix = inner.partition(":")
        parts = name.split(".")
        valid = (
            len(parts) <= 2
            and all(part and set(part) <= _NAME_CHARS for part in parts)
            and (suffix in ("", "total", "row_total") and (":" not in inner or suffix))
        )
        if not valid:
            raise self.error(
                f"malformed field reference ${{{inner}}}: expected ${{view.field}}"
                " (letters, digits and _ only, one dot, optional :total or :row_total)"
            )
        self.pos = end + 1
        return Token(Kind.FIELD, inner, start)


def tokenize(text: str) -> list[Token]:
    """All tokens of ``text``, ending with an ``EOF`` token."""
    return list(Lexer(text).tokens())
