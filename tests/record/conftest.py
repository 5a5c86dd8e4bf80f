"""pytester and the DuckDB shop project for the record/replay tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from record_support import write_shop

#: Inner pytest runs skip the heavy plugins this venv has (not tested here).
FAST = ("-p", "no:benchmark", "-p", "no:hypothesispytest", "-p", "no:cacheprovider")


@pytest.hookimpl
def pytest_configure(config: pytest.Config) -> None:
    # pytester comes from tests/testing/conftest.py in a full run; this directory may run alone.
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")


@pytest.fixture
def shop(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """``shop(amount_sql=..., files={...})`` → the project directory (pytester's)."""
    for name in [n for n in os.environ if n.startswith(("PYTEST_LOOKER_", "RECORD_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PYTEST_LOOKER_CACHE_DIR", "")

    def make(**options: object) -> Path:
        return write_shop(pytester.path, **options)  # type: ignore[arg-type]

    return make


@pytest.fixture
def run(pytester: pytest.Pytester) -> Callable[..., pytest.RunResult]:
    """``run(*args)``: an in-process inner pytest run."""

    def runner(*args: str) -> pytest.RunResult:
        return pytester.runpytest(*FAST, *args)

    return runner
