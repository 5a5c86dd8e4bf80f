"""Everything one running emulator holds, shared by the route modules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_looker.looker.emulator.auth import ApiSessionState, TokenStore
from pytest_looker.looker.emulator.content import Content, load_content
from pytest_looker.looker.emulator.engine import Engine
from pytest_looker.looker.emulator.errors import ApiError
from pytest_looker.looker.emulator.faults import FaultInjector
from pytest_looker.looker.emulator.git import ImportedBranches, ProjectTrees
from pytest_looker.looker.emulator.metadata import project_id
from pytest_looker.looker.emulator.queries import QueryStore
from pytest_looker.looker.emulator.settings import EmulatorSettings
from pytest_looker.looker.emulator.tasks import TaskManager


class Emulator:
    """Tokens, saved queries, tasks, the trees of files and their engines, content and faults."""

    def __init__(self, settings: EmulatorSettings) -> None:
        self.settings = settings
        self.tokens = TokenStore(settings.client_id, settings.client_secret, settings.faults.token_lifetime)
        self.engine = Engine(settings)
        self.trees = ProjectTrees(self.engine, self._dev_engine)
        self.queries = QueryStore()
        self._imports: dict[str, ImportedBranches] = {}
        self.tasks = TaskManager(delay_ms=settings.faults.query_delay_ms)
        self.faults = FaultInjector(settings.faults)
        self.content: Content = load_content(settings.content, self.engine.root, self.queries.create)

    def __repr__(self) -> str:
        return f"Emulator(project={str(self.engine.root)!r}, client_id={self.settings.client_id!r})"

    def _dev_engine(self, root: Path) -> Engine:
        return Engine(self.settings, root=root, shared=self.engine)

    def engine_for(self, session: ApiSessionState) -> Engine:
        """The engine of the files the session's workspace reads (production or the dev clone)."""
        return self.trees.engine_for(session.workspace_id)

    def project_id(self) -> str:
        return self.engine.locked(lambda: project_id(self.engine.project))

    def branches_of(self, requested: str) -> ProjectTrees | ImportedBranches:
        """The branches of this emulator's project or of a project it imports; 404 otherwise."""
        if requested == self.project_id():
            return self.trees
        imported = self.engine.locked(lambda: {d.project for d in self.engine.project.manifest.local_dependencies})
        if requested not in imported:
            raise ApiError(404, "Not found")
        return self._imports.setdefault(requested, ImportedBranches(requested))

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
        self.trees.close()
        self.engine.close()
