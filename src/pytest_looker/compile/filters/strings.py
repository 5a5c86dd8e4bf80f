"""The string and tier grammars: splitting items, resolving escapes, classifying LIKE forms.

Looker string filters mix three layers that are easy to get subtly wrong, so they are handled
in this order, each in one function:

1. :func:`_split_items` cuts the expression at commas that are neither escaped (``^,``/``\\,``)
   nor inside a quoted item;
2. :func:`_decode_item` trims unescaped edge whitespace, reads the leading ``-``, keywords,
   quoting and escapes, and marks each unescaped ``%``/``_`` as a wildcard;
3. :func:`_classify` turns the decoded pieces into an exact value, one of the named LIKE forms
   (contains / starts with / ends with, whose value is trimmed like Looker's UI does) or a raw
   LIKE pattern.

Tier filters reuse steps 1 and 2 but reject wildcards and have no keywords.
"""

from __future__ import annotations

from dataclasses import dataclass

from pytest_looker.errors import FilterSyntaxError

from .diagnostics import syntax_error
from .nodes import PatternPart, StringFilter, StringItem, StringMatch, TierFilter, TierItem, Wildcard

#: Characters that ``^`` may escape (D); ``'`` is accepted too because Looker's UI emits it.
_CARET_ESCAPES = frozenset(",%_^-\"' ")
#: Backslash escapes (G, JSON-like): the escaped character, or the control character it names.
_BACKSLASH_ESCAPES: dict[str, str] = {
    ",": ",",
    "%": "%",
    "_": "_",
    "^": "^",
    "-": "-",
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
#: Unescaped whitespace trimmed from both ends of every item (Looker's server strips it).
_TRIMMED = " \t\r\n"
_KEYWORDS = {
    "NULL": StringMatch.NULL,
    "null": StringMatch.NULL,
    "EMPTY": StringMatch.EMPTY,
    "empty": StringMatch.EMPTY,
}
_HEX = frozenset("0123456789abcdefABCDEF")


@dataclass(frozen=True)
class _Char:
    """One decoded character; ``wildcard`` is set only for an unescaped ``%`` or ``_``."""

    char: str
    wildcard: Wildcard | None = None


@dataclass(frozen=True)
class _Decoded:
    """An item after escapes: negation, and either a keyword or its characters."""

    negated: bool
    keyword: StringMatch | None
    chars: tuple[_Char, ...]
    quoted: bool
    position: int


def parse_string(text: str) -> StringFilter:
    """Parse a string-filter expression (``FOO%,-FOOD``) into its items."""
    items = tuple(_classify(decoded) for decoded in _decode_all("string", text))
    return StringFilter(text=text, items=items)


def parse_tier(text: str) -> TierFilter:
    """Parse a tier-filter expression: literal labels, each optionally negated with ``-``."""
    items: list[TierItem] = []
    for decoded in _decode_all("tier", text, keywords=False):
        for offset, char in enumerate(decoded.chars):
            if char.wildcard is not None:
                raise syntax_error(
                    "tier",
                    text,
                    decoded.position + offset,
                    f"tier filters have no wildcards; escape a literal {char.char!r} as ^{char.char}",
                )
        items.append(TierItem(label="".join(c.char for c in decoded.chars), negated=decoded.negated))
    return TierFilter(text=text, items=tuple(items))


def quote_string_value(value: str) -> str:
    """A string-filter expression that matches exactly ``value`` (a double-quoted item).

    Inside quotes every character is literal except ``\\"`` and ``\\\\``, so quoting is the one
    spelling that can carry any text, including keywords, edge spaces, commas and wildcards.
    """
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unescape_caret(value: str) -> str:
    """``value`` with Looker's caret escapes read (``date^_hour`` → ``date_hour``, ``^^`` → ``^``).

    A parameter's value travels as a filter value, and Looker's filter UI escapes the string
    grammar's special characters in it: Google's GCS storage-intelligence dashboards set an
    unquoted parameter to ``date^_hour``. A caret before any other character stays as it is.
    """
    if "^" not in value:
        return value
    out: list[str] = []
    index = 0
    while index < len(value):
        char = value[index]
        if char == "^" and index + 1 < len(value) and value[index + 1] in _CARET_ESCAPES:
            out.append(value[index + 1])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def escape_string_text(value: str) -> str:
    """Escape ``value`` for use inside an unquoted item, e.g. between ``%`` wildcards.

    Special characters get a caret, control characters a backslash escape. Edge spaces are not
    protected: the named LIKE forms trim them anyway (use :func:`quote_string_value` for exact).
    """
    out: list[str] = []
    for char in value:
        if char in ",%_^\"'-":
            out.append("^" + char)
        elif char == "\\":
            out.append("\\\\")
        elif char in "\b\f\n\r\t":
            out.append("\\" + {"\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t"}[char])
        else:
            out.append(char)
    return "".join(out)


# ---------------------------------------------------------------------------------------------


def _decode_all(kind: str, text: str, *, keywords: bool = True) -> list[_Decoded]:
    if not text.strip(_TRIMMED):
        return []
    return [_decode_item(kind, text, start, end, keywords) for start, end in _split_items(kind, text)]


def _split_items(kind: str, text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the items; commas in quotes or escaped do not split."""
    bounds: list[tuple[int, int]] = []
    start = index = 0
    before_body, dash_seen = True, False
    while index < len(text):
        char = text[index]
        if before_body:
            if char in _TRIMMED or (char == "-" and not dash_seen):
                dash_seen = dash_seen or char == "-"
                index += 1
                continue
            before_body = False
            if char == '"':
                index = _skip_quoted(kind, text, index)
                continue
        if char in "^\\":
            index += 2
            continue
        if char == ",":
            bounds.append((start, index))
            start = index + 1
            before_body, dash_seen = True, False
        index += 1
    bounds.append((start, len(text)))
    return bounds


def _skip_quoted(kind: str, text: str, index: int) -> int:
    """Return the offset just after the quoted run starting at ``text[index] == '"'``."""
    cursor = index + 1
    while cursor < len(text):
        if text[cursor] == "\\" and cursor + 1 < len(text):
            cursor += 2
            continue
        if text[cursor] == '"':
            return cursor + 1
        cursor += 1
    raise syntax_error(kind, text, index, "unterminated double quote")


def _decode_item(kind: str, text: str, start: int, end: int, keywords: bool) -> _Decoded:
    raw = text[start:end]
    stripped_left = raw.lstrip(_TRIMMED)
    position = start + len(raw) - len(stripped_left)
    body = stripped_left.rstrip(_TRIMMED)
    if len(body) < len(stripped_left) and _ends_with_dangling(body):
        # The server right-strips the item before reading escapes, so "a^ " loses its space
        # and the caret that escaped it is ignored; Looker's UI doubles a trailing "^ " for this.
        body = body[:-1]
    if not body:
        raise syntax_error(kind, text, position, "empty item (two commas in a row or a trailing comma)")
    negated = body.startswith("-")
    if negated:
        rest = body[1:].lstrip(_TRIMMED)
        position += len(body) - len(rest)
        body = rest
        if not body:
            raise syntax_error(kind, text, position, "'-' must be followed by a value")
    if keywords and body in _KEYWORDS:
        return _Decoded(negated, _KEYWORDS[body], (), False, position)
    if body.startswith('"'):
        return _Decoded(negated, None, _decode_quoted(kind, text, position, body), True, position)
    return _Decoded(negated, None, _decode_text(kind, text, position, body), False, position)


def _ends_with_dangling(body: str) -> bool:
    run = len(body) - len(body.rstrip("^"))
    return run % 2 == 1


def _decode_quoted(kind: str, text: str, position: int, body: str) -> tuple[_Char, ...]:
    chars: list[_Char] = []
    index = 1
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body) and body[index + 1] in '"\\':
            chars.append(_Char(body[index + 1]))
            index += 2
            continue
        if char == '"':
            if index != len(body) - 1:
                raise syntax_error(kind, text, position + index + 1, "unexpected text after a closing quote")
            return tuple(chars)
        chars.append(_Char(char))
        index += 1
    raise syntax_error(kind, text, position, "unterminated double quote")


def _decode_text(kind: str, text: str, position: int, body: str) -> tuple[_Char, ...]:
    chars: list[_Char] = []
    index = 0
    while index < len(body):
        char = body[index]
        at = position + index
        if char == "^":
            following = body[index + 1 : index + 2]
            if not following or following not in _CARET_ESCAPES:
                shown = repr(following) if following else "the end"
                raise syntax_error(
                    kind,
                    text,
                    at,
                    f"'^' escapes only , % _ ^ - \" ' and space, not {shown}; write ^^ for a caret",
                )
            chars.append(_Char(following))
            index += 2
        elif char == "\\":
            decoded, width = _backslash(kind, text, at, body[index + 1 :])
            chars.append(_Char(decoded))
            index += 1 + width
        elif char == "%":
            chars.append(_Char(char, Wildcard.ANY))
            index += 1
        elif char == "_":
            chars.append(_Char(char, Wildcard.ONE))
            index += 1
        else:
            chars.append(_Char(char))
            index += 1
    return tuple(chars)


def _backslash(kind: str, text: str, at: int, rest: str) -> tuple[str, int]:
    """Decode the escape after a backslash: ``(character, characters consumed)``."""
    if rest[:1] in _BACKSLASH_ESCAPES and rest:
        return _BACKSLASH_ESCAPES[rest[0]], 1
    if rest[:1] == "u" and len(rest) >= 5 and all(c in _HEX for c in rest[1:5]):
        return chr(int(rest[1:5], 16)), 5
    raise syntax_error(kind, text, at, "invalid backslash escape; write \\\\ for a backslash")


def _classify(decoded: _Decoded) -> StringItem:
    if decoded.keyword is not None:
        return StringItem(match=decoded.keyword, negated=decoded.negated)
    chars = decoded.chars
    if all(c.wildcard is None for c in chars):
        return StringItem(StringMatch.EQUALS, decoded.negated, value="".join(c.char for c in chars))
    lead = _run_of_any(chars)
    trail = _run_of_any(tuple(reversed(chars)))
    middle = chars[lead : len(chars) - trail] if lead < len(chars) else ()
    if middle and all(c.wildcard is None for c in middle) and (lead or trail):
        value = "".join(c.char for c in middle).strip(" ")
        match = StringMatch.CONTAINS if lead and trail else StringMatch.ENDS_WITH if lead else StringMatch.STARTS_WITH
        return StringItem(match, decoded.negated, value=value)
    return StringItem(StringMatch.LIKE, decoded.negated, pattern=_pattern(chars))


def _run_of_any(chars: tuple[_Char, ...]) -> int:
    count = 0
    for char in chars:
        if char.wildcard is not Wildcard.ANY:
            break
        count += 1
    return count


def _pattern(chars: tuple[_Char, ...]) -> tuple[PatternPart, ...]:
    parts: list[PatternPart] = []
    for char in chars:
        if char.wildcard is not None:
            parts.append(char.wildcard)
        elif parts and isinstance(parts[-1], str):
            parts[-1] += char.char
        else:
            parts.append(char.char)
    return tuple(parts)


__all__ = ["FilterSyntaxError", "escape_string_text", "parse_string", "parse_tier", "quote_string_value"]
