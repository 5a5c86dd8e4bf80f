"""The loader's LookML diagnostics as outcomes: one per file that has problems.

A LookML error (a syntax error, a missing include, an unknown field in a reference) must make a
test run red even when no query touches the broken file: otherwise ``pytest`` stays green on a
project that ``pytest-looker inspect`` and Looker's validator reject. Each file with diagnostics
gets one outcome listing them at their file:line; errors fail it, warnings are carried along as
warnings. A diagnostic whose file is not a file of the project (a missing dependency's) is
reported with the project's *anchor* file, so none is ever lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from pytest_looker.checks.outcome import Outcome, Problem, Target
from pytest_looker.errors import Location
from pytest_looker.lookml.model import Diagnostic, Project, Severity
from pytest_looker.settings import Settings

__all__ = ["anchor_file", "diagnostics_by_file", "diagnostics_outcome", "diagnostics_target", "settings_diagnostics"]


def anchor_file(project: Project, root: Path) -> str | None:
    """The file that carries diagnostics of no file of their own: the manifest, else the first model."""
    if (root / "manifest.lkml").is_file():
        return "manifest.lkml"
    models = sorted(m.location.file for m in project.models.values() if (root / m.location.file).is_file())
    return models[0] if models else None


def settings_diagnostics(project: Project, settings: Settings) -> list[Diagnostic]:
    """Warnings about how the settings read the project: a model whose connection no setting maps
    to a dialect has its SQL read as DuckDB's, which is wrong for a BigQuery or Snowflake project
    and must not happen silently."""
    if settings.dialect_set:
        return []
    found = []
    for model in project.models.values():
        name = model.connection
        entry = settings.connections.get(name or "")
        if name and (entry is None or entry.dialect is None):
            found.append(
                Diagnostic(
                    Severity.WARNING,
                    f"model {model.name!r} uses connection {name!r}, which no setting maps to a dialect: its SQL"
                    f" is read as {settings.dialect}'s (set [tool.pytest-looker.connections.{name}] dialect ="
                    " '...', or dialect = '...')",
                    model.location,
                )
            )
    return found


def diagnostics_by_file(
    project: Project, root: Path, extra: Sequence[Diagnostic] = ()
) -> Mapping[str, tuple[Diagnostic, ...]]:
    """Every diagnostic of the project (and ``extra`` ones) keyed by the project file it is reported with."""
    anchor = anchor_file(project, root)
    grouped: dict[str, list[Diagnostic]] = {}
    for diagnostic in (*project.diagnostics, *extra):
        file = diagnostic.location.file
        if not (root / file).is_file():
            if anchor is None:
                continue
            file = anchor
        grouped.setdefault(file, []).append(diagnostic)
    return {file: tuple(found) for file, found in grouped.items()}


def diagnostics_target(file: str, diagnostics: Sequence[Diagnostic]) -> Target:
    own = [d.location.line for d in diagnostics if d.location.file == file and d.location.line]
    return Target("lookml", file, Location(file, min(own) if own else None))


def diagnostics_outcome(file: str, diagnostics: Sequence[Diagnostic]) -> Outcome:
    """Fails with every error of ``file``; its warnings ride along as warnings."""
    target = diagnostics_target(file, diagnostics)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    warnings = tuple(Problem(d.message, d.location) for d in diagnostics if d.severity is Severity.WARNING)
    problems = tuple(Problem(f"{d.location}: {d.message}", d.location) for d in errors)
    headline = f"LookML {file}: {len(errors)} error(s)" if len(errors) > 1 else None
    return Outcome(target, problems, headline=headline, warnings=warnings)
