"""A small DuckDB-seeded LookML project and inner pytest runs for the record/replay tests.

The inner ``conftest.py`` makes opening any backend raise ``LIVE CONTACT``, when
``RECORD_FORBID_LIVE`` is set: a replay that passes under it provably touched nothing live.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import yaml

MODEL = """
connection: "db"
include: "/views/*.view.lkml"
include: "/tests/*.lkml"

explore: orders {}
"""

ORDERS = """
view: orders {
  sql_table_name: shop.orders ;;

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }

  dimension: status {
    type: string
    sql: ${TABLE}.status ;;
  }

  dimension: amount {
    type: number
    sql: AMOUNT_SQL ;;
  }

  dimension_group: created {
    type: time
    timeframes: [raw, date, month]
    sql: ${TABLE}.created_at ;;
  }

  measure: count {
    type: count
  }

  measure: total_amount {
    type: sum
    sql: ${amount} ;;
  }
}
"""

ORDERS_CSV = """id,status,amount,created_at
1,complete,10.50,2024-01-05 10:00:00
2,complete,20.00,2024-01-20 11:00:00
3,cancelled,5.00,2024-02-01 09:00:00
"""

SETTINGS = """
[tool.pytest-looker]
project = "."
seeds = "seeds"
now = "2025-01-01T00:00:00Z"
audit = false
"""

DATA_TESTS = """
test: three_orders {
  explore_source: orders {
    column: count { field: orders.count }
  }
  assert: three {
    expression: ${orders.count} = 3 ;;
  }
}
"""

#: Python tests: one uses orders.amount (total_amount), the others do not.
QUERIES = """
import datetime
from decimal import Decimal


def test_counts_by_status(looker):
    result = looker.query("shop/orders", fields=["orders.status", "orders.count"], sorts=["orders.status"])
    assert result.rows == [
        {"orders.status": "cancelled", "orders.count": 3 - 2},
        {"orders.status": "complete", "orders.count": 2},
    ]


def test_dates_keep_their_type(looker):
    result = looker.query("shop/orders", fields=["orders.created_date"], sorts=["orders.created_date"])
    assert result.column("orders.created_date") == [
        datetime.date(2024, 1, 5), datetime.date(2024, 1, 20), datetime.date(2024, 2, 1)
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


def write_shop(
    root: Path, *, amount_sql: str = "CAST(${TABLE}.amount AS DECIMAL(10,2))", files: dict[str, str] | None = None
) -> Path:
    contents = {
        "shop.model.lkml": MODEL,
        "views/orders.view.lkml": ORDERS.replace("AMOUNT_SQL", amount_sql),
        "tests/data.lkml": DATA_TESTS,
        "seeds/shop/orders.csv": ORDERS_CSV,
        "pyproject.toml": SETTINGS,
        "conftest.py": INNER_CONFTEST,
        **(files or {}),
    }
    for relative, text in contents.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def queries(total: str = 'Decimal("30.50")', total_type: str = "Decimal") -> str:
    return QUERIES.replace("TOTAL_TYPE", repr(total_type)).replace("TOTAL", total)


def cassette(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
