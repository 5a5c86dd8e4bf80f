"""The small public API of `import pytest_looker`: every advertised name resolves and works."""

from __future__ import annotations

from pathlib import Path

import pytest

import pytest_looker

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ecommerce"


def test_every_public_name_resolves_and_is_listed() -> None:
    assert dir(pytest_looker) == sorted(pytest_looker.__all__)
    for name in pytest_looker.__all__:
        assert getattr(pytest_looker, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = pytest_looker.nope  # type: ignore[attr-defined]


def test_load_compile_from_the_top_level() -> None:
    project = pytest_looker.load_project(EXAMPLE)
    sql = pytest_looker.compile_sql(project, pytest_looker.Query("ecommerce", "orders", fields=["orders.count"]))
    assert sql.lstrip().upper().startswith("SELECT") and "COUNT(*)" in sql.upper()
