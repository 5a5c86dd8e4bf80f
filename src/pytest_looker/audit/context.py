"""The run's context that is not git or identity: backend identity, versions, explores.

The backend is described so an auditor can tell *where* the SQL ran (DuckDB file, seeds,
warehouse host, Looker instance) without the log holding a credential: URLs are masked.
"""

from __future__ import annotations

import platform
from collections.abc import Mapping
from importlib import metadata
from typing import TYPE_CHECKING, Any

from pytest_looker.errors import LookerError
from pytest_looker.secrets import mask_url

if TYPE_CHECKING:
    from pytest_looker.lookml import Project
    from pytest_looker.settings import Settings

__all__ = ["all_explores", "backend_identity", "versions"]


def backend_identity(settings: Settings, runner: Mapping[str, Any]) -> dict[str, Any]:
    """Which backend and where, with every URL's password masked.

    ``runner`` is the runner's own description (``Runner.describe()``): it says what really
    answered — a replayed run is ``record: none``, not the database it was recorded from.
    """
    record = runner.get("record")
    if record == "none":
        name = "replay"  # no backend answered: cassettes did (recorded from settings.backend)
    elif record is not None:
        name = f"{settings.backend} (record={record})"
    else:
        name = settings.backend
    return {
        "name": name,
        "replayed_from": settings.backend if record == "none" else None,
        "runner": dict(runner),
        "dialect": settings.dialect,
        "duckdb": str(settings.duckdb) if settings.duckdb else None,
        "seeds": str(settings.seeds) if settings.seeds else None,
        "url": mask_url(settings.url) if settings.url else None,
        "connections": {
            name: {"dialect": c.dialect, "url": mask_url(c.url) if c.url else None}
            for name, c in sorted(settings.connections.items())
        },
        "base_url": mask_url(settings.looker.base_url) if settings.looker.base_url else None,
        "workspace": settings.looker.workspace,
        "branch": settings.looker.branch,
    }


def secret_urls(settings: Settings) -> list[str]:
    """The configured URLs, whose passwords the scrubber must know."""
    urls = [settings.url, settings.looker.base_url, *(c.url for c in settings.connections.values())]
    return [u for u in urls if u]


def versions() -> dict[str, str]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "unknown"

    return {"python": platform.python_version(), "pytest": version("pytest"), "pytest-looker": version("pytest-looker")}


def all_explores(load: Any) -> list[str] | None:
    """Every concrete ``model/explore`` of the project (``None`` when it cannot be loaded).

    ``load`` returns the project; it is called here so a broken project (already reported by
    the run as collection errors) costs the audit only the coverage list.
    """
    try:
        project: Project = load()
    except (LookerError, OSError, ValueError):
        return None
    return sorted(
        f"{model.name}/{explore.name}"
        for model in project.models.values()
        for explore in model.explores.values()
        if not explore.extension_required
    )
