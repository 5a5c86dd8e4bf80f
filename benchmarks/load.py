"""Load throughput: cold and warm MB/s, the ratio to lkml alone, and peak memory.

Usage::

    .venv/bin/python benchmarks/load.py [--sizes 1 10 50] [--seed 8] [--repeat 3]

For each size a project is generated once under ``.benchmarks/`` (see ``generate_project.py``)
and measured in fresh processes, one at a time (so peak RSS is the load's own):

* **lkml alone** — ``lkml.parse`` of a deterministic sample of the files (about a fifth of the
  bytes, at least 2 MB): the reference speed the issue compares against;
* **cold** — ``load_project(cache_dir=None)``: parse and resolve everything, no cache at all;
* **warm** — ``load_project`` with a cache directory a previous load filled (files unchanged).
  Views and explores are decoded on first access, so this is the time to a usable project;
* **+all** — the same load followed by reading every view (with its fields) and every explore
  of every model once, as a run over the whole project does (``warm+all s`` and the ratio
  ``cold+all ÷ warm+all``): the warm figure alone does not include decoding them.

Printed per size: MB/s of each, cold ÷ lkml, cold ÷ warm, the cold load's CPU seconds (wall
time on a shared machine includes other processes' turns) and the cold load's peak RSS. With
``--repeat N`` each cold and warm figure is the best of N fresh processes (the machine is
shared: the best run is the one least disturbed). Times vary between machines; the ratios are
what to compare.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_project import ensure_project  # noqa: E402
from harness import child_json  # noqa: E402

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, root, cache = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
files = sorted(p for p in root.rglob("*") if p.suffix in (".lkml", ".lookml"))
size = sum(p.stat().st_size for p in files)
if mode == "lkml":
    import lkml
    sample, taken = [], 0
    lookml_files = [p for p in files if p.suffix == ".lkml"]  # dashboards are YAML, not lkml's
    for index, path in enumerate(lookml_files):
        if index % 5 == 0 or taken < 2_000_000:
            text = path.read_text(encoding="utf-8")
            sample.append(text)
            taken += len(text.encode())
    started = time.perf_counter()
    for text in sample:
        lkml.parse(text)
    wall = time.perf_counter() - started
    size = taken
    cpu = wall_all = wall
else:
    from pytest_looker.lookml import load_project
    started, cpu_started = time.perf_counter(), time.process_time()
    project = load_project(root, cache_dir=None if cache == "-" else Path(cache))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    for model in project.models.values():  # what a run touching the whole project reads
        for view in model.views.values():
            len(view.fields)
        for explore in model.explores.values():
            len(explore.joins)
    wall_all = time.perf_counter() - started
    assert not project.errors, project.errors[:3]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"mb": size / 1e6, "wall": wall, "wall_all": wall_all, "cpu": cpu, "rss_mb": rss}))
"""


def measure(mode: str, root: Path, cache: str, repeat: int = 1) -> dict[str, float]:
    """Run one measurement in fresh interpreters; the figures of the fastest of ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        runs.append(child_json(_CHILD, mode, str(root), cache))
    result: dict[str, float] = min(runs, key=lambda run: run["wall"])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.0, 10.0, 50.0])
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs for cold and warm")
    args = parser.parse_args(argv)
    print(
        f"{'size':>6} {'lkml MB/s':>10} {'cold MB/s':>10} {'cold/lkml':>10} {'cold cpu s':>11} "
        f"{'warm s':>8} {'cold/warm':>10} {'warm+all s':>11} {'+all ratio':>11} {'peak RSS':>9}"
    )
    for size in args.sizes:
        root = ensure_project(size, args.seed)
        lkml = measure("lkml", root, "-")
        cold = measure("cold", root, "-", args.repeat)
        with tempfile.TemporaryDirectory(prefix="pytest-looker-bench-") as cache:
            measure("cold", root, cache)  # fills the parse and project caches
            warm = measure("warm", root, cache, args.repeat)
        lkml_rate = lkml["mb"] / lkml["wall"]
        cold_rate = cold["mb"] / cold["wall"]
        print(
            f"{cold['mb']:>5.1f}M {lkml_rate:>10.2f} {cold_rate:>10.2f} {cold_rate / lkml_rate:>9.1f}x "
            f"{cold['cpu']:>11.2f} {warm['wall']:>8.3f} {cold['wall'] / warm['wall']:>9.1f}x "
            f"{warm['wall_all']:>11.2f} {cold['wall_all'] / warm['wall_all']:>10.1f}x {cold['rss_mb']:>7.0f}MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
