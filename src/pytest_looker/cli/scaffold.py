"""``pytest-looker scaffold data|tests``: seeds and starter specs from the LookML, and ``--check``.

Exit codes follow the CLI contract: 0 done (or no drift), 1 drift found by ``--check``, 2 bad
usage. Files a person edited are reported on stderr and left alone, which is not an error: the
point of refusing to overwrite them is that the person's version wins.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pytest_looker.cli.errors import user_errors
from pytest_looker.cli.options import open_workspace, project_option
from pytest_looker.errors import ConfigurationError
from pytest_looker.lookml import Project
from pytest_looker.scaffold.schema import Schema, infer_schema
from pytest_looker.scaffold.store import Drift, WriteReport
from pytest_looker.settings import Settings

__all__ = ["scaffold"]

F = TypeVar("F", bound=Callable[..., Any])


def project_schema(project: Project, settings: Settings) -> Schema:
    return infer_schema(
        project,
        lambda model: settings.dialect_for(model.connection),
        user_attributes=settings.user_attributes,
        parameters=settings.parameters,
    )


def _report(report: WriteReport, what: str) -> None:
    for name in report.written:
        click.echo(f"wrote {name}")
    for name in report.skipped:
        click.echo(f"kept {name}", err=True)
    click.echo(f"{len(report.written)} {what} written, {len(report.unchanged)} unchanged, {len(report.skipped)} kept")


def _drift(drift: Drift, what: str) -> None:
    for note in drift.notes:
        click.echo(f"note: {note}")
    for problem in drift.problems:
        click.echo(f"drift: {problem}")
    if drift.problems:
        click.echo(f"{len(drift.problems)} difference(s) between the LookML and the {what}")
        sys.exit(1)
    click.echo(f"the {what} match the LookML")


@click.group()
def scaffold() -> None:
    """Generate sample data and starter tests from the LookML, and check they are up to date."""


@scaffold.command("data")
@project_option
@click.option("--seeds", "seeds", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write CSV seeds here: <schema>/<table>.csv, <catalog>/<schema>/<table>.csv.")  # fmt: skip
@click.option("--duckdb", "duckdb_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the tables into this DuckDB file instead.")  # fmt: skip
@click.option("--rows", type=click.IntRange(1, 100000), default=20, show_default=True, help="Rows per table.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same bytes.")
@click.option("--check", is_flag=True, help="Only report drift between the LookML and the existing data.")
@click.option("--force", is_flag=True, help="Overwrite files even if a person edited them.")
@click.option("--schema", "show_schema", is_flag=True, help="Print the inferred tables, columns and keys.")
@user_errors
def data(
    project_dir: Path | None,
    seeds: Path | None,
    duckdb_file: Path | None,
    rows: int,
    seed: int,
    check: bool,
    force: bool,
    show_schema: bool,
) -> None:
    """Synthetic rows for every table the LookML reads, consistent along every join.

    Without --seeds or --duckdb, the configured seeds (or duckdb) setting is the target.
    """
    from pytest_looker.scaffold.data import generate
    from pytest_looker.scaffold.store import check_duckdb, check_seeds, write_duckdb, write_seeds

    workspace = open_workspace(project_dir)
    project, settings = workspace.project, workspace.settings
    if seeds is not None and duckdb_file is not None:
        raise ConfigurationError("give either --seeds DIR or --duckdb FILE, not both")
    if seeds is None and duckdb_file is None:
        seeds, duckdb_file = settings.seeds, settings.duckdb if settings.seeds is None else None
    if seeds is None and duckdb_file is None:
        raise ConfigurationError("where to write? give --seeds DIR or --duckdb FILE (or set seeds in the settings)")
    schema = project_schema(project, settings)
    if show_schema:
        _print_schema(schema)
    if check:
        drift = check_seeds(schema, seeds) if seeds is not None else check_duckdb(schema, duckdb_file)  # type: ignore[arg-type]
        _drift(drift, "seeds" if seeds is not None else "DuckDB tables")
        return
    dataset = generate(schema, rows=rows, seed=seed)
    meta = {"generator": "pytest-looker scaffold data", "rows": rows, "seed": seed}
    if seeds is not None:
        report = write_seeds(dataset, seeds, force=force, meta=meta)
    else:
        assert duckdb_file is not None
        report = write_duckdb(dataset, duckdb_file, force=force, meta=meta)
    _report(report, "tables")
    for note in schema.notes:
        click.echo(f"note: {note}", err=True)


def _print_schema(schema: Schema) -> None:
    for table in sorted(schema.tables.values(), key=lambda t: t.name.lower()):
        key = f" primary key ({', '.join(table.primary_key)})" if table.primary_key else ""
        click.echo(f"{table.name}{key}")
        for column in table.columns.values():
            flags = "".join(f" {f}" for f, on in (("unique", column.unique), ("not-null", column.not_null)) if on)
            click.echo(f"  {column.name}: {column.type}{flags}  ({column.evidence})")
    for link in schema.keys:
        click.echo(
            f"key {link.child_table}.{link.child_column} -> {link.parent_table}.{link.parent_column}"
            f" ({link.relationship}, {link.source})"
        )


@scaffold.command("tests")
@project_option
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory of the spec files (default: <project>/tests/scaffold).")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the example's given rows.")
@click.option("--check", is_flag=True, help="Only report drift between the LookML and the existing specs.")
@click.option("--force", is_flag=True, help="Overwrite spec files even if a person edited them.")
@user_errors
def tests(project_dir: Path | None, out: Path | None, seed: int, check: bool, force: bool) -> None:
    """Starter *.lkmltest.yml per explore: key and relationship tests and a snapshot example."""
    from pytest_looker.scaffold.specs import check_specs, plan_specs, write_specs

    workspace = open_workspace(project_dir)
    project, settings, directory = workspace.project, workspace.settings, workspace.root
    out = out or directory / "tests" / "scaffold"
    plans = plan_specs(project, project_schema(project, settings), settings, out, seed=seed)
    if check:
        _drift(check_specs(project, plans, out), "starter specs")
        return
    _report(write_specs(plans, force=force), "spec files")
