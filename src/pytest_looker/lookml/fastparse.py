"""A fast LookML reader producing exactly the trees of :func:`syntax.parse_lookml`'s lkml path.

Why: lkml's lexer and recursive-descent parser run at about 1 MB/s (per character and per token
Python calls, backtracking on every item); a 50 MB project spent 45 s there before anything was
tested. This reader matches a whole item (``key: value``, ``key: name {``, ``key: [list]``,
``sql: ... ;;``) with one regular expression and builds the plain tree directly, at 15-20 MB/s.

It is *not* a second LookML grammar. It accepts only the common, unambiguous shapes, for which
it reproduces lkml's behaviour exactly, quirks included:

* an expression block starts wherever a token starts with ``<expression key>:`` and ends at the
  first ``;;`` (even inside quotes); its value is stripped;
* a literal runs until white space or one of ``:{},]`` (``#``, ``"`` and ``;`` inside it are
  text); quoted strings keep their backslash escapes;
* a line number is 1 + the newlines before the key (lkml counts the same way);
* the comments kept for a block (``$comments``) are the ones lkml attaches to it: those after its
  ``{``, and those before its key when the previous item of the container was a block, minus the
  comments and line breaks lkml gives to that block's ``}`` (a comment at the start of a line
  right after ``}`` belongs to the ``}``).

Anything else — a comment inside a list or between a key and its ``{``, a lone ``;``, ``-``
values, a key repeated inside a block, unbalanced braces, a NUL, an escaped newline — raises
:class:`Unsupported`, and :func:`syntax.parse_lookml` parses the file with lkml instead, so
errors and diagnostics stay lkml's. ``tests/lookml/test_fastparse_differential.py`` proves the
trees equal on every LookML file the tests can reach, on generated projects and on
hypothesis-generated LookML.
"""

from __future__ import annotations

import re
import sys
from typing import Any

RawNode = dict[str, Any]

# The LookML parameters lkml collects into lists (they may repeat in a block) and those whose
# value is an expression ending in ``;;``: the same sets as ``lkml.keys`` (PLURAL_KEYS,
# EXPR_BLOCK_KEYS), written out so that this reader does not import lkml — importing it costs
# more start-up than parsing a small project. ``tests/lookml/test_fastparse_differential.py``
# checks that they still equal lkml's.
PLURAL_KEYS = frozenset(
    (
        "access_filter", "access_grant", "action", "aggregate_table", "allowed_value", "assert", "bind_filters",
        "column", "constant", "datagroup", "remote_dependency", "local_dependency", "derived_column", "dimension",
        "dimension_group", "explore", "extends", "filter", "filters", "form_param", "include", "join", "link",
        "map_layer", "measure", "named_value_format", "option", "override_constant", "param", "parameter", "query",
        "set", "sql_step", "test", "user_attribute_param", "view", "when",
    )
)  # fmt: skip
EXPR_BLOCK_KEYS = frozenset(
    (
        "expression_custom_filter", "expression", "html", "sql_trigger_value", "sql_table_name", "sql_distinct_key",
        "sql_start", "sql_always_having", "sql_always_where", "sql_trigger", "sql_foreign_key", "sql_where", "sql_end",
        "sql_create", "sql_latitude", "sql_longitude", "sql_step", "sql_on", "sql", "sql_preamble",
    )
)  # fmt: skip

#: Keys that may repeat in a block and are therefore always lists (same set as :mod:`.syntax`).
REPEATABLE_KEYS = PLURAL_KEYS | {"visualization", "application", "localization_settings"}


def each_line(result: RawNode, key: str, line: int, added: int, total: int) -> None:
    """Record the line of each plain value of a repeatable key (``include:`` written several
    times) under ``"$each_line"``: ``"$lines"`` keeps only the first, and a diagnostic about the
    third include belongs at the third's line. Blocks carry their own ``"$line"``."""
    found: list[int | None] = result.setdefault("$each_line", {}).setdefault(key, [])
    found.extend([None] * (total - added - len(found)))  # blocks before these: lines of their own
    found.extend([line] * added)


class Unsupported(Exception):
    """The text uses a shape this reader leaves to lkml."""


# lkml checks the expression keys with ``startswith(key + ":")``: at most one key can match (the
# colon ends it), so the order of the alternation does not matter; sorted for a stable pattern.
_EXPR_KEYS = "|".join(re.escape(k) for k in sorted(EXPR_BLOCK_KEYS))
_NOT_EXPR = rf"(?!(?:{_EXPR_KEYS}):)"
# A literal token: lkml's scan_literal stops at NUL, white space and ``:}{,]``; a token cannot
# *start* with ``#`` (comment), ``"`` (string), ``;`` or ``[{}],:`` (punctuation).
_LIT = r'[^\0 \n\t:}{,\]#;"\[][^\0 \n\t:}{,\]]*+'
_QUOTED = r'"(?:[^"\\]|\\.)*+"'
# Possessive quantifiers (``*+``) everywhere: white space, literals and strings never need to give
# characters back, and a failed match must not backtrack exponentially through a long run.
_WS = r"[ \t\n]*+"

_ITEM = re.compile(
    _WS
    + r"(?:"
    + r"(#[^\n]*+)"  # 1 comment
    + rf"|((?:{_EXPR_KEYS}):(.*?);;)"  # 2 expression pair (3 body)
    + r"|(\})"  # 4 end of block
    + r"|(\Z)"  # 5 end of text
    + rf"|({_LIT}){_WS}:{_WS}(?:"  # 6 key, then one of:
    + rf"((?:({_LIT}){_WS})?\{{)"  # 7 block (8 name)
    + rf"|({_LIT})"  # 9 literal value
    + r'|"((?:[^"\\]|\\.)*+)"'  # 10 quoted value
    + rf"|\[((?:[ \t\n,:]++|#[^\n]*+|{_QUOTED}|{_LIT})*+)\]"  # 11 list body
    + r"))",
    re.S,
)
_COMMENT, _EXPR, _CLOSE, _EOF, _BLOCK, _PAIR, _QPAIR, _LIST = 1, 2, 4, 5, 7, 9, 10, 11
_EXPR_KEY_SET = frozenset(EXPR_BLOCK_KEYS)

# Inside a list, lkml lets comments stand wherever white space may (a ``#`` starts a comment only
# where a token starts: ``a#b`` is one literal).
_LIST_WS = r"(?:[ \t\n]++|#[^\n]*+)*+"
_LIST_ELEMENT = re.compile(
    _LIST_WS + rf"(?:(,)|({_NOT_EXPR}{_LIT}){_LIST_WS}:{_LIST_WS}(?:({_NOT_EXPR}{_LIT})|\"((?:[^\"\\]|\\.)*+)\")"
    rf"|({_NOT_EXPR}{_LIT})|\"((?:[^\"\\]|\\.)*+)\"|(\Z))",
    re.S,
)
_TRIVIA_TOKEN = re.compile(r"#[^\n]*|[ \t]*\n+|[ \t]+")


def fast_parse(text: str) -> tuple[RawNode, list[tuple[str, int | None, str]]]:
    """The tree and issues of ``text``; :class:`Unsupported` when lkml must decide."""
    if "\0" in text or "\\\n" in text:
        raise Unsupported("NUL or escaped newline")
    return _Reader(text).document()


#: Keys and short values are interned: a large project repeats a few thousand distinct strings
#: hundreds of thousands of times (``type: string``, ``"24 hours"``, field names in lists), and
#: the trees stay in memory as the fields' raw blocks (and interned strings stay shared when the
#: project cache stores and reads them back).
_intern = sys.intern
_INTERN_MAX = 64


def _short(value: str) -> str:
    return _intern(value) if len(value) <= _INTERN_MAX else value


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.line_pos = 0
        self.issues: list[tuple[str, int | None, str]] = []

    def line_at(self, pos: int) -> int:
        """1 + the newlines before ``pos`` (positions only move forward)."""
        self.line += self.text.count("\n", self.line_pos, pos)
        self.line_pos = pos
        return self.line

    def document(self) -> tuple[RawNode, list[tuple[str, int | None, str]]]:
        tree, closed_at = self.container(1, top_level=True)
        if closed_at is not None:
            raise Unsupported("a '}' closes nothing")
        return tree, self.issues

    def container(self, line: int, *, top_level: bool = False) -> tuple[RawNode, int | None]:
        """Items until ``}`` (returns the position of its match start) or the end (``None``)."""
        result: RawNode = {"$line": line, "$lines": {}}
        lines: dict[str, int] = result["$lines"]
        text = self.text
        match = _ITEM.match
        previous_block_end: int | None = None
        while True:
            found = match(text, self.pos)
            if found is None:
                raise Unsupported(f"unexpected text at offset {self.pos}")
            kind = found.lastindex or 0
            self.pos = found.end()
            if kind == _COMMENT:
                continue
            value: Any
            if kind == _EXPR:
                key_start = found.start(kind)
                key = _intern(text[key_start : text.index(":", key_start)])
                item_line = self.line_at(key_start)
                value = found.group(3).strip()
                previous_block_end = None
            elif kind >= _BLOCK:
                key = _intern(found.group(6))
                key_start = found.start(6)
                if key in _EXPR_KEY_SET and text.startswith(":", found.end(6)):
                    raise Unsupported("expression without ';;'")  # lkml's lexer fails on it
                item_line = self.line_at(key_start)
                if kind == _PAIR:
                    value = _short(found.group(9))
                    if value == "-":
                        raise Unsupported("'-' value")
                    previous_block_end = None
                elif kind == _QPAIR:
                    value = _short(found.group(10))
                    previous_block_end = None
                elif kind == _LIST:
                    value = self.list_items(found.group(11))
                    previous_block_end = None
                else:
                    name = found.group(8)
                    name = _intern(name) if name is not None else None
                    brace_end = self.pos
                    value, close_start = self.container(item_line)
                    if close_start is None:
                        raise Unsupported("unclosed block")
                    if name is not None:
                        if name == "-":
                            raise Unsupported("'-' name")
                        value["$name"] = name
                    comments = self.comments(previous_block_end, key_start, brace_end)
                    if comments:
                        value["$comments"] = comments
                    previous_block_end = self.pos
            elif kind == _CLOSE:
                if top_level:
                    raise Unsupported("a '}' closes nothing")
                return result, found.start(kind)
            else:  # end of text
                if not top_level:
                    raise Unsupported("unclosed block")
                return result, None

            if key in REPEATABLE_KEYS:
                bucket = result.get(key)
                if bucket is None:
                    bucket = result[key] = []
                    lines[key] = item_line
                added = value if kind == _LIST else [value]
                bucket.extend(added)
                if kind < _BLOCK or kind in (_PAIR, _QPAIR, _LIST):
                    each_line(result, key, item_line, len(added), len(bucket))
            elif key in result:
                if not top_level:
                    # lkml refuses a key repeated in a block: its error message decides.
                    raise Unsupported(f"{key!r} repeated in a block")
                repeated = result.setdefault("$repeated", {})
                repeated.setdefault(key, [result[key]]).append(value)
                self.issues.append(("warning", item_line, f"top-level {key!r} is declared again; the last one is used"))
                result[key] = value
                lines[key] = item_line
            else:
                result[key] = value
                lines[key] = item_line

    def list_items(self, body: str) -> list[Any]:
        """The elements of ``[...]`` as lkml's walker gives them: strings or one-key dicts.

        lkml accepts ``[]``, ``[a]``, ``[a, b]``, one leading and one trailing comma, and either
        only ``key: value`` pairs or only values (the first element decides).
        """
        tokens: list[tuple[int, Any]] = []
        pos = 0
        while True:
            found = _LIST_ELEMENT.match(body, pos)
            if found is None:
                raise Unsupported("list element")
            kind = found.lastindex or 0
            if kind == 7:
                break
            pos = found.end()
            if kind == 1:
                tokens.append((1, None))
            elif kind in (3, 4):
                tokens.append((3, {_intern(found.group(2)): _short(found.group(kind))}))
            else:
                tokens.append((5, _short(found.group(kind))))
        if not tokens:
            return []
        index = 1 if tokens[0][0] == 1 else 0
        if index == len(tokens):
            raise Unsupported("list shape")
        mode = tokens[index][0]
        if mode == 1:
            raise Unsupported("empty list element")
        values: list[Any] = []
        while True:
            kind, value = tokens[index]
            if kind != mode:
                raise Unsupported("list shape")
            if value == "-" or (kind == 3 and "-" in value.values()):
                raise Unsupported("'-' value")
            values.append(value)
            index += 1
            if index == len(tokens):
                return values
            if tokens[index][0] != 1:
                raise Unsupported("missing comma")
            index += 1
            if index == len(tokens):
                return values

    def comments(self, previous_block_end: int | None, key_start: int, brace_end: int) -> str:
        """lkml's ``$comments`` of a block: its key's prefix trivia and its ``{``'s suffix."""
        text = self.text
        after_brace = _TRIVIA_END.match(text, brace_end)
        suffix = text[brace_end : after_brace.end()] if after_brace else ""
        prefix = ""
        if previous_block_end is not None:
            trivia = text[previous_block_end:key_start]
            if "#" in trivia:
                prefix = _key_prefix(trivia)
        if "#" not in prefix and "#" not in suffix:
            return ""
        parts = (prefix, suffix)
        return "\n".join(line.strip() for part in parts for line in part.splitlines() if line.strip().startswith("#"))


_TRIVIA_END = re.compile(r"(?:[ \t\n]++|#[^\n]*+)*+")


def _key_prefix(trivia: str) -> str:
    """The trivia lkml gives to a key after a block: what the ``}`` did not take.

    The ``}`` takes comments and line breaks (``[ \\t]*\\n+``) up to the first run of spaces or
    tabs that is not followed by a newline.
    """
    pos = 0
    while pos < len(trivia):
        token = _TRIVIA_TOKEN.match(trivia, pos)
        if token is None:
            break
        piece = token.group(0)
        if piece.startswith("#") or piece.endswith("\n"):
            pos = token.end()
            continue
        break
    return trivia[pos:]
