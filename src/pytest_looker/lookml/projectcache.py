"""A warm-load cache of whole resolved projects, keyed by every file's content and the options.

Why: with every tree in the parse cache, a large project still spends seconds merging
refinements, building hundreds of thousands of fields and checking references, and none of that
changes while the files do not. So the finished :class:`Project` is stored, and a load whose
files and options are unchanged reads it back instead.

**Validity.** An entry records, for every LookML file the load read (the main project's and
every local dependency's), the SHA-256 of the bytes the load parsed, plus which dependency
directories existed; its name is a SHA-256 of the loader's own source code, the project root and
the options. An entry is used only when the files found today have the same digests. Hashing
50 MB on every warm load would cost more than the rest of it, so the entry also records each
file's ``stat`` — size, ``mtime_ns``, ``ctime_ns``, inode and device — taken (``fstat``) on the
open file *before* its bytes were read. A file whose stat is unchanged is not re-hashed; any
other file is. This is safe because:

* writing to a file, truncating it, ``touch``/``os.utime`` (even putting the old mtime back),
  ``chmod``, or replacing it by rename always sets its ``ctime`` to the current time (or gives
  it another inode), and ``ctime`` cannot be set by user programs;
* a change in the same clock tick as the recorded ``ctime`` would keep all five values: so the
  stat is trusted only for files whose ``ctime`` and ``mtime`` were already
  :data:`RACY_MARGIN_NS` older than the moment the stats were taken (the "racy git" rule). A
  file changed shortly before or during the load is re-hashed on the next warm load;
* the digest is of the very bytes the load parsed (not a second read), so a file changed while
  loading is either seen by its digest or by its stat.

What remains is what ``git status`` also assumes: that nobody rewrites a file's bytes behind the
file system's back (raw device writes, a clock set back by more than the margin).

**Format.** On a hit only the entry's header and skeleton are read and decoded: the project, its
models, manifest, tests and diagnostics. Each view and each explore is its own blob, read from
the file and decoded the first time someone reads it from ``model.views`` / ``model.explores``
(read-only mappings, :class:`LazyMapping`); a view several models include is one blob and one
object. A
blob is a :mod:`marshal` side table of the raw LookML trees it holds (plain dicts, the bulk of the
data; marshal keeps shared sub-dicts shared and loads several times faster than pickle) and a
:mod:`pickle` of the typed objects pointing into it. An unreadable, truncated or foreign entry is
a miss: the cache can only make loading faster, never wrong.
"""

from __future__ import annotations

import contextlib
import copyreg
import enum
import gc
import hashlib
import io
import marshal
import os
import pickle
import threading
import weakref
from collections.abc import Callable, ItemsView, Iterable, Iterator, Mapping, Sequence, ValuesView
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pytest_looker.errors import Location
from pytest_looker.lookml.collector import resume_collector
from pytest_looker.lookml.inputs import (
    Inputs,
    Recorded,
)
from pytest_looker.lookml.model import (
    EMPTY_MAPPING,
    Field,
    FieldCategory,
    Model,
    Project,
    Severity,
    frozen_mapping,
    outline,
)

_MAGIC = b"PLPC3\n"
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


def entry_path(directory: Path, root: Path, constants: Mapping[str, str], dependency_paths: Sequence[Any]) -> Path:
    """Where the entry for these options lives (content is checked inside the entry)."""
    options = repr((_CODE, str(root), sorted(constants.items()), [str(Path(p).resolve()) for p in dependency_paths]))
    name = hashlib.sha256(options.encode()).hexdigest()
    return directory / "projects" / name


def read(path: Path, current: Callable[[Recorded], Inputs | None]) -> Project | None:
    """The cached project if its inputs equal what ``current(recorded)`` reports now.

    ``current`` receives the entry's header (dependency probes, digests, stats) and returns the
    :class:`Inputs` a load would read today, re-hashing the files :meth:`Recorded.trusted` does
    not vouch for.
    """
    try:
        with open(path, "rb") as handle:
            if handle.read(len(_MAGIC)) != _MAGIC:
                return None
            files, probes, stats, taken_at = marshal.loads(_blob(handle))
            inputs = Inputs(tuple(tuple(f) for f in files), tuple(tuple(p) for p in probes))
            known = {(f[0], f[1]): tuple(s) for f, s in zip(files, stats, strict=True) if s}
            recorded = Recorded(inputs, known, taken_at)
            now = current(recorded)
            if now is None or now != inputs:
                return None
            skeleton = _blob(handle)
            offsets: list[int] = marshal.loads(_blob(handle))
            outlines: list[tuple[str, int]] = marshal.loads(_blob(handle))
            size = int.from_bytes(handle.read(8), "little")
            if not offsets or offsets[0] != 0 or offsets[-1] != size or offsets != sorted(offsets):
                return None
            if len(outlines) != len(offsets) - 1:
                return None
            store = _Store.over(handle, size, offsets, outlines)
        was_enabled = gc.isenabled()
        gc.disable()  # many objects that all stay alive: nothing for the collector to do
        try:
            project = store.decode(skeleton)
        finally:
            resume_collector(was_enabled)
    except (OSError, EOFError, ValueError, TypeError, IndexError, KeyError, AttributeError, pickle.UnpicklingError):
        return None
    return project if isinstance(project, Project) else None


def _blob(handle: Any) -> bytes:
    size = int.from_bytes(handle.read(8), "little")
    data: bytes = handle.read(size)
    if len(data) != size:
        raise EOFError("truncated cache entry")
    return data


def write(path: Path, project: Project, recorded: Recorded) -> None:
    """Store ``project`` atomically; an unwritable cache only costs speed."""
    try:
        objects = _Objects()
        skeleton = _encode(project, objects)
        blobs: list[bytes] = []
        offsets = [0]
        for item in objects.items:  # views and explores hold no models: the list does not grow
            blobs.append(_encode(item, objects))
            offsets.append(offsets[-1] + len(blobs[-1]))
        outlines = marshal.dumps([outline(item) for item in objects.items], _MARSHAL_VERSION)
        files = list(recorded.inputs.files)
        stats = [recorded.stats.get((f[0], f[1])) for f in files]
        header = marshal.dumps((files, list(recorded.inputs.probes), stats, recorded.taken_at), _MARSHAL_VERSION)
        path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # only a run that writes the cache needs it

        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except (OSError, ValueError, TypeError, pickle.PicklingError, RecursionError):
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC)
            total = sum(map(len, blobs))
            for blob in (header, skeleton, marshal.dumps(offsets, _MARSHAL_VERSION), outlines):
                handle.write(len(blob).to_bytes(8, "little"))
                handle.write(blob)
            handle.write(total.to_bytes(8, "little"))
            for blob in blobs:
                handle.write(blob)
        os.replace(tmp, path)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _encode(obj: Any, objects: _Objects) -> bytes:
    """One blob: ``marshal((marshal(raw side table), pickle))``; models' views and explores go to
    ``objects``. The side table is marshalled on its own so that reading the blob can leave it
    undecoded until a raw mapping is read (:class:`LazyRaw`)."""
    buffer = io.BytesIO()
    pickler = _Pickler(buffer, objects)
    pickler.dump(obj)
    try:
        return marshal.dumps((marshal.dumps(pickler.raws, _MARSHAL_VERSION), buffer.getvalue()), _MARSHAL_VERSION)
    except ValueError:  # a raw mapping holds something marshal cannot store (YAML dates)
        buffer = io.BytesIO()
        _Pickler(buffer, objects, side_table=False).dump(obj)
        return marshal.dumps((marshal.dumps([], _MARSHAL_VERSION), buffer.getvalue()), _MARSHAL_VERSION)


class _Store:
    """The blobs of one entry; decodes each view or explore once, on first access.

    The blobs are not read with the entry: they stay in the file, read with ``os.pread`` from a
    descriptor of the entry opened when it was validated (a later rewrite of the entry replaces
    the file, so the descriptor keeps reading the bytes that were checked). Holding them in
    memory instead kept the whole entry alive for the life of the project (58 MiB on
    looker-hub), after every object had been decoded from it. The descriptor is closed when
    the last blob has been decoded, or with the store. Without ``os.pread`` (Windows) the
    blobs are read at once.
    """

    def __init__(
        self,
        data: bytes | None,
        offsets: list[int],
        outlines: list[tuple[str, int]],
        fd: int | None = None,
        base: int = 0,
    ) -> None:
        self._data = data
        self._offsets = offsets
        self.outlines = outlines
        self._fd = fd
        self._base = base
        self._closer = weakref.finalize(self, os.close, fd) if fd is not None else None
        self._decoded: dict[int, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def over(cls, handle: Any, size: int, offsets: list[int], outlines: list[tuple[str, int]]) -> _Store:
        """The store of the ``size`` bytes of blobs that start at ``handle``'s position."""
        base = handle.tell()
        if not hasattr(os, "pread"):
            data = handle.read(size)
            if len(data) != size:
                raise EOFError("truncated cache entry")
            return cls(data, offsets, outlines)
        if os.fstat(handle.fileno()).st_size < base + size:
            raise EOFError("truncated cache entry")
        return cls(None, offsets, outlines, os.dup(handle.fileno()), base)

    def _bytes(self, index: int) -> bytes | memoryview:
        start, end = self._offsets[index], self._offsets[index + 1]
        if self._data is not None:
            return memoryview(self._data)[start:end]
        assert self._fd is not None
        data = os.pread(self._fd, end - start, self._base + start)
        if len(data) != end - start:
            raise EOFError("truncated cache entry")
        return data

    def get(self, index: int) -> Any:
        found = self._decoded.get(index)
        if found is not None:
            return found
        return self.get_many([index])[0]

    def get_many(self, indexes: Iterable[int]) -> list[Any]:
        """The objects at ``indexes``, decoding the missing ones in one batch.

        The collector is paused while decoding: the objects all stay alive, and a collection
        in the middle of a batch would only re-scan the heap (with it running, reading a whole
        10 MB project one view at a time took three times as long).
        """
        with self._lock:
            was_enabled = gc.isenabled()
            gc.disable()
            try:
                result = []
                for index in indexes:
                    found = self._decoded.get(index)
                    if found is None:
                        found = self._decoded[index] = self.decode(self._bytes(index))
                    result.append(found)
                if self._closer is not None and len(self._decoded) == len(self._offsets) - 1:
                    self._closer()  # every blob is decoded: the file is not needed any more
                    self._closer = self._fd = None
                return result
            finally:
                resume_collector(was_enabled)

    def decode(self, blob: bytes | memoryview) -> Any:
        raws, body = marshal.loads(blob)
        return _Unpickler(body, _RawTable(raws), self).load()


class LazyMapping(Mapping[str, Any]):
    """A read-only mapping whose values are decoded from the cache entry on first access.

    It equals (and compares, iterates, repr's) like the ``MappingProxyType`` a cold load gives.
    """

    __slots__ = ("_complete", "_refs", "_store", "_values")

    def __init__(self, refs: dict[str, int], store: _Store) -> None:
        self._refs = refs
        self._store = store
        self._values: dict[str, Any] = {}
        self._complete = not refs

    def _everything(self) -> dict[str, Any]:
        """Every value, in declaration order: what ``values()``/``items()`` walk (one batch)."""
        if not self._complete:
            decoded = self._store.get_many(self._refs.values())
            self._values = dict(zip(self._refs, decoded, strict=True))
            self._complete = True
        return self._values

    def values(self) -> ValuesView[Any]:
        return self._everything().values()

    def items(self) -> ItemsView[str, Any]:
        return self._everything().items()

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            value = self._values[key] = self._store.get(self._refs[key])
            return value

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self._values[key]
        except KeyError:
            index = self._refs.get(key)
            if index is None:
                return default
            value = self._values[key] = self._store.get(index)
            return value

    def __contains__(self, key: object) -> bool:
        return key in self._refs

    def __iter__(self) -> Iterator[str]:
        return iter(self._refs)

    def __len__(self) -> int:
        return len(self._refs)

    def __repr__(self) -> str:
        return repr(MappingProxyType(dict(self)))

    def outlines(self) -> list[tuple[str, int]]:
        """Each value's :func:`~pytest_looker.lookml.model.outline`, from the entry: nothing is decoded
        (what :func:`~pytest_looker.lookml.model.outlines` reads from a mapping that has them)."""
        return [self._store.outlines[index] for index in self._refs.values()]

    def __reduce__(self) -> tuple[Any, ...]:
        return frozen_mapping, (dict(self),)


def _underlying(proxy: Mapping[str, Any]) -> dict[str, Any]:
    """The dict a ``MappingProxyType`` wraps (shared by identity, so stored once)."""
    referents = gc.get_referents(proxy)
    return referents[0] if referents and isinstance(referents[0], dict) else dict(proxy)


def _model_from_state(state: dict[str, Any]) -> Model:
    model = object.__new__(Model)
    object.__setattr__(model, "__dict__", state)
    return model


def _raw_at(index: int) -> Mapping[str, Any]:  # pragma: no cover - replaced by _Unpickler.find_class
    raise RuntimeError("only meaningful while reading a cache entry")


def _lazy(refs: dict[str, int]) -> Mapping[str, Any]:  # pragma: no cover - replaced by find_class
    raise RuntimeError("only meaningful while reading a cache entry")


def _proxy(items: dict[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(items)


class _Unpickler(pickle.Unpickler):
    """Resolves the two placeholders of a blob: raw side-table entries and lazy mappings."""

    def __init__(self, body: bytes, raws: _RawTable, store: _Store) -> None:
        super().__init__(io.BytesIO(body))
        self._raws = raws
        self._store = store

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__:
            if name == "_raw_at":
                raws = self._raws
                return lambda index: LazyRaw(raws, index)
            if name == "_lazy":
                store = self._store
                return lambda refs: LazyMapping(refs, store)
        key = (module, name)
        found = _CLASSES.get(key)
        if found is None:
            found = _CLASSES[key] = super().find_class(module, name)
        return found


#: What ``find_class`` found, by module and name: a project's blobs name the same few classes
#: (Field, Location, View...) tens of thousands of times, and pickle looks each up in
#: ``sys.modules`` again (looker-hub: 50k look-ups for the views validation decodes).
_CLASSES: dict[tuple[str, str], Any] = {}


class _RawTable:
    """A blob's raw side table, still marshalled: decoded when one of its mappings is first read.

    Validation decodes most views of a project but reads the raw LookML of almost none of
    their fields (looker-hub: a quarter of decoding the views was unmarshalling these tables).
    """

    __slots__ = ("_blob", "_rows")

    def __init__(self, blob: bytes) -> None:
        self._blob = blob
        self._rows: list[dict[str, Any]] | None = None

    def row(self, index: int) -> dict[str, Any]:
        rows = self._rows
        if rows is None:
            rows = self._rows = marshal.loads(self._blob)
            self._blob = b""
        return rows[index]


class LazyRaw(Mapping[str, Any]):
    """A raw LookML mapping of a cached view or explore (``raw`` of fields, joins, views...),
    read from its blob's side table when first used; read-only, and equal to the
    ``MappingProxyType`` a cold load gives."""

    __slots__ = ("_index", "_mapping", "_table")

    def __init__(self, table: _RawTable, index: int) -> None:
        self._table = table
        self._index = index
        self._mapping: Mapping[str, Any] | None = None

    def _proxy(self) -> Mapping[str, Any]:
        mapping = self._mapping
        if mapping is None:
            mapping = self._mapping = MappingProxyType(self._table.row(self._index))
        return mapping

    def __getitem__(self, key: str) -> Any:
        return self._proxy()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._proxy().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._proxy()

    def __iter__(self) -> Iterator[str]:
        return iter(self._proxy())

    def __len__(self) -> int:
        return len(self._proxy())

    def __repr__(self) -> str:
        return repr(self._proxy())

    def __reduce__(self) -> tuple[Any, ...]:
        return _proxy, (dict(self._proxy()),)


class _Refs:
    """What a model's ``views``/``explores`` is written as: name → blob index."""

    def __init__(self, refs: dict[str, int]) -> None:
        self.refs = refs


class _Pickler(pickle.Pickler):
    """Pickles typed objects; read-only mappings of plain data go to the side table ``raws``.

    A model's views and explores are appended to ``objects`` (once each, by identity) and
    written as references. Reductions are registered per type (``dispatch_table``), which the C
    pickler consults without a Python call for every other object.
    """

    def __init__(self, file: io.BytesIO, objects: _Objects, *, side_table: bool = True) -> None:
        super().__init__(file, protocol=5)
        self.raws: list[dict[str, Any]] = []
        self._raw_index: dict[int, int] = {}
        self._keep: list[Any] = []  # keeps ids stable while pickling
        self._objects = objects
        table = copyreg.dispatch_table.copy()
        table[MappingProxyType] = self._reduce_proxy if side_table else _reduce_proxy_inline
        table[Field] = _reduce_field
        table[FieldCategory] = table[Severity] = _reduce_enum
        table[Location] = _reduce_location
        table[Model] = self._reduce_model
        table[LazyMapping] = _reduce_proxy_inline
        table[LazyRaw] = self._reduce_lazy_raw
        table[_Refs] = _reduce_refs
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

    def _reduce_lazy_raw(self, raw: LazyRaw) -> tuple[Any, ...]:
        return self._reduce_proxy(raw._proxy())

    def _reduce_model(self, model: Model) -> tuple[Any, ...]:
        state = dict(model.__dict__)
        state["views"] = _Refs(self._objects.register(model.views))
        state["explores"] = _Refs(self._objects.register(model.explores))
        return _model_from_state, (state,)


class _Objects:
    """The views and explores of an entry, each once (by identity), in blob order."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._index: dict[int, int] = {}

    def register(self, items: Mapping[str, Any]) -> dict[str, int]:
        """Blob indexes of ``items``' values; a value already registered keeps its index."""
        refs: dict[str, int] = {}
        for name, value in items.items():
            found = self._index.get(id(value))
            if found is None:
                found = self._index[id(value)] = len(self.items)
                self.items.append(value)  # kept alive: ids stay unique while writing
            refs[name] = found
        return refs


def _reduce_refs(refs: _Refs) -> tuple[Any, ...]:
    return _lazy, (refs.refs,)


def _reduce_proxy_inline(proxy: Mapping[str, Any]) -> tuple[Any, ...]:
    return _proxy, (_underlying(proxy) if isinstance(proxy, MappingProxyType) else dict(proxy),)


def _reduce_field(field: Field) -> tuple[Any, ...]:
    # The instance dict holds only what differs from the defaults (``fields.new_field``): stored
    # as it is, and rebuilt without ``__init__`` or any Python call — pickle's NEWOBJ and BUILD
    # (``Field.__new__``, then the state's items into the instance dict), as ``new_field`` does.
    state = field.__dict__
    if "raw" not in state:  # the one attribute with a default factory has no class default
        state = {**state, "raw": EMPTY_MAPPING}
    return copyreg.__newobj__, (Field,), state  # type: ignore[attr-defined]


def _reduce_enum(member: enum.Enum) -> tuple[Any, ...]:
    # ``getattr(Class, NAME)``: a C call, where the default reduction calls the enum class (Python).
    return getattr, (type(member), member.name)


def _reduce_location(location: Location) -> tuple[Any, ...]:
    return Location, (location.file, location.line)
