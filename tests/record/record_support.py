"""What the record/replay tests add to the shop project: Python tests and a live-contact tripwire.

The inner ``conftest.py`` (:data:`INNER_CONFTEST`) makes opening any backend raise ``LIVE
CONTACT`` when ``RECORD_FORBID_LIVE`` is set: a replay that passes under it provably touched
nothing live.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: Amounts as DECIMAL(10,2): replay must give back Decimal values, not floats.
DECIMAL_AMOUNT = "CAST(${TABLE}.amount AS DECIMAL(10,2))"

#: Python tests: one uses orders.amount (total_amount), the others do not.
QUERIES = """
import datetime
from decimal import Decimal


def test_counts_by_status(looker):
    result = looker.query("shop/orders", fields=["orders.status", "orders.count"], sorts=["orders.status"])
    assert result.rows == [
        {"orders.status": "cancelled", "orders.count": 4 - 3},
        {"orders.status": "complete", "orders.count": 3},
    ]


def test_dates_keep_their_type(looker):
    result = looker.query("shop/orders", fields=["orders.created_date"], sorts=["orders.created_date"])
    assert result.column("orders.created_date") == [
        datetime.date(2024, 1, 5), datetime.date(2024, 1, 20), datetime.date(2024, 2, 1), datetime.date(2024, 2, 11)
    ]


def test_amount_total(looker):
    result = looker.query("shop/orders", fields=["orders.total_amount"], filters={"orders.status": "complete"})
    (total,) = result.column("orders.total_amount")
    assert total == TOTAL and type(total).__name__ == TOTAL_TYPE, repr(total)
"""

INNER_CONFTEST = """
import os

import pytest_looker.run.runner as runner_module

_original = runner_module.open_engine


def _forbidden(settings):
    raise RuntimeError("LIVE CONTACT: a backend was opened during replay")


def pytest_configure(config):
    if os.environ.get("RECORD_FORBID_LIVE"):
        runner_module.open_engine = _forbidden


def pytest_unconfigure(config):
    runner_module.open_engine = _original
"""


def queries(total: str = 'Decimal("37.75")', total_type: str = "Decimal") -> str:
    return QUERIES.replace("TOTAL_TYPE", repr(total_type)).replace("TOTAL", total)


def cassette(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
