"""``pytest-looker sql``: the SQL Looker would write for an explore query."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pytest_looker.cli.errors import user_errors
from pytest_looker.cli.options import open_workspace, query_from_options, query_options

__all__ = ["sql"]


@click.command()
@query_options
@click.option("--dialect", default=None, help="Print the SQL in this dialect (transpiled from the project's).")
@user_errors
def sql(project_dir: Path | None, dialect: str | None, **query_args: Any) -> None:
    """Print the SQL Looker would write for an explore query.

    The configured clock (``now``), time zone and user attributes apply, as in ``query`` and
    pytest; the SQL is in the model's dialect unless --dialect names another.
    """
    workspace = open_workspace(project_dir)
    query = query_from_options(workspace, **query_args)
    click.echo(workspace.compile(query, target=dialect or workspace.dialect_for(query.model)).sql)
