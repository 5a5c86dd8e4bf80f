"""A/B against another checkout: cold ``inspect`` and the plugin's collection overhead, interleaved.

Usage::

    .venv/bin/python benchmarks/ab.py --base ../base/.venv/bin [--public DIR] [--only NAME...]
                                      [--repeat 5] [--collection-only | --inspect-only]

``--base`` is the ``bin`` directory of the other checkout's virtualenv (e.g. main's commit in a
``git worktree``). Each round runs, in turn, this checkout's command, the base's and the yardstick,
so that both see the same moment of a shared machine; printed are medians of per-round CPU ratios:

* **inspect** — ``pytest-looker inspect`` cold (caching off) of each public project: this ÷ lkml,
  base ÷ lkml, this ÷ base, then the pooled ratios (all lkml CPU ÷ all ``inspect`` CPU);
* **collection** — ``pytest --collect-only`` with the plugin ÷ with ``-p no:looker`` (warm caches,
  one cache directory per checkout) on the example project and ``llooker__bridge_snowflake_lookml``
  (``startup.py``'s directories): the overhead of each checkout.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import BIN, bench_env, loadavg, run  # noqa: E402
from public import available  # noqa: E402
from startup import EXAMPLE, _test_dir  # noqa: E402


def inspect_rounds(base: Path, public: Path | None, names: list[str] | None, repeat: int) -> None:
    totals = {"new": 0.0, "base": 0.0, "lkml": 0.0}
    for project in available(public, names):
        env = bench_env({**project.env, "PYTEST_LOOKER_CACHE_DIR": ""})
        commands = {
            "new": [str(BIN / "pytest-looker"), "inspect", "--project", str(project.root)],
            "base": [str(base / "pytest-looker"), "inspect", "--project", str(project.root)],
            "lkml": [sys.executable, str(HERE / "lkml_only.py"), str(project.root)],
        }
        cpu: dict[str, list[float]] = {k: [] for k in commands}
        for index in range(repeat + 1):  # the first round warms the file cache
            for key, command in commands.items():
                seconds = run(command, env).cpu
                if index:
                    cpu[key].append(seconds)
        ratio = {
            pair: statistics.median(a / b for a, b in zip(cpu[pair[0]], cpu[pair[1]], strict=True))
            for pair in (("new", "lkml"), ("base", "lkml"), ("new", "base"))
        }
        for key in totals:
            totals[key] += statistics.median(cpu[key])
        print(
            f"  {project.name:<52} this/lkml {ratio['new', 'lkml']:.2f}  base/lkml {ratio['base', 'lkml']:.2f}"
            f"  this/base {ratio['new', 'base']:.2f}",
            flush=True,
        )
    if totals["new"]:
        pooled_new, pooled_base = totals["lkml"] / totals["new"], totals["lkml"] / totals["base"]
        print(f"  pooled: lkml/this {pooled_new:.2f}x, lkml/base {pooled_base:.2f}x")


def collection_rounds(base: Path, public: Path | None, repeat: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="pytest-looker-ab-"))
    try:
        projects: list[tuple[str, Path]] = [("example project", EXAMPLE)]
        projects += [(p.name, p.root) for p in available(public, ["llooker__bridge_snowflake_lookml"])]
        for index, (label, root) in enumerate(projects):
            directory = _test_dir(work / f"run{index}", root)
            overhead: dict[str, list[float]] = {"this": [], "base": []}
            for round_index in range(repeat + 1):
                for key, bin_dir in (("this", BIN), ("base", base)):
                    env = bench_env({"PYTEST_LOOKER_CACHE_DIR": str(work / f"cache-{key}")})
                    pytest = [str(bin_dir / "pytest"), "--collect-only", "-q", "-p", "no:cacheprovider"]
                    with_plugin, without = (
                        run(pytest, env, directory),
                        run([*pytest, "-p", "no:looker"], env, directory),
                    )
                    if round_index:
                        overhead[key].append(with_plugin.cpu / without.cpu)
            this, other = statistics.median(overhead["this"]), statistics.median(overhead["base"])
            print(f"  plugin on collection, {label:<40} this {this:.3f}x, base {other:.3f}x of plain pytest (CPU)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, required=True, help="bin/ of the other checkout's virtualenv")
    parser.add_argument("--public", type=Path, default=None)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--collection-only", action="store_true")
    parser.add_argument("--inspect-only", action="store_true")
    args = parser.parse_args(argv)
    print(f"A/B against {args.base}, median of {args.repeat} rounds (load average {loadavg()}):")
    if not args.inspect_only:
        collection_rounds(args.base, args.public, args.repeat)
    if not args.collection_only:
        inspect_rounds(args.base, args.public, args.only, args.repeat)
    print(f"(load average {loadavg()} at end)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
