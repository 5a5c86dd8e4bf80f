"""pytest-looker's testing layer: the pytest plugin and helpers for Python tests.

Importing this package does not import pytest: ``assert_rows`` and :class:`QueryResult` are
plain Python, and the plugin (:mod:`pytest_looker.testing.plugin`) is loaded by pytest itself
through the ``pytest11`` entry point.

The helpers are imported on first use (PEP 562 ``__getattr__``): pytest imports this package
to load the plugin in every run, and a run that never compares rows need not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_looker.checks.diff import RowsDiff, assert_rows, compare_rows
    from pytest_looker.run.query_result import QueryResult

__all__ = ["QueryResult", "RowsDiff", "assert_rows", "compare_rows"]


def __getattr__(name: str) -> Any:
    if name == "QueryResult":
        from pytest_looker.run.query_result import QueryResult

        return QueryResult
    if name in ("RowsDiff", "assert_rows", "compare_rows"):
        from pytest_looker.checks import diff

        return getattr(diff, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
