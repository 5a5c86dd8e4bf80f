"""Loading a LookML project: through the whole-project cache when the files are unchanged.

:func:`load_project` is the entry point. A warm load (:mod:`.projectcache`) lists and stats the
files and reads the finished project back; only a cold load imports and runs the parse and
resolve steps (:mod:`.resolve`), so commands and pytest runs on an unchanged project do not
pay for importing them.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_looker.lookml import inputs
from pytest_looker.lookml.cache import default_cache_dir
from pytest_looker.lookml.collector import resume_collector
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
    record: list[inputs.Recorded] | None = None,
) -> Project:
    """Load the LookML project at ``path``.

    ``constants`` override manifest constants (configuration wins over the manifest);
    ``dependency_paths`` are directories searched for ``local_dependency`` projects (each
    project ``name`` is looked up as ``<dir>/<name>``, and ``imported_projects/<name>`` under the
    project is always searched); ``cache_dir=None`` disables the parse cache and the
    whole-project cache (:mod:`.projectcache`). When the load goes through that cache, what it
    read (:class:`~.inputs.Recorded`: files, digests, stats) is appended to ``record``: what
    the project was made from, for caches of things derived from it (the pytest plugin's items).
    """
    # Loading allocates millions of small dicts, lists and objects that all stay alive; the
    # cyclic garbage collector would re-scan them again and again (a third of the load time
    # of a large project) without ever finding garbage. It is paused for the load only (and a
    # large project's objects are then kept out of its reach: collector.resume_collector).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_cached(Path(path), constants or {}, dependency_paths, cache_dir, record)
    finally:
        resume_collector(was_enabled)


def _load_cached(
    path: Path,
    constants: Mapping[str, str],
    dependency_paths: Sequence[str | Path],
    cache_dir: Path | Any | None,
    record: list[inputs.Recorded] | None,
) -> Project:
    """:func:`_load`, through the whole-project cache (:mod:`.projectcache`) when it pays."""
    directory = default_cache_dir() if cache_dir is _UNSET else cache_dir
    root = path.resolve()
    if directory is None or not root.is_dir():
        return _load(path, constants, dependency_paths, directory, [])[0]
    from pytest_looker.lookml import projectcache  # its pickler and hashing: only with the cache

    entry = projectcache.entry_path(Path(directory), root, constants, dependency_paths)
    if entry.exists():
        header: list[inputs.Recorded] = []

        def current(recorded: inputs.Recorded) -> inputs.Inputs:
            header.append(recorded)
            return inputs.current_inputs(root, recorded)

        cached = projectcache.read(entry, current)
        if cached is not None:
            if record is not None:
                record.extend(header)
            return cached
    taken_at = time.time_ns()  # before any file is read: see inputs.Recorded.trusted
    probes: list[tuple[str, bool]] = []
    project, sources = _load(path, constants, dependency_paths, directory, probes)
    files: list[tuple[str, str, str]] = []
    stats: dict[inputs.FileKey, inputs.Stat] = {}
    for source in sources:
        key = str(source.root)
        for relative in source.files:
            digest = source.digests.get(relative)
            if digest is None:  # a file the load did not read (a dependency's dashboard)
                digest = inputs.hash_file(source.root / relative)
            files.append((key, relative, digest))
            if relative in source.stats:
                stats[(key, relative)] = source.stats[relative]
    recorded = inputs.Recorded(inputs.Inputs(tuple(files), tuple(probes)), stats, taken_at)
    projectcache.write(entry, project, recorded)
    if record is not None:
        record.append(recorded)
    return project


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
