"""Projects: the project itself, its manifest, LookML validation, LookML tests, content validation."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pytest_looker.looker.emulator.checks import (
    cached_validation,
    content_validation,
    lookml_tests,
    run_lookml_tests,
    validate_project,
)
from pytest_looker.looker.emulator.errors import ApiError
from pytest_looker.looker.emulator.metadata import project_id
from pytest_looker.looker.emulator.routes.common import (
    authenticate,
    blocking,
    csv_param,
    emulator,
    json_response,
    no_content,
    path_param,
)
from pytest_looker.looker.emulator.select import select_fields


def _project_json(request: Request) -> dict[str, Any]:
    state = emulator(request)
    return {
        "id": state.project_id(),
        "name": state.project_id(),
        "uses_git": state.trees.is_repository,
        "is_git_dev_locked": False,
        "git_remote_url": None,
        "git_username": None,
        "git_password": None,
        "git_production_branch_name": state.trees.production_branch,
        "use_git_cookie_auth": False,
        "git_username_user_attribute": None,
        "git_password_user_attribute": None,
        "git_service_name": None,
        "git_application_server_http_port": None,
        "git_application_server_http_scheme": None,
        "deploy_secret": None,
        "unset_deploy_secret": False,
        "pull_request_mode": "off",
        "validation_required": False,
        "git_release_mgmt_enabled": False,
        "allow_warnings": True,
        "is_example": False,
        "has_production_counterpart": True,
        "dependency_status": None,
        "can": {},
    }


async def all_projects(request: Request) -> Response:
    authenticate(request)
    found = await blocking(_project_json, request)
    return json_response(select_fields([found], request.query_params.get("fields")))


async def one_project(request: Request) -> Response:
    authenticate(request)
    state = emulator(request)
    await blocking(state.check_project, path_param(request, "project_id"))
    found = await blocking(_project_json, request)
    return json_response(select_fields(found, request.query_params.get("fields")))


async def validate(request: Request) -> Response:
    """``POST /projects/{id}/validate``: validate the files the caller's workspace reads, as they are now."""
    session = authenticate(request)
    state = emulator(request)
    await blocking(state.check_project, path_param(request, "project_id"))
    result = await blocking(validate_project, state.engine_for(session))
    return json_response(select_fields({**result, "stale": False}, request.query_params.get("fields")))


async def validation_results(request: Request) -> Response:
    """``GET /projects/{id}/validate``: the last result of this workspace's files (``stale`` once
    they changed), 204 before any."""
    session = authenticate(request)
    state = emulator(request)
    await blocking(state.check_project, path_param(request, "project_id"))
    cached = await blocking(cached_validation, state.engine_for(session))
    if cached is None:
        return no_content()
    return json_response(select_fields(cached, request.query_params.get("fields")))


async def manifest(request: Request) -> Response:
    """``GET /projects/{id}/manifest``: ``Manifest`` with ``imports``; 404 without a manifest file."""
    session = authenticate(request)
    state = emulator(request)
    await blocking(state.check_project, path_param(request, "project_id"))
    engine = state.engine_for(session)

    def work() -> dict[str, Any]:
        project = engine.project
        found = project.manifest
        if found.location is None:
            raise ApiError(404, "Not found")
        imports: list[dict[str, Any]] = [
            {"name": d.project, "url": None, "ref": None, "is_remote": False, "can": {}}
            for d in found.local_dependencies
        ]
        for remote in found.raw.get("remote_dependency") or []:
            if isinstance(remote, dict):
                imports.append(
                    {
                        "name": str(remote.get("name") or ""),
                        "url": remote.get("url"),
                        "ref": remote.get("ref"),
                        "is_remote": True,
                        "can": {},
                    }
                )
        return {"name": project_id(project), "imports": imports, "localization_settings": None, "can": {}}

    return json_response(await blocking(engine.locked, work))


async def all_lookml_tests(request: Request) -> Response:
    session = authenticate(request)
    state = emulator(request)
    await blocking(state.check_project, path_param(request, "project_id"))
    found = await blocking(lookml_tests, state.engine_for(session), request.query_params.get("file_id"))
    return json_response(found)


async def run_lookml_test(request: Request) -> Response:
    """``GET /projects/{id}/lookml_tests/run?file_id=&test=&model=``: ``[LookmlTestResult]``."""
    session = authenticate(request)
    state = emulator(request)
    await blocking(state.check_project, path_param(request, "project_id"))
    params = request.query_params
    found = await blocking(
        run_lookml_tests, state.engine_for(session), params.get("file_id"), params.get("test"), params.get("model")
    )
    return json_response(found)


async def validate_content(request: Request) -> Response:
    """``GET /content_validation?project_names=&space_ids=``: LookML dashboards and declared content."""
    session = authenticate(request)
    state = emulator(request)
    names = csv_param(request, "project_names") or None
    folders = csv_param(request, "space_ids") or None
    result = await blocking(content_validation, state.engine_for(session), state.content, names, folders)
    return json_response(select_fields(result, request.query_params.get("fields")))


def routes() -> list[Route]:
    return [
        Route("/api/4.0/projects", all_projects, methods=["GET"]),
        Route("/api/4.0/projects/{project_id}", one_project, methods=["GET"]),
        Route("/api/4.0/projects/{project_id}/validate", validate, methods=["POST"]),
        Route("/api/4.0/projects/{project_id}/validate", validation_results, methods=["GET"]),
        Route("/api/4.0/projects/{project_id}/manifest", manifest, methods=["GET"]),
        Route("/api/4.0/projects/{project_id}/lookml_tests", all_lookml_tests, methods=["GET"]),
        Route("/api/4.0/projects/{project_id}/lookml_tests/run", run_lookml_test, methods=["GET"]),
        Route("/api/4.0/content_validation", validate_content, methods=["GET"]),
    ]
