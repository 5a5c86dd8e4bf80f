"""``validate --compile-only`` throughput: fields per second on public and generated projects.

Usage::

    .venv/bin/python benchmarks/validate_fields.py [--public DIR] [--only looker-hub ...]
                                                   [--sizes 1 10] [--no-public] [--repeat 2]
                                                   [--profile OUT.prof]

Each project is measured in a fresh process (its own environment, e.g. the BigQuery dialect of
Mozilla's projects; ``public_projects.json``) after a warm-up load that fills the project cache:

* **in-process** — the validation alone (:func:`pytest_looker.checks.validation.validate`
  without a runner: every selectable field of every explore compiled in the model's dialect),
  load excluded: fields, failures, CPU seconds, **fields/s (CPU)** and fields/s (wall);
* **whole process** — ``pytest-looker validate --compile-only`` (warm cache): start-up, load
  and the report included, fields/s of CPU seconds.

The acceptance of issue 18: ≥ 20,000 fields/s on the looker-hub namespaces. ``--profile`` writes
a cProfile of the in-process validation of the (first) project for ``pstats``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import BIN, bench_env, child_json, loadavg, median_of, run  # noqa: E402
from public import measured_projects  # noqa: E402

_CHILD = r"""
import cProfile, json, sys, time
from pathlib import Path
from pytest_looker.checks.validation import validate
from pytest_looker.workspace import Workspace
root, profile = Path(sys.argv[1]), sys.argv[2]
workspace = Workspace.open(project_dir=root)
project = workspace.project
started, cpu = time.perf_counter(), time.process_time()
if profile != "-":
    profiler = cProfile.Profile()
    report = profiler.runcall(validate, workspace)
    profiler.dump_stats(profile)
else:
    report = validate(workspace)
wall, cpu = time.perf_counter() - started, time.process_time() - cpu
print(json.dumps({"fields": report.fields, "failures": len(report.failures), "explores": report.explores,
                  "wall": wall, "cpu": cpu}))
"""


def in_process(root: Path, env: dict[str, str], profile: str = "-") -> dict[str, float]:
    return child_json(_CHILD, str(root), profile, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--public", type=Path, default=None)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--no-public", action="store_true")
    parser.add_argument("--sizes", type=float, nargs="*", default=[1.0, 10.0])
    parser.add_argument("--repeat", type=int, default=2, help="runs per figure (median)")
    parser.add_argument("--profile", default="-")
    args = parser.parse_args(argv)
    targets = measured_projects(args.public, args.only, public=not args.no_public, sizes=args.sizes)
    print(f"load average {loadavg()} at start; median of {args.repeat} runs")
    print(
        f"{'project':<48} {'explores':>8} {'fields':>7} {'fail':>6} {'cpu s':>7} {'fields/s cpu':>12} "
        f"{'wall':>8} {'whole-process f/s cpu':>21}"
    )
    for index, (name, root, extra) in enumerate(targets):
        cache = Path(tempfile.mkdtemp(prefix="pytest-looker-bench-"))
        try:
            env = bench_env({**extra, "PYTEST_LOOKER_CACHE_DIR": str(cache)})
            runs = [in_process(root, env, args.profile if index == 0 else "-") for _ in range(args.repeat)]
            command = [str(BIN / "pytest-looker"), "validate", "--compile-only", "--project", str(root)]
            whole = [run(command, env).cpu for _ in range(args.repeat)]
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        fields = runs[0]["fields"]
        cpu = median_of([r["cpu"] for r in runs])
        wall = median_of([r["wall"] for r in runs])
        print(
            f"{name:<48} {runs[0]['explores']:>8.0f} {fields:>7.0f} {runs[0]['failures']:>6.0f} {cpu:>7.2f} "
            f"{fields / cpu:>12,.0f} {fields / wall:>8,.0f} {fields / median_of(whole):>21,.0f}",
            flush=True,
        )
    print(f"load average {loadavg()} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
