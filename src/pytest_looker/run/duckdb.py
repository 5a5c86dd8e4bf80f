"""Embedded DuckDB, the default backend: in memory or a database file."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from pytest_looker.errors import BackendError
from pytest_looker.run.result import ResultSet


class DuckDBBackend:
    """Runs SQL on DuckDB. A file opens read-only so validation can never change the data."""

    dialect = "duckdb"

    def __init__(self, path: str | Path | None = None, *, read_only: bool = True) -> None:
        self.path = str(path) if path is not None else ":memory:"
        if path is not None and not Path(path).is_file():
            raise BackendError(f"DuckDB database {self.path!r} does not exist")
        try:
            self._connection = duckdb.connect(self.path, read_only=read_only and path is not None)
        except duckdb.Error as exc:
            raise BackendError(f"cannot open DuckDB database {self.path!r}: {exc}") from None

    def execute(self, sql: str) -> ResultSet:
        """Run one statement; a database error becomes a :class:`BackendError` with its message."""
        started = time.perf_counter()
        try:
            cursor = self._connection.execute(sql)
            rows = cursor.fetchall()
            columns = tuple(d[0] for d in cursor.description or ())
        except duckdb.Error as exc:
            raise BackendError(str(exc).strip()) from None
        return ResultSet(columns, tuple(tuple(r) for r in rows), sql, time.perf_counter() - started)

    def close(self) -> None:
        self._connection.close()
