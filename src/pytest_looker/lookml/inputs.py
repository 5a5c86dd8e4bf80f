"""What a load of a project read, and whether the files still say the same: no model imported.

An entry of the whole-project cache (:mod:`.projectcache`) and of the pytest plugin's collection
cache (:mod:`pytest_looker.testing.plan`) are both valid exactly while the files they were made
from are unchanged. This module holds that record (:class:`Inputs`, :class:`Recorded`) and
:func:`current_inputs`, which tells what a load would read today, re-hashing only files whose
stat changed (the rules are in :mod:`.projectcache`'s docstring). It imports no LookML model
class, so a warm pytest collection can check its cache without importing the loader.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from pytest_looker.immutable import record
from pytest_looker.lookml.files import dependency_dirs_inside, discover

__all__ = [
    "RACY_MARGIN_NS",
    "FileKey",
    "Inputs",
    "Recorded",
    "Stat",
    "content_digest",
    "current_inputs",
    "hash_file",
    "hash_files",
    "read_file",
    "stat_of",
]

#: A file's stat is trusted only when it last changed at least this long before the stats were
#: taken: file-system timestamps advance in clock ticks (milliseconds; seconds on some file
#: systems), and two changes within one tick can leave size, times and inode all equal.
RACY_MARGIN_NS = 3_000_000_000

#: ``(size, mtime_ns, ctime_ns, inode, device)``.
Stat = tuple[int, int, int, int, int]
#: ``(project root, relative path)``.
FileKey = tuple[str, str]


@record
class Inputs:
    """What a load read: files (project, relative path, content digest) and dependency probes."""

    files: tuple[tuple[str, str, str], ...]
    probes: tuple[tuple[str, bool], ...]


@record
class Recorded:
    """An entry's header: its :class:`Inputs`, each file's stat and when the stats were taken."""

    inputs: Inputs
    stats: Mapping[FileKey, Stat]
    taken_at: int

    def trusted(self) -> dict[FileKey, tuple[Stat, str]]:
        """Files whose digest may be reused while their stat is unchanged (see module doc)."""
        limit = self.taken_at - RACY_MARGIN_NS
        result: dict[FileKey, tuple[Stat, str]] = {}
        for project, relative, digest in self.inputs.files:
            stat = self.stats.get((project, relative))
            if stat is not None and digest and max(stat[1], stat[2]) < limit:
                result[(project, relative)] = (stat, digest)
        return result


def content_digest(data: bytes) -> str:
    import hashlib  # a load without the project cache records no digests, nor imports this

    return hashlib.sha256(data).hexdigest()


def stat_of(result: os.stat_result) -> Stat:
    return (result.st_size, result.st_mtime_ns, result.st_ctime_ns, result.st_ino, result.st_dev)


def read_file(path: Path) -> tuple[bytes, Stat]:
    """A file's bytes and its stat taken on the open file before reading (``OSError`` passes)."""
    with open(path, "rb") as handle:
        stat = stat_of(os.fstat(handle.fileno()))
        return handle.read(), stat


def current_inputs(root: Path, recorded: Recorded) -> Inputs:
    """What a load of ``root`` would read now, for the dependency probes a cached load made.

    A file whose stat equals the one recorded when it was read keeps its recorded digest when
    :meth:`Recorded.trusted` vouches for it; every other file is hashed.
    """
    probed = tuple((candidate, Path(candidate).is_dir()) for candidate, _ in recorded.inputs.probes)
    roots = [root]
    # The first existing candidate of each dependency is the project that was read.
    for candidate, exists in probed:
        if exists and Path(candidate) not in roots and _is_chosen(candidate, probed):
            roots.append(Path(candidate))
    trusted = recorded.trusted()
    files: list[tuple[str, str, str]] = []
    # A dependency read from inside the project is its own project's, as the loader reads it.
    inside = dependency_dirs_inside(root, roots[1:])
    for r in roots:
        key = str(r)
        for relative in discover(r, inside if r == root else frozenset()):
            known = trusted.get((key, relative))
            digest = None
            if known is not None:
                try:
                    if stat_of(os.stat(os.path.join(key, relative))) == known[0]:
                        digest = known[1]
                except OSError:
                    pass
            files.append((key, relative, digest if digest is not None else hash_file(r / relative)))
    return Inputs(tuple(files), probed)


def _is_chosen(candidate: str, probed: tuple[tuple[str, bool], ...]) -> bool:
    """Whether ``candidate`` is the first existing directory for its dependency name."""
    name = Path(candidate).name
    same = [c for c, exists in probed if Path(c).name == name and exists]
    return bool(same) and same[0] == candidate


def hash_files(root: Path, relatives: Iterable[str], project: str) -> list[tuple[str, str, str]]:
    """``(project, relative, digest)`` for each file; an unreadable file gets an empty digest."""
    return [(project, relative, hash_file(root / relative)) for relative in relatives]


def hash_file(path: Path) -> str:
    try:
        return content_digest(path.read_bytes())
    except OSError:
        return ""
