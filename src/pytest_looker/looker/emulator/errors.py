"""Looker-shaped error bodies: ``{"message", "documentation_url", "errors"?}``.

The SDK needs ``message`` in every error body (without it a cattrs error escapes instead of an
``SDKError``) and ``documentation_url`` in every ``errors[]`` item. Real Looker puts the status
only in that URL (``…/r/err/4.0/<status>/<method>/<path>``), and clients parse it from there
because ``SDKError`` has no status. We keep that path but on the emulator's own host: a URL in
Looker's docs pattern makes the SDK fetch Looker's CDN to explain the error.

Messages never contain request secrets: handlers build them from names, not from credentials.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: Statuses and the sentence Looker answers them with when there is nothing more specific.
DEFAULT_MESSAGES: Mapping[int, str] = {
    400: "Bad Request",
    401: "Requires authentication.",
    403: "Forbidden",
    404: "Not found",
    405: "Method Not Allowed",
    409: "Conflict",
    422: "Validation Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """Raised by a handler to answer with a Looker error body and ``status``.

    ``errors`` are ``ValidationErrorDetail`` items (``field``, ``code``, ``message``); the
    documentation URL is added when the body is built.
    """

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        errors: Sequence[Mapping[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.message = message or DEFAULT_MESSAGES.get(status, "Error")
        self.errors = [dict(e) for e in errors]
        self.headers = dict(headers or {})
        super().__init__(self.message)


def validation_error(field: str, message: str, code: str = "invalid") -> ApiError:
    """A 422 ``ValidationError`` about one request field, as Looker answers bad bodies."""
    return ApiError(422, "Validation Failed", errors=[{"field": field, "code": code, "message": message}])


def documentation_url(base_url: str, status: int, method: str, path: str) -> str:
    """``<base>/docs/err/4.0/<status>/<method>/<path>``: Looker's pattern on our own host."""
    tail = path.removeprefix("/api/4.0/").removeprefix("/api/").lstrip("/")
    return f"{base_url.rstrip('/')}/docs/err/4.0/{status}/{method.lower()}/{tail}"


def error_body(error: ApiError, *, base_url: str, method: str, path: str) -> dict[str, Any]:
    """The JSON body for ``error`` raised while answering ``method path``."""
    url = documentation_url(base_url, error.status, method, path)
    body: dict[str, Any] = {"message": error.message, "documentation_url": url}
    if error.errors:
        body["errors"] = [{**e, "documentation_url": url} for e in error.errors]
    return body
