"""The ``pytest-looker`` command: parses arguments and calls the library.

Exit codes (DESIGN.md §4): 0 success, 1 the checked thing failed (errors found, tests failed),
2 bad usage or configuration. A :class:`~pytest_looker.errors.LookerError` is printed to stderr
as one sentence with its file:line; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from pytest_looker.config import Settings, load_settings
from pytest_looker.errors import ConfigurationError, LookerError
from pytest_looker.inspection import inspect_report, inspect_text
from pytest_looker.lookml import Project, load_project

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(function: F) -> F:
    """Turn user-caused errors into one line on stderr and the contract's exit code."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ConfigurationError as exc:
            click.echo(f"pytest-looker: error: {exc}", err=True)
            sys.exit(2)
        except LookerError as exc:
            click.echo(f"pytest-looker: error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def project_option(function: F) -> F:
    return click.option(
        "--project",
        "project_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="LookML project directory (default: [tool.pytest-looker] project, else the current directory).",
    )(function)


def open_project(project_dir: Path | None) -> tuple[Project, Settings]:
    """Load the project named on the command line or in the settings."""
    settings = load_settings()
    directory = project_dir or settings.project or Path.cwd()
    if not directory.is_dir():
        raise ConfigurationError(f"project directory {str(directory)!r} does not exist")
    project = load_project(directory, constants=settings.constants, dependency_paths=settings.dependency_paths)
    return project, settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pytest-looker")
def main() -> None:
    """Treat Looker metrics like code: load, compile and test a LookML project."""


@main.command()
@project_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@user_errors
def inspect(project_dir: Path | None, output_format: str) -> None:
    """Load the project and report its models, explores, views, fields and diagnostics.

    Exits 1 when the project has LookML errors.
    """
    project, _ = open_project(project_dir)
    if output_format == "json":
        click.echo(json.dumps(inspect_report(project), indent=2))
    else:
        click.echo(inspect_text(project))
    if project.errors:
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
