"""The Looker side of the emulator: our loader, compiler and backend behind one lock.

It works in a :class:`~pytest_looker.workspace.Workspace` (what the pytest plugin runs LookML
data tests with), so a query or a ``test:`` block answered by the emulator is compiled and run
exactly as in a local pytest run. Settings come from the project's
``[tool.pytest-looker]`` table plus the ``serve`` options, never from ``PYTEST_LOOKER_*``
variables: an emulator started inside a test run must not pick up that run's configuration.

One re-entrant lock serialises every use of the project and the database: a DuckDB
connection is not safe to share between the server's worker threads, and a git checkout
reloads the project under the feet of a running query otherwise.

There is one engine per tree of files: production reads the project directory, the ``dev``
workspace reads its own clone (see :mod:`.git`). The dev engine shares the production
engine's lock and database, so both workspaces query the same rows and seeds load once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pytest_looker.compile import CompiledQuery, Query
from pytest_looker.looker.emulator.settings import EmulatorSettings
from pytest_looker.lookml.model import Project
from pytest_looker.run.base import Backend
from pytest_looker.run.query_result import QueryResult
from pytest_looker.run.runner import LocalRunner, run_compiled
from pytest_looker.settings import Settings, load_settings
from pytest_looker.workspace import Workspace

T = TypeVar("T")


def emulator_settings(settings: EmulatorSettings) -> Settings:
    """Project settings with the ``serve`` options applied and a backend that is not Looker."""
    root = settings.project.resolve()
    options: dict[str, Any] = {"project": root}
    if settings.duckdb is not None or settings.seeds is not None:
        options.update(backend="duckdb", duckdb=settings.duckdb, seeds=settings.seeds)
    resolved = load_settings(root, environ={}, options=options, cwd=Path.cwd())
    if resolved.backend == "looker":
        resolved = dataclasses.replace(resolved, backend="duckdb")
    if settings.user_attributes:
        merged = {**resolved.user_attributes, **settings.user_attributes}
        resolved = dataclasses.replace(resolved, user_attributes=merged)
    return resolved


#: File suffixes whose contents make up a project's digest (what Looker validates).
_LOOKML_SUFFIXES = (".lkml", ".lookml")


def project_digest(root: Path) -> str:
    """A SHA-1 over the paths and contents of the LookML files under ``root``.

    Looker reports such a ``project_digest`` with each validation and marks a cached result
    ``stale`` once the files moved on; the emulator does the same with this digest.
    """
    digest = hashlib.sha1(usedforsecurity=False)
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(_LOOKML_SUFFIXES):
                path = Path(directory, name)
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class Engine:
    """The project and the database, used under one lock.

    ``shared`` is the production engine when this one serves the dev clone: its lock and
    database are used instead of opening a second one.
    """

    settings: Settings
    workspace: Workspace

    def __init__(self, settings: EmulatorSettings, *, root: Path | None = None, shared: Engine | None = None) -> None:
        resolved: Settings = emulator_settings(settings) if shared is None else shared.settings
        if root is not None:
            resolved = dataclasses.replace(resolved, project=root.resolve())
        self.settings = resolved
        self.root = (root or settings.project).resolve()
        self.workspace = Workspace(self.settings)
        self.lock: threading.RLock = shared.lock if shared is not None else threading.RLock()
        #: The last validation of this tree: (digest of the files it saw, ProjectValidation).
        self.validation: tuple[str, dict[str, Any]] | None = None
        if shared is not None:
            database = shared.database
            self.workspace.wrap_runner(
                lambda _: LocalRunner(self.settings, lambda: self.workspace.project, engine=database())
            )

    def database(self) -> Backend:
        """The opened database (opened on first use)."""
        with self.lock:
            return self.workspace.runner.local().engine

    def locked(self, function: Callable[[], T]) -> T:
        """Run ``function`` holding the engine lock."""
        with self.lock:
            return function()

    @property
    def project(self) -> Project:
        with self.lock:
            return self.workspace.project

    def reload(self) -> None:
        """Forget the loaded project; the next use loads the files as they are now."""
        with self.lock:
            self.workspace.reload()

    def dialect_for(self, model: str) -> str:
        with self.lock:
            return self.workspace.dialect_for(model)

    def compile(self, query: Query, *, for_backend: bool = True) -> CompiledQuery:
        """Compile for the backend, or (``for_backend=False``) in the connection's own dialect.

        The ``sql`` result format answers the latter, as Looker writes SQL for the connection.
        """
        with self.lock:
            if for_backend:
                return self.workspace.compile(query)
            return self.workspace.compile(query, target=self.workspace.dialect_for(query.model))

    def run(self, compiled: CompiledQuery) -> QueryResult:
        with self.lock:
            source = self.workspace.dialect_for(compiled.query.model)
            return run_compiled(compiled, self.database(), source=source)

    def close(self) -> None:
        with self.lock:
            self.workspace.close()
