"""Login, logout, the API session, the current user and API versions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pytest_looker.looker.emulator.auth import WORKSPACES
from pytest_looker.looker.emulator.content import API_USER_NAME, PERSONAL_ID
from pytest_looker.looker.emulator.errors import validation_error
from pytest_looker.looker.emulator.routes.common import (
    authenticate,
    body_json,
    emulator,
    form_or_json,
    json_response,
    no_content,
)
from pytest_looker.looker.emulator.select import select_fields

RELEASE = "26.12.3"
FULL_VERSION = "4.0.26.12"


async def login(request: Request) -> Response:
    """``POST /login``: form ``client_id``/``client_secret`` → ``AccessToken``; 404 when wrong."""
    fields = await form_or_json(request)
    token = emulator(request).tokens.login(fields.get("client_id", ""), fields.get("client_secret", ""))
    return json_response(token)


async def logout(request: Request) -> Response:
    """``DELETE /logout`` (the SDK's own logout uses ``/api/logout``): revoke the token, 204."""
    state = authenticate(request)
    emulator(request).tokens.logout(state)
    return no_content()


async def get_session(request: Request) -> Response:
    return json_response(authenticate(request).as_json())


async def patch_session(request: Request) -> Response:
    """Switch the workspace of this token's session (``dev`` or ``production``)."""
    state = authenticate(request)
    body = await body_json(request)
    workspace = body.get("workspace_id") if isinstance(body, dict) else None
    if workspace not in WORKSPACES:
        raise validation_error("workspace_id", "workspace_id must be 'dev' or 'production'")
    state.workspace_id = str(workspace)
    return json_response(state.as_json())


async def me(request: Request) -> Response:
    """``GET /user``: the API user the credentials belong to (``fields=`` honoured)."""
    authenticate(request)
    client_id = emulator(request).tokens.client_id
    user = {
        "id": "1",
        "email": "api-user@pytest-looker.invalid",
        "display_name": API_USER_NAME,
        "first_name": "pytest-looker",
        "last_name": "emulator",
        "role_ids": ["2"],
        "group_ids": ["1"],
        "personal_folder_id": PERSONAL_ID,
        "home_folder_id": PERSONAL_ID,
        "is_disabled": False,
        "locale": "en",
        "looker_versions": [RELEASE],
        "models_dir_validated": None,
        "credentials_api3": [
            {"id": "1", "client_id": client_id, "created_at": None, "is_disabled": False, "type": "api3", "can": {}}
        ],
        "sessions": [],
        "ui_state": None,
        "presumed_looker_employee": False,
        "verified_looker_employee": False,
        "roles_externally_managed": False,
        "is_service_account": False,
        "can": {},
    }
    return json_response(select_fields(user, request.query_params.get("fields")))


async def versions(request: Request) -> Response:
    """``GET /versions`` (no login needed, also at the root): ``ApiVersion``."""
    base = str(request.base_url).rstrip("/")
    current = {
        "version": "4.0",
        "full_version": FULL_VERSION,
        "status": "current",
        "swagger_url": f"{base}/api/4.0/swagger.json",
    }
    answer = {
        "looker_release_version": RELEASE,
        "current_version": current,
        "supported_versions": [current],
        "api_server_url": base,
        "web_server_url": base,
    }
    return json_response(select_fields(answer, request.query_params.get("fields")))


def routes() -> list[Route]:
    return [
        Route("/api/4.0/login", login, methods=["POST"]),
        Route("/api/4.0/logout", logout, methods=["DELETE"]),
        Route("/api/logout", logout, methods=["DELETE"]),
        Route("/api/4.0/session", get_session, methods=["GET"]),
        Route("/api/4.0/session", patch_session, methods=["PATCH"]),
        Route("/api/4.0/user", me, methods=["GET"]),
        Route("/api/4.0/versions", versions, methods=["GET"]),
        Route("/versions", versions, methods=["GET"]),
    ]
