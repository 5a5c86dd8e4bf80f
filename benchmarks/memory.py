"""Memory: what a loaded project keeps, per 10,000 fields, and the peak of whole commands.

Usage::

    .venv/bin/python benchmarks/memory.py [--public DIR] [--only looker-hub ...] [--sizes 1 10]
                                          [--no-public] [--top 8]

Per project (public ones from ``public.py``, generated ones from ``generate_project.py``):

* **tracemalloc** — in a fresh process, ``load_project`` cold (no cache) and then warm (from a
  filled project cache) with every view and explore read, measured by :mod:`tracemalloc`:
  memory retained once loaded (MiB), the peak while loading, **MiB per 10,000 fields** (the
  fields of every view of every model, dimension groups expanded), and with ``--top`` the
  source lines holding the most retained memory;
* **peak RSS** of whole processes: cold ``pytest-looker inspect`` and warm
  ``pytest-looker validate --compile-only`` (the issue's target: ≤ 400 MiB on the looker-hub
  namespaces).

tracemalloc slows the load several times: its figures are sizes, not times.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import BIN, bench_env, child_json, loadavg, run  # noqa: E402
from public import measured_projects  # noqa: E402

_CHILD = r"""
import gc, json, sys, tracemalloc
from pathlib import Path
from pytest_looker.lookml import load_project
root, cache, top = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
tracemalloc.start(1)
project = load_project(root, cache_dir=None if cache == "-" else Path(cache))
fields = 0
for model in project.models.values():
    for view in model.views.values():
        fields += len(view.fields)
    for explore in model.explores.values():
        len(explore.joins)
gc.collect()
retained, peak = tracemalloc.get_traced_memory()
lines = []
if top:
    for stat in tracemalloc.take_snapshot().statistics("lineno")[:top]:
        frame = stat.traceback[0]
        lines.append(f"{stat.size / 2**20:7.1f} MiB  {Path(frame.filename).name}:{frame.lineno}")
print(json.dumps({"retained": retained / 2**20, "peak": peak / 2**20, "fields": fields, "top": lines}))
"""


def traced(root: Path, cache: str, env: dict[str, str], top: int) -> dict[str, object]:
    return child_json(_CHILD, str(root), cache, str(top), env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--public", type=Path, default=None)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--no-public", action="store_true")
    parser.add_argument("--sizes", type=float, nargs="*", default=[1.0, 10.0])
    parser.add_argument("--top", type=int, default=0, help="print the N source lines retaining the most")
    args = parser.parse_args(argv)
    targets = measured_projects(args.public, args.only, public=not args.no_public, sizes=args.sizes)
    print(f"load average {loadavg()}")
    print(
        f"{'project':<48} {'fields':>7} {'cold MiB':>9} {'peak':>7} {'/10k':>6} {'warm MiB':>9} {'/10k':>6} "
        f"{'inspect RSS':>11} {'validate RSS':>12}"
    )
    for name, root, extra in targets:
        cache = Path(tempfile.mkdtemp(prefix="pytest-looker-bench-"))
        try:
            env = bench_env({**extra, "PYTEST_LOOKER_CACHE_DIR": str(cache)})
            one = {**env, "PYTEST_LOOKER_PARSE_WORKERS": "0"}  # tracemalloc does not follow a forked parser
            cold = traced(root, "-", one, args.top)
            traced(root, str(cache), one, 0)  # fills the caches
            warm = traced(root, str(cache), one, 0)
            inspect_command = [str(BIN / "pytest-looker"), "inspect", "--project", str(root)]
            inspect = run(inspect_command, {**env, "PYTEST_LOOKER_CACHE_DIR": ""})
            validate = run([str(BIN / "pytest-looker"), "validate", "--compile-only", "--project", str(root)], env)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        per = 10_000 / max(int(cold["fields"]), 1)  # type: ignore[call-overload]
        print(
            f"{name:<48} {cold['fields']:>7} {cold['retained']:>9.1f} {cold['peak']:>7.1f} "
            f"{float(cold['retained']) * per:>6.1f} {warm['retained']:>9.1f} {float(warm['retained']) * per:>6.1f} "  # type: ignore[arg-type]
            f"{inspect.peak_mib:>11.0f} {validate.peak_mib:>12.0f}",
            flush=True,
        )
        for line in cold["top"]:  # type: ignore[attr-defined]
            print(f"      {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
