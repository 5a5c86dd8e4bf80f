"""Engines that execute SQL (``execute(sql) -> ResultSet``, knowing nothing of LookML) and the
runners that answer explore queries with them (:mod:`.runner`).

``DuckDBBackend`` (embedded, seeded from CSV/Parquet/JSON) is the default; ``SQLAlchemyBackend``
reaches a warehouse. SQLAlchemy itself is imported only when such a backend is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_looker.run.base import Backend
from pytest_looker.run.result import ResultSet

if TYPE_CHECKING:
    from pytest_looker.run.duckdb import DuckDBBackend
    from pytest_looker.run.sqlalchemy import SQLAlchemyBackend

__all__ = ["Backend", "DuckDBBackend", "ResultSet", "SQLAlchemyBackend"]


def __getattr__(name: str) -> Any:
    # The engines load when first named: DuckDB is not free to import, and a broken optional
    # install (SQLAlchemy's drivers) must not break ``import pytest_looker.run``.
    if name == "DuckDBBackend":
        from pytest_looker.run.duckdb import DuckDBBackend

        return DuckDBBackend
    if name == "SQLAlchemyBackend":
        from pytest_looker.run.sqlalchemy import SQLAlchemyBackend

        return SQLAlchemyBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
