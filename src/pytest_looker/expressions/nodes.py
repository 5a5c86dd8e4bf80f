"""Immutable AST for Looker expressions, and a printer that turns it back into Lexp text.

Nodes are frozen dataclasses that compare by structure; the source ``position`` is carried for
error messages but excluded from equality, so ``parse(to_text(tree)) == tree`` holds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias


@dataclass(frozen=True)
class Number:
    """A numeric literal (always non-negative: a leading ``-`` is unary minus)."""

    value: int | float
    position: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class String:
    """A double-quoted string literal, already unescaped."""

    value: str
    position: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class YesNo:
    """The ``yes`` / ``no`` constants."""

    value: bool
    position: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class Null:
    """The ``null`` constant."""

    position: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class FilterLiteral:
    """A backtick filter expression, only meaningful inside ``matches_filter``."""

    text: str
    position: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class FieldRef:
    """``${view.field}`` (``view`` is None for an unscoped ``${name}``), optionally ``:total``."""

    view: str | None
    field: str
    suffix: str | None = None
    position: int = dataclasses.field(default=0, compare=False)

    @property
    def name(self) -> str:
        """The reference as written between ``${`` and ``}``, without the suffix."""
        return f"{self.view}.{self.field}" if self.view is not None else self.field


@dataclass(frozen=True)
class Unary:
    """``-x`` or ``NOT x``."""

    op: str
    operand: Node
    position: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class Binary:
    """An infix operator: arithmetic, comparison, ``AND`` or ``OR``."""

    op: str
    left: Node
    right: Node
    position: int = dataclasses.field(default=0, compare=False)


@dataclass(frozen=True)
class Call:
    """A function call ``name(arg, ...)``."""

    name: str
    args: tuple[Node, ...]
    position: int = dataclasses.field(default=0, compare=False)


Node: TypeAlias = Number | String | YesNo | Null | FilterLiteral | FieldRef | Unary | Binary | Call


@dataclass(frozen=True)
class Expression:
    """A parsed expression: the original text (for messages) and the tree."""

    text: str
    root: Node

    def __str__(self) -> str:
        return to_text(self.root)


# Binding strength, loosest first; mirrors the grammar in parser.py.
PRECEDENCE: dict[str, int] = {"OR": 1, "AND": 2, "NOT": 3, "=": 4, "!=": 4, ">": 4, "<": 4}
PRECEDENCE.update({">=": 4, "<=": 4, "+": 5, "-": 5, "*": 6, "/": 6})
NEGATION = 7
ATOM = 8
COMPARISON = 4


def precedence(node: Node) -> int:
    """How tightly ``node`` binds when printed without parentheses."""
    if isinstance(node, Binary):
        return PRECEDENCE[node.op]
    if isinstance(node, Unary):
        return PRECEDENCE["NOT"] if node.op == "NOT" else NEGATION
    return ATOM


def _number_text(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    return text if "." in text else f"{text}.0"


def _wrap(node: Node, minimum: int) -> str:
    text = to_text(node)
    return f"({text})" if precedence(node) < minimum else text


def to_text(node: Node) -> str:
    """Print ``node`` as Lexp with the fewest parentheses that keep its meaning."""
    if isinstance(node, Number):
        return _number_text(node.value)
    if isinstance(node, String):
        escaped = node.value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(node, YesNo):
        return "yes" if node.value else "no"
    if isinstance(node, Null):
        return "null"
    if isinstance(node, FilterLiteral):
        return f"`{node.text}`"
    if isinstance(node, FieldRef):
        suffix = f":{node.suffix}" if node.suffix else ""
        return f"${{{node.name}{suffix}}}"
    if isinstance(node, Unary):
        if node.op == "NOT":
            return f"NOT {_wrap(node.operand, PRECEDENCE['NOT'])}"
        operand = _wrap(node.operand, NEGATION)
        return f"- {operand}" if operand.startswith("-") else f"-{operand}"
    if isinstance(node, Binary):
        level = PRECEDENCE[node.op]
        left_min = level + 1 if level == COMPARISON else level
        return f"{_wrap(node.left, left_min)} {node.op} {_wrap(node.right, level + 1)}"
    return f"{node.name}({', '.join(to_text(arg) for arg in node.args)})"


def walk(node: Node) -> list[Node]:
    """``node`` and all its descendants, parents before children."""
    found: list[Node] = [node]
    if isinstance(node, Unary):
        found += walk(node.operand)
    elif isinstance(node, Binary):
        found += walk(node.left) + walk(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            found += walk(arg)
    return found
