"""``pytest-looker inspect``: what the project contains and every problem, with file:line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pytest_looker.checks.inspection import inspect_report, inspect_text
from pytest_looker.cli.errors import user_errors
from pytest_looker.cli.options import open_workspace, project_option

__all__ = ["inspect"]


@click.command()
@project_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@user_errors
def inspect(project_dir: Path | None, output_format: str) -> None:
    """Load the project and report its models, explores, views, fields and diagnostics.

    Exits 1 when the project has LookML errors.
    """
    project = open_workspace(project_dir).project
    if output_format == "json":
        import json  # its codecs compile patterns at import: the text summary does not need them

        click.echo(json.dumps(inspect_report(project), indent=2))
    else:
        click.echo(inspect_text(project))
    if project.errors:
        sys.exit(1)
