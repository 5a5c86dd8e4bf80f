"""The plugin's per-process state: one workspace per (environment, backend), kept in ``config.stash``.

The main workspace comes from the run's settings; a test marked
``@pytest.mark.looker(env=..., backend=...)`` gets a workspace of its own, built once per
process and combination. Each xdist worker builds its own objects (nothing is shared between
processes, so there is nothing to lock).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_looker.settings import Settings, load_settings

if TYPE_CHECKING:
    from pytest_looker.workspace import Workspace

__all__ = ["KIND_PROPERTY", "STATE_KEY", "LookerState", "looker_state"]

#: The user property naming an item's kind (reports carry it to the xdist controller).
KIND_PROPERTY = "looker_kind"


class LookerState:
    """Settings, workspaces and per-kind outcome counts of one pytest process."""

    def __init__(
        self, config: pytest.Config, settings: Settings, options: dict[str, Any], environment: str | None
    ) -> None:
        self.config = config
        self.settings = settings
        self.options = options
        self.environment = environment
        self.cwd: Path = config.invocation_params.dir
        self.counts: dict[str, Counter[str]] = {}
        self._workspaces: dict[tuple[str | None, str | None], Workspace] = {}
        self.workspace = self.workspace_for()

    def workspace_for(self, environment: str | None = None, backend: str | None = None) -> Workspace:
        """The workspace of the active settings, or of a marker's ``env``/``backend``."""
        key = (environment, backend)
        if key not in self._workspaces:
            settings = self.settings
            if environment is not None or backend is not None:
                options = {**self.options, **({"backend": backend} if backend else {})}
                settings = load_settings(
                    self.cwd, options=options, environment=environment or self.environment, cwd=self.cwd
                )
            from pytest_looker.workspace import Workspace  # the compiler loads when a run needs it

            workspace = Workspace(settings)
            self._workspaces[key] = workspace
            if key != (None, None):
                self.config.hook.pytest_looker_configure.call_historic(
                    kwargs={"config": self.config, "workspace": workspace}
                )
        return self._workspaces[key]

    def close(self) -> None:
        for workspace in self._workspaces.values():
            workspace.close()
        self._workspaces.clear()


STATE_KEY = pytest.StashKey[LookerState]()


def looker_state(config: pytest.Config) -> LookerState | None:
    """The state of a run with a configured project, else ``None``."""
    return config.stash.get(STATE_KEY, None)
