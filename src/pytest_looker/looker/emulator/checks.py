"""Project validation, LookML data tests and content validation in Looker's shapes.

* ``validate``: the loader's diagnostics plus every field that does not compile (the
  ``pytest-looker validate --compile-only`` check), as ``ProjectError`` items whose
  ``file_path`` starts with the project name, as Looker's does. pytest-looker's own lint that
  Looker's validator does not give (a fanned-out view without primary key) is left out: with
  Spectacles' default severity a warning fails ``spectacles lookml``.
* LookML tests are run by :func:`pytest_looker.checks.datatests.run_data_test`, the code the
  pytest plugin runs a ``test:`` block with, so both answer the same; one failing assert is one
  ``ProjectError`` of kind ``test``.
* Content validation covers the LookML dashboards of the project and the user-defined Looks
  and dashboards declared for the emulator (:mod:`.content`): every element, Look and filter
  that names a model, explore or field that does not exist is reported.

Looker's validator does not evaluate user attribute values, so validation compiles with
stand-ins for the attributes the API user lacks (:mod:`.attributes`). Each result carries the
digest of the files it saw (``project_digest``); a cached result whose digest no longer matches
the files is answered ``stale``, so clients validate again.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from pytest_looker.checks.datatests import run_data_test
from pytest_looker.checks.outcome import Problem
from pytest_looker.checks.validation import validate
from pytest_looker.compile.measures import refused_only_at_query_time
from pytest_looker.errors import Location, LookerError
from pytest_looker.looker.emulator.attributes import stand_in_attributes
from pytest_looker.looker.emulator.content import Content, Look, Tile, UserDashboard
from pytest_looker.looker.emulator.engine import Engine, project_digest
from pytest_looker.looker.emulator.errors import ApiError
from pytest_looker.looker.emulator.metadata import explore_fields, project_id
from pytest_looker.lookml.model import Dashboard, DataTest, Project, Severity
from pytest_looker.lookml.references import is_fanout_lint
from pytest_looker.workspace import Workspace


def project_error(
    project: Project,
    message: str,
    location: Location | None,
    *,
    severity: str = "error",
    kind: str | None = None,
    model: str | None = None,
    explore: str | None = None,
    field: str | None = None,
) -> dict[str, Any]:
    """A ``ProjectError``."""
    return {
        "code": None,
        "severity": severity,
        "kind": kind or severity,
        "message": message,
        "sanitized_message": message,
        "field_name": field,
        "file_path": f"{project_id(project)}/{location.file}" if location is not None else None,
        "line_number": location.line if location is not None else None,
        "model_id": model or (_model_of(project, location.file) if location is not None else None),
        "explore": explore,
        "help_url": None,
        "params": {"level": severity},
    }


def _model_of(project: Project, file: str) -> str | None:
    for model in project.models.values():
        if model.location.file == file or file in model.files:
            return model.name
    return None


def validate_project(engine: Engine) -> dict[str, Any]:
    """A ``ProjectValidation`` of the files as they are now (the project is reloaded first),
    remembered on the engine with the digest of those files."""
    started = time.perf_counter()

    def work() -> tuple[str, list[dict[str, Any]]]:
        engine.reload()
        digest = project_digest(engine.root)
        project = engine.project
        attributes = stand_in_attributes(project, engine.settings.user_attributes)
        validating = Workspace(dataclasses.replace(engine.settings, user_attributes=attributes), project=project)
        errors = [
            project_error(
                project,
                d.message,
                d.location,
                severity="error" if d.severity is Severity.ERROR else "warning",
            )
            for d in project.diagnostics
            if not is_fanout_lint(d.message)
        ]
        # A field the loader already reported (same file:line) is not reported twice; its
        # report gains the model, explore and field the validation found it in.
        reported = {(e["file_path"], e["line_number"]): e for e in errors if e["severity"] == "error"}
        for model in project.models.values():
            report = validate(validating, [f"{model.name}/*"])
            for failure in report.failures:
                if refused_only_at_query_time(failure.message):
                    continue  # Looker's validator passes it; the query of the field is refused
                where = Location(failure.file, failure.line) if failure.file else None
                field = None if failure.field == "*" else failure.field
                key = (f"{project_id(project)}/{failure.file}" if failure.file else None, failure.line)
                known = reported.get(key)
                if known is not None:
                    known.update(field_name=known["field_name"] or field, explore=known["explore"] or failure.explore)
                    continue
                reported[key] = project_error(
                    project, failure.message, where, model=failure.model, explore=failure.explore, field=field
                )
                errors.append(reported[key])
        return digest, errors

    digest, errors = engine.locked(work)
    result = {
        "errors": errors,
        "project_digest": digest,
        "models_not_validated": [],
        "computation_time": round(time.perf_counter() - started, 3),
    }
    engine.validation = (digest, result)
    return result


def cached_validation(engine: Engine) -> dict[str, Any] | None:
    """The last validation of the engine's files, ``stale`` when they changed since; ``None`` before any."""
    if engine.validation is None:
        return None
    digest, result = engine.validation
    return {**result, "stale": project_digest(engine.root) != digest}


def _tests(project: Project) -> Iterable[DataTest]:
    seen: set[tuple[str, int | None]] = set()
    for model in project.models.values():
        for test in model.tests.values():
            # A file included by two models declares its tests once for each: Looker lists both.
            key = (test.model + "/" + test.location.file, test.location.line)
            if key not in seen:
                seen.add(key)
                yield test


def _file_matches(project: Project, file: str, wanted: str | None) -> bool:
    return not wanted or wanted in (file, f"{project_id(project)}/{file}")


def lookml_tests(engine: Engine, file_id: str | None) -> list[dict[str, Any]]:
    """``[LookmlTest]``, optionally those of one file."""

    def work() -> list[dict[str, Any]]:
        project = engine.project
        return [_test_json(project, t) for t in _tests(project) if _file_matches(project, t.location.file, file_id)]

    return engine.locked(work)


def _test_json(project: Project, test: DataTest) -> dict[str, Any]:
    source = test.explore_source
    params: dict[str, str] = {"fields": ",".join(c.field for c in source.columns)}
    for condition in source.filters:
        params[f"f[{condition.field}]"] = condition.expression
    if source.sorts:
        params["sorts"] = ",".join(f"{s.field} desc" if s.descending else s.field for s in source.sorts)
    if source.limit is not None:
        params["limit"] = str(source.limit)
    return {
        "model_name": test.model,
        "name": test.name,
        "explore_name": source.explore,
        "query_url_params": urlencode(params),
        "file": f"{project_id(project)}/{test.location.file}",
        "line": test.location.line,
        "can": {},
    }


def run_lookml_tests(engine: Engine, file_id: str | None, test: str | None, model: str | None) -> list[dict[str, Any]]:
    """``[LookmlTestResult]`` of the matching tests; 404 when a named test does not exist."""

    def work() -> list[dict[str, Any]]:
        project = engine.project
        chosen = [
            t
            for t in _tests(project)
            if _file_matches(project, t.location.file, file_id)
            and (not test or t.name == test)
            and (not model or t.model == model)
        ]
        if test and not chosen:
            raise ApiError(404, f"no LookML test named {test!r}")
        return [_run_one(engine, project, t) for t in chosen]

    return engine.locked(work)


def _run_one(engine: Engine, project: Project, test: DataTest) -> dict[str, Any]:
    explore = test.explore_source.explore
    common = {"model": test.model, "explore": explore, "kind": "test"}
    try:
        outcome = run_data_test(engine.workspace, test)
    except LookerError as exc:
        error = project_error(project, str(exc.message), exc.location or test.location, **common)
        return _test_result(test, 0, [error], [])
    errors = [project_error(project, _problem_text(p), test.location, **common) for p in outcome.problems]
    warnings = [
        project_error(project, w.message, w.location or test.location, severity="warning", **common)
        for w in outcome.warnings
    ]
    return _test_result(test, len(outcome.problems), errors, warnings)


def _problem_text(problem: Problem) -> str:
    return f"{problem.message}\n{problem.detail}" if problem.detail else problem.message


def _test_result(
    test: DataTest, failed: int, errors: list[dict[str, Any]], warnings: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "model_name": test.model,
        "test_name": test.name,
        "assertions_count": len(test.asserts),
        "assertions_failed": failed,
        "errors": errors,
        "warnings": warnings,
        "success": not errors,
        "can": {},
    }


def content_validation(
    engine: Engine, content: Content, project_names: list[str] | None, folder_ids: list[str] | None = None
) -> dict[str, Any]:
    """A ``ContentValidation`` of the project's LookML dashboards and the declared content.

    ``folder_ids`` (Looker's ``space_ids``) limits the user-defined content to those folders and
    their subfolders.
    """
    started = time.perf_counter()

    def work() -> dict[str, Any]:
        project = engine.project
        if project_names and project_id(project) not in project_names:
            return _content_result([], 0, 0, set(), started)
        found: list[dict[str, Any]] = []
        elements = filters = 0
        explores: set[tuple[str, str]] = set()
        for dashboard in project.dashboards.values():
            elements += len(dashboard.elements)
            for element in dashboard.elements:
                names = [*element.fields, *element.filters, *(s.split()[0] for s in element.sorts if s.split())]
                listen = element.raw.get("listen") or {}
                names += [str(v) for k, v in listen.items() if not str(k).startswith("$")]  # $line: loader metadata
                errors = reference_errors(project, element.model, element.explore, names, explores)
                if errors:
                    item = _content_item(project, dashboard, errors)
                    item["lookml_dashboard_element"] = {
                        "lookml_link_id": element.name,
                        "title": element.raw.get("title") or element.name,
                    }
                    found.append(item)
            for dashboard_filter in dashboard.raw.get("filters") or []:
                if not isinstance(dashboard_filter, dict) or not dashboard_filter.get("explore"):
                    continue
                filters += 1
                field = dashboard_filter.get("field")
                errors = reference_errors(
                    project,
                    dashboard_filter.get("model"),
                    dashboard_filter.get("explore"),
                    [field] if field else [],
                    explores,
                )
                if errors:
                    found.append(_content_item(project, dashboard, errors))
        chosen = content.descendants(set(folder_ids)) if folder_ids else None
        looks = [look for look in content.looks.values() if chosen is None or look.folder_id in chosen]
        dashboards = [d for d in content.dashboards.values() if chosen is None or d.folder_id in chosen]
        for look in looks:
            errors = _query_errors(project, look.query, explores)
            if errors:
                found.append(_user_item(content, f"look-{look.id}", errors, look=look))
        for user_dashboard in dashboards:
            for tile in user_dashboard.elements:
                errors = _query_errors(project, tile.query, explores) if tile.query is not None else []
                if tile.look_id is not None and tile.look_id not in content.looks:
                    errors.append(_content_error(f"Look {tile.look_id} does not exist.", None, None, None))
                if errors:
                    found.append(_user_item(content, f"element-{tile.id}", errors, dashboard=user_dashboard, tile=tile))
            for tile in user_dashboard.filters:
                names = [tile.dimension] if tile.dimension else []
                errors = reference_errors(project, tile.model, tile.explore, names, explores)
                if errors:
                    found.append(_user_item(content, f"filter-{tile.id}", errors, dashboard=user_dashboard, tile=tile))
        elements += sum(len(d.elements) for d in dashboards)
        filters += sum(len(d.filters) for d in dashboards)
        return _content_result(found, elements, filters, explores, started, looks=len(looks))

    return engine.locked(work)


def _query_errors(project: Project, query: Any, explores: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """Unknown model, explore or fields of a stored ``Query`` (fields, filters and sorts)."""
    names = [*(query.get("fields") or []), *(query.get("filters") or {})]
    names += [s.split()[0] for s in query.get("sorts") or [] if s.split()]
    return reference_errors(project, query.get("model"), query.get("view"), names, explores)


def _folder_json(content: Content, folder_id: str) -> dict[str, Any]:
    return {"name": content.folder(folder_id).name, "id": folder_id}


def _user_item(
    content: Content,
    item_id: str,
    errors: list[dict[str, Any]],
    *,
    look: Look | None = None,
    dashboard: UserDashboard | None = None,
    tile: Tile | None = None,
) -> dict[str, Any]:
    """A ``ContentValidatorError`` for a user-defined Look, dashboard element or filter."""
    item = _empty_item(item_id, errors)
    if look is not None:
        item["look"] = {
            "id": look.id,
            "title": look.title,
            "short_url": f"/looks/{look.id}",
            "folder": _folder_json(content, look.folder_id),
        }
    if dashboard is not None:
        item["dashboard"] = {
            "id": dashboard.id,
            "title": dashboard.title,
            "description": dashboard.description,
            "url": f"/dashboards/{dashboard.id}",
            "folder": _folder_json(content, dashboard.folder_id),
        }
    if dashboard is not None and tile is not None and tile.dimension is None and tile.model is None:
        item["dashboard_element"] = {
            "id": tile.id,
            "dashboard_id": dashboard.id,
            "title": tile.title,
            "type": "vis",
            "look_id": tile.look_id,
            "query_id": tile.query.get("id") if tile.query is not None else None,
            "title_hidden": False,
        }
    elif dashboard is not None and tile is not None:
        item["dashboard_filter"] = tile.filter_json(dashboard.id)
    return item


def _empty_item(item_id: str, errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": item_id,
        "look": None,
        "dashboard": None,
        "dashboard_element": None,
        "dashboard_filter": None,
        "scheduled_plan": None,
        "alert": None,
        "lookml_dashboard": None,
        "lookml_dashboard_element": None,
        "errors": errors,
    }


def _content_item(project: Project, dashboard: Dashboard, errors: list[dict[str, Any]]) -> dict[str, Any]:
    item = _empty_item(f"{project_id(project)}::{dashboard.name}", errors)
    item["lookml_dashboard"] = {
        "id": f"{project_id(project)}::{dashboard.name}",
        "title": dashboard.title,
        "space_id": "lookml",
    }
    return item


def _content_result(
    found: list[dict[str, Any]],
    elements: int,
    filters: int,
    explores: set[tuple[str, str]],
    started: float,
    *,
    looks: int = 0,
) -> dict[str, Any]:
    return {
        "content_with_errors": found,
        "computation_time": round(time.perf_counter() - started, 3),
        "total_looks_validated": looks,
        "total_dashboard_elements_validated": elements,
        "total_dashboard_filters_validated": filters,
        "total_scheduled_plans_validated": 0,
        "total_alerts_validated": 0,
        "total_explores_validated": len(explores),
    }


def _content_error(message: str, field: str | None, model_name: Any, explore_name: Any) -> dict[str, Any]:
    """A ``ContentValidationError``."""
    return {
        "message": message,
        "field_name": field,
        "model_name": None if model_name is None else str(model_name),
        "explore_name": None if explore_name is None else str(explore_name),
        "removable": field is not None,
    }


def reference_errors(
    project: Project, model_name: Any, explore_name: Any, names: list[str], explores: set[tuple[str, str]]
) -> list[dict[str, Any]]:
    """``ContentValidationError`` items for an unknown model, explore or fields."""

    def error(message: str, field: str | None = None) -> dict[str, Any]:
        return _content_error(message, field, model_name, explore_name)

    if not model_name or not explore_name:
        return []
    model = project.models.get(str(model_name))
    if model is None:
        return [error(f'Unknown model "{model_name}".')]
    explore = model.explores.get(str(explore_name))
    if explore is None:
        return [error(f'Unknown explore "{explore_name}" in model "{model_name}".')]
    explores.add((model.name, explore.name))
    try:
        known = {f"{alias}.{field.name}" for alias, field in explore_fields(project, model, explore)}
    except LookerError as exc:
        return [error(exc.message)]
    missing = list(dict.fromkeys(n for n in names if n and n not in known))
    return [error(f'Unknown field "{name}".', name) for name in missing]
