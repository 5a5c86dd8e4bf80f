"""One loaded project and one open backend per pytest session (per xdist worker).

Loading LookML and seeding DuckDB are the expensive steps of a run, so every item and fixture
of a session shares a :class:`LookerSession`, built lazily on first use: a run that selects only
Python tests never touches the database, and an xdist worker builds its own objects (nothing is
shared between processes, so there is nothing to lock). Kept free of pytest so the CLI can use it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_looker.compile import CompiledQuery, Query, compile_query
from pytest_looker.errors import ConfigurationError, LookerError, LookMLError
from pytest_looker.lookml import Project, load_project
from pytest_looker.run import Backend, DuckDBBackend, connect_backend
from pytest_looker.settings import Settings
from pytest_looker.testing.result import QueryResult

if TYPE_CHECKING:
    from pytest_looker.record.recorder import Recorder

__all__ = ["LookerSession", "open_backend"]


def open_backend(settings: Settings) -> Backend:
    """The backend the settings name (``looker``: the Looker API, needs the ``looker`` extra)."""
    if settings.backend == "looker":
        try:
            from pytest_looker.looker.client import open_looker_backend
        except ImportError as exc:  # looker-sdk missing
            raise ConfigurationError(
                f"backend 'looker' needs looker-sdk: pip install 'pytest-looker[looker]' ({exc})"
            ) from None
        return open_looker_backend(settings)
    if settings.backend == "duckdb":
        if settings.url is not None and settings.duckdb is None and settings.seeds is None:
            raise ConfigurationError("a url is set but backend is duckdb: set backend = 'sqlalchemy' to use it")
        return DuckDBBackend(settings.duckdb, seeds=settings.seeds, seed_tables=dict(settings.seed_tables) or None)
    url = settings.url
    if url is None:
        urls = {c.url for c in settings.connections.values() if c.url}
        url = urls.pop() if len(urls) == 1 else None
    return connect_backend(settings.backend, url=url, duckdb=settings.duckdb, seeds=settings.seeds)


class LookerSession:
    """The project, the backend and query helpers for one run with one :class:`Settings`."""

    def __init__(self, settings: Settings) -> None:
        if settings.project is None:
            raise ConfigurationError(
                "no LookML project configured: set project in [tool.pytest-looker], PYTEST_LOOKER_PROJECT"
                " or --looker-project"
            )
        self.settings = settings
        self.root: Path = settings.project
        self._project: Project | None = None
        self._backend: Backend | None = None
        self._keys_project: Project | None = None
        #: Record/replay (``--looker-record``), set by the plugin; ``None``: every query runs live.
        self.recorder: Recorder | None = None

    @property
    def project(self) -> Project:
        """The loaded project (loaded once)."""
        if self._project is None:
            if not self.root.is_dir():
                raise ConfigurationError(f"project directory {self.root} does not exist")
            self._project = load_project(
                self.root, constants=self.settings.constants, dependency_paths=self.settings.dependency_paths
            )
        return self._project

    @property
    def backend(self) -> Backend:
        """The configured backend (opened, and seeded, once)."""
        if self._backend is None:
            self._backend = open_backend(self.settings)
        return self._backend

    @property
    def target_dialect(self) -> str:
        """The backend's dialect; while replaying, known from the settings without opening it."""
        if self._backend is None and self.recorder is not None:
            from pytest_looker.record.keys import target_dialect

            return target_dialect(self.settings)
        return self.backend.dialect

    @property
    def keys_project(self) -> Project:
        """The project with the helper fields and explores key checks query (built once)."""
        if self._keys_project is None:
            from pytest_looker.testing.keys import key_check_project

            self._keys_project = key_check_project(self.project)
        return self._keys_project

    def dialect_for(self, model: str) -> str:
        """The dialect the model's connection writes SQL in."""
        return self.settings.dialect_for(self.project.model(model).connection)

    def make_query(
        self,
        target: str,
        *,
        fields: Sequence[str],
        filters: Mapping[str, str] | None = None,
        sorts: Sequence[str] = (),
        limit: int | None = None,
        user_attributes: Mapping[str, str] | None = None,
        timezone: str | None = None,
    ) -> Query:
        """A :class:`Query` on ``model/explore`` with the session's clock, time zone and user attributes."""
        model, slash, explore = target.partition("/")
        if not slash or not model or not explore:
            raise LookMLError(f"{target!r} must be written model/explore")
        if isinstance(fields, str):
            raise LookMLError("fields must be a list of view.field names, not one string")
        attributes = {**self.settings.user_attributes, **(user_attributes or {})}
        return Query(
            model,
            explore,
            fields=list(fields),
            filters={str(k): _filter_text(v) for k, v in (filters or {}).items()},
            sorts=list(sorts),
            limit=limit,
            user_attributes=attributes,
            timezone=timezone or self.settings.timezone,
            now=self.settings.now,
        )

    def compile(self, query: Query, *, target: str | None = None, project: Project | None = None) -> CompiledQuery:
        """Compile in the model's dialect for ``target`` (default: the backend's dialect)."""
        source = project or self.project
        dialect = self.settings.dialect_for(source.model(query.model).connection)
        return compile_query(source, query, dialect=dialect, target=target or self.target_dialect)

    def run(self, query: Query, *, backend: Backend | None = None, project: Project | None = None) -> QueryResult:
        """Compile and execute ``query``; rows keyed ``view.field``.

        With the looker backend Looker compiles and runs it; key checks (``project`` is their
        helper project, unknown to Looker) run on the environment's warehouse instead.
        """
        if backend is None and self.settings.backend == "looker":
            from pytest_looker.looker.client import pytest_support

            if project is None:
                if self.recorder is not None:
                    live = lambda: pytest_support.run_through_looker(self, query)  # noqa: E731
                    return self.recorder.run(self.settings, query, self._local_sql(query), live)
                return pytest_support.run_through_looker(self, query)
            backend = pytest_support.warehouse_backend(self, "a key check")
        if backend is None and project is None:
            return self.run_compiled(self.compile(query))
        engine = backend or self.backend
        compiled = self.compile(query, target=engine.dialect, project=project)
        return run_compiled(compiled, engine)

    def run_compiled(self, compiled: CompiledQuery) -> QueryResult:
        """Execute a query compiled for the session's backend, through the recorder when recording."""
        if self.recorder is not None:
            live = lambda: run_compiled(compiled, self.backend)  # noqa: E731
            return self.recorder.run(self.settings, compiled.query, compiled.sql, live)
        return run_compiled(compiled, self.backend)

    def _local_sql(self, query: Query) -> str | None:
        """Our SQL for a query Looker runs: what a recording's staleness is judged by, offline."""
        try:
            return self.compile(query, target=self.dialect_for(query.model)).sql
        except LookerError:
            return None

    def close(self) -> None:
        if self.settings.backend == "looker":
            from pytest_looker.looker.client.pytest_support import close_warehouse

            close_warehouse(self)
        if self._backend is not None:
            self._backend.close()
            self._backend = None


def run_compiled(compiled: CompiledQuery, backend: Backend) -> QueryResult:
    """Execute a compiled query and key its rows by ``view.field``."""
    result = backend.execute(compiled.sql)
    rows = compiled.finish(result.as_dicts())
    columns = tuple(c.field for c in compiled.columns if not c.hidden)
    return QueryResult(rows, columns, compiled.sql, compiled.query.model, compiled.query.explore)


def _filter_text(value: Any) -> str:
    """Python filter values as Looker filter expressions (``True`` → ``yes``, ``3`` → ``3``)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
