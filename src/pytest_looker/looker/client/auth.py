"""Authentication for looker-sdk through the shared token cache.

looker-sdk's ``AuthSession`` keeps its token in process memory, re-reads the settings (and so
re-runs any secret command) on every login, treats a token with ``expires_in <= 10`` as always
expired, and never recovers from a 401 (reference §1.6-1.7). :class:`CachedAuthSession` keeps
the SDK's interface (``authenticate``, ``is_authenticated``, ``logout``) and changes the policy:

* tokens come from the :class:`~.tokens.TokenCache` file, so xdist workers and later runs reuse
  one login; credentials are resolved lazily and once per process;
* after a login of its own it selects the wanted workspace on the new API session *before*
  publishing the token, so a process that picks the token from the cache gets a session that
  is already in dev mode (every login starts in ``production``, reference §2.6);
* a 401 drops the token (from memory and, if still there, the cache) and logs in again once;
* a rejected login is :class:`LookerAuthError` with one sentence, not the raw body.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Callable

from looker_sdk.rtl import api_settings, auth_session, serialize, transport

from pytest_looker.looker.client.credentials import Credentials
from pytest_looker.looker.client.errors import LookerAPIError, LookerAuthError
from pytest_looker.looker.client.tokens import CachedToken, TokenCache
from pytest_looker.looker.client.transport import RetryingTransport, describe_response, status_of
from pytest_looker.secrets import Secret

__all__ = ["CachedAuthSession"]

API_VERSION = "4.0"


class CachedAuthSession(auth_session.AuthSession):
    """An ``AuthSession`` backed by a cross-process token cache; see the module docstring."""

    def __init__(
        self,
        settings: api_settings.PApiSettings,
        http: RetryingTransport,
        credentials: Callable[[], Credentials],
        cache: TokenCache | None = None,
        workspace: str | None = None,
    ) -> None:
        super().__init__(settings, http, serialize.deserialize40, API_VERSION)
        self._credentials = credentials
        self._cache = cache
        self.workspace = workspace
        self._current: CachedToken | None = None
        self._lock = threading.RLock()
        #: logins this process performed (not ones it found in the cache)
        self.logins = 0
        http.on_unauthorized = self._renew

    @property
    def is_authenticated(self) -> bool:
        return self._current is not None and self._current.fresh()

    def authenticate(self, transport_options: transport.TransportOptions) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token_value().reveal()}"}

    def token_value(self) -> Secret:
        """A fresh access token: in memory, else from the cache, else a new login."""
        with self._lock:
            current = self._current
            if current is None or not current.fresh():
                current = self._cache.get(self._login_now) if self._cache is not None else self._login_now()
                self._current = current
            return current.access_token

    def fresh_login(self) -> None:
        """Log in now even if a cached token exists: proves the *current* credentials work."""
        with self._lock:
            token = self._login_now()
            if self._cache is not None:
                with self._cache.locked():
                    self._cache.store(token)
            self._current = token

    def _login_now(self) -> CachedToken:
        creds = self._credentials()
        body = urllib.parse.urlencode(
            {"client_id": creds.client_id, "client_secret": creds.client_secret.reveal()}
        ).encode()
        url = f"{self.settings.base_url}/api/{API_VERSION}/login"
        response = self.transport.request(
            transport.HttpMethod.POST,
            url,
            body=body,
            transport_options={"headers": {"Content-Type": "application/x-www-form-urlencoded"}},
        )
        status = status_of(response)
        if not response.ok:
            if status in (401, 403, 404):
                raise LookerAuthError(
                    f"Looker at {self.settings.base_url} rejected the API credentials (client id"
                    f" {creds.client_id!r} from {creds.source}; HTTP {status}): check the client id and secret",
                    status,
                    "POST",
                    url,
                )
            raise LookerAPIError(
                f"login at {self.settings.base_url} failed (HTTP {status}): {describe_response(response)}",
                status,
                "POST",
                url,
            )
        try:
            data = json.loads(response.value.decode(response.encoding or "utf-8"))
            token = CachedToken(Secret(str(data["access_token"])), 0.0, float(data.get("expires_in") or 0))
        except (ValueError, KeyError, TypeError):
            raise LookerAPIError(f"login at {self.settings.base_url} answered something that is not a token") from None
        lifetime = token.lifetime if token.lifetime > 0 else 60.0
        token = CachedToken(token.access_token, time.time() + lifetime, lifetime)
        self.logins += 1
        if self.workspace is not None and self.workspace != "production":
            self._select_workspace(token.access_token, self.workspace)
        return token

    def _select_workspace(self, token: Secret, workspace: str) -> None:
        """PATCH the new session's workspace with the new token (before anyone else sees it)."""
        url = f"{self.settings.base_url}/api/{API_VERSION}/session"
        response = self.transport.request(
            transport.HttpMethod.PATCH,
            url,
            body=json.dumps({"workspace_id": workspace}).encode(),
            authenticator=lambda _: {"Authorization": f"Bearer {token.reveal()}"},
        )
        if not response.ok:
            status = status_of(response)
            raise LookerAPIError(
                f"cannot switch the API session to the {workspace} workspace (HTTP {status}):"
                f" {describe_response(response)}",
                status,
                "PATCH",
                url,
            )

    def _renew(self, rejected_header: str) -> bool:
        """Called on a 401: forget the rejected token so the retry logs in again."""
        with self._lock:
            rejected = rejected_header.removeprefix("Bearer ").strip()
            if self._current is not None and self._current.access_token.reveal() == rejected:
                self._current = None
            if self._cache is not None and rejected:
                self._cache.discard(Secret(rejected))
            return True

    def forget(self) -> None:
        """Drop the in-memory token (the next call reads the cache or logs in)."""
        with self._lock:
            self._current = None

    def logout(self, full: bool = False, transport_options: transport.TransportOptions | None = None) -> None:
        """Revoke the token at Looker and remove it from the cache.

        Not called at the end of a run on purpose: the token is shared with other processes and
        the next run; it expires by itself. ``pytest-looker connect --logout`` uses this.
        """
        with self._lock:
            current = self._current or (self._cache.load() if self._cache is not None else None)
            if current is None:
                return
            token = current.access_token
            self._current = None
            if self._cache is not None:
                self._cache.discard(token)
        self.transport.request(
            transport.HttpMethod.DELETE,
            f"{self.settings.base_url}/api/logout",
            authenticator=lambda _: {"Authorization": f"Bearer {token.reveal()}"},
            transport_options=transport_options,
        )
