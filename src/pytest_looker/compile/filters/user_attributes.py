"""``{{ _user_attributes['name'] }}`` in filter expressions: substitution before parsing.

Looker substitutes the user's attribute value textually and then parses the result with the
field's grammar (a value ``London, Paris`` becomes two items), so this is a pure text step the
caller runs before :func:`parse_filter`. The parsers themselves refuse a reference that was
not substituted, rather than silently matching its literal text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pytest_looker.errors import FilterSyntaxError

_REFERENCE = re.compile(r"\{\{\s*_user_attributes\s*\[\s*(?P<q>['\"])(?P<name>.*?)(?P=q)\s*\]\s*\}\}")
_START = re.compile(r"\{\{\s*_user_attributes\b")
_NAME = re.compile(r"[A-Za-z0-9_]+")


def has_user_attribute(text: str) -> bool:
    """Whether ``text`` still contains a ``{{ _user_attributes[…] }}`` reference."""
    return _START.search(text) is not None


def substitute_user_attributes(text: str, values: Mapping[str, str]) -> str:
    """Replace every ``{{ _user_attributes['name'] }}`` in ``text`` by ``values[name]``.

    Raises :class:`FilterSyntaxError` for a malformed reference, a name outside
    ``[A-Za-z0-9_]+``, or an attribute missing from ``values`` (our choice; Looker's behaviour
    for unset attributes is not documented).
    """

    def replace(match: re.Match[str]) -> str:
        name = match["name"]
        if not _NAME.fullmatch(name):
            raise FilterSyntaxError(
                f"invalid user attribute name {name!r} in filter expression {text!r} at position "
                f"{match.start('name') + 1}: names use letters, digits and _"
            )
        if name not in values:
            raise FilterSyntaxError(f"user attribute {name!r} in filter expression {text!r} has no value")
        return values[name]

    result = _REFERENCE.sub(replace, text)
    leftover = _START.search(_REFERENCE.sub("", text))
    if leftover is not None:
        raise FilterSyntaxError(
            f"malformed user attribute reference in filter expression {text!r}: "
            "write {{ _user_attributes['name'] }}"
        )
    return result
