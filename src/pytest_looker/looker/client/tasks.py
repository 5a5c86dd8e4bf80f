"""Many queries through Looker's async query tasks, never more than the per-user limit at once.

Looker runs at most 15 queries per user and queues the rest for up to 600 s (reference §5);
a test run that fired every query at once would starve the user's other work and risk
dropped queries. So: create a query (Looker de-duplicates identical ones), start a task for
it, keep at most ``query_concurrency`` tasks in flight, and poll them together with
``query_task_multi_results`` (up to 250 ids per call, as Spectacles does). On an interrupt or
an error the tasks still running are cancelled, so Looker does not keep working for nobody.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections import deque
from collections.abc import Sequence
from typing import Any

from looker_sdk.rtl.model import DelimSequence
from looker_sdk.sdk.api40 import models as m

from pytest_looker.compile import Query
from pytest_looker.errors import LookerError
from pytest_looker.looker.client.errors import LookerAPIError
from pytest_looker.looker.client.queries import write_query
from pytest_looker.looker.client.sdk import LookerClient
from pytest_looker.run.query_result import QueryResult

__all__ = ["run_query_tasks"]

POLL_BATCH = 250
TASK_TIMEOUT = 900.0


def run_query_tasks(
    client: LookerClient,
    queries: Sequence[Query],
    *,
    limit: int | None = None,
    timeout: float = TASK_TIMEOUT,
) -> list[QueryResult | LookerError]:
    """Run ``queries``; each slot of the answer is the rows or the error of that query."""
    sdk = client.sdk
    concurrency = client.options.query_concurrency
    results: list[QueryResult | LookerError | None] = [None] * len(queries)
    pending = deque(enumerate(queries))
    running: dict[str, int] = {}
    started: dict[str, float] = {}
    peak = client.extra.get("peak_tasks", 0)
    delay = 0.05
    try:
        while pending or running:
            while pending and len(running) < concurrency:
                index, query = pending.popleft()
                try:
                    # model and view are required by the SDK's Query model (reference §1.9.6)
                    created = sdk.create_query(write_query(query, limit=limit), fields="id,model,view")
                    task = sdk.create_query_task(
                        m.WriteCreateQueryTask(query_id=str(created.id), result_format=m.ResultFormat.json),
                        fields="id",
                        cache=False,
                    )
                except LookerError as exc:
                    results[index] = exc
                    continue
                running[str(task.id)] = index
                started[str(task.id)] = time.monotonic()
                peak = max(peak, len(running))
            if not running:
                continue
            ids = list(running)[:POLL_BATCH]
            answer: dict[str, Any] = dict(sdk.query_task_multi_results(DelimSequence(ids)))
            progressed = False
            for task_id in ids:
                entry = answer.get(task_id) or {}
                status = str(entry.get("status") or "missing")
                index = running[task_id]
                query = queries[index]
                if status in ("added", "running", "pending"):
                    if time.monotonic() - started[task_id] > timeout:
                        _kill(client, task_id)
                        results[index] = LookerAPIError(f"query on {query.model}/{query.explore} timed out in Looker")
                    else:
                        continue
                elif status == "complete":
                    results[index] = _rows(entry.get("data"), query)
                else:
                    reason = _error_text(status, entry.get("data"))
                    results[index] = LookerAPIError(
                        f"Looker could not run the query on {query.model}/{query.explore}: {reason}"
                    )
                del running[task_id]
                progressed = True
            if running:
                delay = 0.05 if progressed else min(1.0, delay * 1.5)
                time.sleep(delay)
    except BaseException:
        for task_id in list(running):
            _kill(client, task_id)
        raise
    finally:
        client.extra["peak_tasks"] = peak
    return [r if r is not None else LookerAPIError("query was not run") for r in results]


def _kill(client: LookerClient, task_id: str) -> None:
    with contextlib.suppress(LookerError):
        client.sdk.kill_query(task_id)


def _rows(data: Any, query: Query) -> QueryResult | LookerError:
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except ValueError:
            return LookerAPIError(f"Looker returned rows that are not JSON for {query.model}/{query.explore}")
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        data = data["rows"]
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        data = data["data"]
    if not isinstance(data, list):
        return LookerAPIError(f"Looker returned no rows list for {query.model}/{query.explore}")
    for row in data:
        if isinstance(row, dict) and "looker_error" in row:
            return LookerAPIError(
                f"Looker could not run the query on {query.model}/{query.explore}: {row['looker_error']}"
            )
    return QueryResult(list(data), tuple(query.fields), "", query.model, query.explore)


def _error_text(status: str, data: Any) -> str:
    if isinstance(data, dict):
        if data.get("error"):
            return str(data["error"])
        errors = data.get("errors")
        if isinstance(errors, list) and errors:
            return "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)
        rows = data.get("rows")
        if isinstance(rows, list) and rows and isinstance(rows[0], dict) and "looker_error" in rows[0]:
            return str(rows[0]["looker_error"])
    return {"killed": "the query was killed", "expired": "the query expired", "missing": "the task is unknown"}.get(
        status, f"status {status}"
    )
