"""Everything one running emulator holds, shared by the route modules."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pytest_looker.looker.emulator.auth import TokenStore
from pytest_looker.looker.emulator.engine import Engine
from pytest_looker.looker.emulator.errors import ApiError
from pytest_looker.looker.emulator.faults import FaultInjector
from pytest_looker.looker.emulator.formats import run_write
from pytest_looker.looker.emulator.git import GitRepo
from pytest_looker.looker.emulator.metadata import project_id
from pytest_looker.looker.emulator.queries import QueryStore
from pytest_looker.looker.emulator.settings import EmulatorSettings
from pytest_looker.looker.emulator.tasks import TaskManager


class Emulator:
    """Tokens, saved queries, tasks, the project engine, git and the fault injector."""

    def __init__(self, settings: EmulatorSettings) -> None:
        self.settings = settings
        self.tokens = TokenStore(settings.client_id, settings.client_secret, settings.faults.token_lifetime)
        self.engine = Engine(settings)
        self.queries = QueryStore()
        self.tasks = TaskManager(self._run_task, delay_ms=settings.faults.query_delay_ms)
        self.git = GitRepo(self.engine.root)
        self.faults = FaultInjector(settings.faults)
        self.last_validation: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"Emulator(project={str(self.engine.root)!r}, client_id={self.settings.client_id!r})"

    def _run_task(self, query: Mapping[str, Any], result_format: str) -> tuple[Any, str]:
        text = run_write(self.engine, query, result_format)
        data = json.loads(text) if result_format in ("json", "json_bi") else text
        return data, text

    def project_id(self) -> str:
        return self.engine.locked(lambda: project_id(self.engine.project))

    def check_project(self, requested: str) -> None:
        """404 unless ``requested`` is this emulator's project."""
        if requested != self.project_id():
            raise ApiError(404, "Not found")

    def stats(self) -> dict[str, Any]:
        return {
            "logins": self.tokens.logins,
            "requests": self.faults.stats.requests,
            "faults": dict(self.faults.stats.faults),
            "queries": len(self.queries),
            "tasks": len(self.tasks),
        }

    def close(self) -> None:
        self.tasks.shutdown()
        self.engine.close()
