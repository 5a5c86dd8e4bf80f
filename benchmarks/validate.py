"""SQL validation on DuckDB: how much of the time is ours and how much is the database's.

Usage::

    .venv/bin/python benchmarks/validate.py [--repeat 3]

Validates every explore of the example project on an in-memory DuckDB seeded from
``examples/ecommerce/seeds`` (one ``LIMIT 0`` query per explore, bisected on failure: what
``pytest-looker validate`` does), timing the whole run and, separately, the time spent inside
the backend's ``execute``. Printed: fields, queries, total seconds, DuckDB seconds and the
overhead ratio (our time ÷ DuckDB time; below 1.0 means most of the time is DuckDB's). The best
of ``--repeat`` runs is reported, the first run also paying for sqlglot's and DuckDB's warm-up.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pytest_looker.checks.validation import validate
from pytest_looker.lookml import load_project
from pytest_looker.run.duckdb import DuckDBBackend
from pytest_looker.run.result import ResultSet
from pytest_looker.run.runner import LocalRunner
from pytest_looker.settings import Settings
from pytest_looker.workspace import Workspace

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ecommerce"


def run_once() -> tuple[int, int, float, float, int]:
    """(fields, queries, total seconds, seconds inside DuckDB, failures)."""
    project = load_project(EXAMPLE)
    spent = 0.0

    class Timed(DuckDBBackend):
        """The engine, with the time spent inside ``execute`` added up."""

        def execute(self, sql: str) -> ResultSet:
            nonlocal spent
            started = time.perf_counter()
            try:
                return super().execute(sql)
            finally:
                spent += time.perf_counter() - started

    backend = Timed(seeds=EXAMPLE / "seeds")
    workspace = Workspace(Settings(project=EXAMPLE), project=project)
    runner = LocalRunner(workspace.settings, lambda: project, engine=backend)
    try:
        started = time.perf_counter()
        report = validate(workspace, runner=runner)
        total = time.perf_counter() - started
    finally:
        backend.close()
    return report.fields, report.queries, total, spent, len(report.failures)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    runs = [run_once() for _ in range(args.repeat)]
    fields, queries, total, database, failures = min(runs, key=lambda r: r[2])
    ours = total - database
    print(
        f"example project on DuckDB: {fields} fields, {queries} queries, {failures} failures; "
        f"total {total:.3f}s = DuckDB {database:.3f}s + ours {ours:.3f}s; "
        f"overhead ratio (ours/DuckDB) {ours / database:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
