"""``pytest-looker test``: pytest with the plugin on the configured project."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pytest_looker.cli.errors import user_errors

__all__ = ["test"]


@click.command(
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
    add_help_option=False,
)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
@user_errors
def test(pytest_args: tuple[str, ...]) -> None:
    """Run pytest with the pytest-looker plugin on the configured project.

    Every argument goes to pytest (try `pytest-looker test --help` for pytest's options, e.g.
    -k, -x, -n 2, --junitxml, --looker-env). The exit code is pytest's.
    """
    from pytest_looker.errors import ConfigurationError
    from pytest_looker.settings import Settings, load_settings
    from pytest_looker.testing.runner import run_pytest

    if any(a in ("-h", "--help") for a in pytest_args):
        # Help must work anywhere: outside a project, or with a pyproject.toml that has an error.
        sys.exit(run_pytest(pytest_args, Settings(), Path.cwd()))
    settings = load_settings()
    if settings.project is None and not any(a.startswith("--looker-project") for a in pytest_args):
        raise ConfigurationError(
            "no LookML project configured: set project in [tool.pytest-looker] of pyproject.toml,"
            " PYTEST_LOOKER_PROJECT or pass --looker-project DIR"
        )
    sys.exit(run_pytest(pytest_args, settings, Path.cwd()))
