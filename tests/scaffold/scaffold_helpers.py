"""Shared by the scaffold tests: project paths, copying, and fast inner pytest runs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from click.testing import Result

Cli = Callable[..., Result]

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


def scaffold(cli: Cli, root: Path) -> str:
    result = cli("scaffold", "data", "--project", str(root))
    assert result.exit_code == 0, result.output
    return result.output


def query(cli: Cli, root: Path, explore: str, *fields: str, **options: str) -> list[dict[str, Any]]:
    args = [f"--{name}={value}" for name, value in options.items()]
    result = cli("query", explore, "--fields", ",".join(fields), *args, "--project", str(root), "--format", "json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.output)
    return rows


def seed_sql(sql: str) -> list[tuple[Any, ...]]:
    """``sql`` run on DuckDB directly: the expected values, written without the compiler."""
    with duckdb.connect() as connection:
        return connection.execute(sql).fetchall()


def unordered(rows: Any) -> list[tuple[Any, ...]]:
    """Rows in a canonical order (NULLs included), floats rounded as JSON carries them."""
    canonical = [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in rows]
    return sorted(canonical, key=repr)
