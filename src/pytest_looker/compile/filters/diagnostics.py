"""One way to report a malformed filter: the expression, the 1-based position, the problem.

Every parser raises through :func:`syntax_error` so users always see which expression failed
and where, and so no internal exception (``ValueError``, ``IndexError``…) ever escapes.
"""

from __future__ import annotations

from pytest_looker.errors import FilterSyntaxError


def syntax_error(kind: str, text: str, position: int, problem: str) -> FilterSyntaxError:
    """Build the error for ``problem`` at 0-based ``position`` of ``text`` (a ``kind`` filter)."""
    column = max(0, min(position, len(text))) + 1
    return FilterSyntaxError(f"invalid {kind} filter expression {text!r} at position {column}: {problem}")
