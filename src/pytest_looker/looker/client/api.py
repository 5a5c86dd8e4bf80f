"""``LookerAPI``: explore queries, validation and LookML tests run by Looker itself.

Local engines take SQL our compiler wrote; Looker takes :class:`~pytest_looker.compile.Query`
objects and compiles and runs them itself — the point of a run against the source of truth.
This class is the typed facade over looker-sdk that :class:`~.runner.LookerRunner`, the
environment handling and the ``connect``/``lookml-validate`` commands use. It runs no SQL text:
SQL written by our compiler does not belong on a user's Looker connection.

Many queries at once go through Looker's async query tasks, never more than
``query_concurrency`` (≤ 15, Looker's per-user limit) in flight (:mod:`.tasks`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from looker_sdk.sdk.api40 import models as m

from pytest_looker.compile import Query
from pytest_looker.errors import LookerError
from pytest_looker.looker.client.errors import LookerAPIError
from pytest_looker.looker.client.queries import write_query
from pytest_looker.looker.client.sdk import LookerClient, PytestLookerSDK
from pytest_looker.looker.client.tasks import run_query_tasks
from pytest_looker.run.query_result import QueryResult
from pytest_looker.run.runner import NativeTestRun

__all__ = ["LookerAPI"]

log = logging.getLogger(__name__)

#: Looker validates whole projects and runs test suites slowly on big instances (Spectacles
#: uses the same order of magnitude, reference §2.5).
VALIDATE_TIMEOUT = 1800
TEST_TIMEOUT = 1800
CONTENT_TIMEOUT = 3600


class LookerAPI:
    """Queries, SQL, tests and validators through one :class:`LookerClient`."""

    def __init__(self, client: LookerClient) -> None:
        self.client = client
        self._project_id: str | None = client.options.looker_project

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> LookerAPI:
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
        return run_query_tasks(self.client, queries, limit=limit)

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

    def run_lookml_tests(self, model: str | None = None, test: str | None = None) -> list[NativeTestRun]:
        """Run LookML ``test:`` blocks in Looker (all, a model's, or one)."""
        results = self.sdk.run_lookml_test(
            self.project_id(model), model=model, test=test, transport_options={"timeout": TEST_TIMEOUT}
        )
        return [
            NativeTestRun(
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
