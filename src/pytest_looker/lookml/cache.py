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
import functools
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the parser is imported by the first parse: a warm load parses nothing
    from pytest_looker.lookml.syntax import ParsedFile

#: Below this many bytes to parse, starting a worker process costs more than it saves.
PARALLEL_MIN_BYTES = 4_000_000
#: Share of the bytes given to the child: this process also loads the child's trees.
_WORKER_SHARE = 0.55


def parse_all(texts: list[str]) -> list[ParsedFile]:
    """:func:`parse_lookml` of every text, in order; big batches split over two processes.

    Parsing is CPU-bound pure Python, so threads would not help. On Linux with two or more
    CPUs and at least :data:`PARALLEL_MIN_BYTES` to parse, a forked child parses about half of
    the bytes while this process parses the rest. The child already holds the texts (fork
    shares memory) and writes its trees as one :mod:`marshal` blob to a temporary file, which
    this process loads in a fraction of the parse time once its own half is done: no pipe to
    drain and no helper thread competing with the parse for the GIL. The child only parses
    and writes (no imports, no locks) and leaves with ``os._exit``.
    ``PYTEST_LOOKER_PARSE_WORKERS=0`` disables it; any failure of the child falls back to
    parsing here, so parallelism may only make loading faster.
    """
    from pytest_looker.lookml.syntax import ParsedFile, RawIssue, parse_lookml

    total = sum(len(t) for t in texts)
    if (
        total < PARALLEL_MIN_BYTES
        or not hasattr(os, "fork")
        or not sys.platform.startswith("linux")
        or (os.cpu_count() or 1) < 2
        or os.environ.get("PYTEST_LOOKER_PARSE_WORKERS") == "0"
    ):
        return [parse_lookml(t) for t in texts]
    # Alternate by cumulative size so both halves get a similar mix of small and large files.
    child_indexes: list[int] = []
    local_indexes: list[int] = []
    child_bytes = 0
    seen = 0
    for index, text in enumerate(texts):
        seen += len(text)
        if child_bytes <= _WORKER_SHARE * seen:
            child_indexes.append(index)
            child_bytes += len(text)
        else:
            local_indexes.append(index)
    results: list[ParsedFile | None] = [None] * len(texts)
    # The child must not import: lkml (for files the fast reader leaves to it) is loaded first.
    import pytest_looker.lookml.lkmlreader  # noqa: F401

    child = _fork_parser([texts[i] for i in child_indexes])
    for index in local_indexes:
        results[index] = parse_lookml(texts[index])
    parsed_by_child = _collect(child) if child is not None else None
    if parsed_by_child is not None and len(parsed_by_child) == len(child_indexes):
        for index, (tree, issues) in zip(child_indexes, parsed_by_child, strict=True):
            results[index] = ParsedFile(tree, tuple(RawIssue(*issue) for issue in issues))
    else:
        for index in child_indexes:
            results[index] = parse_lookml(texts[index])
    return [r for r in results if r is not None]


def _fork_parser(texts: list[str]) -> tuple[int, str] | None:
    """Start a child parsing ``texts`` into a temporary file: (pid, path), or ``None``."""
    try:
        import tempfile  # loaded only by a run that forks a parser or writes the cache

        fd, path = tempfile.mkstemp(prefix="pytest-looker-parse-")
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(fd)
        os.unlink(path)
        return None
    if pid == 0:  # pragma: no cover - the child (coverage does not follow os._exit)
        from pytest_looker.lookml.syntax import parse_lookml  # imported by parse_all already

        status = 1
        try:
            payload = []
            for text in texts:
                parsed = parse_lookml(text)
                payload.append((parsed.tree, [(i.severity, i.line, i.message) for i in parsed.issues]))
            data = marshal.dumps(payload, _MARSHAL_VERSION)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            status = 0
        finally:
            os._exit(status)
    os.close(fd)
    return pid, path


def _collect(child: tuple[int, str]) -> list[Any] | None:
    """Wait for the child; its payload, or ``None`` when it failed."""
    pid, path = child
    try:
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            return None
        with open(path, "rb") as handle:
            payload = marshal.load(handle)
        return payload if isinstance(payload, list) else None
    except (OSError, EOFError, ValueError, TypeError):
        return None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


#: Bump when the tree shape (or the wording of its issues) produced by :mod:`pytest_looker.lookml.syntax` changes.
TREE_FORMAT = "3"
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
        return self.parse_many([text])[0]

    def parse_many(self, texts: list[str]) -> list[ParsedFile]:
        """The trees of ``texts``, in order; each is a fresh object (callers mutate trees).

        Cache misses are parsed in parallel when there are enough of them (see
        :func:`parse_all`).
        """
        if self.directory is not None:
            import hashlib  # a load without the cache hashes nothing

        results: list[ParsedFile | None] = [None] * len(texts)
        entries: list[Path | None] = [None] * len(texts)
        missing: list[int] = []
        for index, text in enumerate(texts):
            if self.directory is None:
                missing.append(index)
                continue
            digest = hashlib.sha256(f"{TREE_FORMAT}\0{text}".encode()).hexdigest()
            entry = self.directory / digest[:2] / digest
            cached = self._read(entry)
            if cached is not None:
                self.hits += 1
                results[index] = cached
            else:
                entries[index] = entry
                missing.append(index)
        self.misses += len(missing)
        for index, parsed in zip(missing, parse_all([texts[i] for i in missing]), strict=True):
            results[index] = parsed
            target = entries[index]
            if target is not None:
                self._write(target, parsed)
        return [r for r in results if r is not None]

    def cached_many(self, namespace: str, texts: list[str], compute: Callable[[str], Any]) -> list[Any]:
        """``compute(text)`` of each text, from the cache when present, else computed and stored.

        For other parsed formats than LookML (dashboards' YAML): ``namespace`` names the format
        and its version, and is part of the key. ``compute`` must return data :mod:`marshal`
        can store (built-in types); a result it cannot store (a YAML date) is only not cached.
        """
        if self.directory is None:
            return [compute(text) for text in texts]
        return [self._cached(self.directory, namespace, text, functools.partial(compute, text)) for text in texts]

    def cached(self, namespace: str, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()``, stored under ``key`` (a digest of what it is computed from), as :meth:`cached_many`."""
        if self.directory is None:
            return compute()
        return self._cached(self.directory, namespace, key, compute)

    def _cached(self, directory: Path, namespace: str, key: str, compute: Callable[[], Any]) -> Any:
        import hashlib

        digest = hashlib.sha256(f"{namespace}\0{key}".encode()).hexdigest()
        entry = directory / digest[:2] / digest
        try:
            value = marshal.loads(entry.read_bytes())
            self.hits += 1
            return value
        except (OSError, EOFError, ValueError, TypeError):
            pass
        self.misses += 1
        value = compute()
        self._store(entry, value)
        return value

    @staticmethod
    def _read(entry: Path) -> ParsedFile | None:
        from pytest_looker.lookml.syntax import ParsedFile, RawIssue

        try:
            tree, issues = marshal.loads(entry.read_bytes())
            return ParsedFile(tree, tuple(RawIssue(*issue) for issue in issues))
        except (OSError, EOFError, ValueError, TypeError):
            return None

    @classmethod
    def _write(cls, entry: Path, parsed: ParsedFile) -> None:
        cls._store(entry, (parsed.tree, [(i.severity, i.line, i.message) for i in parsed.issues]))

    @staticmethod
    def _store(entry: Path, payload: Any) -> None:
        try:
            data = marshal.dumps(payload, _MARSHAL_VERSION)
            entry.parent.mkdir(parents=True, exist_ok=True)
            import tempfile

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
