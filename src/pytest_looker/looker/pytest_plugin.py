"""The Looker environment as a pytest plugin: enter dev mode, a branch or a commit — and restore.

Active only when the run's runner is Looker's (``backend = "looker"``) and the environment asks
for the dev workspace, a branch or a commit. The process that owns the run enters the
environment once in ``pytest_sessionstart`` (never an xdist worker: the controller does it
before the workers start and restores after they finish) and restores it in
``pytest_sessionfinish``, which pytest also calls after Ctrl-C. In pure replay
(``--looker-record=none``) nothing live is contacted, so nothing is entered.

looker-sdk is imported only when the environment is entered.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import pytest

from pytest_looker.errors import LookerError

if TYPE_CHECKING:
    from pytest_looker.looker.client.environments import LookerEnvironment
    from pytest_looker.workspace import Workspace

__all__ = ["LookerRunHooks", "pytest_looker_configure"]

_REGISTERED = "pytest-looker-looker"


def pytest_looker_configure(config: pytest.Config, workspace: Workspace) -> None:
    """Watch the run's main workspace (the first one configured)."""
    if config.pluginmanager.get_plugin(_REGISTERED) is None:
        config.pluginmanager.register(LookerRunHooks(config, workspace), _REGISTERED)


class LookerRunHooks:
    """Session hooks of a run whose runner is Looker's."""

    def __init__(self, config: pytest.Config, workspace: Workspace) -> None:
        self.config = config
        self.workspace = workspace
        self.environment: LookerEnvironment | None = None

    @property
    def is_worker(self) -> bool:
        return hasattr(self.config, "workerinput")

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Enter the environment before anything runs (and before xdist starts its workers)."""
        settings = self.workspace.settings
        if self.is_worker or (settings.backend != "looker" and not settings.looker.needs_dev_mode):
            return  # nothing to enter: the runner (and the compiler behind it) loads when an item runs
        runner = self.workspace.runner
        if self.is_worker or runner.kind != "looker" or getattr(runner, "replay_only", False):
            return
        if not self.workspace.settings.looker.needs_dev_mode:
            return
        from pytest_looker.looker.client.environments import LookerEnvironment
        from pytest_looker.looker.client.runner import LookerRunner

        looker = getattr(runner, "inner", runner)
        assert isinstance(looker, LookerRunner)
        try:
            self.environment = LookerEnvironment(looker.api)  # reads the untouched workspace first
            self.environment.enter()
            looker.prepared = True  # enter() left the session in dev mode
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
