"""A run's results where CI users look: GitHub Actions annotations and a Markdown summary.

Plain functions over plain data (no pytest), so ``pytest-looker validate`` annotates the same
way the plugin does:

* :func:`github_annotation` — a workflow command (``::error file=views/x.view.lkml,line=12,
  title=[sql] m/e::message``); GitHub shows it on the pull request's diff at that line;
* :func:`markdown_summary` — the per-kind table and the failures, for ``$GITHUB_STEP_SUMMARY``,
  a ``--looker-summary FILE`` any CI can publish, or a PR comment.

Paths in annotations are relative to the repository (``GITHUB_WORKSPACE``), which is what GitHub
matches against the diff; LookML locations are relative to the project, so they are re-based.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CiProblem",
    "annotations_enabled",
    "github_annotation",
    "markdown_summary",
    "repository_path",
    "write_step_summary",
]

#: Per kind of item, the outcomes counted (in this order).
OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
_MAX_DETAIL_LINES = 60
_MAX_FAILURES = 50


@dataclass(frozen=True)
class CiProblem:
    """One failure or warning to show: where (a file relative to the repository), what, about what."""

    severity: str  # "error" or "warning"
    title: str
    message: str
    file: str | None = None
    line: int | None = None
    detail: str | None = None


def annotations_enabled(mode: str, environ: Mapping[str, str] | None = None) -> bool:
    """``github`` always; ``auto`` when running in GitHub Actions; ``off`` never."""
    env = os.environ if environ is None else environ
    return mode == "github" or (mode == "auto" and env.get("GITHUB_ACTIONS") == "true")


def repository_path(path: Path, environ: Mapping[str, str] | None = None) -> str:
    """``path`` relative to the repository checkout (``GITHUB_WORKSPACE``, else the working directory)."""
    env = os.environ if environ is None else environ
    base = Path(env.get("GITHUB_WORKSPACE") or Path.cwd()).resolve()
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: CiProblem) -> str:
    """The workflow command for one problem (GitHub's escaping of data and properties)."""
    properties = []
    if problem.file:
        properties.append(f"file={_escape_property(problem.file)}")
        if problem.line:
            properties.append(f"line={problem.line}")
    properties.append(f"title={_escape_property(problem.title)}")
    command = "error" if problem.severity == "error" else "warning"
    return f"::{command} {','.join(properties)}::{_escape_data(problem.message)}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _fence(text: str) -> str:
    """A code block that the text itself cannot close."""
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}text\n{text}\n{fence}"


def markdown_summary(
    counts: Mapping[str, Mapping[str, int]], problems: Sequence[CiProblem], *, title: str = "pytest-looker"
) -> str:
    """The run as Markdown: a headline, the per-kind table, then every failure with its location."""
    totals: dict[str, int] = {}
    for per_kind in counts.values():
        for outcome, number in per_kind.items():
            totals[outcome] = totals.get(outcome, 0) + number
    headline = ", ".join(f"{totals[o]} {o}" for o in OUTCOMES if totals.get(o)) or "no tests ran"
    failed = bool(totals.get("failed") or totals.get("error"))
    lines = [f"## {'❌' if failed else '✅'} {title}: {headline}", ""]
    if counts:
        shown = [o for o in OUTCOMES if totals.get(o)] or ["passed"]
        lines.append("| kind | " + " | ".join(shown) + " |")
        lines.append("|---|" + "---|" * len(shown))
        for kind, per_kind in counts.items():
            lines.append(f"| {_cell(kind)} | " + " | ".join(str(per_kind.get(o, 0)) for o in shown) + " |")
        lines.append("")
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    for heading, group in (("Failures", errors), ("Warnings", warnings)):
        if not group:
            continue
        lines += [f"### {heading} ({len(group)})", ""]
        for problem in group[:_MAX_FAILURES]:
            where = f"`{problem.file}:{problem.line}`" if problem.file and problem.line else f"`{problem.file}`"
            first = problem.message.strip().splitlines()[0] if problem.message.strip() else ""
            lines.append(f"- **{_cell(problem.title)}** {where if problem.file else ''} — {_cell(first)}")
            if problem.detail:
                body = problem.detail.strip().splitlines()
                if len(body) > _MAX_DETAIL_LINES:
                    body = [*body[:_MAX_DETAIL_LINES], f"… {len(body) - _MAX_DETAIL_LINES} more line(s)"]
                lines += ["", "  <details><summary>details</summary>", "", _fence("\n".join(body)), "", "  </details>"]
        if len(group) > _MAX_FAILURES:
            lines.append(f"- … and {len(group) - _MAX_FAILURES} more")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_step_summary(text: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """Append ``text`` to ``$GITHUB_STEP_SUMMARY`` (the job's summary page), if GitHub set it."""
    env = os.environ if environ is None else environ
    target = env.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    path = Path(target)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text + "\n")
    return path
