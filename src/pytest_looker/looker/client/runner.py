"""``LookerRunner``: explore queries compiled and run by Looker (``backend = "looker"``).

The runner of a run against the source of truth. It answers queries through the Looker API,
validates fields with Looker's own queries (async query tasks, bounded concurrency), runs
LookML tests with Looker's runner when ``native_tests`` is set, and — with ``compare_sql`` —
also runs Looker's SQL and ours on the environment's warehouse and fails on any difference.

Checks that need SQL of our own (key checks) use :meth:`LookerRunner.local`: a
:class:`~pytest_looker.run.runner.LocalRunner` on the environment's warehouse (``duckdb``,
``seeds`` or ``url`` in its section). Nothing connects before the first query.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pytest_looker.compile import Query
from pytest_looker.errors import ConfigurationError, LookerError
from pytest_looker.looker.client.api import LookerAPI
from pytest_looker.looker.client.compare import SqlMismatchError, compare_query
from pytest_looker.looker.client.sdk import connect_client
from pytest_looker.run.query_result import QueryResult
from pytest_looker.run.runner import LocalRunner, NativeTestRun, engine_kind, warehouse_settings
from pytest_looker.settings import Settings

if TYPE_CHECKING:
    from pytest_looker.lookml import Project

__all__ = ["LookerRunner", "looker_identity", "open_looker_api"]


def open_looker_api(
    settings: Settings, *, environ: Mapping[str, str] | None = None, cwd: Path | None = None
) -> LookerAPI:
    """The Looker API for ``settings`` (its environment's section); credentials are checked now."""
    options = settings.looker
    if (
        options.base_url is None
        and not (environ or os.environ).get("LOOKERSDK_BASE_URL")
        and not (
            options.looker_ini or options.credentials_command or (cwd or Path.cwd()).joinpath("looker.ini").is_file()
        )
    ):
        where = (
            f"[tool.pytest-looker.environments.{settings.environment}]"
            if settings.environment
            else "[tool.pytest-looker]"
        )
        raise ConfigurationError(f"backend 'looker' needs base_url in {where} (the Looker instance's URL)")
    client = connect_client(options, environ=environ, cwd=cwd or (settings.source.parent if settings.source else None))
    return LookerAPI(client)


def looker_identity(settings: Settings) -> dict[str, Any]:
    """The Looker instance's host name (no port: the same instance answers on any of them) and
    the workspace and branch — never a credential."""
    base = settings.looker.base_url or os.environ.get("LOOKERSDK_BASE_URL")
    host = None
    if base:
        with contextlib.suppress(ValueError):
            host = urlsplit(base if "://" in base else f"https://{base}").hostname
    identity: dict[str, Any] = {"kind": "looker", "host": host or "unknown"}
    if settings.looker.workspace:
        identity["workspace"] = settings.looker.workspace
    if settings.looker.branch:
        identity["branch"] = settings.looker.branch
    return identity


class LookerRunner:
    """Queries, SQL, validation probes and native tests through one :class:`LookerAPI`."""

    kind = "looker"

    def __init__(self, settings: Settings, project: Callable[[], Project], *, api: LookerAPI | None = None) -> None:
        self.settings = settings
        self._project = project
        self._api = api
        self._warehouse: LocalRunner | None = None
        #: Whether this process's API session was put in the workspace the settings want.
        self.prepared = False

    @property
    def dialect(self) -> str:
        """Looker answers in the dialect of the model's connection, which the settings name."""
        return self.settings.dialect

    @property
    def api(self) -> LookerAPI:
        """The API client (logged in once), without checking the session's workspace."""
        if self._api is None:
            self._api = open_looker_api(self.settings)
        return self._api

    def prepared_api(self) -> LookerAPI:
        """The API with this process's session in the right workspace (checked once).

        A token from the shared cache may belong to a session an earlier run left in dev mode.
        """
        api = self.api
        if not self.prepared:
            api.ensure_workspace("dev" if self.settings.looker.needs_dev_mode else "production")
            self.prepared = True
        return api

    def run(self, query: Query) -> QueryResult:
        api = self.prepared_api()
        result = api.run_query(query)
        if not self.settings.looker.compare_sql:
            return result
        looker_sql = api.sql_for(query)
        difference = compare_query(self.local("--looker-compare-sql"), looker_sql, query)
        if difference is not None:
            raise SqlMismatchError(difference)
        return dataclasses.replace(result, sql=looker_sql)

    def sql(self, query: Query) -> str:
        return self.prepared_api().sql_for(query)

    def probe(self, queries: Sequence[Query]) -> list[LookerError | None]:
        results = self.prepared_api().run_queries(queries, limit=0)
        return [r if isinstance(r, LookerError) else None for r in results]

    def native_test(self, model: str, test: str) -> NativeTestRun | None:
        if not self.settings.looker.native_tests:
            return None
        runs = self.prepared_api().run_lookml_tests(model=model, test=test)
        found = next((r for r in runs if r.name == test), None)
        if found is None:
            return NativeTestRun(
                model, test, False, 0, 0,
                (f"Looker did not run the test {test!r} of model {model!r} (is it deployed?)",), (),
            )  # fmt: skip
        return found

    def local(self, purpose: str = "a check that runs its own SQL") -> LocalRunner:
        """Our SQL on the environment's own database (``duckdb``/``seeds``/``url`` in its section)."""
        if self._warehouse is None:
            settings = self.settings
            if settings.url is None and settings.duckdb is None and settings.seeds is None:
                raise ConfigurationError(
                    f"{purpose} runs SQL on the warehouse: set duckdb, seeds or url in the environment's section"
                )
            self._warehouse = LocalRunner(warehouse_settings(settings), self._project)
        return self._warehouse

    def describe(self) -> dict[str, Any]:
        return looker_identity(self.settings)

    @property
    def warehouse_kind(self) -> str:
        return engine_kind(self.settings)

    def close(self) -> None:
        if self._warehouse is not None:
            self._warehouse.close()
            self._warehouse = None
        if self._api is not None:
            self._api.close()
            self._api = None
