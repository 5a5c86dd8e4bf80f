"""The shop project with a failing data test, the audit CLI, a tamperer and a webhook receiver."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from audit_support import Cli, Project
from click.testing import CliRunner, Result

from helpers import SHOP_DATA_TESTS
from pytest_looker.cli import main

#: The audit tests run the shop with a failing data test too (big_orders: two of four orders are small).
AUDIT_DATA_TESTS = (
    SHOP_DATA_TESTS
    + """
test: big_orders {
  explore_source: orders {
    column: id { field: orders.id }
    column: amount { field: orders.amount }
  }
  assert: over_eight {
    expression: ${orders.amount} > 8 ;;
  }
}
"""
)


@pytest.fixture
def project(shop: Callable[..., Path]) -> Project:
    """``project(settings_extra="", files={...})`` → the shop with :data:`AUDIT_DATA_TESTS` (= the rootdir)."""

    def make(**options: Any) -> Path:
        return shop(**{"data_tests": AUDIT_DATA_TESTS, **options})

    return make


@pytest.fixture
def cli(pytester: pytest.Pytester) -> Cli:
    """``cli("audit", "verify", ...)`` → click's Result (exit_code, output)."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def raw_db() -> Callable[[Path], Iterator[sqlite3.Connection]]:
    """A tamperer's connection: triggers dropped, so records can be changed like any table."""
    import contextlib

    @contextlib.contextmanager
    def open_raw(path: Path) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("DROP TRIGGER IF EXISTS records_no_update")
        db.execute("DROP TRIGGER IF EXISTS records_no_delete")
        try:
            yield db
        finally:
            db.close()

    return open_raw


@pytest.fixture
def hook() -> Iterator[Callable[..., Any]]:
    """``hook(200)`` / ``hook(500, 200)`` → a running local webhook receiver."""
    from audit_support import Hook

    started: list[Hook] = []

    def start(*statuses: int) -> Hook:
        started.append(Hook(statuses or (200,)))
        return started[-1]

    yield start
    for server in started:
        server.close()
