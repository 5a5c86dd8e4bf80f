"""What every backend offers, so the plugin and the CLI never care which database runs the SQL.

Backends take SQL strings that are already in their :attr:`Backend.dialect` (the compiler
transpiles to it) and return a :class:`~pytest_looker.run.result.ResultSet`. A database error is
a :class:`~pytest_looker.errors.BackendError` carrying the database's own message, because that
message is what a user needs to fix a LookML field, while a driver traceback is noise to them.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, TypeVar, runtime_checkable

from pytest_looker.run.result import ResultSet

_Self = TypeVar("_Self", bound="Backend")


@runtime_checkable
class Backend(Protocol):
    """A connection that runs SQL: ``execute(sql) -> ResultSet``, ``close()``, a context manager.

    ``name`` says which engine it is ("duckdb", "postgresql"...) for report headers; ``dialect``
    is the sqlglot dialect the SQL given to :meth:`execute` must be written in ("duckdb",
    "postgres"...). Our backends subclass this protocol to inherit the context-manager methods;
    others only need the same members.
    """

    name: str
    dialect: str

    def execute(self, sql: str) -> ResultSet:
        """Run one statement; raise :class:`~pytest_looker.errors.BackendError` on a database error."""
        ...

    def close(self) -> None:
        """Release the connection; calling it twice is harmless."""
        ...

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
