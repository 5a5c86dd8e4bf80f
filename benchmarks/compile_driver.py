"""Compile a set of single-field explore queries with one tool and time each compile.

Run by ``compile_competitors.py``, each tool with its own interpreter (competitors live in a
throwaway virtualenv, never in ours)::

    PYTHON compile_driver.py TOOL QUERIES.json

TOOL is ``ours`` (pytest-looker), ``agentops`` (lookml-agentops), ``sidemantic`` or
``metrics-layer`` (through the ``lookml-zenml`` converter: it has no LookML reader). Prints one
JSON object: ``{"installed": false}`` when the tool cannot be imported; else the set-up error,
or the seconds of its set-up (reading the project and the warm-up query) and per query the
seconds of its first compile and whether it compiled. Set-up (reading the
project) and one warm-up compile are not timed: what is timed is a query's compile on a loaded
project, the first time that query is asked for, and then again (each row: first seconds,
compiled, seconds asked again).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Compile = Callable[[dict[str, Any]], str]


def setup_ours(root: Path, dialect: str | None) -> Compile:
    os.environ["PYTEST_LOOKER_CACHE_DIR"] = ""
    from pytest_looker.compile import Query, compile_query
    from pytest_looker.lookml import load_project

    project = load_project(root)

    def compile_one(q: dict[str, Any]) -> str:
        return compile_query(
            project, Query(q["model"], q["explore"], fields=[q["field"]], limit=500), dialect=dialect
        ).sql

    return compile_one


def setup_agentops(root: Path, dialect: str | None) -> Compile:
    from lookml_agentops.lookml.resolve import Workspace, load_project, resolve_project
    from lookml_agentops.lookml.sqlgen import build_query

    model = resolve_project(Workspace({"p": load_project("p", root)}), "p")

    def compile_one(q: dict[str, Any]) -> str:
        return str(build_query(model, q["explore"], [q["field"]], [])[0])

    return compile_one


def setup_sidemantic(root: Path, dialect: str | None) -> Compile:
    import logging

    logging.disable(logging.WARNING)
    from sidemantic import SemanticLayer
    from sidemantic.adapters.lookml import LookMLAdapter

    layer = SemanticLayer(auto_register=False)
    layer.graph = LookMLAdapter().parse(root)

    def compile_one(q: dict[str, Any]) -> str:
        ref = f"{q['view']}.{q['name']}"
        if q["category"] == "measure":
            return str(layer.compile(metrics=[ref], limit=500))
        return str(layer.compile(dimensions=[ref], limit=500))

    return compile_one


def setup_metrics_layer(root: Path, dialect: str | None) -> Compile:
    from lookml_zenml.lookml_project import LookMLProjectConverter
    from metrics_layer import MetricsLayerConnection

    out = tempfile.mkdtemp()
    LookMLProjectConverter(in_directory=str(root), out_directory=out).convert()
    connection = MetricsLayerConnection(location=out)

    def compile_one(q: dict[str, Any]) -> str:
        if q["category"] == "measure":
            return str(connection.get_sql_query(metrics=[q["name"]], dimensions=[]))
        return str(connection.get_sql_query(metrics=[], dimensions=[q["name"]]))

    return compile_one


SETUPS: dict[str, Callable[[Path, str | None], Compile]] = {
    "ours": setup_ours,
    "agentops": setup_agentops,
    "sidemantic": setup_sidemantic,
    "metrics-layer": setup_metrics_layer,
}
MODULES = {
    "ours": ("pytest_looker",),
    "agentops": ("lookml_agentops",),
    "sidemantic": ("sidemantic",),
    "metrics-layer": ("metrics_layer", "lookml_zenml"),
}


def main() -> int:
    tool, spec_path = sys.argv[1], Path(sys.argv[2])
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    try:
        for module in MODULES[tool]:
            __import__(module)
    except ImportError:
        print(json.dumps({"installed": False}))
        return 0
    clock = time.perf_counter
    started = clock()
    try:
        compile_one = SETUPS[tool](Path(spec["root"]), spec.get("dialect"))
    except Exception as error:  # a competitor's failure is a result, not a crash
        print(json.dumps({"installed": True, "setup_error": f"{type(error).__name__}: {str(error)[:200]}"}))
        return 0
    queries = spec["queries"]
    with contextlib.suppress(Exception):  # warm-up: lazy imports and first-use caches are not a query's cost
        compile_one(queries[0])
    # What a tool does before its first query (read the project, resolve it up front or not):
    # the per-query figures leave it out, the whole run puts it back.
    setup_seconds = clock() - started
    rows: list[list[Any] | None] = [None]  # the warm-up query is not timed
    for q in queries[1:]:
        started = clock()
        try:
            compile_one(q)
            ok = True
        except Exception:
            ok = False
        rows.append([clock() - started, ok])
    # The same queries asked again, in the same order: what a test suite that compiles the
    # same query in several tests (or runs twice in one process) pays.
    for q, row in zip(queries[1:], rows[1:], strict=True):
        started = clock()
        with contextlib.suppress(Exception):
            compile_one(q)
        assert row is not None
        row.append(clock() - started)
    print(json.dumps({"installed": True, "setup_seconds": setup_seconds, "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
