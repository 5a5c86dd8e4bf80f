"""Projects: the project itself, LookML validation, LookML tests and content validation."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pytest_looker.looker.emulator.checks import content_validation, lookml_tests, run_lookml_tests, validate_project
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
        "uses_git": state.git.available,
        "is_git_dev_locked": False,
        "git_remote_url": None,
        "git_username": None,
        "git_password": None,
        "git_production_branch_name": state.git.production_branch or "main",
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
    """``POST /projects/{id}/validate``: validate the files as they are now."""
    authenticate(request)
    state = emulator(request)
    await blocking(state.check_project, path_param(request, "project_id"))
    result = await blocking(validate_project, state.engine)
    state.last_validation = {**result, "validated_at": time.monotonic()}
    return json_response(select_fields(result, request.query_params.get("fields")))


async def validation_results(request: Request) -> Response:
    """``GET /projects/{id}/validate``: the last result (``stale`` never set), 204 before any."""
    authenticate(request)
    state = emulator(request)
    await blocking(state.check_project, path_param(request, "project_id"))
    if state.last_validation is None:
        return no_content()
    cached = {k: v for k, v in state.last_validation.items() if k != "validated_at"}
    return json_response(select_fields({**cached, "stale": False}, request.query_params.get("fields")))


async def all_lookml_tests(request: Request) -> Response:
    authenticate(request)
    state = emulator(request)
    await blocking(state.check_project, path_param(request, "project_id"))
    found = await blocking(lookml_tests, state.engine, request.query_params.get("file_id"))
    return json_response(found)


async def run_lookml_test(request: Request) -> Response:
    """``GET /projects/{id}/lookml_tests/run?file_id=&test=&model=``: ``[LookmlTestResult]``."""
    authenticate(request)
    state = emulator(request)
    await blocking(state.check_project, path_param(request, "project_id"))
    params = request.query_params
    found = await blocking(
        run_lookml_tests, state.engine, params.get("file_id"), params.get("test"), params.get("model")
    )
    return json_response(found)


async def validate_content(request: Request) -> Response:
    """``GET /content_validation?project_names=``: LookML dashboards with broken references."""
    authenticate(request)
    state = emulator(request)
    result = await blocking(content_validation, state.engine, csv_param(request, "project_names") or None)
    return json_response(select_fields(result, request.query_params.get("fields")))


def routes() -> list[Route]:
    return [
        Route("/api/4.0/projects", all_projects, methods=["GET"]),
        Route("/api/4.0/projects/{project_id}", one_project, methods=["GET"]),
        Route("/api/4.0/projects/{project_id}/validate", validate, methods=["POST"]),
        Route("/api/4.0/projects/{project_id}/validate", validation_results, methods=["GET"]),
        Route("/api/4.0/projects/{project_id}/lookml_tests", all_lookml_tests, methods=["GET"]),
        Route("/api/4.0/projects/{project_id}/lookml_tests/run", run_lookml_test, methods=["GET"]),
        Route("/api/4.0/content_validation", validate_content, methods=["GET"]),
    ]
