"""pytest-looker's testing layer: the pytest plugin and helpers for Python tests.

Importing this package does not import pytest: ``assert_rows`` and :class:`QueryResult` are
plain Python, and the plugin (:mod:`pytest_looker.testing.plugin`) is loaded by pytest itself
through the ``pytest11`` entry point.
"""

from pytest_looker.checks.diff import RowsDiff, assert_rows, compare_rows
from pytest_looker.run.query_result import QueryResult

__all__ = ["QueryResult", "RowsDiff", "assert_rows", "compare_rows"]
