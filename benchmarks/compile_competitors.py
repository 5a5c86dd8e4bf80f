"""Per-query compile time: pytest-looker vs lookml-agentops, sidemantic and metrics-layer.

Usage::

    .venv/bin/python benchmarks/compile_competitors.py --competitor-python PY [PY ...]
                     [--public DIR] [--only NAME ...] [--sizes 1] [--max 400] [--rounds 3]

The competitors are never dependencies of this project: install them in a throwaway virtualenv
(``pip install lookml-agentops sidemantic``; ``metrics-layer lookml-zenml`` need an older
sqlglot, so a second one) and pass its interpreter with ``--competitor-python`` (or
``$PYTEST_LOOKER_COMPETITOR_PYTHON``, several separated by ``os.pathsep``). A tool no given
interpreter can import is reported as not installed and skipped.

The queries: single-field queries on every explore of the project, as pytest-looker lists its
selectable fields (``explore_fields``), a deterministic stride sample of at most ``--max``. Each
tool compiles them in its own process (``compile_driver.py``): reading the project and one
warm-up query are not timed; each other query is timed the first time it is asked for, then
once more after all of them (asked again).
Rounds run the tools in turn (ours, then each competitor, then ours again…), and each
round gives a ratio per competitor: its median per-query time ÷ ours, over the queries both
compiled. Printed per project and tool: queries compiled, median ms (ours and theirs), the
median ratio over the rounds (above 1: the competitor is slower), the same for the queries
asked a second time in the same process ("again": what a suite compiling a query in several
tests pays; pytest-looker remembers plans, the competitors do not), the whole run in ms
(reading the project, what a tool resolves up front and every query once: lookml-agentops
renders the whole project when it reads it, pytest-looker renders a field when it is first
asked for, and every field of an explore once a caller has gone through several), and over the
set the geometric mean per tool. The acceptance of issue 18: no slower than lookml-agentops.

"Compiled" means the tool returned SQL without raising; it does not mean the SQL is right
(lookml-agentops refuses measures that fan out, sidemantic drops cross-view references). The
public projects are read from their checkouts (``public.py``: repo and commit recorded in
``public_projects.json``); the query sets are written to a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_project import ensure_project  # noqa: E402
from harness import geometric_mean, loadavg  # noqa: E402
from public import available  # noqa: E402

DRIVER = HERE / "compile_driver.py"
COMPETITORS = ("agentops", "sidemantic", "metrics-layer")
#: Public projects every competitor can read at least partly (see docs/performance.md).
DEFAULT_PROJECTS = (
    "llooker__data-block-census",
    "spectacles-ci__demo-looker-repo",
    "rittmananalytics__ra_data_warehouse_lookml",
    "llooker__bridge_snowflake_lookml",
    "llooker__atomfashion_bq",
)


def query_set(root: Path, limit: int) -> dict[str, Any]:
    """Single-field queries on every explore pytest-looker can scope, stride-sampled."""
    os.environ["PYTEST_LOOKER_CACHE_DIR"] = ""
    from pytest_looker.checks.validation import explore_fields, select_explores
    from pytest_looker.compile.scope import scope_for
    from pytest_looker.errors import LookerError
    from pytest_looker.lookml import load_project

    project = load_project(root)
    queries = []
    for explore in select_explores(project, []):
        try:
            fields = explore_fields(project, explore)
            scope = scope_for(project, project.models[explore.model], explore)
        except LookerError:
            continue
        for name, field in fields:
            alias = name.split(".")[0]
            queries.append(
                {"model": explore.model, "explore": explore.name, "field": name, "view": scope.view(alias).name,
                 "name": field.name, "category": field.category.value}
            )  # fmt: skip
    step = max(1, len(queries) // limit)
    return {"root": str(root), "total_fields": len(queries), "queries": queries[::step][:limit]}


def drive(python: str, tool: str, spec_path: Path) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [python, str(DRIVER), tool, str(spec_path)], capture_output=True, text=True, env=env, timeout=1800, check=False
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"installed": True, "setup_error": (done.stderr.strip().splitlines() or ["no output"])[-1][:200]}
    result: dict[str, Any] = json.loads(lines[-1])
    if "setup_error" in result:
        result["setup_error"] = " ".join(result["setup_error"].split())[:120]
    return result


def find_interpreters(given: list[str]) -> dict[str, str]:
    """Tool → the first given interpreter that can import it."""
    found: dict[str, str] = {}
    modules = {
        "agentops": "lookml_agentops",
        "sidemantic": "sidemantic",
        "metrics-layer": "metrics_layer, lookml_zenml",
    }
    for python in given:
        for tool in COMPETITORS:
            if tool in found:
                continue
            probe = subprocess.run([python, "-c", f"import {modules[tool]}"], capture_output=True, check=False)
            if probe.returncode == 0:
                found[tool] = python
    return found


def median_ms(rows: list[Any], indexes: list[int], column: int = 0) -> float:
    return statistics.median(rows[i][column] for i in indexes) * 1000


def whole_ms(run: dict[str, Any], indexes: list[int]) -> float:
    """Set-up (reading the project, anything resolved up front, the warm-up query) plus every
    query's first compile: what a run that asks each of these queries once pays."""
    return (run["setup_seconds"] + sum(run["rows"][i][0] for i in indexes)) * 1000


def measure(name: str, root: Path, interpreters: dict[str, str], limit: int, rounds: int, work: Path) -> dict[str, Any]:
    spec = query_set(root, limit)
    spec_path = work / f"{name.replace(' ', '_')}.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    runs: dict[str, list[dict[str, Any]]] = {"ours": [], **{tool: [] for tool in interpreters}}
    for _ in range(rounds):
        runs["ours"].append(drive(sys.executable, "ours", spec_path))
        for tool, python in interpreters.items():
            runs[tool].append(drive(python, tool, spec_path))
    ours = runs["ours"]
    ours_ok = {i for i, row in enumerate(ours[0].get("rows", [])) if row and row[1]}
    result: dict[str, Any] = {"queries": len(spec["queries"]) - 1, "fields": spec["total_fields"], "tools": {}}
    result["tools"]["ours"] = {"compiled": len(ours_ok)}
    for tool in interpreters:
        first = runs[tool][0]
        if "rows" not in first:
            result["tools"][tool] = {"error": first.get("setup_error", "not installed")}
            continue
        theirs_ok = {i for i, row in enumerate(first["rows"]) if row and row[1]}
        common = sorted(ours_ok & theirs_ok)
        entry: dict[str, Any] = {"compiled": len(theirs_ok), "common": len(common)}
        if common:
            ratios = [
                median_ms(t["rows"], common) / median_ms(o["rows"], common)
                for o, t in zip(ours, runs[tool], strict=True)
                if "rows" in t and "rows" in o
            ]
            again = [
                median_ms(t["rows"], common, 2) / median_ms(o["rows"], common, 2)
                for o, t in zip(ours, runs[tool], strict=True)
                if "rows" in t and "rows" in o
            ]
            whole = [
                whole_ms(t, common) / whole_ms(o, common)
                for o, t in zip(ours, runs[tool], strict=True)
                if "rows" in t and "rows" in o
            ]
            entry.update(
                ours_whole_ms=statistics.median(whole_ms(o, common) for o in ours if "rows" in o),
                theirs_whole_ms=statistics.median(whole_ms(t, common) for t in runs[tool] if "rows" in t),
                whole_ratio=statistics.median(whole),
                ours_ms=statistics.median(median_ms(o["rows"], common) for o in ours),
                theirs_ms=statistics.median(median_ms(t["rows"], common) for t in runs[tool] if "rows" in t),
                ratio=statistics.median(ratios),
                ours_again_ms=statistics.median(median_ms(o["rows"], common, 2) for o in ours),
                theirs_again_ms=statistics.median(median_ms(t["rows"], common, 2) for t in runs[tool] if "rows" in t),
                again_ratio=statistics.median(again),
            )
        result["tools"][tool] = entry
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--competitor-python", nargs="*", default=None, help="interpreters of throwaway venvs")
    parser.add_argument("--public", type=Path, default=None, help="where the public projects are (public.py)")
    parser.add_argument("--only", nargs="*", default=list(DEFAULT_PROJECTS), help="public projects (name parts)")
    parser.add_argument("--sizes", type=float, nargs="*", default=[], help="generated projects (MB)")
    parser.add_argument("--max", type=int, default=400, help="queries per project")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    given = args.competitor_python
    if given is None:
        given = [p for p in os.environ.get("PYTEST_LOOKER_COMPETITOR_PYTHON", "").split(os.pathsep) if p]
    interpreters = find_interpreters(given)
    for tool in COMPETITORS:
        if tool not in interpreters:
            print(f"({tool} is not installed in any given interpreter: skipped)")
    targets = [(p.name, p.root) for p in available(args.public, args.only)]
    targets += [(f"generated {size:g} MB", ensure_project(size)) for size in args.sizes]
    print(f"load average {loadavg()} at start; {args.rounds} rounds, tools in turn; ratio = theirs / ours (>1: slower)")
    print(
        f"{'project':<46} {'tool':<14} {'compiled':>9} {'common':>7} {'ours ms':>8} {'theirs ms':>9} {'ratio':>7}"
        f" {'again: ours':>11} {'theirs':>7} {'ratio':>6} {'whole: ours':>11} {'theirs':>7} {'ratio':>6}"
    )
    ratios: dict[str, list[float]] = {tool: [] for tool in interpreters}
    again: dict[str, list[float]] = {tool: [] for tool in interpreters}
    whole: dict[str, list[float]] = {tool: [] for tool in interpreters}
    with tempfile.TemporaryDirectory(prefix="pytest-looker-compile-") as work:
        for name, root in targets:
            result = measure(name, root, interpreters, args.max, args.rounds, Path(work))
            total = result["queries"]
            print(f"{name:<46} {'ours':<14} {result['tools']['ours']['compiled']:>5}/{total:<3}", flush=True)
            for tool in interpreters:
                entry = result["tools"][tool]
                if "error" in entry:
                    print(f"{'':<46} {tool:<14} setup failed: {entry['error']}", flush=True)
                    continue
                line = f"{'':<46} {tool:<14} {entry['compiled']:>5}/{total:<3} {entry['common']:>7}"
                if "ratio" in entry:
                    ratios[tool].append(entry["ratio"])
                    again[tool].append(entry["again_ratio"])
                    line += f" {entry['ours_ms']:>8.3f} {entry['theirs_ms']:>9.3f} {entry['ratio']:>7.2f}"
                    ours_again, theirs_again = entry["ours_again_ms"], entry["theirs_again_ms"]
                    line += f" {ours_again:>11.3f} {theirs_again:>7.3f} {entry['again_ratio']:>6.2f}"
                    whole[tool].append(entry["whole_ratio"])
                    ours_whole, theirs_whole = entry["ours_whole_ms"], entry["theirs_whole_ms"]
                    line += f" {ours_whole:>11.1f} {theirs_whole:>7.1f} {entry['whole_ratio']:>6.2f}"
                print(line, flush=True)
    for tool, values in ratios.items():
        if values:
            print(
                f"{tool}: per-query compile {geometric_mean(values):.2f}x ours over {len(values)} projects "
                f"(geometric mean; range {min(values):.2f}-{max(values):.2f}; above 1 = slower than ours); "
                f"asked again {geometric_mean(again[tool]):.2f}x; whole run (read + each query once) "
                f"{geometric_mean(whole[tool]):.2f}x"
            )
    print(f"load average {loadavg()} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
