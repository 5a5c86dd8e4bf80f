"""Fixtures of the planner tests: the `shop` project and a DuckDB loaded with its data."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from shop import SHOP

from helpers import duckdb_loaded
from pytest_looker.lookml import load_project
from pytest_looker.lookml.model import Project


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(SHOP)


@pytest.fixture
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    yield from duckdb_loaded((SHOP / "data.sql").read_text())
