"""What a record holds: the run record, one record per test item, and webhook deliveries.

Schema version 1. Every record body has ``schema``, ``type``, ``run_id``, and — added by the
store when it is chained — ``seq`` and ``prev``. A run is appended as one batch: its ``run``
record first (who, when, which version of the models, which backend, the totals), then one
``item`` record per test. A ``delivery`` record follows when the summary was posted to a
webhook, so the evidence says whether (and where) the notification went.

Item records keep the hash of every SQL statement an item ran, so an auditor can tell which
query produced a result without the log storing every query; the SQL text itself is kept only
for failures, which the report must show.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "OUTCOMES",
    "RECORD_TYPES",
    "SCHEMA",
    "ItemResult",
    "sql_hash",
]

SCHEMA = 1
RECORD_TYPES = ("run", "item", "delivery")
#: Item outcomes, in the order summaries list them.
OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
#: Longest error text kept per item (the head of a failure report is what explains it).
MAX_ERROR = 20_000
MAX_SQL = 50_000


def sql_hash(sql: str) -> str:
    """sha256 of a statement's text, the key that ties a result to the query that made it."""
    return hashlib.sha256(sql.strip().encode("utf-8")).hexdigest()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"\n… ({len(text) - limit} more characters)"


@dataclass
class ItemResult:
    """One test item's result, merged from its setup, call and teardown reports."""

    nodeid: str
    kind: str = "pytest"
    target: str | None = None
    model: str | None = None
    explore: str | None = None
    view: str | None = None
    test: str | None = None
    location: str | None = None
    outcome: str = "passed"
    duration: float = 0.0
    sql: list[str] = field(default_factory=list)
    rows: int | None = None
    error: str | None = None
    reason: str | None = None

    def add_phase(self, when: str, outcome: str, duration: float, text: str, xfail: bool) -> None:
        """Fold one phase report in: the first failure decides; teardown errors append."""
        self.duration += duration
        if outcome == "passed":
            if when == "call":
                self.outcome = "xpassed" if xfail else "passed"
            return
        if outcome == "skipped":
            if self.outcome in ("passed",):
                self.outcome = "xfailed" if xfail else "skipped"
                self.reason = text or None
            return
        failed = "failed" if when == "call" else "error"
        if self.outcome in ("passed", "xpassed", "skipped", "xfailed"):
            self.outcome = failed
            self.error = text
        else:
            self.error = f"{self.error or ''}\n\n[{when}]\n{text}".strip()

    def body(self, run_id: str) -> dict[str, Any]:
        failed = self.outcome in ("failed", "error")
        return {
            "schema": SCHEMA,
            "type": "item",
            "run_id": run_id,
            "nodeid": self.nodeid,
            "kind": self.kind,
            "target": self.target,
            "model": self.model,
            "explore": self.explore,
            "view": self.view,
            "test": self.test,
            "location": self.location,
            "outcome": self.outcome,
            "duration": round(self.duration, 6),
            "sql_hashes": [sql_hash(s) for s in self.sql],
            "sql": _clip(self.sql[-1], MAX_SQL) if failed and self.sql else None,
            "rows": self.rows,
            "error": _clip(self.error, MAX_ERROR) if self.error else None,
            "reason": _clip(self.reason, 2000) if self.reason else None,
        }
