"""The collection cache: which items a project's files collect into, stored as plain data.

Why: on a warm pytest run most of what the plugin adds to collection is importing what a run
with a project needs to *describe* its items — the loader, the LookML model's dataclasses, the
checks — and loading the project. None of that changes while the project's files and the
settings that select items do not. So the description of the collected items (a
:data:`Plan`: per file, each item's class, name, target and the names it looks its LookML up
by) is stored next to the project cache, and a warm collection builds the same items from it
without importing the loader or the checks; an item loads the project when it runs.

**Validity.** An entry is named by a SHA-256 of the plugin's code (the stat of every module of
the packages that decide items), the project root and the settings collection reads
(:func:`entry_path`). It records what the project load read (:class:`~pytest_looker.lookml.inputs.Recorded`:
every file's digest and stat, the dependency probes) and is used only when
:func:`~pytest_looker.lookml.inputs.current_inputs` finds the same files with the same
digests — the project cache's own rule. A spec file's items (``*.lkmltest.yml``) are keyed by
the file's bytes. An unreadable or foreign entry is a miss: the cache can only make collection
faster, never different (``tests/testing/test_collection_cache.py`` compares both).
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_looker.lookml.inputs import Inputs, Recorded, current_inputs

if TYPE_CHECKING:
    from pytest_looker.settings import Settings

__all__ = ["Plan", "entry_path", "read_plan", "read_specs", "spec_entry_path", "write_plan", "write_specs"]

#: ``{"collected": [relative, ...], "items": {relative: [(kind, name, target, args), ...]}}``:
#: the LookML files that become collectors and, per file, its items in collection order.
Plan = dict[str, Any]

_MAGIC = b"PLCOLL1\n"
_MARSHAL_VERSION = 4
_PACKAGE = Path(__file__).resolve().parent.parent
#: The packages whose code decides which items a file has and what they are called.
_CODE_DIRS = ("testing", "checks", "lookml", "settings")


def _code_stamp() -> str:
    """Every module that decides items, by name, size and mtime: an edited plugin misses."""
    digest = hashlib.sha256()
    for name in _CODE_DIRS:
        with os.scandir(_PACKAGE / name) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    stat = entry.stat()
                    digest.update(f"{name}/{entry.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


def _settings_key(settings: Settings) -> tuple[Any, ...]:
    """The settings collection reads: how the project loads, which explores are selected,
    whether key checks are on, and the dialect settings the connection warnings depend on
    (no URL, credential or other secret takes part)."""
    return (
        str(settings.project),
        sorted(settings.constants.items()),
        [str(p) for p in settings.dependency_paths],
        list(settings.explores),
        settings.check_keys,
        settings.dialect_set,
        settings.dialect,
        sorted((name, c.dialect) for name, c in settings.connections.items()),
    )


def entry_path(directory: Path, settings: Settings) -> Path:
    """Where the plan of this project under these settings lives."""
    key = repr((_code_stamp(), _settings_key(settings)))
    return directory / "collections" / hashlib.sha256(key.encode()).hexdigest()


def read_plan(path: Path, root: Path) -> Plan | None:
    """The stored plan if the project's files are those it was made from, else ``None``."""
    try:
        data = path.read_bytes()
        if not data.startswith(_MAGIC):
            return None
        header, plan = marshal.loads(data[len(_MAGIC) :])
        files, probes, stats, taken_at = header
        inputs = Inputs(tuple(tuple(f) for f in files), tuple(tuple(p) for p in probes))
        known = {(f[0], f[1]): tuple(s) for f, s in zip(files, stats, strict=True) if s}
        if current_inputs(root, Recorded(inputs, known, taken_at)) != inputs:
            return None
    except (OSError, EOFError, ValueError, TypeError, IndexError, KeyError):
        return None
    return plan if isinstance(plan, dict) else None


def write_plan(path: Path, recorded: Recorded, plan: Plan) -> None:
    """Store ``plan`` as made from the files ``recorded`` lists (atomically; errors only cost speed)."""
    files = [list(f) for f in recorded.inputs.files]
    stats = [list(recorded.stats.get((f[0], f[1]), ())) for f in recorded.inputs.files]
    header = (files, [list(p) for p in recorded.inputs.probes], stats, recorded.taken_at)
    _store(path, _MAGIC + marshal.dumps((header, plan), _MARSHAL_VERSION))


def spec_entry_path(directory: Path, shown: str, data: bytes) -> Path:
    """Where the items of a spec file with these bytes, shown under this name, are stored."""
    digest = hashlib.sha256(f"{_code_stamp()}\0{shown}\0".encode() + data).hexdigest()
    return directory / "collections" / "specs" / digest


def read_specs(path: Path) -> list[Any] | None:
    """A spec file's stored items (``[(name, target, skip, xfail), ...]``), or ``None``."""
    try:
        data = path.read_bytes()
        if not data.startswith(_MAGIC):
            return None
        found = marshal.loads(data[len(_MAGIC) :])
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return found if isinstance(found, list) else None


def write_specs(path: Path, items: list[Any]) -> None:
    _store(path, _MAGIC + marshal.dumps(items, _MARSHAL_VERSION))


def _store(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        return
