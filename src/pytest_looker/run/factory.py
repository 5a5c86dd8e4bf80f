"""``connect_backend``: one entry point from settings (CLI options, pyproject) to a backend.

Bad combinations are :class:`~pytest_looker.errors.ConfigurationError`s (exit code 2 in the CLI)
rather than being silently ignored, because an ignored ``--seeds`` on a warehouse run would
quietly test the wrong data.
"""

from __future__ import annotations

from pathlib import Path

from pytest_looker.errors import ConfigurationError
from pytest_looker.run.base import Backend

KINDS = ("duckdb", "sqlalchemy")


def connect_backend(
    kind: str, *, duckdb: Path | None = None, seeds: Path | None = None, url: str | None = None
) -> Backend:
    """Open the backend ``kind`` ("duckdb" or "sqlalchemy") with its options.

    ``duckdb``: an optional database file (in memory without), ``seeds`` an optional seed
    directory; ``sqlalchemy``: ``url`` is required and the DuckDB options are refused.
    """
    chosen = kind.strip().lower()
    if chosen == "duckdb":
        if url is not None:
            raise ConfigurationError("a URL is for the sqlalchemy backend, not duckdb (use --duckdb FILE)")
        from pytest_looker.run.duckdb import DuckDBBackend

        return DuckDBBackend(duckdb, seeds=seeds)
    if chosen == "sqlalchemy":
        if url is None or not url.strip():
            raise ConfigurationError("the sqlalchemy backend needs a URL (dialect+driver://user:password@host/db)")
        if duckdb is not None or seeds is not None:
            what = "a DuckDB file" if duckdb is not None else "seeds"
            raise ConfigurationError(f"{what} can only be used with the duckdb backend, not sqlalchemy")
        from pytest_looker.run.sqlalchemy import SQLAlchemyBackend

        return SQLAlchemyBackend(url)
    raise ConfigurationError(f"unknown backend {kind!r} (known: {', '.join(KINDS)})")
