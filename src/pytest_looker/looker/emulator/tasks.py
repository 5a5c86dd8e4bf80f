"""Async query tasks: ``POST /query_tasks``, polling, ``multi_results`` and cancelling.

Looker runs a task in the background and reports ``added`` → ``running`` → ``complete`` (or
``error``, or ``killed`` once cancelled through ``DELETE /running_queries/{task_id}``). Tasks
run on a small thread pool; the engine lock still serialises the database. An optional
``query_delay_ms`` keeps every task ``running`` for a while before its SQL runs, so clients can
be tested on polling (``202`` from ``/results``), on bounded concurrency and on cancelling.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pytest_looker.looker.emulator.errors import ApiError
from pytest_looker.looker.emulator.formats import Answer, error_data

#: Statuses after which a task never changes again.
FINAL = frozenset({"complete", "error", "killed"})


@dataclass
class Task:
    """One query task and, once it finished, its data or its error."""

    id: str
    query: dict[str, Any]
    result_format: str
    options: dict[str, Any]
    run: Callable[[str], Answer] | None = field(default=None, repr=False)
    status: str = "added"
    answer: Answer | None = None
    error: str | None = None
    runtime: float | None = None
    created_at: float = field(default_factory=time.time)
    cancelled: threading.Event = field(default_factory=threading.Event)

    def as_json(self) -> dict[str, Any]:
        """A ``QueryTask``."""
        return {
            "id": self.id,
            "query_id": self.query.get("id"),
            "query": self.query,
            "generate_links": bool(self.options.get("generate_drill_links")),
            "force_production": bool(self.options.get("force_production")),
            "path_prefix": self.options.get("path_prefix"),
            "cache": self.options.get("cache", True),
            "server_table_calcs": bool(self.options.get("server_table_calcs")),
            "cache_only": bool(self.options.get("cache_only")),
            "cache_key": self.query.get("slug"),
            "status": self.status,
            "source": self.options.get("source"),
            "runtime": self.runtime,
            "rebuild_pdts": bool(self.options.get("rebuild_pdts")),
            "result_source": "query" if self.status == "complete" else None,
            "look_id": self.options.get("look_id"),
            "dashboard_id": self.options.get("dashboard_id"),
            "result_format": self.result_format,
            "can": {},
        }


class TaskManager:
    """Every task of this emulator, executed on a thread pool."""

    def __init__(self, delay_ms: int = 0, workers: int = 4) -> None:
        self._delay = delay_ms / 1000
        self._tasks: dict[str, Task] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="looker-emulator-task")

    def create(
        self, query: dict[str, Any], result_format: str, options: dict[str, Any], run: Callable[[str], Answer]
    ) -> Task:
        """A task that calls ``run(task_id)`` on the pool (the caller binds the engine and format)."""
        task = Task(secrets.token_hex(16), query, result_format, options, run)
        with self._lock:
            self._tasks[task.id] = task
        self._pool.submit(self._run, task)
        return task

    def __len__(self) -> int:
        return len(self._tasks)

    def get(self, task_id: str) -> Task:
        with self._lock:
            task = self._tasks.get(task_id)
        if task is None:
            raise ApiError(404, "Not found")
        return task

    def find(self, task_id: str) -> Task | None:
        with self._lock:
            return self._tasks.get(task_id)

    def running(self) -> list[Task]:
        with self._lock:
            return [t for t in self._tasks.values() if t.status not in FINAL]

    def kill(self, task_id: str) -> None:
        """Cancel a task that has not finished; 404 for unknown or already finished ones."""
        task = self.get(task_id)
        with self._lock:
            if task.status in FINAL:
                raise ApiError(404, "Not found")
            task.status = "killed"
        task.cancelled.set()

    def multi_results(self, task_ids: list[str]) -> dict[str, Any]:
        """``{task_id: {"status", "data"?}}`` as ``GET /query_tasks/multi_results`` answers."""
        answer: dict[str, Any] = {}
        for task_id in task_ids:
            task = self.find(task_id)
            if task is None:
                answer[task_id] = {"status": "missing", "data": None}
            elif task.status in ("complete", "error"):
                data = (
                    task.answer.data if task.answer is not None else error_data(task.result_format, task.id, task.error)
                )
                answer[task_id] = {"status": task.status, "data": data}
            else:
                answer[task_id] = {"status": task.status}
        return answer

    def shutdown(self) -> None:
        for task in self.running():
            task.cancelled.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, task: Task) -> None:
        started = time.perf_counter()
        with self._lock:
            if task.status == "killed":
                return
            task.status = "running"
        if self._delay and task.cancelled.wait(self._delay):
            return
        assert task.run is not None
        try:
            answer = task.run(task.id)
        except ApiError as exc:
            self._finish(task, "error", error=exc.message, started=started)
        except Exception as exc:  # a bug must still end the task, or clients poll forever
            self._finish(task, "error", error=f"internal error: {type(exc).__name__}", started=started)
        else:
            self._finish(
                task, "error" if answer.error else "complete", answer=answer, error=answer.error, started=started
            )

    def _finish(
        self,
        task: Task,
        status: str,
        *,
        started: float,
        answer: Answer | None = None,
        error: str | None = None,
    ) -> None:
        with self._lock:
            if task.status == "killed":
                return
            task.status, task.answer, task.error = status, answer, error
            task.runtime = round(time.perf_counter() - started, 3)
