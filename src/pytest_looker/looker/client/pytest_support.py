"""The Looker backend's side of the pytest plugin (``--looker-backend looker``).

Kept here, not in ``testing/``, so the plugin only gains a few dispatch lines:

* :func:`run_through_looker` — a query of a data test, unit test or ``looker`` fixture runs in
  Looker; with ``--looker-compare-sql`` Looker's SQL and ours are also run on the warehouse and
  any difference fails the item (:mod:`.compare`);
* :func:`run_data_test_in_looker` — a LookML ``test:`` runs natively in Looker
  (``--looker-native-tests``: its run-tests endpoint) or locally: its query through Looker, the
  asserts by our evaluator;
* :func:`validate_in_looker` — SQL validation of an explore by Looker queries;
* :class:`LookerRunHooks` — enters the environment (dev mode, branch, commit) once per run on
  the process that owns the run (never on an xdist worker: the controller does it before the
  workers start and restores after they finish) and restores it in ``pytest_sessionfinish``,
  which pytest also calls after Ctrl-C.
"""

from __future__ import annotations

import contextlib
import dataclasses
import warnings
from typing import TYPE_CHECKING, Any

import pytest

from pytest_looker.compile import Query
from pytest_looker.errors import ConfigurationError, LookerError
from pytest_looker.run import Backend
from pytest_looker.testing.result import QueryResult

if TYPE_CHECKING:
    from pytest_looker.looker.client.backend import LookerBackend
    from pytest_looker.looker.client.environments import LookerEnvironment
    from pytest_looker.lookml.model import DataTest, Explore
    from pytest_looker.testing.datatests import DataTestOutcome
    from pytest_looker.testing.session import LookerSession
    from pytest_looker.validation import ValidationReport

__all__ = [
    "LookerRunHooks",
    "looker_backend",
    "run_data_test_in_looker",
    "run_through_looker",
    "validate_in_looker",
    "warehouse_backend",
]

_WAREHOUSE: dict[int, Backend] = {}


def looker_backend(session: LookerSession) -> LookerBackend:
    from pytest_looker.looker.client.backend import LookerBackend

    backend = session.backend
    if not isinstance(backend, LookerBackend):
        raise ConfigurationError("the looker backend is not active")
    if not getattr(backend, "_prepared", False):
        backend.prepare()
        backend._prepared = True  # type: ignore[attr-defined]
    return backend


def warehouse_backend(session: LookerSession, purpose: str) -> Backend:
    """The environment's own database (duckdb/seeds/url), opened once per session."""
    key = id(session)
    if key not in _WAREHOUSE:
        settings = session.settings
        if settings.url is None and settings.duckdb is None and settings.seeds is None:
            raise ConfigurationError(
                f"{purpose} runs SQL on the warehouse: set duckdb, seeds or url in the environment's section"
            )
        from pytest_looker.testing.session import open_backend

        kind = (
            "sqlalchemy"
            if settings.url is not None and settings.duckdb is None and settings.seeds is None
            else "duckdb"
        )
        _WAREHOUSE[key] = open_backend(dataclasses.replace(settings, backend=kind))
    return _WAREHOUSE[key]


def close_warehouse(session: LookerSession) -> None:
    backend = _WAREHOUSE.pop(id(session), None)
    if backend is not None:
        backend.close()


def run_through_looker(session: LookerSession, query: Query) -> QueryResult:
    """Run in Looker; with compare_sql, also check Looker's SQL against ours on the warehouse."""
    backend = looker_backend(session)
    result = backend.run_query(query)
    if session.settings.looker.compare_sql:
        from pytest_looker.looker.client.compare import SqlMismatchError, compare_query

        looker_sql = backend.sql_for(query)
        difference = compare_query(session, looker_sql, query, warehouse_backend(session, "--looker-compare-sql"))
        if difference is not None:
            raise SqlMismatchError(difference)
        result = dataclasses.replace(result, sql=looker_sql)
    return result


def run_data_test_in_looker(session: LookerSession, test: DataTest) -> DataTestOutcome:
    """Natively (Looker's test runner) or locally (Looker's rows, our assert evaluator)."""
    from pytest_looker.testing.datatests import DataTestOutcome, check_asserts, data_test_query

    backend = looker_backend(session)
    if session.settings.looker.native_tests:
        outcome = DataTestOutcome()
        runs = backend.run_lookml_tests(model=test.model, test=test.name)
        run = next((r for r in runs if r.name == test.name), None)
        if run is None:
            outcome.failures.append(
                f"Looker did not run the test {test.name!r} of model {test.model!r} (is it deployed?)"
            )
            return outcome
        outcome.warnings.extend(run.warnings)
        if not run.success:
            outcome.failures.extend(run.errors or (f"{run.failed} of {run.assertions} assert(s) failed in Looker",))
        return outcome
    query = data_test_query(session, test)
    result = run_through_looker(session, query)
    outcome = check_asserts(session, test, result)
    if outcome.failed and not outcome.sql:
        with contextlib.suppress(LookerError):
            outcome.sql = backend.sql_for(query)
    return outcome


def validate_in_looker(session: LookerSession, explore: Explore) -> tuple[ValidationReport, str | None]:
    """SQL validation by Looker queries; the report and Looker's SQL of the first failing field."""
    from pytest_looker.looker.client.validation import validate_explore_in_looker

    backend = looker_backend(session)
    report, first = validate_explore_in_looker(
        backend, session.project, explore, include_hidden=session.settings.include_hidden
    )
    sql = None
    if first is not None:
        with contextlib.suppress(LookerError):
            sql = backend.sql_for(first)
    return report, sql


class LookerRunHooks:
    """Session hooks of a run with the looker backend (registered by the plugin)."""

    def __init__(self, config: pytest.Config, session_factory: Any) -> None:
        self.config = config
        self.session_factory = session_factory
        self.environment: LookerEnvironment | None = None

    @property
    def is_worker(self) -> bool:
        return hasattr(self.config, "workerinput")

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Enter the environment before anything runs (and before xdist starts its workers)."""
        if self.is_worker:
            return
        looker_session = self.session_factory()
        options = looker_session.settings
        from pytest_looker.looker.client.environments import LookerEnvironment

        if not options.looker.needs_dev_mode:
            return
        try:
            backend = looker_session.backend  # not looker_backend(): enter() reads the untouched workspace first
            self.environment = LookerEnvironment(backend)
            self.environment.enter()
            backend._prepared = True  # enter() left the session in dev mode
        except LookerError as exc:
            environment, self.environment = self.environment, None
            if environment is not None:
                environment.restore()
            raise pytest.UsageError(f"pytest-looker: cannot prepare the Looker environment: {exc}") from None

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Restore branch and workspace: runs on success, failure and after Ctrl-C."""
        environment, self.environment = self.environment, None
        if environment is not None:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                environment.restore()
            for warning in caught:
                reporter = self.config.pluginmanager.get_plugin("terminalreporter")
                if reporter is not None:
                    reporter.write_line(f"pytest-looker: {warning.message}", yellow=True)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        """Last resort if sessionfinish never ran (a crash in another plugin's hook)."""
        environment, self.environment = self.environment, None
        if environment is not None:
            environment.restore()
