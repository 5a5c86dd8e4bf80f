"""Finding a project's files and resolving ``include:`` patterns as Looker does.

Looker include rules: a pattern starting with ``/`` is relative to the project root, one
starting with ``//name/`` to the root of the imported project ``name``, anything else to the
directory of the including file. ``*`` matches within one path segment, ``**`` across any number
of directories. Old-style patterns without the ``.lkml`` extension (``*.view``, ``*.dashboard``)
still match ``x.view.lkml`` / ``x.dashboard.lookml``.
"""

from __future__ import annotations

import os
import posixpath
import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pytest_looker.immutable import record

LOOKML_SUFFIXES = (".lkml", ".lookml")
_IMPORTED_PROJECTS = "imported_projects"
_SKIPPED_DIRS = {".git", ".venv", "node_modules", "__pycache__", ".pytest-looker", ".pytest_cache"}


@record
class SourceFile:
    """A LookML file: ``project`` is ``None`` for the main project, else the dependency name."""

    project: str | None
    path: str  # relative to its project root, forward slashes

    @property
    def display(self) -> str:
        """How we name the file to a user: dependencies are shown as ``//name/path``."""
        return self.path if self.project is None else f"//{self.project}/{self.path}"

    @property
    def kind(self) -> str:
        """``model``, ``view``, ``explore``, ``manifest``, ``dashboard`` or ``other``."""
        name = posixpath.basename(self.path)
        if name == "manifest.lkml":
            return "manifest"
        if name.endswith(".dashboard.lookml") or name.endswith(".dashboard.lkml"):
            return "dashboard"
        for kind in ("model", "view", "explore"):
            if name.endswith(f".{kind}.lkml"):
                return kind
        return "other"


def discover(root: Path, skip: frozenset[str] = frozenset()) -> list[str]:
    """Every LookML file below ``root``, as sorted root-relative POSIX paths.

    ``imported_projects/`` holds other projects (local dependencies, read as such), not files of
    this one; so do the ``skip`` directories (root-relative POSIX paths: dependencies found
    through ``dependency_paths`` inside the project, :func:`dependency_dirs_inside`).
    Directories in :data:`_SKIPPED_DIRS` are not entered, nor are symbolic links to directories
    (as ``Path.rglob`` does); a symbolic link to a file counts as the file. Walked with
    ``os.scandir``: a warm load starts by listing the project, and ``rglob`` costs several times
    more on a project of thousands of files.
    """
    found: list[str] = []
    pending: list[tuple[str, str]] = [(str(root), "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            with os.scandir(directory) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            name = entry.name
            try:
                is_dir = entry.is_dir() and not entry.is_symlink()
            except OSError:
                is_dir = False
            if is_dir:
                if name in _SKIPPED_DIRS or (not prefix and name == _IMPORTED_PROJECTS):
                    continue
                if skip and f"{prefix}{name}" in skip:
                    continue
                pending.append((entry.path, f"{prefix}{name}/"))
            elif name.endswith(LOOKML_SUFFIXES):
                try:
                    if entry.is_file():
                        found.append(prefix + name)
                except OSError:
                    continue
    return sorted(found)


def dependency_dirs_inside(root: Path, chosen: Iterable[str | Path]) -> frozenset[str]:
    """The ``chosen`` dependency directories that lie inside ``root``, root-relative: another
    project's files, which :func:`discover` must not take for the main project's."""
    inside: set[str] = set()
    for directory in chosen:
        try:
            relative = Path(directory).resolve().relative_to(root.resolve())
        except ValueError:
            continue
        if relative.parts:
            inside.add(relative.as_posix())
    return frozenset(inside)


@lru_cache(maxsize=4096)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def split_include(pattern: str, including: SourceFile) -> tuple[str | None, str]:
    """The project an include refers to and the pattern relative to that project's root."""
    if pattern.startswith("//"):
        name, _, rest = pattern[2:].partition("/")
        return name, rest
    if pattern.startswith("/"):
        return including.project, pattern.lstrip("/")
    base = posixpath.dirname(including.path)
    joined = posixpath.normpath(posixpath.join(base, pattern)) if base else posixpath.normpath(pattern)
    return including.project, joined


def match_include(pattern: str, candidates: list[str]) -> list[str]:
    """The candidates a root-relative include pattern matches, in sorted order.

    ``candidates`` must be sorted. Only those starting with the pattern's literal head (up to
    its first wildcard) can match, and they are one run of the sorted list: they are found by
    bisection and only the rest of the pattern is matched against them. A project with
    thousands of files and of includes (looker-hub: 4,400 and 1,300) otherwise spends a fifth of
    its cold load matching every include against every file and compiling each include's
    regular expression; the rests (``*.view.lkml``) are few and shared.
    """
    matched = _matching(pattern, candidates)
    if not matched and not pattern.endswith(LOOKML_SUFFIXES):
        for suffix in LOOKML_SUFFIXES:
            matched.extend(_matching(pattern + suffix, candidates))
    return sorted(set(matched))


def _matching(pattern: str, candidates: list[str]) -> list[str]:
    wildcards = [i for i in (pattern.find("*"), pattern.find("?")) if i >= 0]
    cut = min(wildcards) if wildcards else len(pattern)
    head, rest = pattern[:cut], pattern[cut:]
    regex = _glob_regex(rest)
    found: list[str] = []
    for index in range(bisect_left(candidates, head), len(candidates)):
        candidate = candidates[index]
        if not candidate.startswith(head):
            break
        if regex.match(candidate, cut):
            found.append(candidate)
    return found
