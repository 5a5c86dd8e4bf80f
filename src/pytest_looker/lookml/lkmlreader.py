"""The reference reader: LookML through ``lkml``'s own lexer and parser, walked into our tree.

:mod:`.syntax` uses it for whatever the fast reader (:mod:`.fastparse`) does not handle, so
errors keep lkml's wording; the tests compare both readers on every file they can both read.
It lives apart from :mod:`.syntax` so that lkml is imported only when a file needs it.
"""

from __future__ import annotations

import re
from typing import Any

from lkml.lexer import Lexer
from lkml.parser import Parser
from lkml.tokens import BlockEndToken, BlockStartToken
from lkml.tree import BlockNode, ContainerNode, ListNode, PairNode, SyntaxToken

from pytest_looker.lookml.fastparse import REPEATABLE_KEYS, each_line
from pytest_looker.lookml.syntax import ParsedFile, RawIssue, RawNode

_LINE_IN_MESSAGE = re.compile(r"on line (\d+)")


def read_with_lkml(text: str) -> ParsedFile:
    """:func:`~.syntax.parse_with_lkml`: lkml's parse tree → our tree; a syntax error is an issue."""
    try:
        document = Parser(_GuardedLexer(text).scan()).parse()
    except SyntaxError as exc:
        message = str(exc) or "LookML syntax error"
        match = _LINE_IN_MESSAGE.search(message)
        line = int(match.group(1)) if match else None
        if _AT_END in message:
            unclosed = _unclosed_block(text)
            if unclosed is not None:
                return _failed(*unclosed)
        return _failed(line, f"syntax error: {message}")
    except KeyError as exc:  # lkml refuses a parameter repeated inside one block
        key = str(exc.args[0]).split('"')[1] if '"' in str(exc.args[0]) else "?"
        return _failed(_repeated_key_line(text, key), f"parameter {key!r} is declared twice in one block")
    except (ValueError, TypeError, RecursionError, IndexError) as exc:  # lkml's lexer on odd input
        return _failed(None, f"syntax error: {exc}")
    walker = _TreeWalker()
    tree = walker.container(document.container, line=1, top_level=True)
    return ParsedFile(tree, tuple(walker.issues))


_AT_END = "<stream end>"


def _unclosed_block(text: str) -> tuple[int, str] | None:
    """Where a file that ends inside a block most likely went wrong, and what to say.

    lkml reports the end of the file. Matching its braces, the first ``{`` whose matching ``}``
    is indented differently from it is the likely culprit (a ``{`` typed by mistake, or a ``}``
    left out before that line); with none, the innermost block left open."""
    try:
        tokens = _GuardedLexer(text).scan()
    except (SyntaxError, ValueError, TypeError, IndexError):
        return None
    lines = text.splitlines()

    def indent(number: int) -> int:
        line = lines[number - 1] if 0 < number <= len(lines) else ""
        return len(line) - len(line.lstrip())

    opened: list[int] = []
    mismatch: tuple[int, int] | None = None
    for token in tokens:
        if isinstance(token, BlockStartToken):
            opened.append(token.line_number)
        elif isinstance(token, BlockEndToken) and opened:
            start = opened.pop()
            if mismatch is None and indent(start) != indent(token.line_number):
                mismatch = (start, token.line_number)
    if not opened:
        return None
    if mismatch is not None:
        start, end = mismatch
        return start, (
            f"syntax error: the file ends inside a block: a '}}' is missing, or the '{{' on line {start} is one"
            f" too many (the '}}' on line {end} that closes it is indented for another block)"
        )
    return opened[-1], f"syntax error: the '{{' on line {opened[-1]} is never closed (the file ends inside its block)"


def _failed(line: int | None, message: str) -> ParsedFile:
    return ParsedFile({"$line": 1, "$lines": {}}, (RawIssue("error", line, message),))


class _GuardedLexer(Lexer):
    """lkml's lexer, stopped when it makes no progress.

    lkml 1.3.7 loops forever on a lone ``;`` outside an expression (``label: "x";``); a typo
    must never hang a test run, so a position read many times in a row is a syntax error.
    """

    _STALL_LIMIT = 1000

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._last_index = -1
        self._stalls = 0

    def peek(self) -> str:
        if self.index == self._last_index:
            self._stalls += 1
            if self._stalls > self._STALL_LIMIT:
                raise SyntaxError(f"Unexpected character {self.text[self.index]!r} on line {self.line_number}")
        else:
            self._last_index = self.index
            self._stalls = 0
        return str(self.text[self.index])


_KEY_AT_LINE_START = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:")


def _repeated_key_line(text: str, key: str) -> int | None:
    """Best-effort line of the second ``key:`` at one brace depth (lkml does not say)."""
    seen: list[set[str]] = [set()]
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        match = _KEY_AT_LINE_START.match(code)
        if match:
            if match.group(1) == key and key in seen[-1]:
                return number
            seen[-1].add(match.group(1))
        for char in code:
            if char == "{":
                seen.append(set())
            elif char == "}" and len(seen) > 1:
                seen.pop()
    return None


class _TreeWalker:
    """Converts lkml's syntax nodes into :data:`RawNode` dicts, collecting issues."""

    def __init__(self) -> None:
        self.issues: list[RawIssue] = []

    def container(self, node: ContainerNode, *, line: int, top_level: bool = False) -> RawNode:
        result: RawNode = {"$line": line, "$lines": {}}
        lines: dict[str, int] = result["$lines"]
        for item in node.items:
            key = str(item.type.value)
            item_line = item.line_number or line
            value = self.value(item, item_line)
            if key in REPEATABLE_KEYS:
                bucket = result.setdefault(key, [])
                added = value if isinstance(item, ListNode) else [value]
                bucket.extend(added)
                lines.setdefault(key, item_line)
                if not isinstance(item, BlockNode):
                    each_line(result, key, item_line, len(added), len(bucket))
            elif key in result:
                if top_level:
                    # Looker tolerates some top-level keys twice: the last one is used, and every
                    # occurrence stays visible under "$repeated" instead of being dropped silently.
                    repeated = result.setdefault("$repeated", {})
                    repeated.setdefault(key, [result[key]]).append(value)
                    self.issues.append(
                        RawIssue("warning", item_line, f"top-level {key!r} is declared again; the last one is used")
                    )
                    result[key] = value
                    lines[key] = item_line
                else:
                    self.issues.append(
                        RawIssue("error", item_line, f"parameter {key!r} is declared twice; the last one is used")
                    )
                    result[key] = value
                    lines[key] = item_line
            else:
                result[key] = value
                lines[key] = item_line
        return result

    def value(self, item: BlockNode | ListNode | PairNode, line: int) -> Any:
        if isinstance(item, BlockNode):
            block = self.container(item.container, line=line)
            if item.name is not None:
                block["$name"] = str(item.name.value)
            comments = _comments(item)
            if comments:
                block["$comments"] = comments
            return block
        if isinstance(item, ListNode):
            values: list[Any] = []
            for element in item.items:
                if isinstance(element, PairNode):
                    values.append({str(element.type.value): _token_text(element.value)})
                else:
                    values.append(_token_text(element))
            return values
        return _token_text(item.value)


def _token_text(token: SyntaxToken) -> str:
    return str(token.value).strip() if type(token).__name__ == "ExpressionSyntaxToken" else str(token.value)


def _comments(block: BlockNode) -> str:
    """Comment text written just before a block or right after its opening brace."""
    parts = [block.type.prefix, block.left_brace.suffix if block.left_brace else ""]
    text = "\n".join(line.strip() for part in parts for line in part.splitlines() if line.strip().startswith("#"))
    return text
