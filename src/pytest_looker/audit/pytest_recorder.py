"""The audit trail's recorder: every item's result of one run, appended to the log at the end.

Registered by :mod:`.pytest_plugin` when a run is recorded; see that module for who writes and
in which order.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_looker.audit.chain import KEY_ENV, Row
from pytest_looker.audit.context import all_explores, backend_identity, secret_urls, versions
from pytest_looker.audit.gitinfo import git_info, lookml_hashes
from pytest_looker.audit.identity import identify
from pytest_looker.audit.records import SCHEMA, ItemResult
from pytest_looker.audit.store import AuditStore, audit_key
from pytest_looker.audit.summary import group_runs, summarize
from pytest_looker.checks.outcome import Target
from pytest_looker.errors import LookerError
from pytest_looker.secrets import Scrubber

if TYPE_CHECKING:
    from pytest_looker.audit.webhook import Delivery
    from pytest_looker.workspace import Workspace

__all__ = ["AuditRecorder"]

#: The report attribute carrying an item's target (set by the core plugin, see its hookspecs).
TARGET_ATTR = "looker_target"
_KIND = "looker_kind"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _phase_text(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple | list) and len(longrepr) == 3:
        return str(longrepr[2])
    return report.longreprtext if longrepr is not None else ""


def _properties(report: pytest.TestReport | pytest.CollectReport) -> list[tuple[str, Any]]:
    return [(str(p[0]), p[1]) for p in getattr(report, "user_properties", []) if len(p) == 2]


class AuditRecorder:
    """Per-run state on the controller: the results so far and, at the end, what was recorded."""

    def __init__(self, config: pytest.Config, workspace: Workspace, path: Path) -> None:
        self.config = config
        self.workspace = workspace
        self.settings = workspace.settings
        self.path = path
        self.run_id = uuid.uuid4().hex
        self.started = _now()
        self._clock = time.perf_counter()
        self.results: dict[str, ItemResult] = {}
        self.recorded: list[Row] = []
        self.error: str | None = None
        self.warning: str | None = None
        self.delivery: Delivery | None = None
        self.skipped: str | None = None
        webhook = self.settings.audit.webhook
        self.scrubber = Scrubber(secret_urls(self.settings), literals=[webhook] if webhook else [])

    # Collecting results (the controller receives every worker's reports here).

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.started = _now()
        self._clock = time.perf_counter()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        entry = self.results.get(report.nodeid)
        if entry is None:
            entry = self.results[report.nodeid] = ItemResult(report.nodeid)
            file, line, _ = report.location
            entry.location = f"{file}:{line + 1}" if line is not None else file
        props = _properties(report)
        for name, value in props:
            if name == _KIND:
                entry.kind = str(value)
            elif name == "looker_rows" and isinstance(value, int):
                entry.rows = value
        entry.sql = [str(v) for n, v in props if n == "sql"]  # the list grows across phases
        described = getattr(report, TARGET_ATTR, None)
        if isinstance(described, dict):
            target = Target.from_dict(described)
            entry.target = _target_name(target)
            entry.location = str(target.location) if target.location else entry.location
            for key in ("model", "explore", "view", "test"):
                if getattr(target, key):
                    setattr(entry, key, str(getattr(target, key)))
        entry.add_phase(report.when or "call", report.outcome, report.duration, _phase_text(report),
                        hasattr(report, "wasxfail"))  # fmt: skip

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed and report.nodeid not in self.results:
            entry = self.results[report.nodeid or "<collection>"] = ItemResult(report.nodeid, kind="collect")
            entry.location = report.nodeid or None
            entry.add_phase("collect", "failed", 0.0, report.longreprtext, False)

    # Recording, then notifying.

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.config.option.collectonly:
            self.skipped = "--collect-only runs no test, so there is nothing to record"
            return
        key = audit_key()
        try:
            bodies = [self._run_body(int(exitstatus)), *(r.body(self.run_id) for r in self.results.values())]
            bodies = [self.scrubber.tree(b) for b in bodies]
            with AuditStore(self.path) as store:
                if key is None and store.last_signed():
                    self.warning = f"the log is signed but {KEY_ENV} is not set: this run's records are unsigned"
                self.recorded = store.append(bodies, key)
        except (LookerError, OSError) as exc:
            self.error = str(exc)
            return
        url = self.settings.audit.webhook
        if url:
            self.delivery = self._notify(url, key)

    def _run_body(self, exitstatus: int) -> dict[str, Any]:
        settings = self.settings
        project = settings.project or Path.cwd()
        outcomes: dict[str, int] = {}
        for result in self.results.values():
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        option = self.config.option
        return {
            "schema": SCHEMA,
            "type": "run",
            "run_id": self.run_id,
            "started": self.started,
            "finished": _now(),
            "duration": round(time.perf_counter() - self._clock, 3),
            "exit_status": exitstatus,
            "counts": dict(sorted(outcomes.items())),
            "items": len(self.results),
            "who": identify(),
            "git": git_info(project, exclude=(self.path,)),
            "lookml": lookml_hashes(project),
            "explores": all_explores(lambda: self.workspace.project),
            "environment": settings.environment,
            "backend": backend_identity(settings, self.workspace.runner.describe()),
            "pytest": {
                "args": list(self.config.invocation_params.args),
                "invocation_dir": str(self.config.invocation_params.dir),
                "rootdir": str(self.config.rootpath),
                "workers": getattr(option, "numprocesses", None),
                "versions": versions(),
            },
        }

    def _notify(self, url: str, key: bytes | None) -> Delivery:
        from pytest_looker.audit.webhook import build_payload, post  # urllib only when a webhook is set

        fmt = self.settings.audit.webhook_format
        rows = self.recorded
        run = group_runs(rows)[0]
        audit = {"head": rows[-1].hash, "seq": rows[-1].seq, "log": self.path.name}
        delivery = post(url, self.scrubber.tree(build_payload(summarize(run), audit, fmt)), fmt=fmt)
        body = {"schema": SCHEMA, "type": "delivery", "run_id": self.run_id, "at": _now(), **delivery.as_dict()}
        try:
            with AuditStore(self.path) as store:
                store.append([self.scrubber.tree(body)], key)
        except (LookerError, OSError) as exc:
            self.error = f"the webhook delivery could not be recorded: {exc}"
        return delivery

    # Reporting.

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        terminalreporter.section("pytest-looker audit")
        if self.skipped is not None:
            terminalreporter.write_line(f"audit: not recorded: {self.skipped}")
            return
        if self.error is not None:
            terminalreporter.write_line(f"audit: NOT RECORDED in {self.path}: {self.error}", red=True)
        elif self.recorded:
            head = self.recorded[-1]
            terminalreporter.write_line(
                f"audit: run {self.run_id} recorded in {self.path} "
                f"(records {self.recorded[0].seq}–{head.seq}, head {head.hash[:16]}"
                f"{', signed' if head.hmac else ''})"
            )
        if self.warning:
            terminalreporter.write_line(f"audit: warning: {self.warning}", yellow=True)
        delivery = self.delivery
        if delivery is None:
            return
        tries = f"{delivery.attempts} attempt{'s' if delivery.attempts != 1 else ''}"
        if delivery.ok:
            terminalreporter.write_line(f"audit: webhook delivered to {delivery.host} ({delivery.format}, {tries})")
        else:
            terminalreporter.write_line(
                f"audit: WEBHOOK FAILED to {delivery.host} after {tries}: {delivery.error}"
                " — the local record is intact",
                red=True,
            )


def _target_name(target: Target) -> str:
    """How the log names an item's target: a unit test by the explore it tests."""
    if target.kind == "unit" and target.model and target.explore:
        return f"{target.model}/{target.explore}"
    return target.label
