"""The yesno grammar: ``yes`` or ``no``, case-insensitive; empty means no condition.

Looker's filter-expression reference (section "Boolean") lists exactly four values for a
yesno field: ``yes``/``Yes`` (true) and ``no``/``No`` (false or NULL); ``TRUE``/``FALSE`` are for
fields holding database booleans. It documents no list: unlike strings and numbers, a comma
does not combine yesno values. What Looker does with anything else (``Yes,No``, ``maybe``) is not
documented, so the error says so instead of guessing a meaning.
"""

from __future__ import annotations

from .diagnostics import syntax_error
from .nodes import YesNoFilter


def parse_yesno(text: str) -> YesNoFilter:
    """Parse ``yes``/``no``; anything else (``true``, ``maybe``, ``Yes,No``) is an error."""
    word = text.strip().lower()
    if not word:
        return YesNoFilter(text=text, value=None)
    if word not in ("yes", "no"):
        if "," in word and {part.strip() for part in word.split(",")} <= {"yes", "no"}:
            raise syntax_error(
                "yesno",
                text,
                word.index(",") + len(text) - len(text.lstrip()),
                "a yesno filter takes one value, yes or no (Looker's filter-expression reference, "
                "'Boolean', documents no list for yesno fields, and not what Looker does with one); "
                'to allow both values, remove the filter or give it an empty value ("", is any value)',
            )
        raise syntax_error("yesno", text, len(text) - len(text.lstrip()), "expected yes or no")
    return YesNoFilter(text=text, value=word == "yes")


__all__ = ["parse_yesno"]
