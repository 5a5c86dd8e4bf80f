"""Load real-world LookML the way a new user would, and report what the loader makes of it.

Usage::

    .venv/bin/python benchmarks/load_public_lookml.py DIR [DIR ...] [--files DIR ...] [-v]

Each ``DIR`` is a checkout of a LookML repository. Its project root is the folder holding
``manifest.lkml`` (the shallowest one), else the deepest folder holding every ``*.model.lkml``,
else ``DIR`` itself. The project is loaded with :func:`pytest_looker.lookml.load_project` and
summarised with the same counts ``pytest-looker inspect`` prints (files, models, explores, views,
fields, errors, warnings). ``--files DIR`` loads every ``.lkml`` file below ``DIR`` on its own,
as a one-file project, twice: under its own name and renamed to ``<stem>.model.lkml`` so the
views and explores it declares are resolved and checked too.

The loader promises never to raise. Any Python exception is printed with its traceback and
makes the script exit 1: it is a loader bug, whatever the input.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable
from pathlib import Path

from pytest_looker.checks.inspection import counts
from pytest_looker.lookml import Project, load_project

COLUMNS = ("files", "models", "explores", "views", "fields", "errors", "warnings")


def project_root(directory: Path) -> Path:
    """Where the LookML project of a checkout starts."""
    manifests = sorted(
        (p for p in directory.rglob("manifest.lkml") if ".git" not in p.parts),
        key=lambda p: len(p.parts),
    )
    if manifests:
        return manifests[0].parent
    models = [p.parent for p in directory.rglob("*.model.lkml") if ".git" not in p.parts]
    if not models:
        return directory
    common = Path(os.path.commonpath([str(m) for m in models]))
    return common if common.is_dir() else directory


def summary(project: Project) -> dict[str, int]:
    numbers = counts(project)
    return {"files": len(project.files), **{k: numbers[k] for k in COLUMNS if k != "files"}}


def load(root: Path) -> tuple[Project | None, str | None, float]:
    """The project, or the traceback of the exception the loader should never have raised."""
    started = time.perf_counter()
    try:
        project = load_project(root, cache_dir=None)
    except Exception:
        return None, traceback.format_exc(), time.perf_counter() - started
    return project, None, time.perf_counter() - started


def report_project(name: str, root: Path, verbose: bool, show: int) -> bool:
    project, failure, seconds = load(root)
    print(f"== {name}  (root: {root})  {seconds:.2f}s")
    if failure is not None or project is None:
        print("   TRACEBACK (loader bug):")
        print("   " + (failure or "").replace("\n", "\n   "))
        return False
    numbers = summary(project)
    print("   " + "  ".join(f"{k}={numbers[k]}" for k in COLUMNS))
    messages = collections.Counter(_kind(d.message) for d in project.diagnostics)
    for kind, count in messages.most_common():
        print(f"   {count:5d} × {kind}")
    listed = project.diagnostics if verbose else project.diagnostics[:show]
    for diagnostic in listed:
        print(f"     {diagnostic}")
    if len(listed) < len(project.diagnostics):
        print(f"     … {len(project.diagnostics) - len(listed)} more (-v shows all)")
    return True


def _kind(message: str) -> str:
    """A diagnostic message with its names removed, to group diagnostics by kind."""
    message = re.sub(r"^[\w.]+: ", "<field>: ", message)
    message = re.sub(r"'[^']*'", "'…'", message)
    message = re.sub(r"\$\{[^}]*\}", "${…}", message)
    message = re.sub(r"\(looked in [^)]*\)|\(first at [^)]*\)|\([^)]*:\d+\)", "(…)", message)
    message = re.sub(r"@\{[^}]*\}", "@{…}", message)
    return re.sub(r"\b\w+\.\w+\b", "…", message)


def report_files(directory: Path, verbose: bool) -> bool:
    """Every ``.lkml`` file below ``directory`` loaded as a one-file project."""
    ok = True
    totals: collections.Counter[str] = collections.Counter()
    files = sorted(p for p in directory.rglob("*.lkml") if p.is_file())
    print(f"== one-file projects from {directory}: {len(files)} files")
    with tempfile.TemporaryDirectory(prefix="try-lookml-") as scratch:
        for number, path in enumerate(files):
            for variant, filename in (("as-is", path.name), ("as-model", _as_model(path.name))):
                root = Path(scratch) / f"{number}-{variant}"
                root.mkdir()
                shutil.copyfile(path, root / filename)
                project, failure, _ = load(root)
                shutil.rmtree(root, ignore_errors=True)
                if failure is not None or project is None:
                    ok = False
                    print(f"   TRACEBACK ({variant}) {path}:")
                    print("   " + (failure or "").replace("\n", "\n   "))
                    continue
                numbers = summary(project)
                totals.update({f"{variant} {k}": v for k, v in numbers.items()})
                totals[f"{variant} projects"] += 1
                if verbose:
                    for diagnostic in project.diagnostics:
                        print(f"     {path.relative_to(directory)} ({variant}): {diagnostic}")
                elif variant == "as-model":
                    for kind in {_kind(d.message) for d in project.errors}:
                        totals[f"error kind: {kind}"] += 1
    for key, value in sorted(totals.items()):
        print(f"   {key}: {value}")
    return ok


def _as_model(name: str) -> str:
    stem = name.split(".", 1)[0]
    return f"{stem}.model.lkml"


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directories", nargs="*", type=Path, help="LookML repository checkouts")
    parser.add_argument("--files", nargs="*", type=Path, default=[], help="load each .lkml file alone")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every diagnostic")
    parser.add_argument("--show", type=int, default=8, help="diagnostics printed per project (default 8)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    ok = True
    for directory in args.directories:
        ok &= report_project(directory.name, project_root(directory.resolve()), args.verbose, args.show)
    for directory in args.files:
        ok &= report_files(directory.resolve(), args.verbose)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
