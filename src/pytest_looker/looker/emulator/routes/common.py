"""Request helpers shared by the route modules: auth, bodies, answers, blocking work.

Bodies are parsed as JSON whatever their ``Content-Type``: after a first call with per-call
``transport_options`` the SDK sends JSON bodies labelled ``application/x-www-form-urlencoded``
(looker-api.md §1.9). A form body is accepted where Looker takes one (login). Form bodies are
parsed with the standard library, so the ``serve`` extra needs no ``python-multipart``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from pytest_looker.looker.emulator.auth import ApiSessionState
from pytest_looker.looker.emulator.errors import ApiError
from pytest_looker.looker.emulator.state import Emulator

T = TypeVar("T")
JSON_TYPE = "application/json; charset=utf-8"


def emulator(request: Request) -> Emulator:
    found: Emulator = request.app.state.emulator
    return found


def authenticate(request: Request) -> ApiSessionState:
    """The caller's API session; 401 ``Requires authentication.`` without a live token."""
    return emulator(request).tokens.authenticate(
        request.headers.get("authorization"), request.query_params.get("access_token")
    )


async def body_json(request: Request) -> Any:
    """The body as JSON (any content type); a form body as a dict; empty as ``{}``."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        pass
    try:
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "the request body is neither JSON nor a form") from None


async def form_or_json(request: Request) -> dict[str, str]:
    """Fields of a form body (login), also accepting a JSON object and query parameters."""
    found = {k: v for k, v in request.query_params.items() if k in ("client_id", "client_secret")}
    body = await body_json(request)
    if isinstance(body, dict):
        found.update({str(k): "" if v is None else str(v) for k, v in body.items()})
    return found


def json_response(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data), status_code=status, media_type=JSON_TYPE)


def no_content() -> Response:
    return Response(b"", status_code=204)


def flag(request: Request, name: str) -> bool | None:
    """A boolean query parameter as the SDK sends them (``true``/``false``)."""
    value = request.query_params.get(name)
    if value is None:
        return None
    return value.strip().lower() in ("true", "1", "yes")


def csv_param(request: Request, name: str) -> list[str]:
    """A ``DelimSequence`` query parameter (comma-separated)."""
    value = request.query_params.get(name) or ""
    return [item.strip() for item in value.split(",") if item.strip()]


async def blocking(function: Callable[..., T], *args: Any) -> T:
    """Run database, git and file work off the event loop."""
    return await run_in_threadpool(function, *args)


def path_param(request: Request, name: str) -> str:
    value: str = request.path_params[name]
    return value
