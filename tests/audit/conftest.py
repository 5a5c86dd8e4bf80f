"""A small LookML project, in-process pytest runs and the audit CLI for the audit-trail tests."""

from __future__ import annotations

import os
import sqlite3
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from audit_support import FAST, Cli, Project, Run
from click.testing import CliRunner, Result

from pytest_looker.cli import main


@pytest.hookimpl
def pytest_configure(config: pytest.Config) -> None:
    # pytester comes from tests/testing/conftest.py in a full run; this directory may run alone,
    # and a conftest below the rootdir may not declare pytest_plugins.
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")


MODEL = """
connection: "db"
include: "/views/*.view.lkml"
include: "/tests/*.lkml"

explore: orders {}
explore: unused {
  from: orders
}
"""

ORDERS = """
view: orders {
  sql_table_name: shop.orders ;;
  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }
  dimension: amount {
    type: number
    sql: ${TABLE}.amount ;;
  }
  measure: count {
    type: count
  }
}
"""

DATA_TESTS = """
test: four_orders {
  explore_source: orders {
    column: count { field: orders.count }
  }
  assert: four {
    expression: ${orders.count} = 4 ;;
  }
}

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

ORDERS_CSV = "id,amount\n1,10.5\n2,20\n3,5\n4,7.25\n"

SETTINGS = """
[tool.pytest-looker]
project = "."
seeds = "seeds"
now = "2025-01-01T00:00:00Z"
EXPLORES
"""

#: CI markers the identity detection reads; cleared so the outer CI does not leak into tests.
CI_MARKERS = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "JENKINS_URL", "JENKINS_HOME", "BUILDKITE", "TF_BUILD")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("PYTEST_LOOKER_") or n in CI_MARKERS]:
        monkeypatch.delenv(name)
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTEST_LOOKER_CACHE_DIR", "")


@pytest.fixture
def project(pytester: pytest.Pytester, clean_env: None) -> Project:
    """``project(settings_extra="", files={...})`` → the project directory (= the pytest rootdir)."""

    def make(*, settings_extra: str = "", data_tests: str = DATA_TESTS, files: dict[str, str] | None = None) -> Path:
        root = pytester.path
        contents = {
            "shop.model.lkml": MODEL,
            "views/orders.view.lkml": ORDERS,
            "tests/data.lkml": data_tests,
            "seeds/shop/orders.csv": ORDERS_CSV,
            "pyproject.toml": SETTINGS.replace("EXPLORES", textwrap.dedent(settings_extra)),
            **(files or {}),
        }
        for relative, text in contents.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make


@pytest.fixture
def run(pytester: pytest.Pytester) -> Run:
    def runner(*args: str) -> pytest.RunResult:
        return pytester.runpytest(*FAST, *args)

    return runner


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
