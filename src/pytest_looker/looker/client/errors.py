"""Errors of the Looker client: one sentence a user can act on, never a secret.

looker-sdk reports every failure as ``SDKError`` with the raw response body and no HTTP
status, and turns network failures into an ``SDKError`` holding ``str(exc)`` (reference
§1.9.4). Neither helps a user, so the client raises these instead; all are
:class:`~pytest_looker.errors.LookerError` so the CLI prints one line and the plugin shows the
message without a traceback. Every message passes through :func:`~.secrets.scrub` on the way in.
"""

from __future__ import annotations

from pytest_looker.errors import BackendError, ConfigurationError
from pytest_looker.secrets import scrub

__all__ = [
    "CredentialsError",
    "LookerAPIError",
    "LookerAuthError",
    "LookerUnreachableError",
    "SecretTooOldError",
]


class CredentialsError(ConfigurationError):
    """No usable API credentials, or a provider failed (missing variable, command error...)."""

    def __init__(self, message: str) -> None:
        super().__init__(scrub(message))


class SecretTooOldError(CredentialsError):
    """The secret is older than ``secret_hard_limit_days``: rotate it."""


class LookerAPIError(BackendError):
    """Looker answered with an error status; ``status`` is the HTTP status (0 when unknown)."""

    def __init__(self, message: str, status: int = 0, method: str = "", path: str = "") -> None:
        super().__init__(scrub(message))
        self.status = status
        self.method = method
        self.path = path


class LookerAuthError(LookerAPIError):
    """Looker refused the credentials (it answers 404 to a bad client id/secret)."""


class LookerUnreachableError(BackendError):
    """No HTTP answer at all: refused connection, DNS failure, TLS error, timeout."""

    def __init__(self, message: str) -> None:
        super().__init__(scrub(message))
