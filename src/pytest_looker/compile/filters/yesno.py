"""The yesno grammar: ``yes`` or ``no``, case-insensitive; empty means no condition."""

from __future__ import annotations

from .diagnostics import syntax_error
from .nodes import YesNoFilter


def parse_yesno(text: str) -> YesNoFilter:
    """Parse ``yes``/``no``; anything else (``true``, ``maybe``) is an error."""
    word = text.strip().lower()
    if not word:
        return YesNoFilter(text=text, value=None)
    if word not in ("yes", "no"):
        raise syntax_error("yesno", text, len(text) - len(text.lstrip()), "expected yes or no")
    return YesNoFilter(text=text, value=word == "yes")


__all__ = ["parse_yesno"]
