"""Where the API key comes from: four providers, the first that has one wins.

1. **configuration** — ``client_id`` + ``client_secret_env`` in the environment's section (the
   secret itself stays in the named environment variable; pyproject.toml is committed);
2. **LOOKERSDK_* variables** — what looker-sdk users already export in CI;
3. **looker.ini** — ``looker_ini`` (default ``./looker.ini``, as the SDK), section
   ``looker_ini_section`` or the environment's name;
4. **a command** — ``credentials_command`` prints ``{"client_id", "client_secret",
   "issued_at"?}``: the bridge to a secret manager, or to a CI job that trades its OIDC token
   for the API key (Looker's API has no token exchange of its own, reference §1.5).

A provider that is *partly* configured (a client id without its secret variable) is an error
rather than a silent fall-through: otherwise CI would quietly log in as whoever's key the next
provider happens to find.
"""

from __future__ import annotations

import configparser
import json
import os
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pytest_looker.looker.client.errors import CredentialsError
from pytest_looker.secrets import Secret, scrub
from pytest_looker.settings import LookerSettings

__all__ = ["PROVIDERS", "Credentials", "parse_issued_at", "resolve_credentials"]

COMMAND_TIMEOUT = 60.0


@dataclass(frozen=True)
class Credentials:
    """An API3 key, where it came from, when it was issued (if the provider knows) and the
    base URL the provider named (looker.ini and ``LOOKERSDK_BASE_URL`` carry one)."""

    client_id: str
    client_secret: Secret
    source: str
    issued_at: datetime | None = None
    base_url: str | None = None


Provider = Callable[[LookerSettings, Mapping[str, str], Path], "Credentials | None"]


def from_configuration(options: LookerSettings, environ: Mapping[str, str], cwd: Path) -> Credentials | None:
    """``client_id`` + ``client_secret_env`` from the settings."""
    if options.client_secret_env is None:
        if options.client_id is not None and not _other_provider_configured(options, environ, cwd):
            raise CredentialsError(
                f"{options.label} sets client_id but not client_secret_env: name the environment variable"
                " that holds the secret (client_secret_env = 'LOOKER_CLIENT_SECRET')"
            )
        return None
    if options.client_id is None:
        raise CredentialsError(f"{options.label} sets client_secret_env but not client_id")
    secret = environ.get(options.client_secret_env, "")
    if not secret:
        raise CredentialsError(
            f"client_secret_env names the environment variable {options.client_secret_env}, which is not set"
        )
    return Credentials(
        options.client_id, Secret(secret), f"configuration (client_secret_env={options.client_secret_env})"
    )


def from_environment(options: LookerSettings, environ: Mapping[str, str], cwd: Path) -> Credentials | None:
    """``LOOKERSDK_CLIENT_ID`` / ``LOOKERSDK_CLIENT_SECRET`` (and ``LOOKERSDK_BASE_URL``)."""
    client_id = environ.get("LOOKERSDK_CLIENT_ID", "").strip()
    secret = environ.get("LOOKERSDK_CLIENT_SECRET", "").strip()
    if not client_id and not secret:
        return None
    if not client_id or not secret:
        missing = "LOOKERSDK_CLIENT_SECRET" if client_id else "LOOKERSDK_CLIENT_ID"
        raise CredentialsError(f"{missing} is not set while its partner is: set both or neither")
    base_url = environ.get("LOOKERSDK_BASE_URL", "").strip() or None
    return Credentials(client_id, Secret(secret), "LOOKERSDK_* environment variables", base_url=base_url)


def _ini_path(options: LookerSettings, cwd: Path) -> Path | None:
    if options.looker_ini is not None:
        return options.looker_ini if options.looker_ini.is_absolute() else cwd / options.looker_ini
    default = cwd / "looker.ini"
    return default if default.is_file() else None


def from_ini(options: LookerSettings, environ: Mapping[str, str], cwd: Path) -> Credentials | None:
    """A section of ``looker.ini``: ``looker_ini_section``, else the environment's name."""
    path = _ini_path(options, cwd)
    if path is None:
        return None
    if not path.is_file():
        raise CredentialsError(f"looker_ini {path} does not exist")
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as exc:
        # configparser quotes the offending line, which may hold the secret: keep only the kind.
        raise CredentialsError(f"{path} is not a valid ini file ({type(exc).__name__})") from None
    section = options.looker_ini_section or options.environment
    if section is None:
        sections = parser.sections()
        section = sections[0] if len(sections) == 1 else None
    if section is None or not parser.has_section(section):
        if options.looker_ini is None and options.looker_ini_section is None:
            return None  # a ./looker.ini for another purpose: not ours to complain about
        known = ", ".join(parser.sections()) or "none"
        raise CredentialsError(f"{path} has no section [{section}] (sections: {known})")
    values = {k: v.strip().strip("\"'") for k, v in parser[section].items()}
    client_id, secret = values.get("client_id", ""), values.get("client_secret", "")
    if not client_id or not secret:
        raise CredentialsError(f"{path} [{section}] needs both client_id and client_secret")
    issued = parse_issued_at(values["issued_at"], f"{path} [{section}] issued_at") if "issued_at" in values else None
    return Credentials(
        client_id, Secret(secret), f"{path.name} [{section}]", issued_at=issued, base_url=values.get("base_url") or None
    )


def from_command(options: LookerSettings, environ: Mapping[str, str], cwd: Path) -> Credentials | None:
    """Run ``credentials_command``; its stdout is one JSON object."""
    command = options.credentials_command
    if command is None:
        return None
    name = command[0]
    try:
        done = subprocess.run(
            list(command), capture_output=True, text=True, timeout=COMMAND_TIMEOUT, cwd=cwd, env=dict(environ)
        )
    except FileNotFoundError:
        raise CredentialsError(f"credentials_command: {name!r} was not found on PATH") from None
    except subprocess.TimeoutExpired:
        raise CredentialsError(f"credentials_command {name!r} did not finish within {COMMAND_TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        # The first line of stderr helps ("not logged in"); the secret is scrubbed if echoed.
        first = next((line.strip() for line in done.stderr.splitlines() if line.strip()), "")
        hint = f": {first[:200]}" if first else ""
        raise CredentialsError(f"credentials_command {name!r} exited with status {done.returncode}{hint}")
    try:
        data = json.loads(done.stdout)
    except json.JSONDecodeError:
        # Never quote stdout: it may be the bare secret.
        raise CredentialsError(
            f"credentials_command {name!r} must print a JSON object"
            ' {"client_id": ..., "client_secret": ..., "issued_at": ...}'
        ) from None
    if not isinstance(data, dict):
        raise CredentialsError(f"credentials_command {name!r} must print a JSON object, not a {type(data).__name__}")
    client_id, secret = data.get("client_id"), data.get("client_secret")
    if isinstance(secret, str):
        Secret(secret)  # registered for scrubbing before any message below could echo it
    if not isinstance(client_id, str) or not client_id or not isinstance(secret, str) or not secret:
        raise CredentialsError(f"credentials_command {name!r} printed JSON without client_id and client_secret")
    issued_raw = data.get("issued_at")
    issued = None if issued_raw is None else parse_issued_at(issued_raw, f"credentials_command {name!r} issued_at")
    base_url = data.get("base_url") if isinstance(data.get("base_url"), str) else None
    return Credentials(client_id, Secret(secret), f"credentials_command {name!r}", issued_at=issued, base_url=base_url)


#: The providers in the order they are asked.
PROVIDERS: tuple[tuple[str, Provider], ...] = (
    ("configuration", from_configuration),
    ("environment", from_environment),
    ("looker.ini", from_ini),
    ("command", from_command),
)


def _other_provider_configured(options: LookerSettings, environ: Mapping[str, str], cwd: Path) -> bool:
    """A client_id alone is fine when a later provider supplies the pair (it must agree)."""
    return bool(
        environ.get("LOOKERSDK_CLIENT_ID")
        or options.looker_ini
        or options.credentials_command
        or _ini_path(options, cwd)
    )


def resolve_credentials(
    options: LookerSettings,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    providers: Sequence[tuple[str, Provider]] = PROVIDERS,
) -> Credentials:
    """The first provider's credentials; :class:`CredentialsError` when none has any."""
    env = os.environ if environ is None else environ
    here = cwd or Path.cwd()
    for _, provider in providers:
        found = provider(options, env, here)
        if found is None:
            continue
        if options.client_id is not None and found.client_id != options.client_id:
            raise CredentialsError(
                f"{found.source} gives client id {found.client_id!r} but {options.label} pins client_id"
                f" {options.client_id!r}"
            )
        return found
    raise CredentialsError(
        f"no Looker API credentials for {options.label}: set client_id and client_secret_env, export"
        " LOOKERSDK_CLIENT_ID/LOOKERSDK_CLIENT_SECRET, add a looker.ini section, or set credentials_command"
    )


def parse_issued_at(raw: Any, where: str) -> datetime:
    """An ISO 8601 date/datetime or Unix seconds, as an aware UTC datetime."""
    if isinstance(raw, bool):
        raise CredentialsError(f"{where} must be an ISO date or Unix seconds")
    if isinstance(raw, int | float):
        return datetime.fromtimestamp(float(raw), tz=timezone.utc)
    if isinstance(raw, str):
        text = raw.strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            try:
                return datetime.fromtimestamp(float(text), tz=timezone.utc)
            except ValueError:
                raise CredentialsError(f"{where} must be an ISO date or Unix seconds, not {scrub(text)!r}") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    raise CredentialsError(f"{where} must be an ISO date or Unix seconds")
