"""``pytest-looker connect | lookml-validate | content-validate``: Looker from the command line.

``connect`` is the first thing a new user runs: it proves the credentials work and says who
they log in as, which Looker and API version answer, where the credentials came from and how
old the secret is. Every failure a user can cause — wrong credentials, an unreachable host, an
unknown environment — is one sentence on stderr, never a traceback (exit 2 for configuration,
1 for Looker's refusal or an unreachable host).

``lookml-validate`` and ``content-validate`` run Looker's own validators in the environment
(dev workspace, branch or commit as configured — and restored afterwards).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from pytest_looker.cli.errors import user_errors
from pytest_looker.settings import load_settings

__all__ = ["connect", "content_validate", "lookml_validate"]

F = TypeVar("F", bound=Callable[..., Any])

SEVERITIES = ("info", "warning", "error", "fatal")


def _env_option(function: F) -> F:
    return click.option(
        "--looker-env",
        "environment",
        default=None,
        metavar="NAME",
        help="Environment: [tool.pytest-looker.environments.NAME] (default: PYTEST_LOOKER_ENV, else the base table).",
    )(function)


def _open(environment: str | None) -> Any:
    from pytest_looker.looker.client import open_looker_api

    settings = load_settings(environment=environment)
    return open_looker_api(settings, cwd=settings.source.parent if settings.source else Path.cwd())


@contextmanager
def _in_environment(backend: Any) -> Iterator[None]:
    from pytest_looker.looker.client.environments import LookerEnvironment

    with LookerEnvironment(backend):
        yield


@click.command()
@_env_option
@click.option("--logout", is_flag=True, help="Revoke the cached token afterwards (the next run logs in again).")
@user_errors
def connect(environment: str | None, logout: bool) -> None:
    """Check the Looker credentials of an environment: who am I, which Looker, how old the secret is."""
    backend = _open(environment)
    try:
        client = backend.client
        client.auth.fresh_login()  # a cached token would hide wrong credentials
        backend.prepare()
        me = backend.me()
        versions = backend.versions()
        workspace = backend.workspace()
        found = client.credentials()
        age = client.credentials.age
        who = me.display_name or " ".join(x for x in (me.first_name, me.last_name) if x) or "?"
        click.echo(f"Connected to {client.base_url} as {who} (user id {me.id}{', ' + me.email if me.email else ''})")
        current = versions.current_version
        api = f"API {current.full_version or current.version}" if current else "API ?"
        click.echo(f"  Looker {versions.looker_release_version or '?'}, {api}")
        click.echo(f"  credentials: client id {found.client_id} from {found.source}")
        click.echo(f"  secret age: {age.message if age else 'unknown'}")
        click.echo(f"  workspace: {workspace}")
        if client.cache is not None:
            click.echo(f"  token cache: {client.cache.path} (mode 0600, shared by runs and xdist workers)")
        else:
            click.echo("  token cache: off")
        if logout:
            client.auth.logout()
            click.echo("  logged out: the cached token is revoked")
    finally:
        backend.close()


@click.command("lookml-validate")
@_env_option
@click.option(
    "--severity",
    type=click.Choice(SEVERITIES),
    default="error",
    show_default=True,
    help="Fail on problems at or above this severity.",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@user_errors
def lookml_validate(environment: str | None, severity: str, output_format: str) -> None:
    """Run Looker's LookML validator on the project (in the environment's branch or commit)."""
    backend = _open(environment)
    try:
        with _in_environment(backend):
            result = backend.validate_project()
    finally:
        backend.close()
    errors = list(result.errors or [])
    threshold = SEVERITIES.index(severity)
    failing = [e for e in errors if SEVERITIES.index(_severity(e.severity)) >= threshold]
    if output_format == "json":
        items = [
            {
                "severity": e.severity,
                "kind": e.kind,
                "message": e.message,
                "file": _file(e.file_path),
                "line": e.line_number,
            }
            for e in errors
        ]
        click.echo(json.dumps({"errors": items, "failing": len(failing)}, indent=2))
    else:
        for e in errors:
            where = f"{_file(e.file_path)}:{e.line_number}" if e.line_number else (_file(e.file_path) or "?")
            click.echo(f"{where}: {e.severity}: {e.message}")
        click.echo(f"Looker's LookML validator: {len(errors)} problem(s), {len(failing)} at or above {severity}")
    if failing:
        sys.exit(1)


@click.command("content-validate")
@_env_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@user_errors
def content_validate(environment: str | None, output_format: str) -> None:
    """Run Looker's content validator: Looks and dashboards that reference missing fields."""
    backend = _open(environment)
    try:
        with _in_environment(backend):
            result = backend.content_validation()
    finally:
        backend.close()
    problems: list[dict[str, Any]] = []
    for item in result.content_with_errors or []:
        what = _content_title(item)
        for error in item.errors or []:
            problems.append(
                {
                    "content": what,
                    "model": error.model_name,
                    "explore": error.explore_name,
                    "field": error.field_name,
                    "message": error.message,
                }
            )
    if output_format == "json":
        click.echo(json.dumps({"errors": problems}, indent=2))
    else:
        for p in problems:
            target = "/".join(x for x in (p["model"], p["explore"]) if x)
            click.echo(f"{p['content']}: {target + ': ' if target else ''}{p['message']}")
        click.echo(f"Looker's content validator: {len(problems)} error(s)")
    if problems:
        sys.exit(1)


def _severity(value: str | None) -> str:
    return value if value in SEVERITIES else "error"


def _file(path: str | None) -> str | None:
    """Looker prefixes file paths with the project name; users know them relative to the project."""
    if not path:
        return path
    return path.split("/", 1)[1] if "/" in path else path


def _content_title(item: Any) -> str:
    for kind in ("lookml_dashboard", "dashboard", "look", "lookml_dashboard_element", "dashboard_element"):
        thing = getattr(item, kind, None)
        if thing is not None:
            title = getattr(thing, "title", None) or getattr(thing, "id", None) or "?"
            return f"{kind.replace('_', ' ')} {title!r}"
    return f"content {item.id or '?'}"
