"""``pytest-looker validate``: every dimension and measure of the selected explores compiles (and runs)."""

from __future__ import annotations

import atexit
import gc
import io
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pytest_looker import immutable
from pytest_looker.checks.causes import Cause, group_failures
from pytest_looker.checks.diagnostics import settings_diagnostics
from pytest_looker.checks.hints import setup_hint
from pytest_looker.checks.validation import ValidationReport, combined, select_explores, validate_explore
from pytest_looker.checks.validation import validate as run_validation
from pytest_looker.cli.errors import user_errors
from pytest_looker.cli.options import on_duckdb_file, open_workspace, parse_key_values, project_option
from pytest_looker.errors import ConfigurationError
from pytest_looker.workspace import Workspace

if TYPE_CHECKING:
    from pytest_looker.lookml.model import Diagnostic

__all__ = ["validate"]


@click.command()
@project_option
@click.option("--explores", "selectors", multiple=True, metavar="SELECTOR", help="model/explore, globs, -exclude.")
@click.option("--compile-only", is_flag=True, help="Only compile every field; no database needed.")
@click.option("--duckdb", "duckdb_file", type=click.Path(path_type=Path), default=None, help="DuckDB database file.")
@click.option(
    "--seeds",
    "seeds",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Run on DuckDB seeded from this directory (what scaffold data --seeds writes).",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--include-hidden/--ignore-hidden", default=None, help="Validate hidden fields (default: yes, as Looker)."
)
@click.option(
    "--parameter",
    "parameters",
    multiple=True,
    metavar="VIEW.PARAMETER=VALUE",
    help="A LookML parameter's value for every query (adds to the parameters setting).",
)
@user_errors
def validate(
    project_dir: Path | None,
    selectors: tuple[str, ...],
    compile_only: bool,
    duckdb_file: Path | None,
    seeds: Path | None,
    output_format: str,
    include_hidden: bool | None,
    parameters: tuple[str, ...],
) -> None:
    """Check that every dimension and measure of the selected explores compiles (and runs).

    On a backend (the configured one, or --duckdb FILE) a progress bar goes to stderr and a
    summary table per explore to stdout; --format json prints only the report.
    """
    if seeds is not None and duckdb_file is not None:
        raise ConfigurationError("give either --seeds DIR or --duckdb FILE, not both")
    workspace = open_workspace(
        project_dir, include_hidden=include_hidden, parameters=parse_key_values(parameters, "--parameter") or None
    )
    if seeds is not None:
        workspace = _on_seeds(workspace, seeds)
    hidden = workspace.settings.include_hidden
    selected = [s for chunk in selectors for s in chunk.split()] or list(workspace.settings.explores)
    for warning in settings_diagnostics(workspace.project, workspace.settings):
        click.echo(f"pytest-looker: {warning}", err=True)
    if compile_only:
        report = run_validation(workspace, selected, include_hidden=hidden)
        # The loaded project (millions of objects on a large one) lives until the process ends,
        # where the interpreter's last collection would scan all of it (~0.05 s on looker-hub)
        # to find nothing: frozen, it is only freed. At exit, not here, so that a caller running
        # the command in its own process (tests) keeps its collector; nothing that buffers
        # output is alive here (no database, no writer).
        atexit.register(gc.freeze)
        _annotate(workspace, report, output_format)
        missing = _missing_dependencies(workspace)
        _print_report(
            report,
            output_format,
            None,
            missing,
            _seeded(workspace),
            _views(workspace, report, missing),
            _lookml_errors(workspace, report),
        )
        return
    with on_duckdb_file(workspace, duckdb_file) as running:
        show = output_format == "text"
        report, per_explore = _validate_with_progress(running, selected, hidden, show)
        hint = setup_hint(running.settings, (f.message for f in report.failures))
    if hint and output_format == "text":
        click.echo(hint, err=True)
    _annotate(workspace, report, output_format)
    missing = _missing_dependencies(workspace)
    _print_report(
        report,
        output_format,
        per_explore,
        missing,
        _seeded(running),
        _views(workspace, report, missing),
        _lookml_errors(workspace, report),
    )


def _lookml_errors(workspace: Workspace, report: ValidationReport) -> list[Diagnostic]:
    """The project's LookML errors that no failing field already reports (at its file:line).

    A file that does not parse, a view extending one that does not exist, an include that
    matches nothing: their fields are simply not there, so SQL validation alone would pass
    without them. Looker's validator reports them; so does this, and they fail the run."""
    reported = {f"{f.file}:{f.line}" for f in report.failures} | {str(f.cause) for f in report.failures if f.cause}
    return [
        d
        for d in workspace.project.lookml_diagnostics
        if d.severity.value == "error" and f"{d.location.file}:{d.location.line}" not in reported
    ]


def _missing_dependencies(workspace: Workspace) -> list[str]:
    return [d.project for d in workspace.project.manifest.local_dependencies if d.path is None]


def _views(workspace: Workspace, report: ValidationReport, missing: Sequence[str]) -> tuple[set[str], set[str]] | None:
    """Every view a model of the project has, and those of them that extend a view it does
    not have (their fields are incomplete: the missing parent's are not there).

    Only a report with failures in a project missing a dependency reads them (to blame the
    dependency): otherwise ``None``, and no view is decoded from the project cache for it.
    """
    if not (report.failures and missing):
        return None
    known: set[str] = set()
    incomplete: set[str] = set()
    for model in workspace.project.models.values():
        known.update(model.views)
        incomplete.update(v.name for v in model.views.values() if any(p not in model.views for p in v.extends))
    return known, incomplete


def _seeded(workspace: Workspace) -> list[str] | None:
    """The column types the scaffold wrote into the seeds the run reads, if it wrote them."""
    seeds = workspace.settings.seeds
    if seeds is None:
        return None
    from pytest_looker.scaffold.store import MANIFEST, seeded_types  # a run without seeds needs neither

    if not (seeds / MANIFEST).is_file():
        return None
    return seeded_types(seeds)


def _on_seeds(workspace: Workspace, seeds: Path) -> Workspace:
    """``--seeds DIR``: the queries run on an in-memory DuckDB loaded from DIR, whatever the
    configured backend (the counterpart of ``--duckdb FILE`` for ``scaffold data --seeds``)."""
    settings = immutable.replace(
        workspace.settings, backend="duckdb", seeds=seeds.resolve(), duckdb=None, seed_tables={}, url=None
    )
    return Workspace(settings)


def _annotate(workspace: Workspace, report: ValidationReport, output_format: str) -> None:
    """In GitHub Actions (or with annotations = "github"): one annotation per failure at its
    file:line, on stdout where the runner reads workflow commands (not in JSON output)."""
    from pytest_looker.testing.ci import CiProblem, annotations_enabled, github_annotation, repository_path

    if output_format != "text" or not annotations_enabled(workspace.settings.annotations):
        return
    for failure in report.failures:
        path = repository_path(workspace.root / failure.file) if failure.file else None
        title = f"[sql] {failure.model}/{failure.explore} {failure.field}"
        click.echo(github_annotation(CiProblem("error", title, failure.message, path, failure.line)))


def _validate_with_progress(
    workspace: Workspace, selected: list[str], include_hidden: bool, show_progress: bool
) -> tuple[ValidationReport, list[tuple[str, int, int, float]]]:
    """Validate explore by explore, drawing a progress bar on stderr; rows for the summary.

    JSON output gets no progress bar: it is for machines, and some capture both streams.
    """
    explores = select_explores(workspace.project, selected)
    rows: list[tuple[str, int, int, float]] = []
    reports: list[ValidationReport] = []
    with click.progressbar(
        explores,
        label="Validating explores",
        file=sys.stderr if show_progress else io.StringIO(),
        item_show_func=lambda e: f"{e.model}/{e.name}" if e is not None else "",
    ) as bar:
        for explore in bar:
            started = time.perf_counter()
            report = validate_explore(workspace, explore, runner=workspace.runner, include_hidden=include_hidden)
            rows.append(
                (f"{explore.model}/{explore.name}", report.fields, len(report.failures), time.perf_counter() - started)
            )
            reports.append(report)
    return combined(reports), rows


def _print_report(
    report: ValidationReport,
    output_format: str,
    per_explore: list[tuple[str, int, int, float]] | None,
    missing: Sequence[str] = (),
    seeded: Sequence[str] | None = None,
    views: tuple[set[str], set[str]] | None = None,
    lookml_errors: Sequence[Diagnostic] = (),
) -> None:
    known, incomplete = views if views is not None else (set(), set())
    causes = group_failures(
        report.failures,
        missing_dependencies=missing,
        seeded_types=seeded,
        incomplete_views=incomplete,
        known_views=known,
    )
    errors = [{"file": d.location.file, "line": d.location.line, "message": d.message} for d in lookml_errors]
    if output_format == "json":
        click.echo(
            json.dumps({**report.as_json(), "causes": [c.as_json() for c in causes], "lookml_errors": errors}, indent=2)
        )
    else:
        for error in lookml_errors:
            click.echo(f"[lookml] {error}")
        for cause in causes:
            click.echo(_describe(cause))
        for warning in report.warnings:
            where = f"{warning.file}:{warning.line}" if warning.line else (warning.file or "?")
            click.echo(f"[warning] {where}: {warning.model}/{warning.explore} {warning.message}")
        if per_explore is not None:
            click.echo(_summary_table(per_explore))
        click.echo(_totals(report, len(causes)))
        if lookml_errors:
            count = len(lookml_errors)
            click.echo(f"{count} LookML error{'s' if count != 1 else ''} (the fields they hide are not validated)")
    if report.failures or lookml_errors:
        sys.exit(1)


#: How many failing fields a cause lists before "… and N more".
_SHOWN = 5


def _describe(cause: Cause) -> str:
    """One cause: whose problem, what, where, what it breaks, the fix."""
    explores = cause.explores
    scope = f"{cause.fields} field{'s' if cause.fields != 1 else ''} in {len(explores)} explore"
    scope += "s" if len(explores) != 1 else ""
    lines = [f"[{cause.kind}] {cause.summary}"]
    lines += [f"    at {where}" for where in cause.origins]
    lines.append(f"    breaks {scope}:")
    for failure in cause.failures[:_SHOWN]:
        where = f"{failure.file}:{failure.line}" if failure.line else (failure.file or "?")
        field = "every field" if failure.field == "*" else failure.field
        lines.append(f"      {where}: {failure.model}/{failure.explore} {field}")
    if len(cause.failures) > _SHOWN:
        lines.append(f"      ... and {len(cause.failures) - _SHOWN} more")
    if cause.fix:
        lines.append(f"    fix: {cause.fix}")
    return "\n".join(lines)


def _totals(report: ValidationReport, causes: int) -> str:
    """``12 explores, 1469 fields: 1289 validate, 180 fail (12.3%) for 3 causes``."""
    failed = report.failed_fields
    passed = max(report.fields - failed, 0)
    text = f"{report.explores} explores, {report.fields} fields: {passed} validate"
    if failed:
        share = 100.0 * failed / report.fields if report.fields else 100.0
        text += f", {failed} fail ({share:.1f}%) for {causes} cause{'s' if causes != 1 else ''}"
    if report.warnings:
        text += f" ({len(report.warnings)} with a warning: left out of their query by Looker)"
    return text


def _summary_table(rows: list[tuple[str, int, int, float]]) -> str:
    header = ("explore", "fields", "failures", "status", "seconds")
    cells = [(name, str(n), str(bad), "FAIL" if bad else "ok", f"{secs:.2f}") for name, n, bad, secs in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)
