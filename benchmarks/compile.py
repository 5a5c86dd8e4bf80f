"""Compile throughput: queries per second and how compile time scales with project size.

Usage::

    .venv/bin/python benchmarks/compile.py [--sizes 1 5 10] [--seed 8] [--single 2000]

Measured, each in this process after loading the project (loading is ``benchmarks/load.py``'s
business and is not timed here):

* **validate --compile-only** — :func:`pytest_looker.validation.validate` without a database:
  one single-field query per selectable field of every explore, on the example project and on
  generated projects (``generate_project.py``; 5 MB ≈ 1,400 views, 10 MB ≈ 2,800 views);
* **single-field queries on the giant explore** — ``--single`` random single-field queries
  (dimension or measure, seeded) on the generated explore with ~650 joins (or as many as the
  project has), the case where per-query work proportional to the explore would show.

Printed: queries, seconds, queries/s, and for the generated projects the compile time per MB
relative to the smallest size — flat (≈1.0x) means compile time grows linearly with size.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_project import ensure_project  # noqa: E402

from pytest_looker.checks.validation import explore_fields, validate  # noqa: E402
from pytest_looker.compile import Query, compile_query  # noqa: E402
from pytest_looker.lookml import Project, load_project  # noqa: E402
from pytest_looker.settings import Settings  # noqa: E402
from pytest_looker.workspace import Workspace  # noqa: E402

EXAMPLE = HERE.parent / "examples" / "ecommerce"


def project_size(root: Path) -> float:
    return sum(p.stat().st_size for p in root.rglob("*") if p.suffix in (".lkml", ".lookml")) / 1e6


def compile_all(project: Project) -> tuple[int, float, int]:
    """(queries, seconds, failures) of a whole compile-only validation."""
    started = time.perf_counter()
    report = validate(Workspace(Settings(project=project.root), project=project))
    return report.fields, time.perf_counter() - started, len(report.failures)


def single_queries(project: Project, model: str, explore_name: str, count: int, seed: int) -> tuple[int, float]:
    explore = project.explore(model, explore_name)
    names = [name for name, _ in explore_fields(project, explore)]
    rng = random.Random(seed)
    chosen = [rng.choice(names) for _ in range(count)]
    started = time.perf_counter()
    for name in chosen:
        compile_query(project, Query(model, explore_name, fields=[name]))
    return count, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.0, 5.0, 10.0])
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--single", type=int, default=2000, help="single-field queries on the giant explore")
    args = parser.parse_args(argv)

    example = load_project(EXAMPLE)
    queries, seconds, failures = compile_all(example)
    print(
        f"example project: validate --compile-only {queries} queries in {seconds:.2f}s = {queries / seconds:,.0f} q/s"
    )
    count, seconds = single_queries(example, "ecommerce", "order_items", args.single, args.seed)
    print(f"example project: {count} single-field queries on order_items = {count / seconds:,.0f} q/s")

    print()
    print(
        f"{'size':>6} {'views':>6} {'joins':>6} {'queries':>8} {'fail':>5} {'seconds':>8} {'q/s':>7} "
        f"{'s/MB':>7} {'vs first':>9}"
    )
    first: float | None = None
    for size in args.sizes:
        root = ensure_project(size, args.seed)
        project = load_project(root)
        mb = project_size(root)
        views = len(project.models["main"].views)
        giant = project.explore("main", "everything")
        queries, seconds, failures = compile_all(project)
        per_mb = seconds / mb
        first = first or per_mb
        print(
            f"{mb:>5.1f}M {views:>6} {len(giant.joins):>6} {queries:>8} {failures:>5} {seconds:>8.1f} "
            f"{queries / seconds:>7,.0f} {per_mb:>7.2f} {per_mb / first:>8.2f}x"
        )
        count, seconds = single_queries(project, "main", "everything", args.single, args.seed)
        print(f"       single-field queries on 'everything' ({len(giant.joins)} joins): {count / seconds:,.0f} q/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
