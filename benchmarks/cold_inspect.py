"""Whole-process ``pytest-looker inspect``: cold ÷ lkml alone, and warm ÷ cold, per project.

Usage::

    .venv/bin/python benchmarks/cold_inspect.py [--public DIR] [--only NAME...] [--sizes 1 10]
                                                [--repeat 5] [--no-public]

For each public project (``public.py``; repo and commit in ``public_projects.json``) and each
generated project (``generate_project.py``, with dashboards) three whole processes are timed
in pairs (``harness.py``: A B A B…, median of the pair ratios, CPU seconds first):

* **cold** — ``pytest-looker inspect --project ROOT`` with caching off
  (``PYTEST_LOOKER_CACHE_DIR=``): start-up, reading, parsing (dashboards included), resolving,
  checking and printing;
* **lkml** — ``lkml_only.py ROOT``: one process parsing every ``.lkml`` file with lkml alone;
* **warm** — the same ``inspect`` with a cache directory a previous run filled.

and, in-process (a fresh interpreter per measurement, ``harness.child_json``), the **load phase**
of ``inspect`` alone — the project load plus what the report reads (dashboards, diagnostics,
counts: ``inspect_text``) — cold (caching off) and warm (the cache filled), after the modules
either path imports were imported: Python's start-up and imports, the same for both, are
excluded. Whole-process warm ÷ cold cannot reach 0.1 on a project whose cold run is well under
a second (Python's start-up and the imports are its floor); the load phase can.

Printed per project: MB of LookML, share of dashboard bytes, cold CPU seconds, cold ÷ lkml
(CPU and wall; below 1.0 = faster than lkml alone), warm ÷ cold (CPU and wall), peak RSS of
the cold run, and the load phase's cold ÷ warm (CPU, in-process: "N× faster warm"). Then over
the set: how many projects are at least as fast as lkml, the pooled ratio (all lkml CPU seconds
÷ all cold CPU seconds: "N× faster over the set"), and the geometric mean of the per-project
ratios. The acceptance of issue 18: cold ≤ lkml on every project,
≥ 4.5× faster pooled; warm ≥ 10× faster than cold.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_project import ensure_project  # noqa: E402
from harness import BIN, bench_env, child_json, geometric_mean, loadavg, median_of, pair  # noqa: E402
from public import available  # noqa: E402


def dashboard_share(root: Path) -> float:
    lookml = sum(p.stat().st_size for p in root.rglob("*.lkml"))
    boards = sum(p.stat().st_size for p in root.rglob("*.dashboard.lookml"))
    return boards / max(lookml + boards, 1)


_PHASE = r"""
import json, sys, time
import pytest_looker.lookml.resolve, pytest_looker.lookml.fastparse, pytest_looker.lookml.yamlsubset
import pytest_looker.lookml.projectcache, pytest_looker.lookml.fastyaml, pickle, yaml
from pytest_looker.checks.inspection import inspect_text
from pytest_looker.workspace import Workspace
workspace = Workspace.open(project_dir=sys.argv[1])
cpu = time.process_time()
inspect_text(workspace.project)
print(json.dumps({"cpu": time.process_time() - cpu}))
"""


def load_phase(root: Path, env: dict[str, str], cache: Path, repeat: int) -> float:
    """Median CPU of the cold load phase ÷ that of the warm one (fresh interpreters, in turn)."""
    cold_env = bench_env({**env, "PYTEST_LOOKER_CACHE_DIR": ""})
    warm_env = bench_env({**env, "PYTEST_LOOKER_CACHE_DIR": str(cache)})
    child_json(_PHASE, str(root), env=warm_env)  # fills the cache if the whole-process runs did not
    cold, warm = [], []
    for _ in range(repeat):
        cold.append(child_json(_PHASE, str(root), env=cold_env)["cpu"])
        warm.append(child_json(_PHASE, str(root), env=warm_env)["cpu"])
    return median_of(cold) / max(median_of(warm), 1e-9)


def measure(name: str, root: Path, env: dict[str, str], repeat: int) -> dict[str, float]:
    inspect = [str(BIN / "pytest-looker"), "inspect", "--project", str(root)]
    cold_env = bench_env({**env, "PYTEST_LOOKER_CACHE_DIR": ""})
    lkml = [sys.executable, str(HERE / "lkml_only.py"), str(root)]
    cold_vs_lkml = pair(inspect, lkml, repeat, env_a=cold_env)
    cache = Path(tempfile.mkdtemp(prefix="pytest-looker-bench-"))
    try:
        warm_env = bench_env({**env, "PYTEST_LOOKER_CACHE_DIR": str(cache)})
        warm_vs_cold = pair(inspect, inspect, repeat, env_a=warm_env, env_b=cold_env)  # warm-up fills the cache
        phase = load_phase(root, env, cache, repeat)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    lkml_mb = sum(p.stat().st_size for p in root.rglob("*.lkml")) / 1e6
    return {
        "mb": lkml_mb,
        "share": dashboard_share(root),
        "cold_cpu": cold_vs_lkml.median("a", "cpu"),
        "lkml_cpu": cold_vs_lkml.median("b", "cpu"),
        "cold_lkml_cpu": cold_vs_lkml.ratio("cpu"),
        "cold_lkml_wall": cold_vs_lkml.ratio("wall"),
        "warm_cold_cpu": warm_vs_cold.ratio("cpu"),
        "warm_cold_wall": warm_vs_cold.ratio("wall"),
        "peak": cold_vs_lkml.median("a", "peak_mib"),
        "phase": phase,
        "status": max(cold_vs_lkml.statuses - {1}, default=0),  # 1 = the project has errors: fine
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--public", type=Path, default=None, help="where the public projects are (public.py)")
    parser.add_argument("--only", nargs="*", default=None, help="public projects whose name contains one of these")
    parser.add_argument("--no-public", action="store_true")
    parser.add_argument("--sizes", type=float, nargs="*", default=[1.0, 10.0], help="generated projects (MB)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    targets: list[tuple[str, Path, dict[str, str], int]] = []
    if not args.no_public:
        for project in available(args.public, args.only):
            big = project.lkml_mb > 10
            targets.append((project.name, project.root, project.env, max(2, args.repeat // 2) if big else args.repeat))
    for size in args.sizes:
        targets.append((f"generated {size:g} MB", ensure_project(size), {}, args.repeat))
    print(f"load average {loadavg()} at start; median of {args.repeat} pairs (fewer for projects > 10 MB)")
    header = (
        f"{'project':<52} {'MB':>6} {'dash':>5} {'cold cpu s':>10} {'cold/lkml cpu':>13} {'wall':>6} "
        f"{'warm/cold cpu':>13} {'wall':>6} {'peak MiB':>8} {'load phase cold/warm':>20}"
    )
    print(header)
    rows = []
    for name, root, env, repeat in targets:
        row = measure(name, root, env, repeat)
        rows.append((name, row))
        flag = "" if row["status"] == 0 else f"  (exit {row['status']})"
        print(
            f"{name:<52} {row['mb']:>6.2f} {row['share']:>5.0%} {row['cold_cpu']:>10.2f} "
            f"{row['cold_lkml_cpu']:>13.2f} {row['cold_lkml_wall']:>6.2f} {row['warm_cold_cpu']:>13.3f} "
            f"{row['warm_cold_wall']:>6.3f} {row['peak']:>8.0f} {row['phase']:>19.1f}x{flag}",
            flush=True,
        )
    public = [row for name, row in rows if not name.startswith("generated")]
    if public:
        faster = sum(row["cold_lkml_cpu"] <= 1.0 for row in public)
        pooled = sum(row["lkml_cpu"] for row in public) / sum(row["cold_cpu"] for row in public)
        print(
            f"public projects: cold inspect at least as fast as lkml alone on {faster} of {len(public)} (CPU); "
            f"over the set {pooled:.2f}x faster than lkml (pooled CPU), geometric mean of cold/lkml "
            f"{geometric_mean([row['cold_lkml_cpu'] for row in public]):.2f}; warm/cold geometric mean "
            f"{geometric_mean([row['warm_cold_cpu'] for row in public]):.3f} (CPU), worst "
            f"{max(row['warm_cold_cpu'] for row in public):.3f}; load phase warm at least 10x faster than cold on "
            f"{sum(row['phase'] >= 10 for row in public)} of {len(public)} (worst "
            f"{min(row['phase'] for row in public):.1f}x)"
        )
    print(f"load average {loadavg()} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
