"""Start-up cost: ``pytest-looker --help`` and the pytest plugin on collection, as ratios.

Usage::

    .venv/bin/python benchmarks/startup.py [--repeat 9] [--public DIR] [--project NAME]

Whole processes in A/B pairs (``harness.py``: A B A B…, the median of the pair ratios; CPU
seconds, which other processes on a shared machine do not inflate, and wall seconds):

* ``pytest-looker --help`` ÷ ``python -c pass`` — the CLI imports a command's module only when
  that command runs, so ``--help`` pays for click and the command table (target ≤ 8×);
* plugin overhead on collection, **inert** — ``pytest --collect-only`` of a directory of plain
  Python tests with no LookML project configured, with the plugin ÷ with ``-p no:looker``: what
  every pytest run pays once the package is installed;
* plugin overhead on collection, **active** — the same with a LookML project configured
  (DuckDB backend, warm project cache): the example project and a public project
  (``--project``, default ``llooker__bridge_snowflake_lookml``; ``public.py``). The plugin then
  loads the project and makes its items; plain pytest collects only the Python tests.

Target of issue 18: overhead ≤ 15% (ratio ≤ 1.15).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import BIN, ROOT, bench_env, loadavg, pair  # noqa: E402
from public import available  # noqa: E402

EXAMPLE = ROOT / "examples" / "ecommerce"


def _test_dir(base: Path, project: Path | None) -> Path:
    """A directory with ten plain tests, and ``project`` configured (DuckDB) when given."""
    base.mkdir(parents=True)
    (base / "tests").mkdir()
    for index in range(10):
        (base / "tests" / f"test_{index}.py").write_text(f"def test_{index}():\n    assert {index} + 1 > {index}\n")
    settings = '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
    if project is not None:
        settings = f'[tool.pytest.ini_options]\ntestpaths = ["tests", "{project}"]\n\n'
        settings += f'[tool.pytest-looker]\nproject = "{project}"\nbackend = "duckdb"\naudit = false\n'
    (base / "pyproject.toml").write_text(settings)
    return base


def collection(directory: Path, repeat: int, cache: Path) -> tuple[float, float]:
    pytest = [str(BIN / "pytest"), "--collect-only", "-q", "-p", "no:cacheprovider"]
    env = bench_env({"PYTEST_LOOKER_CACHE_DIR": str(cache)})
    result = pair(pytest, [*pytest, "-p", "no:looker"], repeat, env_a=env, env_b=env, cwd=directory)
    return result.ratio("cpu"), result.ratio("wall")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--public", type=Path, default=None)
    parser.add_argument("--project", default="llooker__bridge_snowflake_lookml")
    args = parser.parse_args(argv)
    print(f"start-up, median of {args.repeat} pairs (load average {loadavg()}):")
    helped = pair([str(BIN / "pytest-looker"), "--help"], [sys.executable, "-c", "pass"], args.repeat)
    print(
        f"  pytest-looker --help ÷ python -c pass: {helped.ratio('cpu'):.1f}x CPU, {helped.ratio('wall'):.1f}x wall "
        f"({helped.median('a', 'cpu') * 1000:.0f} ms CPU)"
    )
    projects: list[tuple[str, Path | None]] = [("inert (no project)", None), ("active: example project", EXAMPLE)]
    projects += [(f"active: {p.name}", p.root) for p in available(args.public, [args.project])]
    work = Path(tempfile.mkdtemp(prefix="pytest-looker-startup-"))
    try:
        for index, (label, project) in enumerate(projects):
            directory = _test_dir(work / f"run{index}", project)
            cpu, wall = collection(directory, args.repeat, work / "cache")
            print(f"  plugin on collection, {label:<48} {cpu:.2f}x CPU, {wall:.2f}x wall of plain pytest")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"(load average {loadavg()} at end)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
