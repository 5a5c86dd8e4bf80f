"""The yardstick of the load benchmarks: ``lkml.load`` of every ``*.lkml`` file of a project.

Usage::

    .venv/bin/python benchmarks/lkml_only.py PROJECT_ROOT

One process parses every LookML file with ``lkml`` alone and does nothing else — what any tool
built on lkml pays at least. Dashboards (``*.dashboard.lookml``, YAML) are not LookML and are
not parsed; files under ``imported_projects/`` and hidden directories are skipped; a file lkml
rejects is counted. Prints files, characters, failures and seconds.
"""

from __future__ import annotations

import os
import sys
import time

import lkml


def lkml_files(root: str) -> list[str]:
    found = []
    for directory, dirs, files in os.walk(root):
        if directory == root and "imported_projects" in dirs:
            dirs.remove("imported_projects")
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(os.path.join(directory, f) for f in files if f.endswith(".lkml"))
    return sorted(found)


def main() -> int:
    root = sys.argv[1]
    started = time.perf_counter()
    size = failed = 0
    paths = lkml_files(root)
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        size += len(text)
        try:
            lkml.load(text)
        except Exception:
            failed += 1
    print(f"files={len(paths)} chars={size} failed={failed} seconds={time.perf_counter() - started:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
