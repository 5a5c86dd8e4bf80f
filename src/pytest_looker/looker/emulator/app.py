"""The ASGI application: Starlette routes per area, Looker-shaped errors, our middleware outside.

Build it with :func:`build_app`; it owns an :class:`~.state.Emulator` (tokens, queries, tasks,
project, git) that is closed on shutdown. Every error a handler raises becomes Looker's error
body; an unexpected exception becomes a 500 whose message names only the exception type, so
nothing from a request (a secret, a token) can be echoed back.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pytest_looker.looker.emulator.errors import ApiError, error_body
from pytest_looker.looker.emulator.middleware import EmulatorMiddleware
from pytest_looker.looker.emulator.routes import auth, content, git, lookml, projects, queries
from pytest_looker.looker.emulator.routes.common import authenticate, emulator, json_response
from pytest_looker.looker.emulator.settings import EmulatorSettings
from pytest_looker.looker.emulator.state import Emulator

log = logging.getLogger("pytest_looker.emulator")
_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")


def _path_template(request: Request) -> str:
    """The matched route as Looker writes it in documentation URLs (``queries/run/:result_format``)."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return _PARAMETER.sub(r":\1", path) if isinstance(path, str) else request.url.path


def _error_response(request: Request, error: ApiError) -> Response:
    body = error_body(error, base_url=str(request.base_url), method=request.method, path=_path_template(request))
    response = json_response(body, status=error.status)
    response.headers.update(error.headers)
    return response


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error_response(request, exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (unknown path or method) in Looker's shape."""
    assert isinstance(exc, HTTPException)
    return _error_response(request, ApiError(exc.status_code))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__)
    return _error_response(request, ApiError(500, f"internal error in the emulator ({type(exc).__name__})"))


async def stats(request: Request) -> Response:
    """``GET /__emulator/stats``: counters for tests. Not part of Looker's API."""
    return json_response(emulator(request).stats())


async def expire_tokens(request: Request) -> Response:
    """``POST /__emulator/expire_tokens``: revoke every token (needs one). Not part of Looker's API."""
    authenticate(request)
    return json_response({"expired": emulator(request).tokens.expire_all()})


def build_app(settings: EmulatorSettings) -> EmulatorMiddleware:
    """The ASGI app for ``settings`` (loads the project now, so errors show at start)."""
    state = Emulator(settings)
    # Load the project and open (seed) the database now: a wrong path should fail at startup,
    # not as a 400 on every query.
    state.engine.locked(lambda: (state.engine.workspace.project, state.engine.database()))

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            state.close()

    routes = [
        *auth.routes(),
        *lookml.routes(),
        *queries.routes(),
        *projects.routes(),
        *git.routes(),
        *content.routes(),
        Route("/__emulator/stats", stats, methods=["GET"]),
        Route("/__emulator/expire_tokens", expire_tokens, methods=["POST"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _unexpected},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False
    app.state.emulator = state
    return EmulatorMiddleware(app, state.faults, log_requests=settings.log_requests)
