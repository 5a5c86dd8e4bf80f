"""Runs read back from the log, and the summaries and coverage tables built from them.

``audit show``, both exports and the webhook all describe a run the same way, from the stored
(already scrubbed) records — never from live objects — so what is shown or sent is exactly what
the log can prove.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pytest_looker.audit.chain import Row
from pytest_looker.audit.records import OUTCOMES

__all__ = ["Run", "coverage", "group_runs", "summarize"]

#: How much of each failure's text a summary (terminal, webhook) carries.
_SHORT_ERROR = 500
_MAX_FAILURES = 50


@dataclass
class Run:
    """One run's records: the run record, its items and any webhook deliveries."""

    run_id: str
    run: dict[str, Any] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [i for i in self.items if i.get("outcome") in ("failed", "error")]


def group_runs(rows: Iterable[Row]) -> list[Run]:
    """Records grouped by run, in log order; unreadable bodies are skipped (verify reports them)."""
    runs: dict[str, Run] = {}
    for row in rows:
        try:
            body = json.loads(row.body)
        except ValueError:
            continue
        if not isinstance(body, dict):
            continue
        run = runs.setdefault(row.run_id, Run(row.run_id))
        run.seqs.append(row.seq)
        if row.type == "run":
            run.run = body
        elif row.type == "item":
            run.items.append(body)
        elif row.type == "delivery":
            run.deliveries.append(body)
    return list(runs.values())


def _short(text: str | None) -> str | None:
    if not text:
        return text
    return text if len(text) <= _SHORT_ERROR else text[:_SHORT_ERROR] + "…"


def summarize(run: Run) -> dict[str, Any]:
    """The run in one JSON-able table: when, who, what version, where, the totals, the failures."""
    body = run.run
    counts = Counter(str(i.get("outcome")) for i in run.items)
    who = body.get("who") or {}
    git = body.get("git") or {}
    backend = body.get("backend") or {}
    lookml = body.get("lookml") or {}
    failed = counts["failed"] + counts["error"]
    return {
        "run_id": run.run_id,
        "started": body.get("started"),
        "finished": body.get("finished"),
        "duration": body.get("duration"),
        "exit_status": body.get("exit_status"),
        "outcome": "failed" if failed or body.get("exit_status") not in (0, None) else "passed",
        "counts": {o: counts[o] for o in OUTCOMES if counts[o]},
        "items": len(run.items),
        "who": {
            "user": who.get("user"),
            "source": who.get("source"),
            "host": who.get("host"),
            "ci_url": (who.get("ci") or {}).get("url"),
        },
        "git": {"commit": git.get("commit"), "branch": git.get("branch"), "dirty": git.get("dirty")},
        "environment": body.get("environment"),
        "backend": {"name": backend.get("name"), "dialect": backend.get("dialect"), "url": backend.get("url")},
        "lookml": {"files": lookml.get("count"), "digest": lookml.get("digest")},
        "failures": [
            {
                "nodeid": i.get("nodeid"),
                "kind": i.get("kind"),
                "target": i.get("target"),
                "location": i.get("location"),
                "outcome": i.get("outcome"),
                "error": _short(i.get("error")),
                "sql_hash": (i.get("sql_hashes") or [None])[-1],
            }
            for i in run.failures[:_MAX_FAILURES]
        ],
        "records": [min(run.seqs), max(run.seqs)] if run.seqs else None,
    }


def coverage(run: Run) -> list[dict[str, Any]]:
    """Per model and explore: which kinds of checks ran and how they ended.

    Explores of the project that no item touched are listed too (``covered: false``) when the
    run record knows the project's explores: untested explores are what an auditor asks about.
    """
    table: dict[tuple[str, str], dict[str, Any]] = {}

    def entry(model: str, explore: str) -> dict[str, Any]:
        return table.setdefault(
            (model, explore), {"model": model, "explore": explore, "kinds": Counter(), "outcomes": Counter()}
        )

    for name in run.run.get("explores") or []:
        model, _, explore = str(name).partition("/")
        entry(model, explore)
    for item in run.items:
        if not item.get("model"):
            continue
        where = str(item["explore"]) if item.get("explore") else f"(view {item.get('view') or '?'})"
        row = entry(str(item["model"]), where)
        row["kinds"][str(item.get("kind"))] += 1
        row["outcomes"][str(item.get("outcome"))] += 1
    result = []
    for key in sorted(table):
        row = table[key]
        result.append(
            {
                "model": row["model"],
                "explore": row["explore"],
                "covered": bool(row["kinds"]),
                "kinds": dict(sorted(row["kinds"].items())),
                "outcomes": {o: row["outcomes"][o] for o in OUTCOMES if row["outcomes"][o]},
            }
        )
    return result
