"""The example project's seeds load through the backend and its compiled queries match hand SQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_looker.compile import Query, compile_query
from pytest_looker.lookml import Project, load_project
from pytest_looker.run import DuckDBBackend
from pytest_looker.run.runner import open_engine, run_compiled
from pytest_looker.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecommerce"
TABLES = ["distribution_centers", "events", "inventory_items", "order_items", "orders", "products", "users"]


@pytest.fixture(scope="module")
def seeded() -> Iterator[DuckDBBackend]:
    backend = open_engine(Settings(seeds=EXAMPLE / "seeds"))
    assert isinstance(backend, DuckDBBackend)
    with backend:
        yield backend


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(EXAMPLE)


def rounded(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in rows]


def test_every_seed_becomes_a_table(seeded: DuckDBBackend) -> None:
    assert seeded.table_names() == [f"ecommerce.{table}" for table in TABLES]
    assert seeded.execute("SELECT COUNT(*) FROM ecommerce.orders").rows == ((500,),)
    types = dict(row[:2] for row in seeded.execute("DESCRIBE ecommerce.orders").rows)
    assert types["created_at"] == "TIMESTAMP"


def test_compiled_orders_query_equals_hand_written_sql(seeded: DuckDBBackend, project: Project) -> None:
    fields = [
        "orders.status",
        "orders.created_year",
        "orders.count",
        "orders.total_amount",
        "order_items.total_sale_price",
    ]
    query = Query("ecommerce", "orders", fields=fields, sorts=["orders.status", "orders.created_year"])
    compiled = compile_query(project, query)
    assert compiled.fanned  # orders is summed across the order_items join: symmetric aggregates
    actual = rounded([tuple(row[f] for f in fields) for row in run_compiled(compiled, seeded)])
    expected = rounded(
        list(
            seeded.execute(
                """
                WITH o AS (
                  SELECT LOWER(status) AS status, YEAR(created_at) AS year, COUNT(*) AS n,
                         COALESCE(SUM(order_total), 0) AS total
                  FROM ecommerce.orders GROUP BY ALL
                ), i AS (
                  SELECT LOWER(o.status) AS status, YEAR(o.created_at) AS year, SUM(i.sale_price) AS items
                  FROM ecommerce.orders o JOIN ecommerce.order_items i ON i.order_id = o.id GROUP BY ALL
                )
                SELECT o.status, o.year, o.n, o.total, COALESCE(i.items, 0)
                FROM o LEFT JOIN i USING (status, year)
                ORDER BY o.status, o.year
                """
            ).rows
        )
    )
    assert actual == expected
    assert len(actual) > 5
