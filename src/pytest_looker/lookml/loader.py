"""Loading a LookML project: through the whole-project cache when the files are unchanged.

:func:`load_project` is the entry point. A warm load (:mod:`.projectcache`) lists and stats the
files and reads the finished project back; only a cold load imports and runs the parse and
resolve steps (:mod:`.resolve`), so commands and pytest runs on an unchanged project do not
pay for importing them.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_looker.lookml import projectcache
from pytest_looker.lookml.cache import default_cache_dir
from pytest_looker.lookml.files import discover
from pytest_looker.lookml.model import Project

if TYPE_CHECKING:
    from pytest_looker.lookml.resolve import SourceProject

_UNSET: Any = object()


def load_project(
    path: str | Path,
    *,
    constants: Mapping[str, str] | None = None,
    dependency_paths: Sequence[str | Path] = (),
    cache_dir: Path | Any | None = _UNSET,
) -> Project:
    """Load the LookML project at ``path``.

    ``constants`` override manifest constants (configuration wins over the manifest);
    ``dependency_paths`` are directories searched for ``local_dependency`` projects (each
    project ``name`` is looked up as ``<dir>/<name>``, and ``imported_projects/<name>`` under the
    project is always searched); ``cache_dir=None`` disables the parse cache and the
    whole-project cache (:mod:`.projectcache`).
    """
    # Loading allocates millions of small dicts, lists and objects that all stay alive; the
    # cyclic garbage collector would re-scan them again and again (a third of the load time
    # of a large project) without ever finding garbage. It is paused for the load only (and a
    # large project's objects are then kept out of its reach: projectcache.resume_collector).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_cached(Path(path), constants or {}, dependency_paths, cache_dir)
    finally:
        projectcache.resume_collector(was_enabled)


def _load_cached(
    path: Path, constants: Mapping[str, str], dependency_paths: Sequence[str | Path], cache_dir: Path | Any | None
) -> Project:
    """:func:`_load`, through the whole-project cache (:mod:`.projectcache`) when it pays."""
    directory = default_cache_dir() if cache_dir is _UNSET else cache_dir
    root = path.resolve()
    if directory is None or not root.is_dir():
        return _load(path, constants, dependency_paths, directory, [])[0]
    entry = projectcache.entry_path(Path(directory), root, constants, dependency_paths)
    if entry.exists():
        cached = projectcache.read(entry, lambda recorded: _current_inputs(root, recorded))
        if cached is not None:
            return cached
    taken_at = time.time_ns()  # before any file is read: see projectcache.Recorded.trusted
    probes: list[tuple[str, bool]] = []
    project, sources = _load(path, constants, dependency_paths, directory, probes)
    files: list[tuple[str, str, str]] = []
    stats: dict[projectcache.FileKey, projectcache.Stat] = {}
    for source in sources:
        key = str(source.root)
        for relative in source.files:
            digest = source.digests.get(relative)
            if digest is None:  # a file the load did not read (a dependency's dashboard)
                digest = projectcache.hash_file(source.root / relative)
            files.append((key, relative, digest))
            if relative in source.stats:
                stats[(key, relative)] = source.stats[relative]
    inputs = projectcache.Inputs(tuple(files), tuple(probes))
    projectcache.write(entry, project, projectcache.Recorded(inputs, stats, taken_at))
    return project


def _current_inputs(root: Path, recorded: projectcache.Recorded) -> projectcache.Inputs:
    """What a load of ``root`` would read now, for the dependency probes a cached load made.

    A file whose stat equals the one recorded when it was read keeps its recorded digest when
    :meth:`~.projectcache.Recorded.trusted` vouches for it; every other file is hashed.
    """
    probed = tuple((candidate, Path(candidate).is_dir()) for candidate, _ in recorded.inputs.probes)
    roots = [root]
    # The first existing candidate of each dependency is the project that was read.
    for candidate, exists in probed:
        if exists and Path(candidate) not in roots and _is_chosen(candidate, probed):
            roots.append(Path(candidate))
    trusted = recorded.trusted()
    files: list[tuple[str, str, str]] = []
    for r in roots:
        key = str(r)
        for relative in discover(r):
            known = trusted.get((key, relative))
            digest = None
            if known is not None:
                try:
                    if projectcache.stat_of(os.stat(os.path.join(key, relative))) == known[0]:
                        digest = known[1]
                except OSError:
                    pass
            files.append((key, relative, digest if digest is not None else projectcache.hash_file(r / relative)))
    return projectcache.Inputs(tuple(files), probed)


def _is_chosen(candidate: str, probed: tuple[tuple[str, bool], ...]) -> bool:
    """Whether ``candidate`` is the first existing directory for its dependency name."""
    name = Path(candidate).name
    same = [c for c, exists in probed if Path(c).name == name and exists]
    return bool(same) and same[0] == candidate


def _load(
    path: str | Path,
    constants: Mapping[str, str] | None,
    dependency_paths: Sequence[str | Path],
    cache_dir: Path | None,
    probes: list[tuple[str, bool]],
) -> tuple[Project, list[SourceProject]]:
    """Parse and resolve (:func:`.resolve.load_sources`); also returns the projects read."""
    from pytest_looker.lookml.resolve import load_sources

    return load_sources(path, constants, dependency_paths, cache_dir, probes)
