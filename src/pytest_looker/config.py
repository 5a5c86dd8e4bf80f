"""Settings from ``pyproject.toml`` ``[tool.pytest-looker]``, found from the working directory up.

Only what the commands of this release read lives here; unknown keys are reported rather than
ignored, because a misspelt setting that silently does nothing is worse than an error.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_looker.errors import ConfigurationError, Location

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

SECTION = "pytest-looker"
KNOWN_KEYS = frozenset(
    {
        "project",
        "dialect",
        "connections",
        "constants",
        "dependency_paths",
        "backend",
        "duckdb",
        "seeds",
        "timezone",
        "now",
        "user_attributes",
        "environments",
        "url",
    }
)


@dataclass(frozen=True)
class Settings:
    """The ``[tool.pytest-looker]`` table, with paths resolved against the file's directory."""

    source: Path | None = None
    project: Path | None = None
    dialect: str = "duckdb"
    constants: Mapping[str, str] = field(default_factory=dict)
    dependency_paths: tuple[Path, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict)


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start``."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(start: Path | None = None) -> Settings:
    """Settings from the nearest pyproject.toml (empty settings when there is none)."""
    path = find_pyproject((start or Path.cwd()).resolve())
    if path is None:
        return Settings()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read settings: {exc}", Location(str(path))) from None
    table = document.get("tool", {}).get(SECTION)
    if table is None:
        return Settings(source=path)
    if not isinstance(table, dict):
        raise ConfigurationError(f"[tool.{SECTION}] must be a table", Location(str(path)))
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        known = ", ".join(sorted(KNOWN_KEYS))
        raise ConfigurationError(
            f"unknown setting(s) {', '.join(unknown)} in [tool.{SECTION}] (known: {known})",
            Location(str(path)),
        )
    base = path.parent
    constants = table.get("constants", {})
    if not isinstance(constants, dict):
        raise ConfigurationError("constants must be a table of name = value", Location(str(path)))
    dependency_paths = table.get("dependency_paths", [])
    if not isinstance(dependency_paths, list):
        raise ConfigurationError("dependency_paths must be a list of directories", Location(str(path)))
    project = table.get("project")
    return Settings(
        source=path,
        project=(base / str(project)).resolve() if project is not None else None,
        dialect=str(table.get("dialect", "duckdb")),
        constants={str(k): str(v) for k, v in constants.items()},
        dependency_paths=tuple((base / str(p)).resolve() for p in dependency_paths),
        raw=table,
    )
