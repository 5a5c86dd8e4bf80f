"""The shop project as the record/replay tests run it: DECIMAL amounts, no audit, the tripwire."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from record_support import DECIMAL_AMOUNT, INNER_CONFTEST


@pytest.fixture
def shop(shop: Callable[..., Path]) -> Callable[..., Path]:
    """``shop(amount_sql=..., files={...})`` → the shop (pytester's directory) with the live-contact tripwire."""

    def make(*, files: dict[str, str] | None = None, **options: Any) -> Path:
        options.setdefault("amount_sql", DECIMAL_AMOUNT)
        options.setdefault("settings_extra", "audit = false\n")
        return shop(files={"conftest.py": INNER_CONFTEST, **(files or {})}, **options)

    return make
