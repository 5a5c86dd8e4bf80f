"""Fixtures for the Lexp tests."""

from __future__ import annotations

import pytest
from lexp_data import native_rows


@pytest.fixture
def orders() -> list[dict[str, object]]:
    """The section 9 result set (sorted by created_date desc) with Python-native values."""
    return native_rows()
