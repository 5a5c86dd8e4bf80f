"""The YAML that LookML dashboards are written in, read without PyYAML.

Why: a cold ``inspect`` of a small project reads its dashboards, and importing PyYAML (~12 ms,
a third of it compiling one pattern) plus building libyaml's events cost more than the rest
of the load. Dashboards use a small part of YAML — block mappings and sequences (the
sequence of a key at the key's own indentation included), plain, quoted and block scalars
(``|``, ``>``, with ``-``/``+``), flow sequences and mappings of scalars, comments — and this
reads exactly that part, line by line, into what PyYAML's safe loader builds (with each
mapping's ``$line``, as :mod:`.dashboards` wants).

Anything outside it raises :class:`Unsupported` and the caller reads the file with PyYAML
(libyaml, then the pure-Python loader), which also words any error: anchors and aliases, tags
(Looker's ``!ruby/...`` included), ``?`` keys, directives and several documents, tabs in
indentation, line breaks other than ``\\n``/``\\r\\n``, characters YAML does not allow, and any
plain scalar this reader does not resolve with certainty to PyYAML's type — it resolves
null, bool, decimal ints and simple floats, and strings that no YAML 1.1 implicit type can
match; dates, octal, hexadecimal, sexagesimal, ``.inf`` and the like go to PyYAML.
``tests/lookml/test_yamlsubset.py`` compares it with PyYAML's pure-Python loader on every
dashboard of the public projects and on generated documents.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

__all__ = ["Unsupported", "read_outline", "read_subset"]

_LINE_KEY = "$line"


class Unsupported(Exception):
    """The document uses YAML this reader leaves to PyYAML."""


# Characters YAML 1.1 does not allow in a stream (PyYAML's reader rejects them), and line
# breaks other than \n (PyYAML counts \r, \x85, \u2028 and \u2029 as line breaks too).
_REJECTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\r\u2028\u2029\ufeff]")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = {
    **dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]*")
# A plain scalar starting with one of these may be an int, float or timestamp: unless it holds a
# character none of those can contain, the reader does not decide.
_NUMERIC_START = frozenset("0123456789+-.")
_NUMERIC_CHARS = frozenset("0123456789_+-.:eEtTZ \t")  # ints, floats, timestamps (0x and 0b apart)
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF_")
_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
    "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
#: ``key: value`` with a key of name characters (plain, so never a number) — the usual line.
_SIMPLE_ENTRY = re.compile(r"([A-Za-z_$][\w.$-]*):(?:$| +(.*))")
#: Plain scalars that are not strings although they start with a letter (or are empty).
_SPECIAL_WORDS = frozenset((*_NULLS, *_BOOLS, "=", "<<"))
#: What a value starting with one of these is read by the general path.
_NOT_PLAIN_START = frozenset("'\"[{|>&*!%@`?,]}#-:=<")
_NULL_TAG = "!!null "
_INSIGNIFICANT = ("", "#")  # what a blank line and a comment start with, after the indentation
_FLOW_PLAIN_END = re.compile(r",|\]|\}|:[ \n,\]\}]|:$| #")
#: A value :func:`read_outline` may pass over without building: one the reader reads whole on
#: its line and never rejects — a plain scalar with no ``#`` or ``:`` that is a string or a
#: null/bool word, a decimal int or simple float, a quoted scalar without escapes, ``{}``, ``[]``.
_PASSABLE_VALUE = (
    r"(?:[^\s'\"\[{|>&*!%@`?,\]}#\-:=<0-9+.][^#:]*(?<![ \t])|[0-9]+\.[0-9]*|0|[1-9][0-9]*"
    r"|'[^']*'|\"[^\"\\]*\"|\{\}|\[\])"
)


@functools.cache
def _passable_lines() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The lines of a block mapping, and of a block sequence, that :func:`read_outline` passes
    over (their indentation is checked apart). Compiled on first use: only the outline reads them."""
    return re.compile(r" *[A-Za-z_$][\w.$-]*: +" + _PASSABLE_VALUE), re.compile(r" *- +" + _PASSABLE_VALUE)


def _no_match(line: str) -> re.Match[str] | None:
    """What the whole reader has for :func:`_passable_lines` (never called: it passes nothing)."""
    return None


@functools.cache
def _flow_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """How :func:`read_outline` passes over a flow collection :class:`_Flow` reads whole and
    never rejects: its scalars, then its innermost collections, are replaced by a letter
    (``s``, ``c``) until one ``c`` is left. Built on first use: only the outline reads them.

    The scalars: plain ones starting with a letter and holding none of ``,[]{}:#?'"`` nor a tab
    (continued on lines indented by at least one space; ending with a character that is not a
    space), decimal ints and simple floats, quoted ones on one line without escapes, and
    ``!!null ''``. Every letter of the text starts a scalar, so what is left besides ``s`` is
    brackets, commas, colons and blanks: a collection of scalars (``[s, s]``, ``{s: s, s: c}``,
    a key never a collection), written as :class:`_Flow` reads it, becomes ``c``; anything else
    stays and the collection is read by :class:`_Flow` (which words its error).
    """
    excluded = ",\\[\\]{}:#?'\"\\t\\n"
    plain = rf"[A-Za-z_$](?: *[^{excluded} ]| *\n +[^{excluded} ])*"
    scalar = rf"[0-9]+\.[0-9]*|0|[1-9][0-9]*|{plain}|\"[^\"\\\n\t]*\"|'[^'\n\t]*'|!!null (?:''|\"\")"
    blank = r"[ \n]*"
    sequence = rf"\[{blank}(?:[sc]{blank}(?:,{blank}|(?=\])))*\]"
    mapping = rf"\{{{blank}(?:s *:[ \n]{blank}[sc]{blank}(?:,{blank}|(?=\}})))*\}}"
    return re.compile(scalar), re.compile(f"{sequence}|{mapping}")


#: The most lines of one flow collection :func:`read_outline` passes over.
_FLOW_LINES = 40


def resolve_plain(text: str) -> Any:
    """A plain scalar as PyYAML's safe loader makes it, or :class:`Unsupported` when unsure."""
    if text in _NULLS:
        return None
    first = text[0]
    if first in _NUMERIC_START:
        if _INT.fullmatch(text):
            return int(text)
        if _FLOAT.fullmatch(text):
            return float(text)
        unsigned = text.lstrip("+-")
        if (
            all(c in _NUMERIC_CHARS for c in text)
            or (unsigned.startswith("0x") and all(c in _HEX_DIGITS for c in unsigned[2:]))
            or (unsigned.startswith("0b") and all(c in "01_" for c in unsigned[2:]))
            or unsigned.lower() in (".inf", ".nan")
        ):
            raise Unsupported(f"plain scalar {text!r}")
        return text
    boolean = _BOOLS.get(text)
    if boolean is not None:
        return boolean
    if first in "=<" and text in ("=", "<<"):
        raise Unsupported(f"plain scalar {text!r}")
    return text


def read_subset(text: str) -> Any:
    """The document of a dashboard file with each mapping's ``$line``; :class:`Unsupported` outside the subset."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if _REJECTED.search(text):
        raise Unsupported("a character or line break this reader leaves to PyYAML")
    return _Reader(text.split("\n"), "\t" in text).document()


def read_outline(text: str) -> Any:
    """The document as :func:`read_subset` reads it down to the top-level mappings' own values,
    the collections nested in those mappings left partly empty: what the dashboards' outline
    reads (each ``- dashboard:`` entry, its name and line) in a third of the time.

    It raises :class:`Unsupported` exactly when :func:`read_subset` does, and every mapping keeps
    its ``$line``: it reads the same lines the same way, except that inside a mapping that is
    itself inside a mapping (and in a sequence inside a mapping), a line of ``key: value`` (or
    ``- value``) whose value :data:`_PASSABLE_VALUE` matches and that the next line continues at
    the same indentation is passed over — a line on which :func:`read_subset` cannot fail nor
    stop, whose value only it would build.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if _REJECTED.search(text):
        raise Unsupported("a character or line break this reader leaves to PyYAML")
    return _Reader(text.split("\n"), "\t" in text, outline=True).document()


class _Reader:
    def __init__(self, lines: list[str], tabs: bool = True, *, outline: bool = False) -> None:
        """``tabs``: whether the text holds a tab at all (when not, no line is indented with one);
        ``outline``: pass over the nested lines :func:`read_outline` says."""
        self.lines = lines
        self.outline = outline
        entry, item = _passable_lines() if outline else (None, None)
        #: Whether a line is one the outline passes over, in a mapping and in a sequence.
        self.passable_entry: Callable[[str], re.Match[str] | None] = entry.fullmatch if entry else _no_match
        self.passable_item: Callable[[str], re.Match[str] | None] = item.fullmatch if item else _no_match
        #: How many block mappings the reader is inside (with ``outline``).
        self.depth = 0
        if tabs and any(line.lstrip(" ")[:1] == "\t" for line in lines):
            raise Unsupported("tab in indentation")
        # Blank lines and comments are not significant: -1.
        self.indents = [
            -1 if (body := line.lstrip(" "))[:1] in _INSIGNIFICANT else len(line) - len(body) for line in lines
        ]

    def _significant(self, index: int) -> int:
        """The first significant line at or after ``index`` (``len(lines)`` at the end)."""
        indents = self.indents
        end = len(indents)
        while index < end and indents[index] < 0:
            index += 1
        return index

    def _passed_flow(self, text: str, index: int) -> int | None:
        """With ``outline``: the line after the flow collection ``text`` (the end of line
        ``index``) starts, when :func:`_flow_patterns` reduce it to one collection; else ``None``.

        Its last line is taken to be the first where as many brackets have closed as opened
        (quoted brackets too, so this may be wrong): then it reduces only if it is right, as
        the reduction reads quotes as :class:`_Flow` does.
        """
        lines = self.lines
        piece = text
        following = index
        last = min(len(lines), index + _FLOW_LINES)
        depth = 0
        while True:
            depth += piece.count("[") + piece.count("{") - piece.count("]") - piece.count("}")
            following += 1
            if depth <= 0:
                break
            if following >= last:
                return None
            piece = lines[following]
        scalars, innermost = _flow_patterns()
        window = text if following == index + 1 else "\n".join([text, *lines[index + 1 : following]])
        skeleton = scalars.sub("s", window)
        reduced = innermost.sub("c", skeleton)
        while reduced != skeleton:
            skeleton, reduced = reduced, innermost.sub("c", reduced)
        return following if skeleton.rstrip(" ") == "c" else None

    def document(self) -> Any:
        index = self._significant(0)
        if index == len(self.lines):
            return None
        body = self.lines[index].strip()
        if body[0] == "%":
            raise Unsupported("directive")
        if body == "---":
            index = self._significant(index + 1)
            if index == len(self.lines):
                return None
        elif body.startswith("---"):
            raise Unsupported("content after ---")
        if body[0] in "[{":
            value, index = self._inline(body, index, -1)
        else:
            value, index = self._node(index, -1)
        if self._significant(index) != len(self.lines):
            raise Unsupported("content after the document")
        return value

    def _node(self, index: int, parent: int) -> tuple[Any, int]:
        """The block node starting at the significant line ``index`` (indented more than ``parent``)."""
        indent = self.indents[index]
        body = self.lines[index][indent:]
        if body[0] == "-" and (len(body) == 1 or body[1] == " "):
            return self._sequence(index, indent)
        if body.startswith(("---", "...")):
            raise Unsupported("several documents")
        return self._mapping(index, indent, body)

    def _sequence(self, index: int, indent: int, first: str | None = None) -> tuple[list[Any], int]:
        """A block sequence whose dashes are at column ``indent``; ``first``: the text of its first
        item's line from the dash on, when the line holds another item's dash before it (``- - x``)."""
        items: list[Any] = []
        lines, indents = self.lines, self.indents
        end = len(lines)
        body = first
        passing = self.outline and self.depth > 0
        passable = self.passable_item
        while True:
            if body is None:
                if index >= end or indents[index] != indent:
                    break
                if passing:
                    while index + 1 < end and indents[index + 1] == indent and passable(lines[index]):
                        index += 1
                body = lines[index][indent:]
                if body[0] != "-" or (len(body) > 1 and body[1] != " "):
                    break
            rest = body[1:].lstrip(" ")
            if not rest or rest[0] == "#":
                following = self._significant(index + 1)
                if following < end and indents[following] > indent:
                    value, index = self._node(following, indent)
                else:
                    value, index = None, index + 1
            else:
                column = indent + len(body) - len(rest)
                if rest[0] == "-" and (len(rest) == 1 or rest[1] == " "):
                    value, index = self._sequence(index, column, rest)
                elif _is_mapping_entry(rest):
                    value, index = self._mapping(index, column, rest)
                elif passing and rest[0] in "[{" and (passed := self._passed_flow(rest, index)) is not None:
                    value, index = None, passed
                else:
                    value, index = self._inline(rest, index, indent)
            items.append(value)
            index = self._significant(index)
            body = None
        if index < end and indents[index] > indent:
            raise Unsupported("bad indentation after a sequence item")
        return items, index

    def _mapping(self, index: int, column: int, body: str) -> tuple[dict[Any, Any], int]:
        mapping: dict[Any, Any] = {}
        start = index + 1
        lines, indents = self.lines, self.indents
        end = len(lines)
        self.depth += 1
        passing = self.outline and self.depth > 1
        passable = self.passable_entry
        while True:
            simple = _SIMPLE_ENTRY.fullmatch(body)
            if simple is not None:  # the common `name: value`, read without the general path
                key, rest = simple.group(1, 2)
                if key in _SPECIAL_WORDS:
                    key = resolve_plain(key)
                if rest is None:
                    rest = ""
                elif (
                    rest
                    and rest[0] not in _NOT_PLAIN_START
                    and " #" not in rest
                    and ": " not in rest
                    and rest[-1] not in ": \t"
                    and (index + 1 >= end or indents[index + 1] <= column)
                ):
                    mapping[key] = resolve_plain(rest) if rest[0] in _NUMERIC_START or rest in _SPECIAL_WORDS else rest
                    index += 1
                    if index < end and indents[index] < 0:
                        index = self._significant(index)
                    # The next entry: a line at the same indentation that is not a dash (inlined
                    # from the general path's tests below: this runs for most lines of a dashboard).
                    if index < end and indents[index] == column:
                        if passing:
                            while index + 1 < end and indents[index + 1] == column and passable(lines[index]):
                                index += 1
                        body = lines[index][column:]
                        if body[0] != "-" or body[1:2] not in ("", " "):
                            continue
                        break
                    if index < end and indents[index] > column:
                        raise Unsupported("bad indentation in a mapping")
                    break
            elif body[0] == "?" and body[1:2] == " ":
                key, index, rest = self._explicit_key(body, index, column)
            else:
                key, rest = _split_key(body)
            if not rest or rest[0] == "#":
                following = self._significant(index + 1)
                if following < end and (
                    indents[following] > column or (indents[following] == column and _is_dash(lines[following], column))
                ):
                    value, index = self._node(following, column)
                else:
                    value, index = None, index + 1
            elif passing and rest[0] in "[{" and (passed := self._passed_flow(rest, index)) is not None:
                value, index = None, passed
            else:
                value, index = self._inline(rest, index, column)
            mapping[key] = value
            index = self._significant(index)
            if index >= end or indents[index] < column:
                break
            if indents[index] > column:
                raise Unsupported("bad indentation in a mapping")
            if passing:
                while index + 1 < end and indents[index + 1] == column and passable(lines[index]):
                    index += 1
            body = lines[index][column:]
            if _is_dash(lines[index], column):
                break  # the parent's next sequence item (a sequence at the key's indentation)
        mapping[_LINE_KEY] = start
        self.depth -= 1
        return mapping, index

    def _explicit_key(self, body: str, index: int, column: int) -> tuple[Any, int, str]:
        """``? key`` (PyYAML writes keys longer than 128 characters so) and its ``: value`` line:
        the key, the index of that line and the text after its colon."""
        text = body[2:].lstrip(" ")
        if not text or text[0] == "#":
            raise Unsupported("explicit key on the following lines")
        key, index = self._inline(text, index, column)
        if isinstance(key, (dict, list)):
            raise Unsupported("collection as a key")
        index = self._significant(index)
        if index >= len(self.lines) or self.indents[index] != column:
            raise Unsupported("explicit key without a value")
        line = self.lines[index][column:]
        if line[0] != ":" or line[1:2] not in ("", " "):
            raise Unsupported("explicit key without a value")
        return key, index, line[1:].lstrip(" ")

    def _inline(self, text: str, index: int, parent: int) -> tuple[Any, int]:
        """A value written after ``key:`` or ``-`` on line ``index``; continuation lines are
        indented more than ``parent``. Returns it and the line after it."""
        first = text[0]
        if first == "!" and text.startswith(_NULL_TAG) and text[len(_NULL_TAG) :].lstrip(" ")[:1] in ("'", '"'):
            _, index = self._quoted(text[len(_NULL_TAG) :].lstrip(" "), index, parent)
            return None, index  # Looker's exports write `!!null ''`; PyYAML's null constructor ignores the value
        if first == '"' or first == "'":
            return self._quoted(text, index, parent)
        if first == "[" or first == "{":
            return self._flow(text, index, parent)
        if first == "|" or first == ">":
            return self._block_scalar(text, index, parent)
        if first in "&*!%@`?,]}" or (first in "-:" and (len(text) == 1 or text[1] == " ")):
            raise Unsupported(f"indicator {first!r}")
        cut = text.find(" #")
        value = (text[:cut] if cut >= 0 else text).rstrip(" \t")
        if ": " in value or value.endswith(":"):
            raise Unsupported("a mapping inside a plain scalar's line")
        following = index + 1
        if cut < 0 and following < len(self.lines) and self.indents[following] > parent:
            return self._plain_lines(value, following, parent)
        return resolve_plain(value), following

    def _plain_lines(self, value: str, index: int, parent: int) -> tuple[Any, int]:
        """A plain scalar continued on the lines indented more than ``parent``: each line break
        is a space, each empty line between two lines a line break."""
        lines, indents = self.lines, self.indents
        out = [value]
        empties = 0
        while index < len(lines):
            indent = indents[index]
            if indent < 0:
                if lines[index].strip():
                    raise Unsupported("a comment inside a plain scalar's lines")
                empties += 1
                index += 1
                continue
            if indent <= parent:
                break
            text = lines[index].strip(" ")
            if ": " in text or " #" in text or text.endswith(":") or text.startswith(("---", "...")):
                raise Unsupported("a plain scalar's line that YAML may read otherwise")
            out.append("\n" * empties if empties else " ")
            out.append(text)
            empties = 0
            index += 1
        return resolve_plain("".join(out)), index - empties

    def _gather(self, text: str, index: int, closed: Any) -> tuple[list[str], int]:
        """``text`` and the lines after it until ``closed(line)`` holds for the last one (fed each
        line in turn): a quoted or flow scalar written on several lines."""
        pieces = [text]
        index += 1
        while not closed(pieces[-1]):
            if index >= len(self.lines):
                raise Unsupported("unterminated scalar or collection")
            line = self.lines[index]
            if line.startswith(("---", "...")):
                raise Unsupported("document separator inside a scalar or collection")
            pieces.append(line)  # PyYAML does not check the indentation of these lines: nor do we
            index += 1
        return pieces, index

    def _quoted(self, text: str, index: int, parent: int) -> tuple[str, int]:
        quote = text[0]
        lines = 0

        def closed(piece: str) -> bool:
            nonlocal lines
            lines += 1
            return _closing_in(quote, piece, 1 if lines == 1 else 0) is not None

        pieces, index = self._gather(text, index, closed)
        last_end = _closing(quote, pieces)
        assert last_end is not None
        tail = pieces[-1][last_end + 1 :].strip(" ")
        if tail and tail[0] != "#":
            raise Unsupported("text after a quoted scalar")
        if tail and pieces[-1][last_end + 1] != " ":
            raise Unsupported("comment right after a quote")
        pieces[-1] = pieces[-1][:last_end]
        pieces[0] = pieces[0][1:]
        return _fold_quoted(quote, pieces), index

    def _flow(self, text: str, index: int, parent: int) -> tuple[Any, int]:
        pieces, index = self._gather(text, index, _FlowScanner().feed)
        joined = "\n".join(pieces)
        if "\t" in joined:
            raise Unsupported("tab in a flow collection")
        value, position = _Flow(joined, index - len(pieces) + 1).node(0)
        tail = joined[position:].strip(" ")
        if tail and not (tail[0] == "#" and joined[position - 1 : position] in (" ", "")):
            raise Unsupported("text after a flow collection")
        return value, index

    def _block_scalar(self, text: str, index: int, parent: int) -> tuple[str, int]:
        header = text.split(" #", 1)[0].rstrip(" ")
        style, chomp = header[0], header[1:].strip("0123456789")
        digits = header[1:].strip("+-")
        if chomp not in ("", "-", "+") or digits not in ("", "1", "2", "3", "4", "5", "6", "7", "8", "9"):
            raise Unsupported(f"block scalar header {header!r}")
        lines = self.lines
        index += 1
        body: list[str] = []
        content = (parent + 1 if parent >= 0 else 1) + int(digits) - 1 if digits else -1
        leading = 0
        while index < len(lines):
            line = lines[index]
            stripped = line.lstrip(" ")
            indent = len(line) - len(stripped)
            if not stripped:
                if content >= 0 and indent > content:
                    body.append(line[content:])
                else:
                    leading = max(leading, indent) if content < 0 else leading
                    body.append("")
                index += 1
                continue
            if content < 0:
                if indent <= parent:
                    break
                if leading > indent:
                    raise Unsupported("a block scalar's leading empty line indented more than its text")
                content = indent
            elif indent < content:
                break
            body.append(line[content:])
            index += 1
        if index == len(lines) and lines[-1] != "":
            raise Unsupported("a block scalar at the end of a file without a final line break")
        if content < 0:
            if chomp == "+":
                raise Unsupported("an empty kept block scalar")
            trailing = len(body)
            body = []
        else:
            trailing = 0
            while body and body[-1] == "":
                body.pop()
                trailing += 1
        if style == "|":
            value = "\n".join(body)
        else:
            if any(line[:1] in (" ", "\t") for line in body):
                raise Unsupported("more-indented lines in a folded scalar")
            value = _fold_block(body)
        if chomp == "-" or not body:
            ending = "" if chomp != "+" else "\n" * trailing
        elif chomp == "+":
            ending = "\n" * (trailing + 1)
        else:
            ending = "\n"
        return value + ending, index


def _fold_block(lines: list[str]) -> str:
    """A folded scalar's lines (no more-indented ones): a line break between two text lines is
    a space, and each empty line between them a line break."""
    out: list[str] = []
    empty = 0
    for position, line in enumerate(lines):
        if line == "":
            empty += 1
            continue
        if position and out:
            out.append("\n" * empty if empty else " ")
        elif empty:
            out.append("\n" * empty)
        empty = 0
        out.append(line)
    return "".join(out)


def _is_dash(line: str, column: int) -> bool:
    return line[column : column + 1] == "-" and line[column + 1 : column + 2] in ("", " ")


def _is_mapping_entry(text: str) -> bool:
    """Whether a line's text (after its indentation or ``- ``) starts a ``key: value`` entry."""
    first = text[0]
    if first == '"' or first == "'":
        end = _closing(first, [text])
        return end is not None and text[end + 1 : end + 2] == ":" and text[end + 2 : end + 3] in ("", " ")
    if first in "[{":
        return False
    colon = text.find(": ")
    cut = text.find(" #")
    if colon >= 0 and (cut < 0 or colon < cut):
        return True
    stripped = (text[:cut] if cut >= 0 else text).rstrip(" ")
    return stripped.endswith(":")


def _split_key(body: str) -> tuple[Any, str]:
    """``key: rest`` → the resolved key and ``rest`` (stripped of leading spaces)."""
    first = body[0]
    if first == '"' or first == "'":
        end = _closing(first, [body])
        if end is None or body[end + 1 : end + 2] != ":":
            raise Unsupported("quoted key")
        rest = body[end + 2 :]
        if rest and rest[0] != " ":
            raise Unsupported("no space after a key's colon")
        return _fold_quoted(first, [body[1:end]]), rest.lstrip(" ")
    if first in "?&*!|>%@`[]{},#":
        raise Unsupported(f"key starting with {first!r}")
    colon = body.find(": ")
    if colon < 0:
        stripped = body.split(" #", 1)[0].rstrip(" ")
        if not stripped.endswith(":"):
            raise Unsupported("a line that is not `key: value`")
        colon = len(stripped) - 1
    key = body[:colon].rstrip(" ")
    if not key or " #" in key or "\t" in key:
        raise Unsupported("key")
    return resolve_plain(key), body[colon + 1 :].lstrip(" ")


def _closing(quote: str, pieces: list[str]) -> int | None:
    """Where the closing quote is in the last of ``pieces`` (the first holds the opening one)."""
    for number, piece in enumerate(pieces):
        found = _closing_in(quote, piece, 1 if number == 0 else 0)
        if found is not None:
            if number == len(pieces) - 1:
                return found
            raise Unsupported("text after a quoted scalar's closing quote")
    return None


def _closing_in(quote: str, piece: str, position: int) -> int | None:
    """The first unescaped ``quote`` of ``piece`` from ``position`` (``''`` and ``\\"`` are escapes)."""
    while True:
        found = piece.find(quote, position)
        if found < 0:
            return None
        if quote == "'":
            if piece[found + 1 : found + 2] == "'":
                position = found + 2
                continue
        else:
            backslashes = 0
            while found - backslashes - 1 >= 0 and piece[found - backslashes - 1] == "\\":
                backslashes += 1
            if backslashes % 2:
                position = found + 1
                continue
        return found


def _fold_quoted(quote: str, pieces: list[str]) -> str:
    """A quoted scalar's text from its lines: escapes, and line folding (a break is a space,
    each empty line between two a line break; a ``\\`` at a line's end joins it to the next)."""
    if len(pieces) == 1:
        return _unescape(quote, pieces[0])
    out: list[str] = []
    empties = 0
    escaped = False
    for number, piece in enumerate(pieces):
        first, last = number == 0, number == len(pieces) - 1
        text = piece if first else piece.lstrip(" \t")
        if not first and not last and not text:
            empties += 1
            continue
        if not first:
            out.append("\n" * empties if empties or escaped else " ")
            empties = 0
        escaped = False
        if not last:
            if quote == '"' and _ends_with_escape(text):
                text, escaped = text[:-1], True
            else:
                text = text.rstrip(" \t")
        out.append(_unescape(quote, text))
    return "".join(out)


def _ends_with_escape(text: str) -> bool:
    backslashes = len(text) - len(text.rstrip("\\"))
    return backslashes % 2 == 1


def _unescape(quote: str, text: str) -> str:
    if quote == "'":
        return text.replace("''", "'")
    if "\\" not in text:
        return text
    out: list[str] = []
    position = 0
    while True:
        found = text.find("\\", position)
        if found < 0:
            out.append(text[position:])
            return "".join(out)
        out.append(text[position:found])
        code = text[found + 1 : found + 2]
        if code in _ESCAPES:
            out.append(_ESCAPES[code])
            position = found + 2
        elif code in _HEX_ESCAPES:
            width = _HEX_ESCAPES[code]
            digits = text[found + 2 : found + 2 + width]
            if len(digits) != width or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise Unsupported("bad escape")
            out.append(chr(int(digits, 16)))
            position = found + 2 + width
        else:
            raise Unsupported(f"escape \\{code}")


_FLOW_BLANK = (" ", "\n")
_FLOW_BLANKS = re.compile(r"[ \n]*")
_FLOW_TOKENS = re.compile(r"[\[\]{}\"'#\\]")


class _FlowScanner:
    """Whether a flow collection's brackets are balanced yet, fed one line at a time (outside
    quotes; a comment raises :class:`Unsupported`). Each line is scanned once, by a pattern."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote = ""
        self.started = False

    def feed(self, piece: str) -> bool:
        skip = 0
        for match in _FLOW_TOKENS.finditer(piece):
            position = match.start()
            if position < skip:
                continue
            char = match.group()
            before = piece[position - 1] if position else ("\n" if self.started else " ")
            if self.quote:
                if char == self.quote:
                    if char == "'" and piece[position + 1 : position + 2] == "'":
                        skip = position + 2
                    else:
                        self.quote = ""
                elif char == "\\" and self.quote == '"':
                    skip = position + 2
            elif char in "[{":
                self.depth += 1
            elif char in "]}":
                self.depth -= 1
                if self.depth == 0:
                    return True
            elif char in "\"'":
                if before in " ,[{:\n":
                    self.quote = char
            elif char == "#" and before in " \n":
                raise Unsupported("comment in a flow collection")
        self.started = True
        return False


class _Flow:
    """A flow collection on one (joined) line: ``[a, "b", {c: d}]``."""

    def __init__(self, text: str, line: int) -> None:
        self.text = text  # its lines joined by "\n", the first one from the collection's opening bracket
        self.line = line  # of the first one

    def _skip(self, position: int) -> int:
        """The first position at or after ``position`` that is not a blank or a line break."""
        if self.text[position : position + 1] in _FLOW_BLANK:  # mostly not: a pattern only when it is
            match = _FLOW_BLANKS.match(self.text, position)
            assert match is not None  # it matches the empty string
            position = match.end()
        return position

    def node(self, position: int) -> tuple[Any, int]:
        position = self._skip(position)
        char = self.text[position : position + 1]
        if char == "[":
            return self._sequence(position + 1)
        if char == "{":
            return self._mapping(position + 1)
        if char == "!" and self.text.startswith(_NULL_TAG, position):
            _, position = self.node(position + len(_NULL_TAG))  # PyYAML's null constructor ignores the value
            return None, position
        if char in ('"', "'"):
            end = _closing(char, [self.text[position:]])
            if end is None:
                raise Unsupported("unterminated quote in a flow collection")
            raw = self.text[position + 1 : position + end]
            value = _fold_quoted(char, raw.split("\n")) if "\n" in raw else _unescape(char, raw)
            return value, position + end + 1
        if not char or char in "]},#&*!|>%@`?":
            raise Unsupported(f"flow node at {char!r}")
        match = _FLOW_PLAIN_END.search(self.text, position)
        end = match.start() if match else len(self.text)
        value = self.text[position:end].rstrip(" \n")
        if not value or "?" in value or "[" in value or "{" in value:
            raise Unsupported("flow node")  # PyYAML ends a plain scalar at these in a flow collection
        if "\n" in value:
            lines = [line.strip(" ") for line in value.split("\n")]
            if "" in lines:
                raise Unsupported("empty line in a plain scalar of a flow collection")
            value = " ".join(lines)
        return resolve_plain(value), end

    def _sequence(self, position: int) -> tuple[list[Any], int]:
        items: list[Any] = []
        text = self.text
        position = self._skip(position)
        if text[position : position + 1] == "]":
            return items, position + 1
        while True:
            value, position = self.node(position)
            position = self._skip(position)
            if text[position : position + 1] == ":":
                raise Unsupported("a mapping inside a flow sequence")
            items.append(value)
            char = text[position : position + 1]
            if char == "]":
                return items, position + 1
            if char != ",":
                raise Unsupported("flow sequence")
            position = self._skip(position + 1)
            if text[position : position + 1] == "]":
                return items, position + 1

    def _mapping(self, position: int) -> tuple[dict[Any, Any], int]:
        mapping: dict[Any, Any] = {}
        line = self.line + self.text.count("\n", 0, position)
        text = self.text
        position = self._skip(position)
        while text[position : position + 1] != "}":
            if text[position : position + 1] in ("[", "{"):
                raise Unsupported("collection as a flow mapping key")
            key, position = self.node(position)
            position = self._skip(position)
            if text[position : position + 1] != ":":
                raise Unsupported("flow mapping entry without a value")
            position = self._skip(position + 1)
            if text[position : position + 1] in (",", "}"):
                value = None
            else:
                value, position = self.node(position)
                position = self._skip(position)
            mapping[key] = value
            char = text[position : position + 1]
            if char == ",":
                position = self._skip(position + 1)
            elif char != "}":
                raise Unsupported("flow mapping")
        mapping[_LINE_KEY] = line
        return mapping, position + 1
