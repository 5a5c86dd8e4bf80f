"""A parse cache keyed by file content, so re-loading an unchanged project skips ``lkml``.

Parsing is the slow part of loading (lkml runs at about 1 MB/s). The tree of a file depends only
on its bytes and on our parser version, so the cache key is a SHA-256 of both; a stale entry is
impossible by construction and there is nothing to invalidate. Entries are :mod:`marshal` blobs
(the trees hold only built-in types), written atomically (temporary file + ``os.replace``) so a
crash or a concurrent pytest-xdist worker never leaves a torn entry. A corrupt or unreadable
entry is treated as a miss: the cache can only make loading faster, never wrong.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import tempfile
from pathlib import Path

from pytest_looker.lookml.syntax import ParsedFile, RawIssue, parse_lookml

#: Bump when the tree shape produced by :mod:`pytest_looker.lookml.syntax` changes.
TREE_FORMAT = "1"
_MARSHAL_VERSION = 4


def default_cache_dir() -> Path | None:
    """``$PYTEST_LOOKER_CACHE_DIR``, else the user cache directory; ``None`` disables caching."""
    configured = os.environ.get("PYTEST_LOOKER_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pytest-looker" / "parse"


class ParseCache:
    """Content-addressed store of parsed LookML trees (``directory=None`` = no caching)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0

    def parse(self, text: str) -> ParsedFile:
        """The tree of ``text``: from the cache when present, else parsed and stored."""
        if self.directory is None:
            self.misses += 1
            return parse_lookml(text)
        digest = hashlib.sha256(f"{TREE_FORMAT}\0{text}".encode()).hexdigest()
        entry = self.directory / digest[:2] / digest
        cached = self._read(entry)
        if cached is not None:
            self.hits += 1
            return cached
        self.misses += 1
        parsed = parse_lookml(text)
        self._write(entry, parsed)
        return parsed

    @staticmethod
    def _read(entry: Path) -> ParsedFile | None:
        try:
            tree, issues = marshal.loads(entry.read_bytes())
            return ParsedFile(tree, tuple(RawIssue(*issue) for issue in issues))
        except (OSError, EOFError, ValueError, TypeError):
            return None

    @staticmethod
    def _write(entry: Path, parsed: ParsedFile) -> None:
        payload = (parsed.tree, [(i.severity, i.line, i.message) for i in parsed.issues])
        try:
            data = marshal.dumps(payload, _MARSHAL_VERSION)
            entry.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
        except (OSError, ValueError):
            return  # an unwritable cache only costs speed
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, entry)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
