"""Cassette files: the YAML format, and a store that xdist workers can share safely.

A cassette is read in pull requests, so it is plain YAML with sorted keys, one entry per query,
entries in a stable order and each row on one line::

    # pytest-looker recordings of the queries of one test file (--looker-record). ...
    created_at: '2025-01-01T10:00:00.123456+00:00'
    entries:
    - backend:
        database: memory
        dialect: duckdb
        kind: duckdb
      columns: [orders.created_date, orders.total_amount]
      key: 5668da269de159b1
      query:
        explore: orders
        fields:
        - orders.created_date
        - orders.total_amount
        filters:
          orders.status: complete
        limit: null
        model: shop
        now: '2025-01-01T00:00:00+00:00'
        sorts: []
      recorded_at: '2025-01-01T10:00:00+00:00'
      rows:
      - ['2024-01-05', '10.50']
      - ['2024-01-20', '20.00']
      sql_sha256: 7867b5321fb8cc7aaf4557b5f0e3aec8082ed10fcb226c580ccea38b1daf73ed
      types:
        orders.created_date: date
        orders.total_amount: decimal
    version: 1

Writers never leave a half-written file (temp file in the same directory, fsync, ``os.replace``)
and never lose another process's entries: each write takes an exclusive ``fcntl`` lock on a
sidecar lock file, re-reads the cassette and merges its entries in by key before replacing it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pytest_looker.errors import LookerError

__all__ = ["FORMAT_VERSION", "Cassette", "CassetteError", "Entry", "load_cassette", "merge_into"]

FORMAT_VERSION = 1

_HEADER = (
    "# pytest-looker recordings of the queries of one test file (--looker-record).\n"
    "# Review like code. Re-record: pytest <test file> --looker-record=new_episodes (new and stale\n"
    "# queries) or --looker-record=all (everything).\n"
)


class CassetteError(LookerError):
    """A cassette that cannot be read or written."""


@dataclass
class Entry:
    """One recorded query: what was asked, of what, how it compiled, and what came back."""

    key: str
    query: dict[str, Any]
    backend: dict[str, Any]
    sql_sha256: str | None
    columns: list[str]
    rows: list[Any]
    recorded_at: str
    types: dict[str, str] = field(default_factory=dict)
    row_keys: list[str] | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "query": self.query,
            "backend": self.backend,
            "sql_sha256": self.sql_sha256,
            "columns": _Flow(self.columns),
            "rows": [_Flow(r) if isinstance(r, list) else r for r in self.rows],
            "recorded_at": self.recorded_at,
            "types": self.types,
        }
        if self.row_keys is not None:
            data["row_keys"] = _Flow(self.row_keys)
        return data

    @classmethod
    def from_data(cls, data: Any, where: str) -> Entry:
        if not isinstance(data, Mapping):
            raise CassetteError(f"{where}: an entry must be a mapping")
        try:
            return cls(
                key=str(data["key"]),
                query=dict(data["query"]),
                backend=dict(data["backend"]),
                sql_sha256=None if data.get("sql_sha256") is None else str(data["sql_sha256"]),
                columns=[str(c) for c in data["columns"]],
                rows=list(data["rows"]),
                recorded_at=str(data.get("recorded_at", "")),
                types={str(k): str(v) for k, v in (data.get("types") or {}).items()},
                row_keys=None if data.get("row_keys") is None else [str(c) for c in data["row_keys"]],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CassetteError(f"{where}: malformed entry ({type(exc).__name__}: {exc})") from None


@dataclass
class Cassette:
    """The entries of one cassette file by key; ``created_at`` is when the file was first written."""

    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    created_at: str | None = None

    @property
    def exists(self) -> bool:
        return self.created_at is not None

    def dump(self) -> str:
        ordered = sorted(
            self.entries.values(), key=lambda e: (e.query.get("model", ""), e.query.get("explore", ""), e.key)
        )
        document = {
            "version": FORMAT_VERSION,
            "created_at": self.created_at,
            "entries": [e.to_data() for e in ordered],
        }
        body = yaml.dump(document, Dumper=_Dumper, sort_keys=True, allow_unicode=True, width=120)
        return _HEADER + body


def load_cassette(path: Path) -> Cassette:
    """The cassette at ``path`` (empty, ``exists`` false, when there is no file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Cassette(path)
    except OSError as exc:
        raise CassetteError(f"cannot read cassette {path}: {exc}") from None
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CassetteError(f"cassette {path} is not valid YAML: {exc}") from None
    if not isinstance(document, Mapping) or not isinstance(document.get("entries", []), list):
        raise CassetteError(f"cassette {path} is not a pytest-looker cassette (no entries list)")
    version = document.get("version")
    if version != FORMAT_VERSION:
        raise CassetteError(
            f"cassette {path} has format version {version!r}; this pytest-looker reads {FORMAT_VERSION}"
        )
    entries: dict[str, Entry] = {}
    for index, raw in enumerate(document.get("entries") or []):
        entry = Entry.from_data(raw, f"cassette {path}, entry {index + 1}")
        entries[entry.key] = entry
    created = document.get("created_at")
    return Cassette(path, entries, str(created) if created else "unknown")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock for writers of ``path`` (``.<name>.lock`` beside it; blocks until free)."""
    import fcntl

    lock_path = path.with_name(f".{path.name}.lock")
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def merge_into(path: Path, entries: Iterable[Entry], *, created_at: str) -> Cassette:
    """Add or replace ``entries`` (by key) in the cassette at ``path``, atomically, under the lock.

    Returns the cassette as written, other processes' entries included.
    """
    new = list(entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        cassette = load_cassette(path)
        if cassette.created_at is None:
            cassette.created_at = created_at
        for entry in new:
            cassette.entries[entry.key] = entry
        _atomic_write(path, cassette.dump())
    return cassette


def _atomic_write(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class _Flow(list[Any]):
    """A list written on one line (a row, the column names)."""


class _Dumper(yaml.SafeDumper):
    """Safe YAML, flow style only for :class:`_Flow` lists, no aliases (each entry stands alone)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_flow(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(_Flow, _represent_flow)
