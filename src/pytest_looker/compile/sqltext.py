"""A rendered SQL fragment together with the explore aliases it reads.

Join pruning needs to know which joins a field's SQL touches after every ``${}`` has been
inlined, so each fragment carries the aliases it references. Building fragments through
:func:`combine` keeps that bookkeeping out of the renderers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_SIMPLE = re.compile(r"^\s*(?:[A-Za-z_][\w$]*(?:\.[A-Za-z_\"`][\w$\"`]*)*|-?\d+(?:\.\d+)?|'[^']*'|\"[^\"]*\")\s*$")


@dataclass(frozen=True)
class Sql:
    """SQL text plus the aliases (base view or joins) it needs in the FROM clause."""

    text: str
    aliases: frozenset[str] = frozenset()

    def map(self, text: str) -> Sql:
        """The same dependencies for a new text built around this one."""
        return Sql(text, self.aliases)


def combine(text: str, parts: Iterable[Sql]) -> Sql:
    """A fragment whose text is ``text`` and whose dependencies are those of ``parts``."""
    aliases: frozenset[str] = frozenset()
    for part in parts:
        aliases |= part.aliases
    return Sql(text, aliases)


def wrap(text: str) -> str:
    """Parenthesise an inlined expression unless it is a plain column, number or literal.

    Looker splices ``${}`` references textually; the parentheses keep operator precedence
    intact (``${a} * 2`` with ``a`` = ``x + y``) without changing any result.
    """
    stripped = text.strip()
    if _SIMPLE.match(stripped) or _is_wrapped(stripped):
        return stripped
    return f"({stripped})"


def _is_wrapped(text: str) -> bool:
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    quote: str | None = None
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = None
            continue
        if char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0 and index != len(text) - 1:
                return False
    return depth == 0
