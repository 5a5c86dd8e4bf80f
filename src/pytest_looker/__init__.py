"""pytest-looker: compile, run and test LookML explores offline or against a warehouse.

The public names are imported lazily, so ``import pytest_looker`` stays cheap for tools that only
need one of them::

    from pytest_looker import load_project, Query, compile_query, assert_rows
"""

from __future__ import annotations

from importlib import import_module as _import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

if _TYPE_CHECKING:
    from pytest_looker.checks.diff import assert_rows
    from pytest_looker.compile import Query, compile_query, compile_sql
    from pytest_looker.errors import LookerError
    from pytest_looker.lookml import load_project
    from pytest_looker.run.query_result import QueryResult
    from pytest_looker.settings import Settings, load_settings
    from pytest_looker.workspace import Workspace

__all__ = [
    "LookerError",
    "Query",
    "QueryResult",
    "Settings",
    "Workspace",
    "assert_rows",
    "compile_query",
    "compile_sql",
    "load_project",
    "load_settings",
]

_HOMES = {
    "LookerError": "pytest_looker.errors",
    "Query": "pytest_looker.compile",
    "compile_query": "pytest_looker.compile",
    "compile_sql": "pytest_looker.compile",
    "Settings": "pytest_looker.settings",
    "load_settings": "pytest_looker.settings",
    "load_project": "pytest_looker.lookml",
    "QueryResult": "pytest_looker.run.query_result",
    "Workspace": "pytest_looker.workspace",
    "assert_rows": "pytest_looker.checks.diff",
}


def __getattr__(name: str) -> _Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'pytest_looker' has no attribute {name!r}")
    return getattr(_import_module(home), name)


def __dir__() -> list[str]:
    """The public names, so help() and completion show them although they load lazily."""
    return sorted(__all__)
