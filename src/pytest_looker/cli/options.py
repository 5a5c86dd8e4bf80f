"""Options several commands share, and the one way a command opens its workspace."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from pytest_looker import immutable
from pytest_looker.errors import ConfigurationError
from pytest_looker.workspace import Workspace

if TYPE_CHECKING:  # the compiler loads when a command builds a query, not for inspect
    from pytest_looker.compile import Query

__all__ = [
    "on_duckdb_file",
    "open_workspace",
    "parse_key_values",
    "project_option",
    "query_from_options",
    "query_options",
]

F = TypeVar("F", bound=Callable[..., Any])


def project_option(function: F) -> F:
    return click.option(
        "--project",
        "project_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="LookML project directory (default: [tool.pytest-looker] project, else the current directory).",
    )(function)


def open_workspace(project_dir: Path | None, **options: Any) -> Workspace:
    """The workspace of ``--project DIR`` (its own pyproject's settings), else of the working directory.

    ``options`` override settings as command-line flags do (``None`` values are ignored).
    """
    workspace = Workspace.open(project_dir=project_dir, options=options or None)
    if not workspace.root.is_dir():
        raise ConfigurationError(f"project directory {str(workspace.root)!r} does not exist")
    return workspace


def on_duckdb_file(workspace: Workspace, duckdb_file: Path | None) -> Workspace:
    """``--duckdb FILE``: the workspace's queries run on that database as it is (no seeds loaded
    into it, no warehouse URL), whatever the configured backend."""
    if duckdb_file is None:
        return workspace
    settings = immutable.replace(
        workspace.settings, backend="duckdb", duckdb=duckdb_file.resolve(), seeds=None, seed_tables={}, url=None
    )
    return Workspace(settings)


_QUERY_OPTIONS = [
    click.argument("target", metavar="MODEL/EXPLORE"),
    click.option("--fields", "fields", required=True, help="Comma-separated view.field names."),
    click.option("--filter", "filters", multiple=True, metavar="FIELD=EXPR", help="A Looker filter expression."),
    click.option(
        "--filter-expression",
        default=None,
        metavar="LOOKER_EXPRESSION",
        help="A custom filter, e.g. '${orders.status} = \"complete\"' (Looker API filter_expression).",
    ),
    click.option("--sort", "sorts", multiple=True, metavar="FIELD[:desc]"),
    click.option("--limit", type=int, default=None, help="Row limit (-1: none; default 5000 as Looker's API)."),
    click.option("--user-attribute", "user_attributes", multiple=True, metavar="NAME=VALUE"),
    click.option("--timezone", default=None, help="Query time zone (IANA name)."),
]


def query_options(function: F) -> F:
    for option in reversed(_QUERY_OPTIONS):
        function = option(function)
    return project_option(function)


def parse_key_values(items: Iterable[str], option: str) -> dict[str, str]:
    """``["a=1", "b=x=y"]`` → ``{"a": "1", "b": "x=y"}``; a missing ``=`` is a usage error."""
    result: dict[str, str] = {}
    for item in items:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise ConfigurationError(f"{option} {item!r} must be written NAME=VALUE")
        result[key.strip()] = value
    return result


def query_from_options(
    workspace: Workspace,
    target: str,
    fields: str,
    filters: tuple[str, ...],
    sorts: tuple[str, ...],
    limit: int | None,
    user_attributes: tuple[str, ...],
    timezone: str | None,
    filter_expression: str | None = None,
) -> Query:
    """The query the options describe, with the workspace's clock, time zone and user attributes."""
    model, slash, explore = target.partition("/")
    if not slash or not model or not explore:
        raise ConfigurationError(f"{target!r} must be written MODEL/EXPLORE")
    sort_specs = []
    for sort in sorts:
        name, _, direction = sort.partition(":")
        if direction and direction.lower() not in ("asc", "desc"):
            raise ConfigurationError(f"sort {sort!r}: direction must be asc or desc")
        sort_specs.append(f"{name} desc" if direction.lower() == "desc" else name)
    return workspace.query(
        target,
        fields=[f.strip() for f in fields.split(",") if f.strip()],
        filters=parse_key_values(filters, "--filter"),
        sorts=sort_specs,
        limit=limit,
        user_attributes=parse_key_values(user_attributes, "--user-attribute"),
        timezone=timezone,
        filter_expression=filter_expression,
    )
