"""Build a looker-sdk ``Looker40SDK`` from our settings: settings source, transport, auth.

Nothing here reads ``looker.ini`` or ``LOOKERSDK_*`` behind the user's back the way
``looker_sdk.init40()`` does (reference §6.3): the credential providers decide, in a documented
order, and this module only wires the pieces:

    LookerSettings ─▶ PytestLookerApiSettings (read_config from our providers, memoised)
                 ─▶ RetryingTransport (requests session: proxy, CA bundle, headers, retries)
                 ─▶ CachedAuthSession (token cache, workspace, 401 renewal)
                 ─▶ PytestLookerSDK (errors with HTTP status, no error-doc network lookups)
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from looker_sdk.rtl import api_settings, serialize, transport
from looker_sdk.sdk import constants
from looker_sdk.sdk.api40.methods import Looker40SDK

from pytest_looker.errors import ConfigurationError
from pytest_looker.looker.client.auth import API_VERSION, CachedAuthSession
from pytest_looker.looker.client.credentials import Credentials, resolve_credentials
from pytest_looker.looker.client.errors import LookerAPIError
from pytest_looker.looker.client.policy import SecretAge, check_secret_age
from pytest_looker.looker.client.tokens import TokenCache, default_cache_dir
from pytest_looker.looker.client.transport import RetryingTransport, RetryPolicy, describe_response, make_session
from pytest_looker.secrets import Secret, install_log_filter
from pytest_looker.settings import LookerSettings
from pytest_looker.settings.kinds import normalise_base_url

__all__ = ["LookerClient", "PytestLookerApiSettings", "PytestLookerSDK", "connect_client"]

#: Credentials are resolved again after this long, so a rotated secret is picked up by a long
#: session, while the SDK's three ``read_config`` calls per login cost nothing.
CREDENTIALS_TTL = 900.0


class _CredentialSource:
    """Resolve credentials once (then every ``CREDENTIALS_TTL`` seconds), thread-safely."""

    def __init__(self, options: LookerSettings, environ: Mapping[str, str], cwd: Path) -> None:
        self.options = options
        self.environ = environ
        self.cwd = cwd
        self._value: Credentials | None = None
        self._at = 0.0
        self._lock = threading.Lock()
        self.age: SecretAge | None = None

    def __call__(self) -> Credentials:
        with self._lock:
            if self._value is None or time.monotonic() - self._at > CREDENTIALS_TTL:
                found = resolve_credentials(self.options, self.environ, self.cwd)
                self.age = check_secret_age(found, self.options, warn=self._value is None)
                self._value, self._at = found, time.monotonic()
            return self._value


class PytestLookerApiSettings(api_settings.ApiSettings):
    """looker-sdk settings whose ``read_config`` asks our credential providers.

    ``ApiSettings.__init__`` is bypassed on purpose: it would open ``looker.ini`` in the working
    directory and read ``LOOKERSDK_*`` variables by its own rules.
    """

    def __init__(self, base_url: str, *, verify_ssl: bool, timeout: int, credentials: _CredentialSource) -> None:
        self.filename = ""
        self.section = None
        self.env_prefix = None
        self.base_url = base_url
        self.verify_ssl = verify_ssl
        self.timeout = timeout
        self.headers = {"Content-Type": "application/json"}
        self.agent_tag = f"{transport.AGENT_PREFIX} {constants.sdk_version} pytest-looker"
        self._credentials = credentials

    def read_config(self) -> api_settings.SettingsConfig:
        found = self._credentials()
        return {
            "client_id": found.client_id,
            "client_secret": found.client_secret.reveal(),
            "base_url": self.base_url,
            "verify_ssl": str(self.verify_ssl).lower(),
            "timeout": str(self.timeout),
        }

    def __repr__(self) -> str:
        return f"PytestLookerApiSettings(base_url={self.base_url!r})"


class PytestLookerSDK(Looker40SDK):
    """``Looker40SDK`` whose errors carry the HTTP status and one readable message.

    The stock ``_return`` builds an ``SDKError`` without status and may fetch error docs from a
    CDN with no timeout (reference §1.9.5); ours raises :class:`LookerAPIError` straight away.
    """

    def _return(self, response: transport.Response, structure: Any) -> Any:
        if not response.ok:
            status = int(getattr(response, "status", 0))
            raise LookerAPIError(f"Looker answered HTTP {status}: {describe_response(response)}", status)
        return super()._return(response, structure)


@dataclass
class LookerClient:
    """A connected SDK plus the pieces tests and reports look at."""

    options: LookerSettings
    sdk: PytestLookerSDK
    auth: CachedAuthSession
    transport: RetryingTransport
    credentials: _CredentialSource
    cache: TokenCache | None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return self.auth.settings.base_url

    def close(self) -> None:
        """Close the HTTP session (the token stays cached for other processes and runs)."""
        self.transport.session.close()


def connect_client(
    options: LookerSettings,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    policy: RetryPolicy | None = None,
    cache_dir: Path | str | None = "default",
) -> LookerClient:
    """Wire settings, transport and auth for ``options``; nothing is sent until the first call.

    Credentials are resolved here (not lazily) so that a missing secret or a failing command is
    reported before any test starts, once.
    """
    install_log_filter()
    env = dict(os.environ if environ is None else environ)
    here = cwd or Path.cwd()
    source = _CredentialSource(options, env, here)
    found = source()
    raw_url = options.base_url or found.base_url
    if not raw_url:
        raise ConfigurationError(
            f"no Looker base_url for {options.label}: set base_url in the environment's section"
            " (or LOOKERSDK_BASE_URL, or base_url in looker.ini)"
        )
    base_url = normalise_base_url(raw_url)
    headers = dict(options.headers)
    for header, variable in options.headers_env.items():
        value = env.get(variable, "")
        if not value:
            raise ConfigurationError(f"headers_env: {header} should come from {variable}, which is not set")
        headers[header] = Secret(value).reveal()  # registered for scrubbing
    ca_bundle = None
    if options.ca_bundle is not None:
        bundle = options.ca_bundle if options.ca_bundle.is_absolute() else here / options.ca_bundle
        if not bundle.is_file():
            raise ConfigurationError(f"ca_bundle {bundle} does not exist")
        ca_bundle = str(bundle)
    settings = PytestLookerApiSettings(
        base_url, verify_ssl=options.verify_ssl, timeout=options.timeout, credentials=source
    )
    session = make_session(headers=headers, proxy=options.proxy, ca_bundle=ca_bundle)
    http = RetryingTransport(settings, session, policy)
    workspace = "dev" if options.needs_dev_mode else "production"
    directory = default_cache_dir(env) if cache_dir == "default" else cache_dir
    cache = TokenCache(Path(directory), base_url, found.client_id) if directory is not None else None
    auth = CachedAuthSession(settings, http, source, cache, workspace=workspace)
    sdk = PytestLookerSDK(auth, serialize.deserialize40, serialize.serialize40, http, API_VERSION)
    return LookerClient(options, sdk, auth, http, source, cache)
