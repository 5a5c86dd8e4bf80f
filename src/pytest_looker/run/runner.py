"""Runners answer explore queries; the one place that reads ``settings.backend``.

A :class:`Runner` takes a :class:`~pytest_looker.compile.Query` and returns a
:class:`QueryResult`. Who compiles the query and where it runs is the runner's business:

* :class:`LocalRunner` compiles with our compiler and executes on a SQL engine (embedded DuckDB
  or any SQLAlchemy warehouse, :mod:`pytest_looker.run` backends);
* ``LookerRunner`` (:mod:`pytest_looker.looker.client.runner`) lets Looker compile and run it;
* ``RecordingRunner`` (:mod:`pytest_looker.record`) wraps another runner and replays recorded
  results.

Checks never ask which backend is configured: they call the runner, and use :meth:`Runner.local`
when they need to execute SQL of their own (key checks). :func:`open_runner` is the factory;
runners are built cheaply and open their connection on first use, so a run that never queries
(or only replays) never connects.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from pytest_looker.compile import CompiledQuery, Query, compile_query
from pytest_looker.errors import ConfigurationError, LookerError
from pytest_looker.run.base import Backend
from pytest_looker.run.query_result import QueryResult
from pytest_looker.settings import Settings

if TYPE_CHECKING:
    from pytest_looker.lookml import Project

__all__ = [
    "RUNNERS",
    "LocalRunner",
    "NativeTestRun",
    "QueryResult",
    "Runner",
    "engine_dialect",
    "open_engine",
    "open_runner",
    "run_compiled",
]


@dataclass(frozen=True)
class NativeTestRun:
    """A LookML ``test:`` as a runner that has its own test runner (Looker) ran it."""

    model: str
    name: str
    success: bool
    assertions: int
    failed: int
    errors: tuple[str, ...]
    warnings: tuple[str, ...]


@runtime_checkable
class Runner(Protocol):
    """Answers explore queries. ``kind`` names it in headers and evidence ("duckdb",
    "sqlalchemy", "looker", "replay"); ``dialect`` is the SQL dialect its results come from."""

    kind: str

    @property
    def dialect(self) -> str: ...

    def run(self, query: Query) -> QueryResult:
        """Compile (or let the source of truth compile) and execute ``query``."""
        ...

    def sql(self, query: Query) -> str:
        """The SQL :meth:`run` would execute, without running it."""
        ...

    def probe(self, queries: Sequence[Query]) -> list[LookerError | None]:
        """Run each query with no rows wanted (SQL validation); each one's error, or ``None``."""
        ...

    def native_test(self, model: str, test: str) -> NativeTestRun | None:
        """Run a LookML test with the runner's own test runner; ``None``: it has none."""
        ...

    def local(self) -> LocalRunner:
        """A runner that executes our SQL on the warehouse (itself, for a local runner)."""
        ...

    def describe(self) -> dict[str, Any]:
        """Which backend answers, from the settings alone and with no secret (headers, evidence)."""
        ...

    def close(self) -> None: ...


def run_compiled(compiled: CompiledQuery, engine: Backend, *, source: str | None = None) -> QueryResult:
    """Execute a compiled query and key its rows by ``view.field``; ``source`` is the dialect
    the LookML is written in when ``compiled`` was translated from it."""
    from pytest_looker.run.retyped import execute_translated

    result = execute_translated(engine, compiled.sql, source)
    rows = compiled.finish(result.as_dicts())
    columns = tuple(c.field for c in compiled.columns if not c.hidden)
    return QueryResult(rows, columns, compiled.sql, compiled.query.model, compiled.query.explore)


def warehouse_url(settings: Settings) -> str | None:
    """The SQLAlchemy URL: ``url``, else the one URL the connections agree on."""
    if settings.url is not None:
        return settings.url
    urls = {c.url for c in settings.connections.values() if c.url}
    return urls.pop() if len(urls) == 1 else None


def engine_kind(settings: Settings) -> str:
    """``duckdb`` or ``sqlalchemy``: the engine of the settings' warehouse.

    For the looker backend this is the environment's own database (``--looker-compare-sql`` and
    key checks run our SQL there): a URL alone means SQLAlchemy, anything else DuckDB.
    """
    if settings.backend in ("duckdb", "sqlalchemy"):
        return settings.backend
    return "sqlalchemy" if settings.duckdb is None and settings.seeds is None and settings.url else "duckdb"


def engine_dialect(settings: Settings) -> str:
    """The dialect the warehouse runs SQL in, known without connecting (replay compiles with it)."""
    if engine_kind(settings) == "duckdb":
        return "duckdb"
    url = warehouse_url(settings)
    if url:
        try:
            from sqlalchemy.engine import make_url

            from pytest_looker.run.urls import dialect_of

            return dialect_of(make_url(url))
        except Exception:  # an unparseable URL: the engine reports it when it is opened
            pass
    return settings.dialect


def open_engine(settings: Settings) -> Backend:
    """The SQL engine the settings describe, opened (and seeded) now."""
    kind = engine_kind(settings)
    if kind == "duckdb":
        if settings.backend == "duckdb" and settings.url is not None and not (settings.duckdb or settings.seeds):
            raise ConfigurationError("a url is set but backend is duckdb: set backend = 'sqlalchemy' to use it")
        from pytest_looker.run.duckdb import DuckDBBackend

        return DuckDBBackend(
            settings.duckdb,
            seeds=settings.seeds,
            seed_tables=dict(settings.seed_tables) or None,
            timezone=settings.database_timezone,
            setup=settings.duckdb_setup,
        )
    url = warehouse_url(settings)
    if url is None or not url.strip():
        raise ConfigurationError("the sqlalchemy backend needs a URL (dialect+driver://user:password@host/db)")
    if settings.backend == "sqlalchemy" and (settings.duckdb is not None or settings.seeds is not None):
        what = "a DuckDB file" if settings.duckdb is not None else "seeds"
        raise ConfigurationError(f"{what} can only be used with the duckdb backend, not sqlalchemy")
    from pytest_looker.run.sqlalchemy import SQLAlchemyBackend

    return SQLAlchemyBackend(url)


def engine_identity(settings: Settings) -> dict[str, Any]:
    """Which database answers, from the settings alone (no path, port, user or secret)."""
    if engine_kind(settings) == "duckdb":
        return {
            "kind": "duckdb",
            "dialect": "duckdb",
            "database": settings.duckdb.name if settings.duckdb else "memory",
        }
    identity: dict[str, Any] = {"kind": "sqlalchemy", "dialect": engine_dialect(settings)}
    url = warehouse_url(settings)
    if url:
        try:
            from sqlalchemy.engine import make_url

            parsed = make_url(url)
            identity["host"] = parsed.host or "local"
            identity["database"] = parsed.database.rsplit("/", 1)[-1] if parsed.database else None
        except Exception:  # an unparseable URL: the engine reports it when it is opened
            identity["host"] = "unknown"
    return identity


class LocalRunner:
    """Compiles with pytest-looker's compiler and executes on a SQL engine.

    ``project`` is called on first need (the workspace loads the LookML once); ``engine`` is
    opened on first use unless one is given (a hermetic DuckDB, an emulator's database).
    """

    def __init__(
        self,
        settings: Settings,
        project: Callable[[], Project],
        *,
        engine: Backend | None = None,
    ) -> None:
        self.settings = settings
        self._project = project
        self._engine = engine
        self._owns_engine = engine is None
        self.kind = engine_kind(settings) if engine is None else engine.name

    @property
    def project(self) -> Project:
        return self._project()

    @property
    def dialect(self) -> str:
        return self._engine.dialect if self._engine is not None else engine_dialect(self.settings)

    @property
    def engine(self) -> Backend:
        """The SQL engine (opened, and seeded, once)."""
        if self._engine is None:
            self._engine = open_engine(self.settings)
        return self._engine

    def compile(self, query: Query, *, project: Project | None = None, target: str | None = None) -> CompiledQuery:
        """Compile in the model's dialect for ``target`` (default: the engine's dialect).

        For the open engine, table names are those it keeps the tables under (dotted schemas of
        a DuckDB file, catalogs named like schemas: :meth:`DuckDBBackend.table_renames`).
        """
        source = project or self.project
        dialect = self.settings.dialect_for(source.model(query.model).connection)
        out = target or self.dialect
        renames: Mapping[tuple[str, ...], str] = {}
        if self._engine is not None and out == self._engine.dialect:
            renames = getattr(self._engine, "table_renames", dict)()
        return compile_query(source, query, dialect=dialect, target=out, renames=renames or None)

    def run(self, query: Query, *, project: Project | None = None) -> QueryResult:
        engine = self.engine  # opened first: the SQL names tables where it keeps them
        source = self._source_dialect(query, project or self.project)
        return run_compiled(self.compile(query, project=project), engine, source=source)

    def sql(self, query: Query) -> str:
        return self.compile(query).sql

    def probe(self, queries: Sequence[Query]) -> list[LookerError | None]:
        from pytest_looker.run.retyped import execute_translated

        if not queries:
            return []
        # Opened once, outside the per-query errors: a setting that stops the engine from opening
        # (an unreadable duckdb_setup, a missing database file) is the run's, not every field's.
        engine = self.engine
        errors: list[LookerError | None] = []
        for query in queries:
            try:
                execute_translated(engine, self.compile(query).sql, self._source_dialect(query, self.project))
            except LookerError as error:
                errors.append(error)
            else:
                errors.append(None)
        return errors

    def native_test(self, model: str, test: str) -> NativeTestRun | None:
        return None

    def _source_dialect(self, query: Query, project: Project) -> str | None:
        try:
            return self.settings.dialect_for(project.model(query.model).connection)
        except LookerError:
            return None

    def local(self) -> LocalRunner:
        return self

    def describe(self) -> dict[str, Any]:
        return engine_identity(self.settings)

    def close(self) -> None:
        if self._engine is not None and self._owns_engine:
            self._engine.close()
            self._engine = None


#: ``settings.backend`` → the runner class, as ``module:attribute`` imported on first use, so
#: that looker-sdk is imported only by runs that talk to Looker.
RUNNERS: Mapping[str, str] = {
    "duckdb": "pytest_looker.run.runner:LocalRunner",
    "sqlalchemy": "pytest_looker.run.runner:LocalRunner",
    "looker": "pytest_looker.looker.client.runner:LookerRunner",
}


def open_runner(settings: Settings, project: Callable[[], Project]) -> Runner:
    """The runner ``settings.backend`` names (nothing is connected yet)."""
    target = RUNNERS.get(settings.backend)
    if target is None:
        raise ConfigurationError(f"unknown backend {settings.backend!r} (known: {', '.join(RUNNERS)})")
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:  # an optional extra is missing (looker-sdk for the looker backend)
        extra = settings.backend
        raise ConfigurationError(
            f"backend {extra!r} needs an optional dependency: pip install 'pytest-looker[{extra}]' ({exc})"
        ) from None
    factory: Callable[[Settings, Callable[[], Project]], Runner] = getattr(module, attribute)
    return factory(settings, project)


def warehouse_settings(settings: Settings) -> Settings:
    """The settings of the environment's own database (for runners that are not local)."""
    return dataclasses.replace(settings, backend=engine_kind(settings))
