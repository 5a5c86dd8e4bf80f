"""Shared by the scaffold tests: project paths, copying, and fast inner pytest runs."""

from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
BQ_PROJECT = HERE / "projects" / "bq_ecommerce"
EXAMPLE = HERE.parents[1] / "examples" / "ecommerce"
#: Inner pytest runs skip the heavy plugins of this venv (about a second per run).
FAST = ("-p", "no:benchmark", "-p", "no:hypothesispytest", "-p", "no:cacheprovider")


def copy_project(source: Path, target: Path, *, seeds: bool = True) -> Path:
    """A copy of a LookML project (without generated state; without seeds unless asked)."""
    ignore = shutil.ignore_patterns(".pytest-looker", "__pycache__", *(() if seeds else ("seeds",)))
    shutil.copytree(source, target, ignore=ignore, dirs_exist_ok=True)
    return target
