"""A warm-load cache of whole resolved projects, keyed by every file's content and the options.

Why: with every tree in the parse cache, a large project still spends seconds merging
refinements, building hundreds of thousands of fields and checking references, and none of that
changes while the files do not. So the finished :class:`Project` is stored, and a load whose
files and options are unchanged reads it back instead.

The key cannot go stale: it is a SHA-256 over the loader's own source code, the project root,
the options (constant overrides, dependency search paths) and the content of every LookML file
the load read — the main project's and every local dependency's — plus which dependency
directories existed. One entry is kept per (root, options): a changed file replaces it.

Format: the raw LookML trees held by ``raw`` attributes (plain dicts, the bulk of the data) go
into one :mod:`marshal` blob, which keeps shared sub-dicts shared and loads several times faster
than pickle; the typed objects go through :mod:`pickle` and point into that blob. An unreadable,
truncated or foreign entry is a miss: the cache can only make loading faster, never wrong.
"""

from __future__ import annotations

import contextlib
import copyreg
import gc
import hashlib
import io
import marshal
import os
import pickle
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pytest_looker.errors import Location
from pytest_looker.lookml.fields import new_field
from pytest_looker.lookml.model import Field, Project

_MAGIC = b"PLPC1\n"
_MARSHAL_VERSION = 4
_SOURCE_DIR = Path(__file__).resolve().parent


def _code_digest() -> str:
    """The loader's own code: an edited loader never reads projects an older one built."""
    digest = hashlib.sha256()
    for path in sorted(_SOURCE_DIR.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


_CODE = _code_digest()


@dataclass(frozen=True)
class Inputs:
    """What a load read: files (project, relative path, content digest) and dependency probes."""

    files: tuple[tuple[str, str, str], ...]
    probes: tuple[tuple[str, bool], ...]

    def digest(self) -> str:
        hasher = hashlib.sha256()
        for item in self.files:
            hasher.update("\0".join(item).encode())
            hasher.update(b"\n")
        for path, exists in self.probes:
            hasher.update(f"{path}\0{exists}\n".encode())
        return hasher.hexdigest()


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry_path(directory: Path, root: Path, constants: Mapping[str, str], dependency_paths: Sequence[Any]) -> Path:
    """Where the entry for these options lives (content is checked inside the entry)."""
    options = repr((_CODE, str(root), sorted(constants.items()), [str(Path(p).resolve()) for p in dependency_paths]))
    name = hashlib.sha256(options.encode()).hexdigest()
    return directory / "projects" / name


def read(path: Path, current: Any) -> Project | None:
    """The cached project if its inputs equal what ``current(probes)`` reports now.

    ``current`` is called with the entry's recorded dependency probes and returns the
    :class:`Inputs` a load would read today (it re-hashes every file).
    """
    try:
        with open(path, "rb") as handle:
            if handle.read(len(_MAGIC)) != _MAGIC:
                return None
            files, probes = marshal.loads(_blob(handle))
            recorded = Inputs(tuple(tuple(f) for f in files), tuple(tuple(p) for p in probes))
            now = current(recorded.probes)
            if now is None or now != recorded:
                return None
            # ``marshal.loads`` of one bytes object: ``marshal.load`` on a file reads it in
            # small pieces and is several times slower.
            raws = marshal.loads(_blob(handle))
            body = _blob(handle)
            was_enabled = gc.isenabled()
            gc.disable()  # millions of objects that all stay alive: nothing for the collector to do
            global _raws
            with _LOCK:
                _raws = raws
                try:
                    project = pickle.loads(body)
                finally:
                    _raws = []
                    if was_enabled:
                        gc.enable()
    except (OSError, EOFError, ValueError, TypeError, IndexError, KeyError, AttributeError, pickle.UnpicklingError):
        return None
    return project if isinstance(project, Project) else None


def _blob(handle: Any) -> bytes:
    size = int.from_bytes(handle.read(8), "little")
    data: bytes = handle.read(size)
    if len(data) != size:
        raise EOFError("truncated cache entry")
    return data


def write(path: Path, project: Project, inputs: Inputs) -> None:
    """Store ``project`` atomically; an unwritable cache only costs speed."""
    try:
        buffer = io.BytesIO()
        pickler = _Pickler(buffer)
        pickler.dump(project)
        try:
            raws = marshal.dumps(pickler.raws, _MARSHAL_VERSION)
        except ValueError:  # a raw mapping holds something marshal cannot store (YAML dates)
            buffer = io.BytesIO()
            _Pickler(buffer, side_table=False).dump(project)
            raws = marshal.dumps([], _MARSHAL_VERSION)
        header = (list(inputs.files), list(inputs.probes))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except (OSError, ValueError, TypeError, pickle.PicklingError, RecursionError):
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC)
            for blob in (marshal.dumps(header, _MARSHAL_VERSION), raws, buffer.getbuffer()):
                handle.write(len(blob).to_bytes(8, "little"))
                handle.write(blob)
        os.replace(tmp, path)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _underlying(proxy: Mapping[str, Any]) -> dict[str, Any]:
    """The dict a ``MappingProxyType`` wraps (shared by identity, so stored once)."""
    referents = gc.get_referents(proxy)
    return referents[0] if referents and isinstance(referents[0], dict) else dict(proxy)


_FIELD_NAMES = tuple(Field.__dataclass_fields__)
_LOCK = threading.Lock()
#: The marshal side table of the entry being read (set under ``_LOCK`` while unpickling).
_raws: list[dict[str, Any]] = []


def _field_from_values(values: tuple[Any, ...]) -> Field:
    return new_field(dict(zip(_FIELD_NAMES, values, strict=True)))


def _raw_at(index: int) -> Mapping[str, Any]:
    return MappingProxyType(_raws[index])


def _proxy(items: dict[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(items)


class _Pickler(pickle.Pickler):
    """Pickles typed objects; read-only mappings of plain data go to the side table ``raws``.

    Reductions are registered per type (``dispatch_table``), which the C pickler consults
    without a Python call for every other object.
    """

    def __init__(self, file: io.BytesIO, *, side_table: bool = True) -> None:
        super().__init__(file, protocol=5)
        self.raws: list[dict[str, Any]] = []
        self._raw_index: dict[int, int] = {}
        self._keep: list[Any] = []  # keeps ids stable while pickling
        table = copyreg.dispatch_table.copy()
        table[MappingProxyType] = self._reduce_proxy if side_table else _reduce_proxy_inline
        table[Field] = _reduce_field
        table[Location] = _reduce_location
        self.dispatch_table = table

    def _reduce_proxy(self, proxy: Mapping[str, Any]) -> tuple[Any, ...]:
        inner = _underlying(proxy)
        if "$line" not in inner:
            # Not a raw LookML node (those always know their line): a mapping of typed objects
            # (models, views, fields) or a dashboard's YAML, pickled in place.
            return _proxy, (inner,)
        index = self._raw_index.get(id(inner))
        if index is None:
            index = len(self.raws)
            self.raws.append(inner)
            self._raw_index[id(inner)] = index
            self._keep.append(inner)
        return _raw_at, (index,)


def _reduce_proxy_inline(proxy: Mapping[str, Any]) -> tuple[Any, ...]:
    return _proxy, (_underlying(proxy),)


def _reduce_field(field: Field) -> tuple[Any, ...]:
    # A tuple of values in declaration order: a fraction of the size of the instance dict with
    # its 37 keys, and rebuilt without the frozen dataclass ``__init__``.
    values = field.__dict__
    return _field_from_values, (tuple([values[name] for name in _FIELD_NAMES]),)


def _reduce_location(location: Location) -> tuple[Any, ...]:
    return Location, (location.file, location.line)


def hash_files(root: Path, relatives: Iterable[str], project: str) -> list[tuple[str, str, str]]:
    """``(project, relative, digest)`` for each file; an unreadable file gets an empty digest."""
    result = []
    for relative in relatives:
        try:
            digest = content_digest((root / relative).read_bytes())
        except OSError:
            digest = ""
        result.append((project, relative, digest))
    return result
