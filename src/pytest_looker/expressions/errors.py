"""Errors raised by the Looker expression (Lexp) package.

All of them are :class:`pytest_looker.errors.ExpressionError`, so callers that only care whether an
assert could be evaluated catch one class. The subclasses exist because a data test reports them
differently: a syntax, type or unknown-field problem makes the test *error* (the user must fix the
LookML), while an unsupported function tells the user that pytest-looker, not their LookML, is the limit.
Every message quotes the expression and, where we know it, points at the offending character.
"""

from __future__ import annotations

from pytest_looker.errors import ExpressionError, Location

__all__ = [
    "ExpressionError",
    "ExpressionSyntaxError",
    "ExpressionTypeError",
    "UnknownFieldError",
    "UnsupportedFunctionError",
    "excerpt",
]


def excerpt(text: str, position: int) -> str:
    """Return the source line holding ``position`` with a caret under it.

    Multi-line asserts are common (the ``;;`` often sits on its own line), so we show only the line
    that contains the problem, prefixed by two spaces so it stands out in a test report.
    """
    position = max(0, min(position, len(text)))
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    if end == -1:
        end = len(text)
    line = text[start:end]
    return f"  {line}\n  {' ' * (position - start)}^"


def line_and_column(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of ``position`` in ``text``."""
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return line, column


class _PositionedError(ExpressionError):
    """An expression error that can point at a character of the expression text."""

    def __init__(
        self,
        message: str,
        text: str | None = None,
        position: int | None = None,
        location: Location | None = None,
    ) -> None:
        self.reason = message
        self.text = text
        self.position = position
        self.line: int | None = None
        self.column: int | None = None
        full = message
        if text is not None and position is not None:
            self.line, self.column = line_and_column(text, position)
            full = f"{message} (line {self.line}, column {self.column}):\n{excerpt(text, position)}"
        elif text is not None:
            full = f"{message} in expression `{text.strip()}`"
        super().__init__(full, location)


class ExpressionSyntaxError(_PositionedError):
    """The text is not a Looker expression; ``position``/``line``/``column`` locate the problem."""


class ExpressionTypeError(_PositionedError):
    """Wrong argument type or count, or an operator applied to the wrong types.

    Looker type-checks an expression before running it, so these are errors rather than ``no``.
    """


class UnknownFieldError(_PositionedError):
    """A ``${view.field}`` that is not a column of the query result."""


class UnsupportedFunctionError(_PositionedError):
    """A function Looker does not have, or one this evaluator cannot run in this context."""
