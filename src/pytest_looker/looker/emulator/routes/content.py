"""Folders, Looks and dashboards: the user-defined content declared for the emulator (read only)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pytest_looker.looker.emulator.content import SHARED_ID, USERS_ID, Content, Look, UserDashboard
from pytest_looker.looker.emulator.formats import check_format
from pytest_looker.looker.emulator.routes.common import authenticate, emulator, json_response, path_param
from pytest_looker.looker.emulator.routes.queries import run_answer, with_links
from pytest_looker.looker.emulator.select import select_fields


def folder_json(content: Content, folder_id: str, *, full: bool = False) -> dict[str, Any]:
    """A ``FolderBase`` (``full``: a ``Folder`` with its Looks and dashboards)."""
    folder = content.folder(folder_id)
    children = [f for f in content.folders.values() if f.parent_id == folder_id]
    found: dict[str, Any] = {
        "name": folder.name,
        "parent_id": folder.parent_id,
        "id": folder.id,
        "content_metadata_id": folder.id,
        "created_at": None,
        "creator_id": "1" if folder.is_personal else None,
        "child_count": len(children),
        "external_id": None,
        "is_embed": False,
        "is_embed_shared_root": False,
        "is_embed_users_root": False,
        "is_personal": folder.is_personal,
        "is_personal_descendant": folder.is_personal_descendant,
        "is_shared_root": folder.id == SHARED_ID,
        "is_users_root": folder.id == USERS_ID,
        "can": {"index": True, "show": True},
    }
    if full:
        found["looks"] = [_look_base(content, look) for look in content.looks.values() if look.folder_id == folder_id]
        found["dashboards"] = [
            _dashboard_base(content, d) for d in content.dashboards.values() if d.folder_id == folder_id
        ]
    return found


def _look_base(content: Content, look: Look) -> dict[str, Any]:
    return {
        "id": look.id,
        "title": look.title,
        "description": look.description,
        "content_metadata_id": None,
        "folder_id": look.folder_id,
        "folder": folder_json(content, look.folder_id),
        "query_id": look.query["id"],
        "model": {"id": look.query["model"], "label": None},
        "short_url": f"/looks/{look.id}",
        "url": f"/looks/{look.id}",
        "public": False,
        "deleted": False,
        "is_run_on_load": False,
        "user_id": "1",
        "can": {"show": True, "run": True},
    }


def look_json(request: Request, content: Content, look: Look) -> dict[str, Any]:
    """A ``LookWithQuery``."""
    return {**_look_base(content, look), "query": with_links(request, dict(look.query))}


def _dashboard_base(content: Content, dashboard: UserDashboard) -> dict[str, Any]:
    return {
        "id": dashboard.id,
        "title": dashboard.title,
        "description": dashboard.description,
        "folder": folder_json(content, dashboard.folder_id),
        "hidden": False,
        "readonly": False,
        "content_metadata_id": None,
        "user_id": "1",
        "can": {"show": True},
    }


def dashboard_json(request: Request, content: Content, dashboard: UserDashboard) -> dict[str, Any]:
    """A ``Dashboard`` with its elements and filters."""
    elements: list[dict[str, Any]] = [
        {
            "id": tile.id,
            "dashboard_id": dashboard.id,
            "title": tile.title,
            "title_hidden": False,
            "type": "vis",
            "look_id": tile.look_id,
            "look": look_json(request, content, content.looks[tile.look_id]) if tile.look_id in content.looks else None,
            "query_id": tile.query["id"] if tile.query is not None else None,
            "query": with_links(request, dict(tile.query)) if tile.query is not None else None,
            "can": {},
        }
        for tile in dashboard.elements
    ]
    filters = [
        {**tile.filter_json(dashboard.id), "allow_multiple_values": True, "required": False, "can": {}}
        for tile in dashboard.filters
    ]
    return {
        **_dashboard_base(content, dashboard),
        "folder_id": dashboard.folder_id,
        "deleted": False,
        "dashboard_elements": elements,
        "dashboard_filters": filters,
        "dashboard_layouts": [],
        "url": f"/dashboards/{dashboard.id}",
    }


def _answer(request: Request, data: Any) -> Response:
    return json_response(select_fields(data, request.query_params.get("fields")))


async def all_folders(request: Request) -> Response:
    """``GET /folders``: ``[FolderBase]`` (Shared, Users, the API user's personal folder, declared ones)."""
    authenticate(request)
    content = emulator(request).content
    return _answer(request, [folder_json(content, folder_id) for folder_id in content.folders])


async def one_folder(request: Request) -> Response:
    authenticate(request)
    content = emulator(request).content
    return _answer(request, folder_json(content, path_param(request, "folder_id"), full=True))


async def folder_children(request: Request) -> Response:
    authenticate(request)
    content = emulator(request).content
    parent = content.folder(path_param(request, "folder_id")).id
    children = [folder_json(content, f.id, full=True) for f in content.folders.values() if f.parent_id == parent]
    return _answer(request, children)


async def folder_looks(request: Request) -> Response:
    authenticate(request)
    content = emulator(request).content
    folder = content.folder(path_param(request, "folder_id")).id
    return _answer(request, [look_json(request, content, v) for v in content.looks.values() if v.folder_id == folder])


async def folder_dashboards(request: Request) -> Response:
    authenticate(request)
    content = emulator(request).content
    folder = content.folder(path_param(request, "folder_id")).id
    found = [dashboard_json(request, content, d) for d in content.dashboards.values() if d.folder_id == folder]
    return _answer(request, found)


async def all_looks(request: Request) -> Response:
    """``GET /looks``: every Look (``Look``)."""
    authenticate(request)
    content = emulator(request).content
    return _answer(request, [_look_base(content, look) for look in content.looks.values()])


async def one_look(request: Request) -> Response:
    authenticate(request)
    content = emulator(request).content
    return _answer(request, look_json(request, content, content.look(path_param(request, "look_id"))))


async def run_look(request: Request) -> Response:
    """``GET /looks/{id}/run/{format}``: the Look's query, run in the caller's workspace."""
    authenticate(request)
    result_format = check_format(path_param(request, "result_format"))
    look = emulator(request).content.look(path_param(request, "look_id"))
    return await run_answer(request, dict(look.query), result_format)


async def all_dashboards(request: Request) -> Response:
    """``GET /dashboards``: every user-defined dashboard (``DashboardBase``)."""
    authenticate(request)
    content = emulator(request).content
    return _answer(request, [_dashboard_base(content, d) for d in content.dashboards.values()])


async def one_dashboard(request: Request) -> Response:
    authenticate(request)
    content = emulator(request).content
    return _answer(request, dashboard_json(request, content, content.dashboard(path_param(request, "dashboard_id"))))


def routes() -> list[Route]:
    folder = "/api/4.0/folders/{folder_id}"
    return [
        Route("/api/4.0/folders", all_folders, methods=["GET"]),
        Route(folder, one_folder, methods=["GET"]),
        Route(f"{folder}/children", folder_children, methods=["GET"]),
        Route(f"{folder}/looks", folder_looks, methods=["GET"]),
        Route(f"{folder}/dashboards", folder_dashboards, methods=["GET"]),
        Route("/api/4.0/looks", all_looks, methods=["GET"]),
        Route("/api/4.0/looks/{look_id}", one_look, methods=["GET"]),
        Route("/api/4.0/looks/{look_id}/run/{result_format}", run_look, methods=["GET"]),
        Route("/api/4.0/dashboards", all_dashboards, methods=["GET"]),
        Route("/api/4.0/dashboards/{dashboard_id}", one_dashboard, methods=["GET"]),
    ]
