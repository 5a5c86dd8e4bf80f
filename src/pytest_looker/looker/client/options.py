"""The Looker part of the settings, checked and typed: :class:`LookerOptions`.

config.py keeps these keys raw (it must import without looker-sdk); this module gives them
types and clear errors. Example::

    [tool.pytest-looker.environments.dev]
    backend = "looker"
    base_url = "https://mycompany.looker.com"
    looker_project = "ecommerce"
    workspace = "dev"
    branch = "feature-x"                  # or: commit = "3f2a9c1"  (a temporary branch)
    client_id = "AbCdEf123"
    client_secret_env = "LOOKER_CLIENT_SECRET"   # never the secret itself
    credentials_command = ["gcloud", "secrets", "versions", "access", "latest", "--secret=looker"]
    secret_max_age_days = 90
    secret_hard_limit_days = 180
    proxy = "http://proxy.internal:3128"
    ca_bundle = "certs/corp.pem"
    headers_env = { "Proxy-Authorization" = "IAP_PROXY_AUTHORIZATION" }
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pytest_looker.config import Settings
from pytest_looker.errors import ConfigurationError

__all__ = ["DEFAULT_CONCURRENCY", "MAX_CONCURRENCY", "LookerOptions", "looker_options", "normalise_base_url"]

#: Looker runs at most 15 queries per user at once and queues the rest (reference §5); we stay
#: below it so that a user's own dashboards still get slots while tests run.
MAX_CONCURRENCY = 15
DEFAULT_CONCURRENCY = 10
WORKSPACES = ("dev", "production")


@dataclass(frozen=True)
class LookerOptions:
    """Everything needed to reach one Looker environment and leave it as it was found."""

    environment: str | None = None
    base_url: str | None = None
    workspace: str | None = None
    branch: str | None = None
    commit: str | None = None
    looker_project: str | None = None
    client_id: str | None = None
    client_secret_env: str | None = None
    looker_ini: Path | None = None
    looker_ini_section: str | None = None
    credentials_command: tuple[str, ...] | None = None
    secret_max_age_days: float = 90.0
    secret_hard_limit_days: float | None = None
    verify_ssl: bool = True
    ca_bundle: Path | None = None
    proxy: str | None = None
    timeout: int = 120
    headers: Mapping[str, str] = field(default_factory=dict)
    headers_env: Mapping[str, str] = field(default_factory=dict)
    query_concurrency: int = DEFAULT_CONCURRENCY
    remote_reset: bool = False

    @property
    def label(self) -> str:
        """How messages name this environment."""
        return f"environment {self.environment!r}" if self.environment else "the Looker settings"

    @property
    def needs_dev_mode(self) -> bool:
        """Branches and commits only exist in the dev workspace."""
        return self.workspace == "dev" or self.branch is not None or self.commit is not None


def normalise_base_url(url: str, where: str = "base_url") -> str:
    """``scheme://host[:port]`` without a trailing slash.

    looker-sdk builds ``{base_url}/api/4.0/login``, so a trailing slash produces ``//api`` that
    real Looker answers with an empty 403, and a path is silently dropped for every call but
    login (reference §1.9.1-2): both are refused or fixed here rather than debugged later.
    """
    text = url.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"{where} must look like https://mycompany.looker.com, not {url!r}")
    if parts.path not in ("", "/") or parts.query:
        raise ConfigurationError(
            f"{where} {url!r} has a path: looker-sdk ignores it for API calls; give only scheme://host[:port]"
        )
    return f"{parts.scheme}://{parts.netloc}"


def looker_options(settings: Settings) -> LookerOptions:
    """Check and type the Looker keys of the resolved settings (environment layer included)."""
    raw = dict(settings.looker)
    where = settings.environment and f"[tool.pytest-looker.environments.{settings.environment}]"
    label = where or "[tool.pytest-looker]"
    values: dict[str, Any] = {"environment": settings.environment}
    if settings.base_url:
        values["base_url"] = normalise_base_url(settings.base_url, f"{label} base_url")
    if settings.workspace is not None:
        if settings.workspace not in WORKSPACES:
            raise ConfigurationError(f"{label} workspace must be 'dev' or 'production', not {settings.workspace!r}")
        values["workspace"] = settings.workspace
    values["branch"] = settings.branch
    for key in ("commit", "looker_project", "client_id", "client_secret_env", "looker_ini_section", "proxy"):
        if key in raw:
            values[key] = _string(raw[key], f"{label} {key}")
    if values.get("branch") and values.get("commit"):
        raise ConfigurationError(f"{label}: set branch or commit, not both")
    if values.get("workspace") == "production" and (values.get("branch") or values.get("commit")):
        raise ConfigurationError(f"{label}: a branch or commit needs workspace = 'dev'")
    for key in ("looker_ini", "ca_bundle"):
        if key in raw:
            values[key] = Path(raw[key])
    if "credentials_command" in raw:
        values["credentials_command"] = _command(raw["credentials_command"], f"{label} credentials_command")
    for key in ("secret_max_age_days", "secret_hard_limit_days"):
        if key in raw:
            values[key] = _number(raw[key], f"{label} {key}")
    if "timeout" in raw:
        values["timeout"] = int(_number(raw["timeout"], f"{label} timeout"))
    if "query_concurrency" in raw:
        concurrency = int(_number(raw["query_concurrency"], f"{label} query_concurrency"))
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise ConfigurationError(
                f"{label} query_concurrency must be 1..{MAX_CONCURRENCY} (Looker's per-user limit), not {concurrency}"
            )
        values["query_concurrency"] = concurrency
    for key in ("verify_ssl", "remote_reset"):
        if key in raw:
            if not isinstance(raw[key], bool):
                raise ConfigurationError(f"{label} {key} must be true or false")
            values[key] = raw[key]
    for key in ("headers", "headers_env"):
        if key in raw:
            values[key] = _headers(raw[key], f"{label} {key}")
    bad = [name for name in values.get("headers", {}) if name.lower() in ("authorization", "proxy-authorization")]
    if bad:
        raise ConfigurationError(
            f"{label} headers: {bad[0]} carries a credential; set it with headers_env = {{ {bad[0]!r} = 'ENV_VAR' }}"
        )
    return LookerOptions(**values)


def _string(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigurationError(f"{where} must be a non-empty string")
    return raw.strip()


def _number(raw: Any, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ConfigurationError(f"{where} must be a number")
    try:
        number = float(raw)
    except ValueError:
        raise ConfigurationError(f"{where} must be a number, not {raw!r}") from None
    if number <= 0:
        raise ConfigurationError(f"{where} must be positive")
    return number


def _command(raw: Any, where: str) -> tuple[str, ...]:
    parts = shlex.split(raw) if isinstance(raw, str) else raw
    if not isinstance(parts, list | tuple) or not parts or not all(isinstance(p, str) and p for p in parts):
        raise ConfigurationError(f"{where} must be a command as a list of strings, e.g. ['gcloud', 'secrets', ...]")
    return tuple(parts)


def _headers(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise ConfigurationError(f"{where} must be a table of header = value strings")
    return {str(k): str(v) for k, v in raw.items()}
