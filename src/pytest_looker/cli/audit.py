"""``pytest-looker audit verify|show|export``.

Exit codes follow the CLI's contract: ``verify`` exits 0 when the log is intact and 1 when it
is not (or cannot be read); a missing log or bad option is usage, 2. The HMAC key, when set in
``PYTEST_LOOKER_AUDIT_KEY``, is used to check signatures; it is never printed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pytest_looker.audit.chain import KEY_ENV, Verification
from pytest_looker.audit.store import DEFAULT_LOG, AuditStore, audit_key
from pytest_looker.audit.summary import summarize
from pytest_looker.cli.errors import user_errors
from pytest_looker.errors import ConfigurationError

__all__ = ["audit"]

F = TypeVar("F", bound=Callable[..., Any])


def default_log() -> Path:
    """``audit_log`` from the settings, else ``.pytest-looker/audit.db`` beside pyproject.toml.

    pytest puts the log under its rootdir, which for a configured project is the directory of
    its pyproject.toml; run from elsewhere, pass ``--log``.
    """
    from pytest_looker.settings import load_settings

    settings = load_settings()
    if settings.audit.log is not None:
        return settings.audit.log
    base = settings.source.parent if settings.source is not None else Path.cwd()
    return base / DEFAULT_LOG


def log_option(function: F) -> F:
    return click.option(
        "--log",
        "log",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Audit log file (default: audit_log setting, else .pytest-looker/audit.db beside pyproject.toml).",
    )(function)


def _open(log: Path | None) -> AuditStore:
    return AuditStore(log or default_log(), create=False)


@click.group("audit")
def audit() -> None:
    """The audit trail: verify, show and export the hash-chained log of test runs."""


@audit.command()
@log_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@user_errors
def verify(log: Path | None, output_format: str) -> None:
    """Check that no record was changed, deleted, inserted or reordered (exit 0 intact, 1 not)."""
    with _open(log) as store:
        result = store.verify(audit_key())
    if output_format == "json":
        click.echo(json.dumps({"log": str(store.path), **result.as_dict()}, indent=2))
    else:
        click.echo(_verify_text(str(store.path), result))
    sys.exit(0 if result.ok else 1)


def _verify_text(path: str, result: Verification) -> str:
    hmac_note = "HMAC checked" if result.key_used else "HMAC not checked"
    if result.ok:
        lines = [f"{path}: intact — {result.records} record(s), {result.signed} signed, {hmac_note}"]
        if result.head_hash:
            lines.append(f"head {result.head_hash}")
    else:
        first = result.problems[0]
        lines = [f"{path}: NOT INTACT — first bad record: {first.seq or 'the log itself'} ({hmac_note})"]
        lines += [f"  {p}" for p in result.problems]
    lines += [f"note: {n}" for n in result.notes]
    if not result.key_used:
        lines.append(f"note: {UNSIGNED_NOTE}")
    return "\n".join(lines)


#: What a chain without a key can and cannot prove (said on every unkeyed verify).
UNSIGNED_NOTE = (
    f"without {KEY_ENV} the chain detects changed, deleted, inserted and reordered records, but not a"
    " consistent rewrite of the whole log; sign runs with a key (pytest-looker audit keygen) and verify with it"
)


@audit.command()
def keygen() -> None:
    """Print a new random signing key for PYTEST_LOOKER_AUDIT_KEY (store it as a CI secret)."""
    import secrets

    click.echo(secrets.token_hex(32))
    click.echo(
        f"Store this as a secret and set {KEY_ENV} to it wherever pytest records runs and wherever"
        " `pytest-looker audit verify` checks them. Runs recorded with it are signed (HMAC-SHA256);"
        " the key itself is never written to the log.",
        err=True,
    )


@audit.command()
@log_option
@click.option("--run", "run_id", default=None, help="One run (its id or a prefix) in detail.")
@click.option("--last", type=int, default=20, show_default=True, help="How many recent runs to list.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@user_errors
def show(log: Path | None, run_id: str | None, last: int, output_format: str) -> None:
    """Summarise the recorded runs (or one run and its failures)."""
    from pytest_looker.audit.export import select_runs

    with _open(log) as store:
        rows = list(store.rows())
    runs = select_runs(rows, run_id)
    if run_id is not None and not runs:
        raise ConfigurationError(f"no run {run_id!r} in the audit log")
    if run_id is None:
        runs = runs[-last:] if last > 0 else runs
    summaries = [summarize(r) for r in runs]
    if output_format == "json":
        click.echo(json.dumps(summaries, indent=2, ensure_ascii=False))
        return
    if not summaries:
        click.echo("no runs recorded")
    for s in summaries:
        click.echo(_show_line(s))
        if run_id is not None:
            click.echo(_show_detail(s))


def _show_line(s: dict[str, Any]) -> str:
    git = s["git"]
    counts = ", ".join(f"{n} {o}" for o, n in s["counts"].items()) or "no items"
    version = f"{git['branch'] or '?'}@{(git['commit'] or 'unknown')[:8]}{'+dirty' if git['dirty'] else ''}"
    who = f"{s['who']['user']} ({s['who']['source']})"
    env = s["environment"] or "-"
    return f"{s['run_id'][:12]}  {s['started']}  {s['outcome']:<6}  {counts}  {version}  env={env}  {who}"


def _show_detail(s: dict[str, Any]) -> str:
    lines = [
        f"  finished {s['finished']} ({s['duration']} s), exit status {s['exit_status']}",
        f"  backend {s['backend']['name']} {s['backend']['url'] or ''}".rstrip(),
        f"  LookML {s['lookml']['files']} file(s), digest {s['lookml']['digest']}",
    ]
    if s["who"]["ci_url"]:
        lines.append(f"  CI {s['who']['ci_url']}")
    for f in s["failures"]:
        first = (f["error"] or "").strip().splitlines()
        lines.append(f"  {f['outcome'].upper()} {f['nodeid']} [{f['kind']}] {first[0] if first else ''}")
    return "\n".join(lines)


@audit.command("export")
@log_option
@click.option("--format", "output_format", type=click.Choice(["json", "html"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File (default: stdout).")
@click.option("--run", "run_id", default=None, help="Only this run (its id or a prefix).")
@user_errors
def export(log: Path | None, output_format: str, output: Path | None, run_id: str | None) -> None:
    """Export runs as JSON or as a self-contained HTML report (with the chain's verification status)."""
    from pytest_looker.audit.export import export_html, export_json, select_runs

    with _open(log) as store:
        verification = store.verify(audit_key())
        rows = list(store.rows())
        path = str(store.path)
    runs = select_runs(rows, run_id)
    if run_id is not None and not runs:
        raise ConfigurationError(f"no run {run_id!r} in the audit log")
    text = (
        export_json(rows, runs, verification, path)
        if output_format == "json"
        else export_html(runs, verification, path)
    )
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(
            f"wrote {output} ({len(runs)} run(s); chain {'intact' if verification.ok else 'NOT INTACT'})", err=True
        )
