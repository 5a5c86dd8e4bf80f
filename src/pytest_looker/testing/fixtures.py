"""Fixtures for Python tests: ``lookml_project`` (session) and ``looker`` (queries).

::

    def test_revenue(looker):
        result = looker.query("ecommerce/orders", fields=["orders.status", "orders.count"],
                              filters={"orders.status": "complete"})
        assert result.column("orders.count") == [358]

``@pytest.mark.looker(env="prod", backend="sqlalchemy")`` runs a test's ``looker`` on another
environment or backend (a separate session, built once per process and combination).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pytest

from pytest_looker.errors import LookerError
from pytest_looker.testing.state import LookerState, looker_state

if TYPE_CHECKING:
    from pytest_looker.lookml import Project
    from pytest_looker.run.query_result import QueryResult
    from pytest_looker.workspace import Workspace

__all__ = ["Looker", "looker", "lookml_project"]

_NOT_CONFIGURED = (
    "pytest-looker: no LookML project is configured; set `project` in [tool.pytest-looker] of"
    " pyproject.toml, PYTEST_LOOKER_PROJECT or --looker-project"
)


def _state(config: pytest.Config) -> LookerState:
    state = looker_state(config)
    if state is None:
        pytest.fail(_NOT_CONFIGURED, pytrace=False)
    return state


class Looker:
    """Queries on the active environment and backend; the SQL of each is recorded on the test."""

    def __init__(self, workspace: Workspace, node: pytest.Item | None = None) -> None:
        self.workspace = workspace
        self._node = node

    @property
    def project(self) -> Project:
        return self.workspace.project

    @property
    def dialect(self) -> str:
        return self.workspace.runner.dialect

    def query(
        self,
        explore: str,
        *,
        fields: Sequence[str],
        filters: Mapping[str, Any] | None = None,
        sorts: Sequence[str] = (),
        limit: int | None = None,
        user_attributes: Mapping[str, str] | None = None,
        timezone: str | None = None,
        filter_expression: str | None = None,
    ) -> QueryResult:
        """Run a query on ``model/explore``: rows keyed ``view.field``, in result order.

        ``sorts`` are ``"view.field"`` or ``"view.field desc"``; ``limit=None`` is Looker's
        default of 5000 rows, ``-1`` no limit. ``filter_expression`` is a custom filter, a Looker
        expression such as ``'${orders.status} = "complete"'`` (Looker API ``filter_expression``).
        """
        __tracebackhide__ = True
        try:
            query = self.workspace.query(
                explore, fields=fields, filters=filters, sorts=sorts, limit=limit,
                user_attributes=user_attributes, timezone=timezone, filter_expression=filter_expression,
            )  # fmt: skip
            result = self.workspace.runner.run(query)
        except LookerError as exc:
            raise _user_error(exc) from None
        if result.sql:
            self._record(result.sql)
        return result

    def sql(self, explore: str, *, fields: Sequence[str], **options: Any) -> str:
        """Only the SQL the query would run (in the backend's dialect)."""
        __tracebackhide__ = True
        try:
            return self.workspace.runner.sql(self.workspace.query(explore, fields=fields, **options))
        except LookerError as exc:
            raise _user_error(exc) from None

    def _record(self, sql: str) -> None:
        if self._node is not None:
            self._node.user_properties.append(("sql", sql))


def _user_error(exc: LookerError) -> LookerError:
    """The error as raised at the test's own line: the compiler's and runner's frames are ours,
    not the user's, and would bury the one sentence that matters (``--tb=short`` showed ~25)."""
    return exc.with_traceback(None)


@pytest.fixture(scope="session")
def lookml_project(pytestconfig: pytest.Config) -> Project:
    """The configured LookML project, loaded once per session (per xdist worker)."""
    return _state(pytestconfig).workspace.project


@pytest.fixture
def looker(request: pytest.FixtureRequest) -> Looker:
    """Run explore queries on the active backend; see :class:`Looker`."""
    state = _state(request.config)
    marker = request.node.get_closest_marker("looker")
    env, backend = _marker_options(marker)
    node = request.node if isinstance(request.node, pytest.Item) else None
    if node is not None and not any(k == "looker_kind" for k, _ in node.user_properties):
        node.user_properties.append(("looker_kind", "python"))
    try:
        workspace = state.workspace_for(env, backend) if env or backend else state.workspace
    except LookerError as exc:  # a configuration error for this marker: one clear line
        pytest.fail(f"pytest-looker: {exc}", pytrace=False)
    return Looker(workspace, node)


def _marker_options(marker: pytest.Mark | None) -> tuple[str | None, str | None]:
    if marker is None:
        return None, None
    if marker.args:
        pytest.fail("@pytest.mark.looker takes keyword arguments only: env=..., backend=...", pytrace=False)
    unknown = sorted(set(marker.kwargs) - {"env", "backend"})
    if unknown:
        pytest.fail(f"@pytest.mark.looker: unknown argument(s) {', '.join(unknown)} (env, backend)", pytrace=False)
    return marker.kwargs.get("env"), marker.kwargs.get("backend")
