"""API3 credentials, access tokens and the API session each token carries.

Looker's model: ``POST /login`` with the client id and secret returns an opaque bearer token
that expires (``expires_in``); each login opens a new API session that starts in the
``production`` workspace and lives exactly as long as its token; logout revokes the token.
Bad credentials answer 404, not 401, so that a caller cannot tell which half was wrong.

Tokens are random and compared in constant time, as is the secret. Neither is ever put in a
message, a log line or a ``repr``: the emulator is also used to prove that the client keeps
secrets out of everything it writes, which would be pointless if the server leaked them.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

from pytest_looker.looker.emulator.errors import ApiError

WORKSPACES = ("production", "dev")


@dataclass
class ApiSessionState:
    """What one token's session remembers: its workspace and when it expires."""

    expires_at: float
    workspace_id: str = "production"
    token: str = field(default="", repr=False)

    def as_json(self) -> dict[str, object]:
        return {"workspace_id": self.workspace_id, "sudo_user_id": None, "can": {}}


class TokenStore:
    """The one API user's credentials and every live token; thread-safe."""

    def __init__(self, client_id: str, client_secret: str, lifetime: int) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self.lifetime = lifetime
        self._sessions: dict[str, ApiSessionState] = {}
        self._lock = threading.Lock()
        self.logins = 0

    def __repr__(self) -> str:
        return f"TokenStore(tokens={len(self._sessions)}, lifetime={self.lifetime})"

    @property
    def client_id(self) -> str:
        return self._client_id

    def login(self, client_id: str, client_secret: str) -> dict[str, object]:
        """An ``AccessToken`` for the right credentials; 404 ``Not found`` otherwise."""
        # Compare both halves even when the first is wrong: no timing hint of which one is.
        id_ok = hmac.compare_digest(client_id.encode(), self._client_id.encode())
        secret_ok = hmac.compare_digest(client_secret.encode(), self._client_secret.encode())
        if not (id_ok and secret_ok):
            raise ApiError(404, "Not found")
        token = secrets.token_urlsafe(30)
        with self._lock:
            self._purge()
            self._sessions[token] = ApiSessionState(time.monotonic() + self.lifetime, token=token)
            self.logins += 1
        return {"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime, "refresh_token": None}

    def authenticate(self, header: str | None, query_token: str | None = None) -> ApiSessionState:
        """The session of a live token from ``Authorization: Bearer|token <t>`` (or ``?access_token``)."""
        token = _token_from_header(header) or query_token
        if not token:
            raise ApiError(401, "Requires authentication.")
        with self._lock:
            state = self._sessions.get(token)
            if state is None or state.expires_at <= time.monotonic():
                self._sessions.pop(token, None)
                raise ApiError(401, "Requires authentication.")
            return state

    def logout(self, state: ApiSessionState) -> None:
        with self._lock:
            self._sessions.pop(state.token, None)

    def expire_all(self) -> int:
        """Revoke every token (test hook: what a server-side expiry looks like to a client)."""
        with self._lock:
            count = len(self._sessions)
            self._sessions.clear()
            return count

    def _purge(self) -> None:
        now = time.monotonic()
        for token in [t for t, s in self._sessions.items() if s.expires_at <= now]:
            del self._sessions[token]


def _token_from_header(header: str | None) -> str | None:
    """``Bearer <t>`` or ``token <t>``, scheme case-insensitive (the SDK and the docs differ)."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() in ("bearer", "token") and value.strip():
        return value.strip()
    return None
