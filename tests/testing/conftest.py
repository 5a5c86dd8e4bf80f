"""pytester and a small LookML project ("shop") for the plugin's end-to-end tests."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

MODEL = """
connection: "db"
include: "/views/*.view.lkml"
include: "/tests/*.lkml"

explore: orders {
  join: customers {
    type: left_outer
    relationship: many_to_one
    sql_on: ${orders.customer_id} = ${customers.id} ;;
  }
}

explore: customers {
  join: orders {
    type: left_outer
    relationship: RELATIONSHIP
    sql_on: ${customers.id} = ${orders.customer_id} ;;
  }
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

  dimension: customer_id {
    type: number
    sql: ${TABLE}.customer_id ;;
  }

  dimension: status {
    type: string
    sql: ${TABLE}.status ;;
  }

  dimension: amount {
    type: number
    sql: ${TABLE}.amount ;;
  }

  dimension_group: created {
    type: time
    timeframes: [raw, date, month, year]
    sql: ${TABLE}.created_at ;;
  }

  measure: count {
    type: count
  }

  measure: total_amount {
    type: sum
    sql: ${amount} ;;
  }
EXTRA}
"""

CUSTOMERS = """
view: customers {
  sql_table_name: shop.customers ;;

  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }

  dimension: name {
    type: string
    sql: ${TABLE}.name ;;
  }

  measure: count {
    type: count
  }
}
"""

ORDERS_CSV = """id,customer_id,status,amount,created_at
1,1,complete,10.5,2024-01-05 10:00:00
2,1,complete,20.0,2024-01-20 11:00:00
3,2,cancelled,5.0,2024-02-01 09:00:00
4,3,complete,7.25,2024-02-11 12:00:00
"""

CUSTOMERS_CSV = """id,name
1,Ada
2,Grace
3,Linus
"""

SETTINGS = """
[tool.pytest-looker]
project = "."
seeds = "seeds"
now = "2025-01-01T00:00:00Z"
"""

DATA_TESTS = """
test: order_count_is_four {
  explore_source: orders {
    column: count { field: orders.count }
  }
  assert: four_orders {
    expression: ${orders.count} = 4 ;;
  }
}
"""

ShopFactory = Callable[..., Path]


@pytest.fixture
def shop(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> ShopFactory:
    """``shop(data_tests=..., extra_fields=..., relationship=..., settings=..., files={...})`` → project dir."""
    for name in [n for n in os.environ if n.startswith("PYTEST_LOOKER_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PYTEST_LOOKER_CACHE_DIR", "")

    def make(
        *,
        data_tests: str = DATA_TESTS,
        extra_fields: str = "",
        relationship: str = "one_to_many",
        settings: str = SETTINGS,
        orders_csv: str = ORDERS_CSV,
        files: dict[str, str] | None = None,
    ) -> Path:
        root = pytester.path
        contents = {
            "shop.model.lkml": MODEL.replace("RELATIONSHIP", relationship),
            "views/orders.view.lkml": ORDERS.replace("EXTRA", textwrap.dedent(extra_fields)),
            "views/customers.view.lkml": CUSTOMERS,
            "tests/data.lkml": data_tests,
            "seeds/shop/orders.csv": orders_csv,
            "seeds/shop/customers.csv": CUSTOMERS_CSV,
            "pyproject.toml": settings,
            **(files or {}),
        }
        for relative, text in contents.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make


#: Inner pytest runs skip the heavy plugins this venv has (they cost ~1 s per run, not tested here).
FAST = ("-p", "no:benchmark", "-p", "no:hypothesispytest", "-p", "no:cacheprovider")


@pytest.fixture
def run(pytester: pytest.Pytester) -> Callable[..., pytest.RunResult]:
    """``run(*args)``: pytester.runpytest in process, without the heavy plugins."""

    def runner(*args: str) -> pytest.RunResult:
        return pytester.runpytest(*FAST, *args)

    return runner
