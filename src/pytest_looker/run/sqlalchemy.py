"""Any database SQLAlchemy reaches: PostgreSQL, Redshift, Snowflake, BigQuery, MySQL...

SQLAlchemy is imported only when a backend is built, so ``import pytest_looker`` stays fast and
works where only DuckDB is used. Every statement runs inside a transaction that is rolled back:
validating LookML must never change the warehouse, even if a derived table's SQL writes.
(Engines without transactional DDL, such as MySQL, cannot undo DDL; pytest-looker only sends
queries.) Passwords and other secrets never appear in ``repr()`` or in an error message.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_looker.errors import BackendError, ConfigurationError
from pytest_looker.run.base import Backend
from pytest_looker.run.result import ResultSet
from pytest_looker.run.urls import dialect_of, masked_url, secrets_of
from pytest_looker.secrets import redact, register

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _parse(url: str) -> URL:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        # Never echo the string: it may hold a password.
        raise ConfigurationError(
            "not a valid SQLAlchemy URL: expected dialect+driver://user:password@host:port/database"
        ) from None


class SQLAlchemyBackend(Backend):
    """Runs SQL through SQLAlchemy on the database at ``url``; connects when built.

    ``dialect`` (the sqlglot dialect SQL must be in) comes from the URL's backend name
    (``postgresql+psycopg`` → ``postgres``, ``redshift+psycopg2`` → ``redshift``...) unless given.
    ``connect_args`` go to the DBAPI driver unchanged.
    """

    def __init__(self, url: str, *, connect_args: Mapping[str, Any] | None = None, dialect: str | None = None) -> None:
        parsed = _parse(url)
        self._secrets = secrets_of(parsed, connect_args)
        for secret in self._secrets:
            register(secret)  # scrubbed from logs, reports and evidence too
        self.url = masked_url(parsed)
        self.name = str(parsed.get_backend_name())
        self.dialect = dialect.lower() if dialect else dialect_of(parsed)
        self._where = self._describe(parsed)
        self._engine = self._create_engine(parsed, connect_args)
        self._connection: Connection | None = self._connect()

    def __repr__(self) -> str:
        return f"SQLAlchemyBackend({self.url!r}, dialect={self.dialect!r})"

    def execute(self, sql: str) -> ResultSet:
        """Run ``sql`` in a transaction that is always rolled back; errors carry the database's message."""
        from sqlalchemy.exc import DBAPIError, SQLAlchemyError

        if self._connection is None:
            raise BackendError(f"the connection to {self._where} is closed")
        started = time.perf_counter()
        transaction = self._connection.begin()
        try:
            result = self._connection.exec_driver_sql(sql)
            columns = tuple(result.keys()) if result.returns_rows else ()
            rows = tuple(tuple(row) for row in result.fetchall()) if result.returns_rows else ()
        except SQLAlchemyError as exc:
            message = str(exc.orig if isinstance(exc, DBAPIError) else exc).strip()
            self._rollback(transaction, quiet=True)
            raise BackendError(self._scrub(message)) from None
        self._rollback(transaction)
        return ResultSet(columns, rows, sql, time.perf_counter() - started)

    def close(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                connection.close()
            finally:
                self._engine.dispose()

    # -- connecting --------------------------------------------------------------------------

    @staticmethod
    def _describe(url: URL) -> str:
        """``postgresql database 'shop' at 127.0.0.1:5432 as 'ci'``: what to name in errors."""
        where = f"{url.get_backend_name()} database {url.database or ''!r}"
        if url.host:
            where += f" at {url.host}" + (f":{url.port}" if url.port else "")
        if url.username:
            where += f" as {url.username!r}"
        return where

    def _create_engine(self, url: URL, connect_args: Mapping[str, Any] | None) -> Any:
        from sqlalchemy import create_engine
        from sqlalchemy.exc import NoSuchModuleError
        from sqlalchemy.pool import NullPool

        try:
            # One connection held for the backend's life; NullPool keeps nothing behind on close.
            return create_engine(url, connect_args=dict(connect_args or {}), poolclass=NullPool)
        except NoSuchModuleError:
            raise ConfigurationError(
                f"SQLAlchemy has no dialect {url.drivername!r}: install its package"
                " (snowflake-sqlalchemy, sqlalchemy-bigquery, sqlalchemy-redshift...)"
            ) from None
        except ImportError as exc:
            hint = ""
            if self.name == "postgresql":
                hint = " (use postgresql+psycopg://… and pip install 'pytest-looker[postgres]')"
            raise ConfigurationError(
                self._scrub(f"the driver for {url.drivername!r} is not installed: {exc}{hint}")
            ) from None

    def _connect(self) -> Connection:
        try:
            connection = self._engine.connect()
            # Hand SQL to the driver as is: no ":name" bind parsing, no "%" escaping of LIKE '%x%'.
            return connection.execution_options(no_parameters=True)  # type: ignore[no-any-return]
        except Exception as exc:  # drivers raise all sorts; the user needs one sentence, not a traceback
            self._engine.dispose()
            reason = getattr(exc, "orig", None) or exc
            raise BackendError(self._scrub(f"cannot connect to {self._where}: {_one_line(str(reason))}")) from None

    def _rollback(self, transaction: Any, *, quiet: bool = False) -> None:
        """Undo whatever the statement did; ``quiet`` when the statement's own error matters more."""
        from sqlalchemy.exc import SQLAlchemyError

        try:
            if transaction.is_active:
                transaction.rollback()
        except SQLAlchemyError as exc:
            if quiet:
                return
            raise BackendError(self._scrub(f"cannot roll back on {self._where}: {_one_line(str(exc))}")) from None

    def _scrub(self, text: str) -> str:
        return redact(text, self._secrets)
