"""pytest-xdist: ``pytest -n 2`` ÷ a serial run on a public project with many explores.

Usage::

    .venv/bin/python benchmarks/xdist.py [--public DIR] [--project NAME] [--repeat 3] [--workers 2]

The project (default ``rittmananalytics__ra_data_warehouse_lookml``: 38 explores, BigQuery;
``public.py``) is given synthetic data once with ``pytest-looker scaffold data`` (CSV seeds in a
temporary directory), then ``pytest`` runs every item the plugin collects — SQL validation of
each explore on DuckDB (failing fields bisected), data tests, dashboards — serially and with
``-n N``, in A/B pairs (``harness.py``), with a warm project cache. Printed: the medians and the
ratios ``-n N ÷ serial`` of wall seconds (the one that matters to a user waiting) and of CPU
seconds (what the workers' duplicated start-up costs). Target of issue 18: wall < 1.0.

Two cores shared with other processes give ``-n 2`` less than a second core: quote the load
average, and repeat.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import BIN, bench_env, loadavg, pair  # noqa: E402
from public import available  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--public", type=Path, default=None)
    parser.add_argument("--project", default="rittmananalytics__ra_data_warehouse_lookml")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    found = available(args.public, [args.project])
    if not found:
        return 2
    project = found[0]
    work = Path(tempfile.mkdtemp(prefix="pytest-looker-xdist-"))
    try:
        env = bench_env({**project.env, "PYTEST_LOOKER_CACHE_DIR": str(work / "cache")})
        dialect = project.env.get("PYTEST_LOOKER_DIALECT")
        settings = [
            f'[tool.pytest.ini_options]\ntestpaths = ["{project.root}"]\n',
            f'[tool.pytest-looker]\nproject = "{project.root}"\nbackend = "duckdb"\nseeds = "seeds"\naudit = false\n',
        ]
        if dialect:
            settings.append(f'dialect = "{dialect}"\n')
        (work / "pyproject.toml").write_text("".join(settings))
        subprocess.run(
            [str(BIN / "pytest-looker"), "scaffold", "data", "--project", str(project.root), "--seeds", "seeds"],
            cwd=work, env=env, check=True, capture_output=True,
        )  # fmt: skip
        pytest = [str(BIN / "pytest"), "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
        explores = subprocess.run(
            [*pytest, "--collect-only", "-p", "no:xdist"], cwd=work, env=env, capture_output=True, text=True
        ).stdout.count("::sql[")
        print(f"{project.name} ({project.repo}@{project.commit[:12]}): {explores} explores validated")
        print(f"load average {loadavg()} at start; {args.repeat} pairs")
        result = pair([*pytest, "-n", str(args.workers)], [*pytest, "-p", "no:xdist"], args.repeat, env, env, work)
        print(
            f"  -n {args.workers}: {result.median('a', 'wall'):.1f} s wall, {result.median('a', 'cpu'):.1f} s CPU; "
            f"serial: {result.median('b', 'wall'):.1f} s wall, {result.median('b', 'cpu'):.1f} s CPU"
        )
        print(
            f"  -n {args.workers} ÷ serial: {result.ratio('wall'):.2f}x wall, {result.ratio('cpu'):.2f}x CPU "
            f"(exit statuses {sorted(result.statuses)}: 1 = some items failed, as they do on this project)"
        )
        print(f"load average {loadavg()} at end")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
