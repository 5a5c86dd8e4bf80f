"""The ``pytest-looker`` command: parses arguments and calls the library.

Exit codes (DESIGN.md §4): 0 success, 1 the checked thing failed (errors found, tests failed),
2 bad usage or configuration. A :class:`~pytest_looker.errors.LookerError` is printed to stderr
as one sentence with its file:line; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import dataclasses
import io
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pytest_looker.audit.cli import audit as audit_group
from pytest_looker.clierrors import user_errors
from pytest_looker.compile import Query, compile_query
from pytest_looker.errors import ConfigurationError
from pytest_looker.impact.cli import diff as diff_command
from pytest_looker.inspection import inspect_report, inspect_text
from pytest_looker.looker.client.cli import connect as looker_connect
from pytest_looker.looker.client.cli import content_validate as looker_content_validate
from pytest_looker.looker.client.cli import lookml_validate as looker_lookml_validate
from pytest_looker.looker.emulator.cli import serve
from pytest_looker.lookml import Project, load_project
from pytest_looker.querying import output_rows, parse_key_values, run_compiled
from pytest_looker.run import Backend, DuckDBBackend
from pytest_looker.scaffold.cli import scaffold as scaffold_group
from pytest_looker.settings import Settings, load_settings
from pytest_looker.validation import Failure, ValidationReport, select_explores
from pytest_looker.validation import validate as run_validation

QUERY_OPTIONS = [
    click.argument("target", metavar="MODEL/EXPLORE"),
    click.option("--fields", "fields", required=True, help="Comma-separated view.field names."),
    click.option("--filter", "filters", multiple=True, metavar="FIELD=EXPR", help="A Looker filter expression."),
    click.option("--sort", "sorts", multiple=True, metavar="FIELD[:desc]"),
    click.option("--limit", type=int, default=None, help="Row limit (-1: none; default 5000 as Looker's API)."),
    click.option("--user-attribute", "user_attributes", multiple=True, metavar="NAME=VALUE"),
    click.option("--timezone", default=None, help="Query time zone (IANA name)."),
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


def query_options(function: F) -> F:
    for option in reversed(QUERY_OPTIONS):
        function = option(function)
    return project_option(function)


def build_query(
    target: str,
    fields: str,
    filters: tuple[str, ...],
    sorts: tuple[str, ...],
    limit: int | None,
    user_attributes: tuple[str, ...],
    timezone: str | None,
) -> Query:
    model, slash, explore = target.partition("/")
    if not slash or not model or not explore:
        raise ConfigurationError(f"{target!r} must be written MODEL/EXPLORE")
    sort_specs = []
    for sort in sorts:
        name, _, direction = sort.partition(":")
        if direction and direction.lower() not in ("asc", "desc"):
            raise ConfigurationError(f"sort {sort!r}: direction must be asc or desc")
        sort_specs.append(f"{name} desc" if direction.lower() == "desc" else name)
    return Query(
        model,
        explore,
        fields=[f.strip() for f in fields.split(",") if f.strip()],
        filters=parse_key_values(filters, "--filter"),
        sorts=sort_specs,
        limit=limit,
        user_attributes=parse_key_values(user_attributes, "--user-attribute"),
        timezone=timezone,
    )


@main.command()
@query_options
@click.option("--dialect", default=None, help="Print the SQL in this dialect (transpiled from the project's).")
@user_errors
def sql(project_dir: Path | None, dialect: str | None, **query_args: Any) -> None:
    """Print the SQL Looker would write for an explore query."""
    project, settings = open_project(project_dir)
    query = build_query(**query_args)
    source = settings.dialect_for(project.model(query.model).connection)
    click.echo(compile_query(project, query, dialect=source, target=dialect).sql)


@main.command()
@query_options
@click.option("--duckdb", "duckdb_file", type=click.Path(path_type=Path), default=None, help="DuckDB database file.")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table")
@user_errors
def query(project_dir: Path | None, duckdb_file: Path | None, output_format: str, **query_args: Any) -> None:
    """Compile an explore query and run it, printing rows keyed view.field.

    It runs on --duckdb FILE when given, else on the configured backend (seeds, a URL...).
    """
    project, settings = open_project(project_dir)
    query = build_query(**query_args)
    if query.now is None and settings.now is not None:
        query = dataclasses.replace(query, now=settings.now)
    source = settings.dialect_for(project.model(query.model).connection)
    backend = _validation_backend(settings, duckdb_file)
    try:
        compiled = compile_query(project, query, dialect=source, target=backend.dialect)
        rows = run_compiled(compiled, backend)
    finally:
        backend.close()
    click.echo(output_rows(rows, [c.field for c in compiled.columns if not c.hidden], output_format), nl=False)


@main.command()
@project_option
@click.option("--explores", "selectors", multiple=True, metavar="SELECTOR", help="model/explore, globs, -exclude.")
@click.option("--compile-only", is_flag=True, help="Only compile every field; no database needed.")
@click.option("--duckdb", "duckdb_file", type=click.Path(path_type=Path), default=None, help="DuckDB database file.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option("--include-hidden/--ignore-hidden", default=True, show_default=True, help="Validate hidden fields.")
@user_errors
def validate(
    project_dir: Path | None,
    selectors: tuple[str, ...],
    compile_only: bool,
    duckdb_file: Path | None,
    output_format: str,
    include_hidden: bool,
) -> None:
    """Check that every dimension and measure of the selected explores compiles (and runs).

    On a backend (the configured one, or --duckdb FILE) a progress bar goes to stderr and a
    summary table per explore to stdout; --format json prints only the report.
    """
    project, settings = open_project(project_dir)
    selected = [s for chunk in selectors for s in chunk.split()] or list(settings.explores)
    if compile_only:
        report = run_validation(
            project,
            selected,
            dialect=settings.dialect,
            model_dialects={name: settings.dialect_for(m.connection) for name, m in project.models.items()},
            include_hidden=include_hidden,
            user_attributes=settings.user_attributes,
            now=settings.now,
        )
        _print_report(report, output_format, None)
        return
    backend = _validation_backend(settings, duckdb_file)
    try:
        show = output_format == "text"
        report, per_explore = _validate_with_progress(project, selected, settings, backend, include_hidden, show)
    finally:
        backend.close()
    _print_report(report, output_format, per_explore)


def _validation_backend(settings: Settings, duckdb_file: Path | None) -> Backend:
    from pytest_looker.testing.session import open_backend

    if duckdb_file is not None:
        return DuckDBBackend(duckdb_file)
    return open_backend(settings)


def _validate_with_progress(
    project: Project,
    selected: list[str],
    settings: Settings,
    backend: Backend,
    include_hidden: bool,
    show_progress: bool,
) -> tuple[ValidationReport, list[tuple[str, int, int, float]]]:
    """Validate explore by explore, drawing a progress bar on stderr; rows for the summary.

    JSON output gets no progress bar: it is for machines, and some capture both streams.
    """
    explores = select_explores(project, selected)
    rows: list[tuple[str, int, int, float]] = []
    failures: list[Failure] = []
    fields = queries = 0
    with click.progressbar(
        explores,
        label="Validating explores",
        file=sys.stderr if show_progress else io.StringIO(),
        item_show_func=lambda e: f"{e.model}/{e.name}" if e is not None else "",
    ) as bar:
        for explore in bar:
            started = time.perf_counter()
            report = run_validation(
                project,
                [f"{explore.model}/{explore.name}"],
                dialect=settings.dialect_for(project.model(explore.model).connection),
                target=backend.dialect,
                execute=backend.execute,
                include_hidden=include_hidden,
                user_attributes=settings.user_attributes,
                now=settings.now,
            )
            rows.append(
                (f"{explore.model}/{explore.name}", report.fields, len(report.failures), time.perf_counter() - started)
            )
            failures.extend(report.failures)
            fields += report.fields
            queries += report.queries
    return ValidationReport(len(explores), fields, tuple(failures), queries), rows


def _print_report(
    report: ValidationReport, output_format: str, per_explore: list[tuple[str, int, int, float]] | None
) -> None:
    if output_format == "json":
        click.echo(json.dumps(report.as_json(), indent=2))
    else:
        for failure in report.failures:
            where = f"{failure.file}:{failure.line}" if failure.line else (failure.file or "?")
            click.echo(f"{where}: {failure.model}/{failure.explore} {failure.field}: {failure.message}")
        if per_explore is not None:
            click.echo(_summary_table(per_explore))
        click.echo(f"{report.explores} explores, {report.fields} fields, {len(report.failures)} failures")
    if report.failures:
        sys.exit(1)


def _summary_table(rows: list[tuple[str, int, int, float]]) -> str:
    header = ("explore", "fields", "failures", "status", "seconds")
    cells = [(name, str(n), str(bad), "FAIL" if bad else "ok", f"{secs:.2f}") for name, n, bad, secs in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


@main.command(
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
    from pytest_looker.testing.runner import run_pytest

    settings = load_settings()
    if settings.project is None and not any(a.startswith("--looker-project") for a in pytest_args):
        raise ConfigurationError(
            "no LookML project configured: set project in [tool.pytest-looker] of pyproject.toml,"
            " PYTEST_LOOKER_PROJECT or pass --looker-project DIR"
        )
    sys.exit(run_pytest(pytest_args, settings, Path.cwd()))


main.add_command(audit_group)
main.add_command(scaffold_group)
main.add_command(diff_command)
main.add_command(serve)
main.add_command(looker_connect)
main.add_command(looker_lookml_validate)
main.add_command(looker_content_validate)


if __name__ == "__main__":  # pragma: no cover
    main()
