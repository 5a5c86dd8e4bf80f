"""The end of a run: per-kind counts in the terminal, and the same results where CI looks.

Registered by the plugin while a project is configured. It runs where pytest's reports arrive —
the only process, or the xdist controller — so one summary is written per run:

* the ``pytest-looker`` terminal section: outcomes per item kind;
* with annotations on (GitHub Actions, or ``annotations = "github"``): one workflow command
  per failure and warning at its LookML file:line, and the Markdown summary appended to
  ``$GITHUB_STEP_SUMMARY``;
* with ``summary = FILE``: the same Markdown written to FILE, for any CI or a PR comment.

Items describe their problems on the report (``looker_problems``, set by the plugin's
``pytest_runtest_makereport`` from the check's outcome); for other tests the failing line is
taken from pytest's own report.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_looker.testing.state import KIND_PROPERTY, LookerState

# The CI outputs (.ci) load when there is a problem to describe or a summary to write: a run
# registers this plugin at configure time, and a passing run without CI outputs never needs them.
if TYPE_CHECKING:
    from pytest_looker.checks.outcome import Outcome, Target
    from pytest_looker.testing.ci import CiProblem

__all__ = ["KIND_ORDER", "PROBLEMS_ATTR", "Reporting", "describe_problems"]

_XDIST_HEADER = re.compile(r"\A\[gw\d+\] .*\n")
KIND_ORDER = ("lookml", "lookml-test", "unit", "sql", "keys", "relationships", "dashboard", "python", "pytest")
#: The report attribute carrying an item's problems as plain dicts (it travels from xdist workers).
PROBLEMS_ATTR = "looker_problems"


def describe_problems(outcome: Outcome, target: Target, root: Path) -> list[dict[str, Any]]:
    """An outcome's problems and warnings as dicts with repository-relative paths."""

    from pytest_looker.testing.ci import repository_path

    def where(location: Any) -> tuple[str | None, int | None]:
        if location is None:
            return None, None
        return repository_path(root / location.file), location.line

    title = f"[{target.kind}] {target.label}"
    found: list[dict[str, Any]] = []
    for problem in outcome.problems:
        file, line = where(problem.location or target.location)
        message = problem.message
        if problem.location is not None:
            message = message.removeprefix(f"{problem.location}: ")  # the annotation says where
        message = f"{problem.field}: {message}" if problem.field else message
        found.append({"severity": "error", "title": title, "message": message, "file": file, "line": line,
                      "detail": problem.detail})  # fmt: skip
    for warning in outcome.warnings:
        file, line = where(warning.location or target.location)
        found.append({"severity": "warning", "title": title, "message": warning.message, "file": file, "line": line})
    return found


class Reporting:
    """Per-kind outcome counts, the terminal summary and the CI outputs of one run."""

    def __init__(self, state: LookerState) -> None:
        self.state = state
        self.all_counts: dict[str, Counter[str]] = {}
        self.problems: list[CiProblem] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count outcomes per item kind (on the xdist controller too: reports carry the kind)."""
        kind = next((str(v) for k, v in report.user_properties if k == KIND_PROPERTY), None)
        if kind is not None and (report.when == "call" or (report.when == "setup" and not report.passed)):
            self.state.counts.setdefault(kind, Counter())[report.outcome] += 1
        if report.when == "call" or not report.passed:  # a setup skip or error is the item's result
            self.all_counts.setdefault(kind or "pytest", Counter())[_outcome(report)] += 1
        self.problems.extend(self._problems(report, kind))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            from pytest_looker.testing.ci import CiProblem, repository_path

            path = Path(str(report.fspath)) if report.fspath else None
            file = repository_path(self.state.config.rootpath / path) if path else None
            lines = report.longreprtext.strip().splitlines()
            self.problems.append(
                CiProblem("error", f"collection error: {report.nodeid or file}", lines[-1] if lines else "",
                          file, None, report.longreprtext)
            )  # fmt: skip

    def _problems(self, report: pytest.TestReport, kind: str | None) -> list[CiProblem]:
        described = getattr(report, PROBLEMS_ATTR, None)
        if not report.failed and not isinstance(described, list):
            return []
        from pytest_looker.testing.ci import CiProblem, repository_path

        if isinstance(described, list):
            return [CiProblem(**d) for d in described if isinstance(d, dict)]
        if not report.failed:
            return []
        file, line = report.location[0], report.location[1]
        text = _XDIST_HEADER.sub("", report.longreprtext).strip()
        crash = getattr(report.longrepr, "reprcrash", None)
        message = str(getattr(crash, "message", "") or "") or (text.splitlines() or ["failed"])[0]
        lineno = line + 1 if line is not None else None
        if crash is not None and Path(str(crash.path)).resolve() == (self.state.config.rootpath / file).resolve():
            lineno = crash.lineno
        target = getattr(report, "looker_target", None)
        label = target.get("label") if isinstance(target, dict) else None
        title = f"[{kind}] {label or report.nodeid}" if kind else report.nodeid
        where = repository_path(self.state.config.rootpath / file)
        return [CiProblem("error", title, message, where, lineno, text)]

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        counts_by_kind = self.state.counts
        if counts_by_kind:
            terminalreporter.section("pytest-looker")
            for kind in sorted(counts_by_kind, key=_kind_rank):
                counts = counts_by_kind[kind]
                text = ", ".join(f"{counts[o]} {o}" for o in ("passed", "failed", "skipped") if counts[o])
                terminalreporter.write_line(f"{kind:<14} {text}")
        if hasattr(self.state.config, "workerinput"):
            return
        self._ci_outputs(terminalreporter)

    def _ci_outputs(self, terminalreporter: Any) -> None:
        from pytest_looker.testing.ci import (
            annotations_enabled,
            github_annotation,
            markdown_summary,
            write_step_summary,
        )

        settings = self.state.settings
        github = annotations_enabled(settings.annotations)
        if not github and settings.summary is None:
            return
        counts = {kind: dict(self.all_counts[kind]) for kind in sorted(self.all_counts, key=_kind_rank)}
        summary = markdown_summary(counts, self.problems)
        if github:
            for problem in self.problems:
                terminalreporter.write_line(github_annotation(problem))
            write_step_summary(summary)
        if settings.summary is not None:
            settings.summary.parent.mkdir(parents=True, exist_ok=True)
            settings.summary.write_text(summary, encoding="utf-8")
            terminalreporter.write_line(f"pytest-looker: summary written to {settings.summary}")


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _outcome(report: pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return "xfailed" if report.skipped else "xpassed"
    if report.failed and report.when != "call":
        return "error"
    return report.outcome
