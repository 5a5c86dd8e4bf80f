"""Describing a project's items from the loaded project: the :data:`~.plan.Plan` a collection follows.

One function decides which items each file of the project has, in which order and under which
names; the collectors (:mod:`.items`, :mod:`.dashboards`) only instantiate what it returns,
whether it was just computed or read back from the collection cache (:mod:`.plan`) — so a
cached collection cannot differ from a fresh one. Imported only when the cache misses: this is
where the loader and the checks are needed.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_looker.checks.dashboards import DASHBOARD_SUFFIXES, dashboard_target
from pytest_looker.checks.datatests import data_test_target
from pytest_looker.checks.diagnostics import diagnostics_by_file, diagnostics_target, settings_diagnostics
from pytest_looker.checks.keys import keys_target, relationships_target
from pytest_looker.checks.outcome import Target
from pytest_looker.checks.validation import select_explores
from pytest_looker.lookml.model import Diagnostic, Project
from pytest_looker.testing.plan import Plan
from pytest_looker.workspace import Workspace

__all__ = ["describe", "workspace_diagnostics"]

#: One item: (kind, name, target as a dict, the names the item finds its LookML by).
ItemPlan = tuple[str, str, dict[str, object], dict[str, str]]


def workspace_diagnostics(workspace: Workspace) -> dict[str, tuple[Diagnostic, ...]]:
    """The project's diagnostics by file, computed once per workspace."""

    def build() -> dict[str, tuple[Diagnostic, ...]]:
        extra = settings_diagnostics(workspace.project, workspace.settings)
        return dict(diagnostics_by_file(workspace.project, workspace.root, extra))

    return workspace.cached("testing.diagnostics", build)


def describe(workspace: Workspace) -> Plan:
    """Which LookML files are collected, and every item of every file that has any."""
    project = workspace.project
    diagnostics = workspace_diagnostics(workspace)
    collected = {m.location.file for m in project.models.values()}
    collected |= {t.location.file for m in project.models.values() for t in m.tests.values()}
    collected |= set(diagnostics)
    files = collected | {d.location.file for d in project.dashboards.values()}
    items: dict[str, list[ItemPlan]] = {}
    for relative in sorted(files):
        if relative.endswith(DASHBOARD_SUFFIXES):
            found = list(_dashboard_file(project, relative, diagnostics))
        else:
            found = list(_lookml_file(workspace, project, relative, diagnostics))
        if found:
            items[relative] = found
    return {"collected": sorted(collected), "items": items}


def _item(kind: str, name: str, target: Target, **args: str) -> ItemPlan:
    return (kind, name, target.as_dict(), args)


def _diagnostics(relative: str, diagnostics: dict[str, tuple[Diagnostic, ...]]) -> Iterator[ItemPlan]:
    found = diagnostics.get(relative)
    if found:
        yield _item("lookml", "lookml", diagnostics_target(relative, found), file=relative)


def _dashboard_file(
    project: Project, relative: str, diagnostics: dict[str, tuple[Diagnostic, ...]]
) -> Iterator[ItemPlan]:
    yield from _diagnostics(relative, diagnostics)
    for dashboard in project.dashboards.values():
        if dashboard.location.file == relative:
            yield _item("dashboard", dashboard.name, dashboard_target(dashboard), dashboard=dashboard.name)


def _lookml_file(
    workspace: Workspace, project: Project, relative: str, diagnostics: dict[str, tuple[Diagnostic, ...]]
) -> Iterator[ItemPlan]:
    yield from _diagnostics(relative, diagnostics)
    for model in project.models.values():
        for test in model.tests.values():
            if test.location.file == relative:
                yield _item("lookml-test", f"{model.name}/{test.name}", data_test_target(test), model=model.name,
                            test=test.name)  # fmt: skip
    owner = next((m.name for m in project.models.values() if m.location.file == relative), None)
    if owner is not None:
        yield from _model_items(workspace, project, owner)


def _model_items(workspace: Workspace, project: Project, model: str) -> Iterator[ItemPlan]:
    settings = workspace.settings
    explores = [e for e in select_explores(project, settings.explores) if e.model == model]
    for explore in explores:
        label = f"{model}/{explore.name}"
        target = Target("sql", label, explore.location, model=model, explore=explore.name)
        yield _item("sql", f"sql[{label}]", target, model=model, explore=explore.name)
    if not settings.check_keys:
        return
    views = project.model(model).views
    seen: dict[str, None] = {}
    for explore in explores:
        for view_name in explore.aliases().values():
            seen.setdefault(view_name)
    for view_name in seen:
        view = views.get(view_name)
        if view is not None:
            yield _item("keys", f"keys[{model}/{view_name}]", keys_target(model, view), model=model, view=view_name)
    for explore in explores:
        if explore.joins:
            label = f"{model}/{explore.name}"
            yield _item("relationships", f"relationships[{label}]", relationships_target(explore), model=model,
                        explore=explore.name)  # fmt: skip
