"""Backends that execute SQL: ``execute(sql) -> ResultSet``. They know nothing of LookML."""

from pytest_looker.run.duckdb import DuckDBBackend
from pytest_looker.run.result import ResultSet

__all__ = ["DuckDBBackend", "ResultSet"]
