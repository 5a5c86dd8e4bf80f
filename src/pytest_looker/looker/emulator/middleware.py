"""The outermost ASGI layer: path quirks, counting, fault injection and a secret-free access log.

* Paths: the SDK sends ``//api/4.0/login`` when ``base_url`` ends with a slash, and clients
  differ on trailing slashes; repeated slashes are collapsed (with one warning: real Looker
  answers such a login with 403) and a trailing slash is dropped before routing.
* Faults (see :class:`~.settings.Faults`): latency, then at most one of a dropped connection,
  a 429 with ``Retry-After`` or a 5xx, all with Looker-shaped bodies.
* Dropping a connection needs the socket, which ASGI does not expose. uvicorn's ``send`` is a
  bound method of its request cycle, which holds the asyncio transport: we abort that
  transport. This layer must therefore be the outermost one (``app.build_app`` makes it so);
  on a server without that attribute the request fails with an exception (a 500) instead.
* The access log writes method, path and status. Query values that can hold secrets
  (``access_token``, ``client_secret``...) are masked, headers and bodies are never logged;
  uvicorn's own access log is switched off by the ``serve`` command for the same reason.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pytest_looker.looker.emulator.errors import ApiError, error_body
from pytest_looker.looker.emulator.faults import FaultInjector

log = logging.getLogger("pytest_looker.emulator")

SECRET_PARAMETERS = frozenset({"access_token", "client_secret", "client_id", "token", "refresh_token", "code"})
_SLASHES = re.compile(r"/{2,}")


def masked_query(query: str) -> str:
    """The query string with every secret-bearing value replaced by ``***``."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, "***" if k.lower() in SECRET_PARAMETERS else v) for k, v in pairs], safe=",*")


def base_url(scope: Scope) -> str:
    """``http://host:port`` of the request, for documentation URLs."""
    headers = dict(scope.get("headers") or [])
    host = headers.get(b"host", b"").decode("latin-1")
    if not host and scope.get("server"):
        server_host, port = scope["server"]
        host = f"{server_host}:{port}"
    return f"{scope.get('scheme', 'http')}://{host or 'localhost'}"


class EmulatorMiddleware:
    """Wraps the Starlette app; see the module docstring."""

    def __init__(self, app: ASGIApp, faults: FaultInjector, *, log_requests: bool = False) -> None:
        self.app = app
        self.faults = faults
        self.log_requests = log_requests
        self._warned_double_slash = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = self._normalise(scope)
        started = time.perf_counter()
        status = {"code": 0}

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        if self.faults.applies_to(path):
            self.faults.count_request()
            if await self._inject(scope, path, send):
                status["code"] = -1
                self._log(scope, path, status["code"], started)
                return
        await self.app(scope, receive, logged_send)
        self._log(scope, path, status["code"], started)

    def _normalise(self, scope: Scope) -> str:
        path: str = scope["path"]
        clean = _SLASHES.sub("/", path)
        if clean != path and path.startswith("//") and not self._warned_double_slash:
            self._warned_double_slash = True
            log.warning("request path %s starts with '//': is the client's base_url ending with a slash?", path[:40])
        if len(clean) > 1 and clean.endswith("/"):
            clean = clean.rstrip("/") or "/"
        if clean != path:
            scope["path"] = clean
            scope["raw_path"] = clean.encode("utf-8")
        return clean

    async def _inject(self, scope: Scope, path: str, send: Send) -> bool:
        """Apply latency and maybe one fault; ``True`` when the request was answered (or dropped)."""
        faults = self.faults.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        kind = self.faults.draw()
        if kind is None:
            return False
        if kind == "drop":
            await self._drop(send)
            return True
        if kind == "rate_limit":
            error = ApiError(429, "Too Many Requests", headers={"Retry-After": str(faults.retry_after)})
        else:
            error = ApiError(faults.error_status)
        await self._answer(scope, path, error, send)
        return True

    async def _drop(self, send: Send) -> None:
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if transport is None:
            raise RuntimeError("fault injection: this server does not let the emulator drop a connection")
        transport.abort()
        # Let the server notice the lost connection before the app returns, so that it does not
        # try to send a 500 on the closed socket.
        await asyncio.sleep(0.01)

    async def _answer(self, scope: Scope, path: str, error: ApiError, send: Send) -> None:
        body = json.dumps(error_body(error, base_url=base_url(scope), method=scope["method"], path=path)).encode()
        headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode())]
        headers += [(k.lower().encode(), v.encode()) for k, v in error.headers.items()]
        await send({"type": "http.response.start", "status": error.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _log(self, scope: Scope, path: str, status: int, started: float) -> None:
        if not self.log_requests:
            return
        query = masked_query(scope.get("query_string", b"").decode("latin-1"))
        shown = f"{path}?{query}" if query else path
        outcome = "dropped" if status == -1 else str(status)
        log.info("%s %s %s %.0fms", scope["method"], shown, outcome, (time.perf_counter() - started) * 1000)
