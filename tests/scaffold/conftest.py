"""Fixtures of the scaffold tests: copies of the BigQuery and example projects, and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from scaffold_helpers import BQ_PROJECT, EXAMPLE, copy_project

from pytest_looker.cli import main


def pytest_configure(config: pytest.Config) -> None:
    """Enable pytester here: ``pytest_plugins`` is refused in a conftest below the rootdir."""
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")


@pytest.fixture
def cli() -> Callable[..., Result]:
    """``cli(*args)``: the ``pytest-looker`` command in process."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def bq_project(tmp_path: Path) -> Path:
    return copy_project(BQ_PROJECT, tmp_path / "bq")


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """The example project without its hand-made seeds."""
    return copy_project(EXAMPLE, tmp_path / "example", seeds=False)
