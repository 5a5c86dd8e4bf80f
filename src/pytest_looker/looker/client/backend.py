"""``LookerBackend``: explore queries, validation and LookML tests run by Looker itself.

Local backends take SQL our compiler wrote; this one takes :class:`~pytest_looker.compile.Query`
objects and lets *Looker* compile and run them — the point of a run against the source of
truth. It still satisfies the run ``Backend`` protocol (``name``, ``dialect``, ``execute``,
``close``) so sessions can hold it, but ``execute(sql)`` is refused: SQL written by our compiler
does not belong on a user's Looker connection. Callers use :meth:`run_query` instead.

Many queries at once go through Looker's async query tasks, never more than
``query_concurrency`` (≤ 15, Looker's per-user limit) in flight (:mod:`.tasks`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from looker_sdk.sdk.api40 import models as m

from pytest_looker.compile import Query
from pytest_looker.errors import BackendError, LookerError
from pytest_looker.looker.client.errors import LookerAPIError
from pytest_looker.looker.client.sdk import LookerClient, PytestLookerSDK
from pytest_looker.run.result import ResultSet
from pytest_looker.testing.result import QueryResult

__all__ = ["LookerBackend", "TestRun", "write_query"]

log = logging.getLogger(__name__)

#: Looker validates whole projects and runs test suites slowly on big instances (Spectacles
#: uses the same order of magnitude, reference §2.5).
VALIDATE_TIMEOUT = 1800
TEST_TIMEOUT = 1800
CONTENT_TIMEOUT = 3600


def write_query(query: Query, *, limit: int | None = None) -> m.WriteQuery:
    """The API body for ``query`` (``view`` is the explore; ``limit`` is a string in the API).

    User attributes and ``now`` cannot be sent: Looker takes them from the API user and the
    clock. ``limit`` overrides the query's (validation runs with ``limit=1``).
    """
    chosen = query.limit if limit is None else limit
    return m.WriteQuery(
        model=query.model,
        view=query.explore,
        fields=list(query.fields),
        filters=dict(query.filters) or None,
        sorts=list(query.sorts) or None,
        limit=None if chosen is None else str(chosen),
        query_timezone=query.timezone,
    )


@dataclass(frozen=True)
class TestRun:
    """One LookML test as Looker ran it."""

    model: str
    name: str
    success: bool
    assertions: int
    failed: int
    errors: tuple[str, ...]
    warnings: tuple[str, ...]


class LookerBackend:
    """Queries, SQL, tests and validators through one :class:`LookerClient`."""

    name = "looker"

    def __init__(self, client: LookerClient, *, dialect: str = "duckdb") -> None:
        self.client = client
        self.dialect = dialect
        self._project_id: str | None = client.options.looker_project

    # -- the run Backend protocol ---------------------------------------------------------------
    def execute(self, sql: str) -> ResultSet:
        raise BackendError("the looker backend runs explore queries (Looker compiles them); it does not run SQL text")

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> LookerBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def sdk(self) -> PytestLookerSDK:
        return self.client.sdk

    # -- identity ---------------------------------------------------------------------------------
    def me(self) -> m.User:
        return self.sdk.me(fields="id,display_name,email,first_name,last_name")

    def versions(self) -> m.ApiVersion:
        return self.sdk.versions()

    def workspace(self) -> str:
        return str(self.sdk.session().workspace_id or "production")

    def ensure_workspace(self, workspace: str) -> None:
        """Put this token's API session in ``workspace`` (cached tokens may be in either)."""
        if self.workspace() != workspace:
            self.sdk.update_session(m.WriteApiSession(workspace_id=workspace))

    def prepare(self) -> None:
        """Check once that this process's API session is in the workspace the settings want.

        A token from the cache may belong to a session an earlier run left in dev mode.
        """
        self.ensure_workspace("dev" if self.client.options.needs_dev_mode else "production")

    def project_id(self, model: str | None = None) -> str:
        """The Looker project: ``looker_project``, else the project of ``model`` (or any model)."""
        if self._project_id is None:
            models = self.sdk.all_lookml_models(fields="name,project_name")
            chosen = [x for x in models if model is None or x.name == model] or list(models)
            if not chosen or not chosen[0].project_name:
                raise LookerAPIError(
                    "cannot tell which Looker project to use: set looker_project in the environment's section"
                )
            self._project_id = str(chosen[0].project_name)
        return self._project_id

    # -- queries ----------------------------------------------------------------------------------
    def run_query(self, query: Query) -> QueryResult:
        """Rows keyed ``view.field`` as Looker returns them (``json`` format, JSON values)."""
        text = self._inline(query, "json")
        try:
            rows = json.loads(text) if text else []
        except ValueError:
            raise LookerAPIError(
                f"Looker returned something that is not JSON for {query.model}/{query.explore}"
            ) from None
        if isinstance(rows, dict) and "looker_error" in json.dumps(rows):
            raise LookerAPIError(f"Looker could not run the query on {query.model}/{query.explore}: {rows}")
        if not isinstance(rows, list):
            raise LookerAPIError(f"Looker returned {type(rows).__name__} rows for {query.model}/{query.explore}")
        for row in rows:
            if isinstance(row, dict) and "looker_error" in row:
                raise LookerAPIError(
                    f"Looker could not run the query on {query.model}/{query.explore}: {row['looker_error']}"
                )
        return QueryResult(rows, tuple(query.fields), "", query.model, query.explore)

    def sql_for(self, query: Query) -> str:
        """The SQL Looker writes for ``query`` (``run_inline_query`` in ``sql`` format; nothing runs)."""
        return self._inline(query, "sql")

    def run_queries(self, queries: Sequence[Query], *, limit: int | None = None) -> list[QueryResult | LookerError]:
        """Many queries through async query tasks, bounded concurrency; errors returned in place."""
        from pytest_looker.looker.client.tasks import run_query_tasks

        return run_query_tasks(self, queries, limit=limit)

    def _inline(self, query: Query, result_format: str) -> str:
        try:
            answer = self.sdk.run_inline_query(result_format, write_query(query), cache=False)
        except LookerAPIError as exc:
            raise LookerAPIError(
                f"Looker could not run the query on {query.model}/{query.explore}: {_reason(exc)}", exc.status
            ) from None
        return answer.decode() if isinstance(answer, bytes) else str(answer)

    # -- validators and tests ----------------------------------------------------------------------
    def validate_project(self) -> m.ProjectValidation:
        """Looker's LookML validator on the project (in the current workspace and branch)."""
        return self.sdk.validate_project(self.project_id(), transport_options={"timeout": VALIDATE_TIMEOUT})

    def content_validation(self) -> m.ContentValidation:
        return self.sdk.content_validation(transport_options={"timeout": CONTENT_TIMEOUT})

    def lookml_tests(self) -> list[m.LookmlTest]:
        return list(self.sdk.all_lookml_tests(self.project_id()))

    def run_lookml_tests(self, model: str | None = None, test: str | None = None) -> list[TestRun]:
        """Run LookML ``test:`` blocks in Looker (all, a model's, or one)."""
        results = self.sdk.run_lookml_test(
            self.project_id(model), model=model, test=test, transport_options={"timeout": TEST_TIMEOUT}
        )
        return [
            TestRun(
                str(r.model_name or model or ""),
                str(r.test_name or ""),
                bool(r.success),
                int(r.assertions_count or 0),
                int(r.assertions_failed or 0),
                tuple(str(e.message) for e in r.errors or ()),
                tuple(str(w.message) for w in r.warnings or ()),
            )
            for r in results
        ]


def _reason(exc: LookerAPIError) -> str:
    return exc.message.removeprefix(f"Looker answered HTTP {exc.status}: ") + (
        f" (HTTP {exc.status})" if exc.status else ""
    )
