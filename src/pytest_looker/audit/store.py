"""The append-only SQLite store of audit records.

Why SQLite: one file, in the standard library, and transactions that make a batch of records
all-or-nothing — a process killed mid-write leaves the log as it was before the batch, which
still verifies. WAL journaling keeps readers (``audit show``) from blocking a writer, and
``BEGIN IMMEDIATE`` takes the write lock *before* the last hash is read, so two processes
appending at once (two pytest runs, or xdist workers if they ever wrote) are serialised and
cannot fork the chain.

Triggers refuse ``UPDATE`` and ``DELETE`` on records: not a defence against someone with the
file (they can drop the triggers — verification catches that), but it stops accidents.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pytest_looker.audit.chain import (
    GENESIS,
    KEY_ENV,
    Head,
    Row,
    Verification,
    canonical_json,
    head_signature,
    record_hash,
    sign,
    verify_rows,
)
from pytest_looker.errors import ConfigurationError, LookerError

__all__ = ["DEFAULT_LOG", "SCHEMA_VERSION", "AuditLogError", "AuditStore", "audit_key", "default_log_path"]

SCHEMA_VERSION = 1
#: Where the log lives, relative to the pytest rootdir, unless ``audit_log`` says otherwise.
DEFAULT_LOG = Path(".pytest-looker") / "audit.db"


def default_log_path(rootdir: Path) -> Path:
    return rootdir / DEFAULT_LOG


def audit_key(environ: Mapping[str, str] | None = None) -> bytes | None:
    """The HMAC key from ``PYTEST_LOOKER_AUDIT_KEY`` (``None`` when unset or empty)."""
    value = (os.environ if environ is None else environ).get(KEY_ENV, "")
    return value.encode("utf-8") if value else None


#: How long a writer waits for another writer's transaction (seconds).
_BUSY_TIMEOUT = 30.0

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS records (
        seq INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        run_id TEXT NOT NULL,
        body TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        hmac TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS records_run ON records (run_id)",
    """CREATE TABLE IF NOT EXISTS head (
        id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL, hmac TEXT
    )""",
    """CREATE TRIGGER IF NOT EXISTS records_no_update BEFORE UPDATE ON records
    BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS records_no_delete BEFORE DELETE ON records
    BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END""",
)


class AuditLogError(LookerError):
    """The log exists but cannot be read or written (not SQLite, locked too long, disk full)."""


#: What pytest-looker writes in a ``.pytest-looker`` directory it creates (as pytest does for
#: ``.pytest_cache``): the run's working files never show up in ``git status``.
GITIGNORE = "# Created by pytest-looker automatically.\n*\n"


def _make_directory(directory: Path) -> None:
    """Create the log's directory; a ``.pytest-looker`` one gets a ``.gitignore`` of everything."""
    if directory.is_dir():
        return
    directory.mkdir(parents=True, exist_ok=True)
    if directory.name == DEFAULT_LOG.parent.name:
        (directory / ".gitignore").write_text(GITIGNORE, encoding="utf-8")


class AuditStore:
    """An audit log file: append batches of record bodies, read them back, verify them."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        if not create and not path.is_file():
            raise ConfigurationError(f"audit log {path} does not exist")
        if create:
            _make_directory(path.parent)
        try:
            self._db = sqlite3.connect(path, timeout=_BUSY_TIMEOUT, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            if create:
                self._init_schema()
        except sqlite3.DatabaseError as exc:
            raise AuditLogError(f"audit log {path} is not a readable SQLite database: {exc}") from None

    def _init_schema(self) -> None:
        with self._transaction():
            for statement in _SCHEMA:
                self._db.execute(statement)
            now = datetime.now(timezone.utc).isoformat(timespec="seconds")
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('created', ?)", (now,))
            self._db.execute("INSERT OR IGNORE INTO head VALUES (1, 0, ?, NULL)", (GENESIS,))

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def append(self, bodies: Sequence[Mapping[str, Any]], key: bytes | None = None) -> list[Row]:
        """Append records in one transaction; each body gets ``seq`` and ``prev`` here."""
        try:
            return self._append(bodies, key)
        except sqlite3.Error as exc:
            raise AuditLogError(f"cannot append to the audit log {self.path}: {exc}") from None

    def _append(self, bodies: Sequence[Mapping[str, Any]], key: bytes | None) -> list[Row]:
        rows: list[Row] = []
        with self._transaction():
            last = self._db.execute("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (int(last[0]), str(last[1])) if last else (0, GENESIS)
            for body in bodies:
                seq += 1
                text = canonical_json({**body, "seq": seq, "prev": prev})
                digest = record_hash(prev, text)
                mac = sign(key, digest) if key else None
                row = Row(seq, str(body["type"]), str(body["run_id"]), text, prev, digest, mac)
                self._db.execute(
                    "INSERT INTO records (seq, type, run_id, body, prev_hash, hash, hmac) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (row.seq, row.type, row.run_id, row.body, row.prev_hash, row.hash, row.hmac),
                )
                rows.append(row)
                prev = digest
            head_hmac = head_signature(key, seq, prev) if key else None
            self._db.execute("UPDATE head SET seq = ?, hash = ?, hmac = ? WHERE id = 1", (seq, prev, head_hmac))
        return rows

    def rows(self, run_id: str | None = None) -> Iterator[Row]:
        """Stored records in chain order (of one run when ``run_id`` is given)."""
        sql = "SELECT seq, type, run_id, body, prev_hash, hash, hmac FROM records"
        args: tuple[str, ...] = ()
        if run_id is not None:
            sql += " WHERE run_id = ?"
            args = (run_id,)
        for seq, kind, run, body, prev, digest, mac in self._db.execute(sql + " ORDER BY seq", args):
            yield Row(int(seq), str(kind), str(run), str(body), str(prev), str(digest), mac)

    def head(self) -> Head | None:
        found = self._db.execute("SELECT seq, hash, hmac FROM head WHERE id = 1").fetchone()
        return Head(int(found[0]), str(found[1]), found[2]) if found else None

    def last_signed(self) -> bool | None:
        """Whether the last record is signed (``None``: the log is empty)."""
        found = self._db.execute("SELECT hmac FROM records ORDER BY seq DESC LIMIT 1").fetchone()
        return None if found is None else found[0] is not None

    def verify(self, key: bytes | None = None) -> Verification:
        """Check the whole chain (see :func:`~pytest_looker.audit.chain.verify_rows`)."""
        try:
            with self._read():
                return verify_rows(self.rows(), self.head(), key)
        except sqlite3.DatabaseError as exc:
            result = Verification(key_used=key is not None)
            result.add(0, f"cannot be read: {exc}")
            return result

    @contextlib.contextmanager
    def _read(self) -> Iterator[None]:
        """One snapshot for records and head, so a concurrent append cannot split them."""
        self._db.execute("BEGIN")
        try:
            yield
        finally:
            self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> AuditStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
