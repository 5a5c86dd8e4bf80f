"""Helpers shared by test modules (importable because pytest puts ``tests/`` on sys.path).

:func:`write_shop` writes the one small LookML project ("shop") that the plugin, audit and
record/replay suites run pytest on: two views over two seeded DuckDB tables, two explores that
join them both ways, and a LookML data test. Each suite varies it through parameters instead of
keeping a copy of its own.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import duckdb
import pytest

from pytest_looker.lookml import Project

__all__ = [
    "CHAIN_JOIN_PROJECT",
    "FAST",
    "JOIN_MODEL",
    "ORDERS_CSV",
    "SHOP_CUSTOMERS",
    "SHOP_DATA_TESTS",
    "SHOP_SETTINGS",
    "ProjectFactory",
    "Run",
    "Shop",
    "duckdb_loaded",
    "write_files",
    "write_shop",
]

ProjectFactory = Callable[..., Project]
#: ``shop(**options)`` → the project directory; ``run(*args)`` → an inner pytest run (tests/conftest.py).
Shop = Callable[..., Path]
Run = Callable[..., pytest.RunResult]

#: Inner pytest runs skip the heavy plugins of this venv (about a second per run, not tested here).
FAST = ("-p", "no:benchmark", "-p", "no:hypothesispytest", "-p", "no:cacheprovider")


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root`` (text is dedented)."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


SHOP_MODEL = """
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

SHOP_ORDERS = """
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
    sql: AMOUNT_SQL ;;
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

SHOP_CUSTOMERS = """
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

#: Four orders of three customers: three complete (10.5 + 20 + 7.25 = 37.75), one cancelled (5).
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

SHOP_SETTINGS = """
[tool.pytest-looker]
project = "."
dialect = "duckdb"
seeds = "seeds"
now = "2025-01-01T00:00:00Z"
"""

SHOP_DATA_TESTS = """
test: order_count_is_four {
  explore_source: orders {
    column: count { field: orders.count }
  }
  assert: four_orders {
    expression: ${orders.count} = 4 ;;
  }
}
"""


def write_shop(
    root: Path,
    *,
    data_tests: str = SHOP_DATA_TESTS,
    extra_fields: str = "",
    amount_sql: str = "${TABLE}.amount",
    relationship: str = "one_to_many",
    settings: str = SHOP_SETTINGS,
    settings_extra: str = "",
    orders_csv: str = ORDERS_CSV,
    files: Mapping[str, str] | None = None,
) -> Path:
    """Write the shop project under ``root`` (the inner pytest's rootdir) and return ``root``.

    ``extra_fields`` are added to the orders view, ``amount_sql`` is the SQL of
    ``orders.amount``, ``relationship`` that of the customers → orders join (really
    one_to_many), ``settings_extra`` lines are appended to ``[tool.pytest-looker]``.
    """
    pyproject = textwrap.dedent(settings).lstrip("\n") + textwrap.dedent(settings_extra).lstrip("\n")
    contents = {
        "shop.model.lkml": SHOP_MODEL.replace("RELATIONSHIP", relationship),
        "views/orders.view.lkml": SHOP_ORDERS.replace("AMOUNT_SQL", amount_sql).replace(
            "EXTRA", textwrap.dedent(extra_fields)
        ),
        "views/customers.view.lkml": SHOP_CUSTOMERS,
        "tests/data.lkml": data_tests,
        "seeds/shop/orders.csv": orders_csv,
        "seeds/shop/customers.csv": CUSTOMERS_CSV,
        **(files or {}),
    }
    write_files(root, contents)
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return root


JOIN_MODEL = 'connection: "db"\ninclude: "/views/*.view.lkml"\n'
#: ``a ⋈ b (one_to_many) ⋈ c ON ${a.id} = ${c.a_id} AND ${b.k} = ${c.k}``: each ``c`` row is
#: matched against rows of ``b``, so ``c`` hangs from ``b`` and ``b``'s join does not fan it out.
CHAIN_JOIN_PROJECT: dict[str, str] = {
    "m.model.lkml": JOIN_MODEL
    + """
        explore: a {
          join: b { relationship: one_to_many sql_on: ${a.id} = ${b.a_id} ;; }
          join: c { relationship: one_to_many sql_on: ${a.id} = ${c.a_id} AND ${b.k} = ${c.k} ;; }
        }
    """,
    "views/a.view.lkml": """
        view: a {
          sql_table_name: a ;;
          dimension: id { primary_key: yes type: number }
          measure: count { type: count }
        }
    """,
    "views/b.view.lkml": """
        view: b {
          sql_table_name: b ;;
          dimension: id { primary_key: yes type: number }
          dimension: a_id { type: number }
          dimension: k { type: number }
          measure: count { type: count }
        }
    """,
    "views/c.view.lkml": """
        view: c {
          sql_table_name: c ;;
          dimension: a_id { type: number }
          dimension: k { type: number }
          dimension: val { type: number }
          measure: total { type: sum sql: ${val} ;; }
        }
    """,
}


def duckdb_loaded(*statements: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB (session time zone UTC) that ran ``statements``: the body of a test
    module's ``db`` fixture (``yield from duckdb_loaded(DATA)``), closed when the module is done."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for sql in statements:
        con.execute(sql)
    yield con
    con.close()
