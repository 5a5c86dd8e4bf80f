"""Git branch endpoints; changing branches needs the ``dev`` workspace, as in Looker (see :mod:`..git`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pytest_looker.looker.emulator.auth import ApiSessionState
from pytest_looker.looker.emulator.errors import ApiError, validation_error
from pytest_looker.looker.emulator.git import ImportedBranches, ProjectTrees
from pytest_looker.looker.emulator.routes.common import (
    authenticate,
    blocking,
    body_json,
    emulator,
    json_response,
    no_content,
    path_param,
)


async def _checked(request: Request) -> tuple[ProjectTrees | ImportedBranches, ApiSessionState]:
    """The branches of the project in the path (this emulator's, or one it imports) and the session."""
    session = authenticate(request)
    branches = await blocking(emulator(request).branches_of, path_param(request, "project_id"))
    return branches, session


def _require_dev(session: ApiSessionState) -> None:
    if session.workspace_id != "dev":
        raise ApiError(400, 'git branch changes need the dev workspace: PATCH /session {"workspace_id": "dev"}')


async def _branch_body(request: Request) -> tuple[str, str | None]:
    body = await body_json(request)
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not body["name"]:
        raise validation_error("name", "name is required", "missing_field")
    ref = body.get("ref")
    if ref is not None and not isinstance(ref, str):
        raise validation_error("ref", "ref must be a string")
    return body["name"], ref or None


async def current_branch(request: Request) -> Response:
    """The production branch in production; the dev clone's checked-out branch in dev."""
    branches, session = await _checked(request)
    return json_response(await blocking(branches.current, session.workspace_id))


async def all_branches(request: Request) -> Response:
    branches, _ = await _checked(request)
    return json_response(await blocking(branches.branches))


async def find_branch(request: Request) -> Response:
    branches, _ = await _checked(request)
    return json_response(await blocking(branches.branch, path_param(request, "branch_name")))


async def update_branch(request: Request) -> Response:
    """``PUT``: ``{"name"}`` checks out, ``{"name", "ref"}`` resets that branch to ``ref``."""
    branches, session = await _checked(request)
    _require_dev(session)
    name, ref = await _branch_body(request)
    if ref:
        return json_response(await blocking(branches.reset_to, name, ref))
    return json_response(await blocking(branches.checkout, name))


async def create_branch(request: Request) -> Response:
    """``POST``: create a branch at ``ref`` (default: the current one) and check it out; 409 if it exists."""
    branches, session = await _checked(request)
    _require_dev(session)
    name, ref = await _branch_body(request)
    return json_response(await blocking(branches.create, name, ref))


async def delete_branch(request: Request) -> Response:
    branches, session = await _checked(request)
    _require_dev(session)
    await blocking(branches.delete, path_param(request, "branch_name"))
    return no_content()


async def reset_to_remote(request: Request) -> Response:
    """Reset the dev branch to the project directory's branch of that name (dev mode), 204."""
    branches, session = await _checked(request)
    _require_dev(session)
    await blocking(branches.reset_to_remote)
    return no_content()


async def reset_to_production(request: Request) -> Response:
    """Reset the dev branch to the production branch's commit (dev mode), 204."""
    branches, session = await _checked(request)
    _require_dev(session)
    await blocking(branches.reset_to_production)
    return no_content()


def routes() -> list[Route]:
    base = "/api/4.0/projects/{project_id}"
    return [
        Route(f"{base}/git_branch", current_branch, methods=["GET"]),
        Route(f"{base}/git_branch", update_branch, methods=["PUT"]),
        Route(f"{base}/git_branch", create_branch, methods=["POST"]),
        Route(f"{base}/git_branches", all_branches, methods=["GET"]),
        Route(f"{base}/git_branch/{{branch_name:path}}", find_branch, methods=["GET"]),
        Route(f"{base}/git_branch/{{branch_name:path}}", delete_branch, methods=["DELETE"]),
        Route(f"{base}/reset_to_remote", reset_to_remote, methods=["POST"]),
        Route(f"{base}/reset_to_production", reset_to_production, methods=["POST"]),
    ]
