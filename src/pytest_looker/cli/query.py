"""``pytest-looker query``: compile an explore query, run it, print its rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pytest_looker.cli.errors import user_errors
from pytest_looker.cli.options import on_duckdb_file, open_workspace, query_from_options, query_options
from pytest_looker.present import output_rows

__all__ = ["query"]


@click.command()
@query_options
@click.option("--duckdb", "duckdb_file", type=click.Path(path_type=Path), default=None, help="DuckDB database file.")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table")
@user_errors
def query(project_dir: Path | None, duckdb_file: Path | None, output_format: str, **query_args: Any) -> None:
    """Compile an explore query and run it, printing rows keyed view.field.

    It runs on --duckdb FILE when given, else on the configured backend (seeds, a URL...).
    """
    with on_duckdb_file(open_workspace(project_dir), duckdb_file) as workspace:
        result = workspace.runner.run(query_from_options(workspace, **query_args))
    click.echo(output_rows(result.rows, list(result.columns), output_format), nl=False)
