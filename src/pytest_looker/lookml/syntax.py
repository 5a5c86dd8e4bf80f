"""LookML text → a plain, line-annotated tree (dicts, lists and strings).

We parse with ``lkml`` (its parse tree keeps line numbers; ``lkml.load`` drops them and raises on
a repeated key). This module walks that tree into the shape the rest of the loader reads:

* a block is a ``dict``; its name is under ``"$name"``, its line under ``"$line"``, the line of
  each of its keys under ``"$lines"`` and the comments written just before it or after its ``{``
  under ``"$comments"`` (for ``# spectacles: ignore``-style markers);
* repeatable keys (``dimension``, ``join``, ``include``, ``filters``, ``extends`` …) are lists
  under the key as written (``"dimension": [...]``); a list value (``extends: [a, b]``) is
  flattened into that list, a ``[key: "value"]`` list becomes one-key dicts;
* ``sql``-like expression values lose their ``;;`` and surrounding white space.

The tree contains only built-in types so it can be cached with :mod:`marshal`. Problems that
Looker tolerates or reports (a key repeated inside a block) become :class:`RawIssue` entries
instead of exceptions, so one bad file never stops the rest of the project from loading.
"""

from __future__ import annotations

from typing import Any

from pytest_looker.immutable import record

RawNode = dict[str, Any]


@record
class RawIssue:
    """A problem found while reading one file: ``line`` is 1-based (``None`` when unknown)."""

    severity: str
    line: int | None
    message: str


@record
class ParsedFile:
    """The tree of one file, or the syntax error that prevented it."""

    tree: RawNode
    issues: tuple[RawIssue, ...]


def parse_lookml(text: str) -> ParsedFile:
    """Parse one LookML file; a syntax error is returned as an issue, never raised.

    The fast reader (:mod:`.fastparse`) handles the common shapes and gives the same tree as
    lkml; whatever it leaves alone is parsed by lkml, so errors keep lkml's wording. It is
    imported by the first parse (its patterns take milliseconds to compile): a warm load, which
    reads trees from the project cache, never needs it.
    """
    from pytest_looker.lookml.fastparse import Unsupported, fast_parse

    try:
        tree, issues = fast_parse(text)
    except Unsupported:
        return parse_with_lkml(text)
    return ParsedFile(tree, tuple(RawIssue(*issue) for issue in issues))


def parse_with_lkml(text: str) -> ParsedFile:
    """:func:`parse_lookml` through lkml only (the reference the fast reader must equal).

    lkml is imported here, on the first file the fast reader leaves to it: most projects have
    none, and importing lkml costs more start-up time than parsing a small project.
    """
    from pytest_looker.lookml.lkmlreader import read_with_lkml

    return read_with_lkml(text)
