"""The SQLAlchemy backend on a real PostgreSQL server, running queries compiled for Postgres.

``.ci/run`` installs PostgreSQL from Debian's packages, starts it on 127.0.0.1 and exports
``PYTEST_LOOKER_POSTGRES_URL``. The session creates its own database (random name, dropped at
the end), loads a small shop, and checks compiled queries (a fanned symmetric aggregate, a
timeframe, filters) against hand-written SQL run on the same database.
"""

from __future__ import annotations

import decimal
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from helpers import write_files
from pytest_looker.compile import Query, compile_query
from pytest_looker.errors import BackendError
from pytest_looker.lookml import Project, load_project
from pytest_looker.run import SQLAlchemyBackend
from pytest_looker.run.runner import open_engine, run_compiled
from pytest_looker.settings import Settings

POSTGRES_URL = os.environ.get("PYTEST_LOOKER_POSTGRES_URL")

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="PYTEST_LOOKER_POSTGRES_URL is not set (.ci/run starts PostgreSQL on 127.0.0.1 and sets it)",
)

DATA = """
CREATE SCHEMA shop;
CREATE TABLE shop.users (id INTEGER PRIMARY KEY, name TEXT, country TEXT);
CREATE TABLE shop.orders (
  id INTEGER PRIMARY KEY, user_id INTEGER, status TEXT, amount NUMERIC(10, 2), created_at TIMESTAMP
);
CREATE TABLE shop.order_items (id INTEGER PRIMARY KEY, order_id INTEGER, sale_price NUMERIC(10, 2));
INSERT INTO shop.users VALUES (1, 'Ana', 'PT'), (2, 'Bob', 'US'), (3, 'Dana', 'US'), (4, 'Eve', NULL);
INSERT INTO shop.orders VALUES
  (1, 1, 'complete', 100.00, '2024-01-15 10:30:00'),
  (2, 1, 'complete', 50.50, '2024-01-31 23:59:59'),
  (3, 2, 'pending', -20.00, '2024-02-01 00:00:00'),
  (4, 3, 'complete', NULL, '2024-02-29 12:00:00'),
  (5, 3, 'cancelled', 12.25, '2024-03-03 08:00:00'),
  (6, 4, 'complete', 7.75, '2023-12-31 23:00:00');
INSERT INTO shop.order_items VALUES
  (1, 1, 40.00), (2, 1, 60.00), (3, 1, 0.00),
  (4, 2, 50.50),
  (5, 3, -5.00), (6, 3, -15.00),
  (7, 5, 12.25), (8, 5, 0.01),
  (9, 6, 7.75);
"""

PROJECT = {
    "shop.model.lkml": """
        connection: "warehouse"
        include: "*.view.lkml"
        explore: orders {
          join: order_items {
            type: left_outer
            relationship: one_to_many
            sql_on: ${orders.id} = ${order_items.order_id} ;;
          }
          join: users {
            type: left_outer
            relationship: many_to_one
            sql_on: ${orders.user_id} = ${users.id} ;;
          }
        }
    """,
    "orders.view.lkml": """
        view: orders {
          sql_table_name: shop.orders ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: user_id { type: number sql: ${TABLE}.user_id ;; }
          dimension: status { type: string sql: ${TABLE}.status ;; }
          dimension: amount { type: number sql: ${TABLE}.amount ;; }
          dimension_group: created {
            type: time
            timeframes: [raw, date, month, year]
            sql: ${TABLE}.created_at ;;
          }
          measure: count { type: count }
          measure: total_amount { type: sum sql: ${amount} ;; }
          measure: average_amount { type: average sql: ${amount} ;; }
        }
    """,
    "order_items.view.lkml": """
        view: order_items {
          sql_table_name: shop.order_items ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: order_id { type: number sql: ${TABLE}.order_id ;; }
          measure: count { type: count }
          measure: total_sale_price { type: sum sql: ${TABLE}.sale_price ;; }
        }
    """,
    "users.view.lkml": """
        view: users {
          sql_table_name: shop.users ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: name { type: string sql: ${TABLE}.name ;; }
          dimension: country { type: string sql: ${TABLE}.country ;; }
          measure: count { type: count }
        }
    """,
}


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of our own on the server, with the shop loaded; dropped at the end."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    assert POSTGRES_URL is not None
    server = make_url(POSTGRES_URL)
    name = f"pytest_looker_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name)
    try:
        loader = create_engine(url)
        with loader.begin() as connection:
            connection.exec_driver_sql(DATA)
        loader.dispose()
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres(postgres_database: str) -> Iterator[SQLAlchemyBackend]:
    backend = open_engine(Settings(backend="sqlalchemy", url=postgres_database))
    assert isinstance(backend, SQLAlchemyBackend)
    with backend:
        yield backend


@pytest.fixture(scope="session")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return load_project(write_files(tmp_path_factory.mktemp("shop"), PROJECT), cache_dir=None)


def normalise(value: Any) -> Any:
    """Numbers compared to 6 decimals: Postgres NUMERIC scales differ between the two SQLs."""
    if isinstance(value, decimal.Decimal | float):
        return round(float(value), 6)
    return value


def compiled_rows(postgres: SQLAlchemyBackend, shop: Project, query: Query) -> list[tuple[Any, ...]]:
    compiled = compile_query(shop, query, dialect="postgres")
    rows = run_compiled(compiled, postgres).rows
    return [tuple(normalise(row[field]) for field in query.fields) for row in rows]


def expected_rows(postgres: SQLAlchemyBackend, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(normalise(v) for v in row) for row in postgres.execute(sql).rows]


def check(postgres: SQLAlchemyBackend, shop: Project, query: Query, hand_written: str) -> Sequence[tuple[Any, ...]]:
    actual = compiled_rows(postgres, shop, query)
    expected = expected_rows(postgres, hand_written)
    assert actual == expected
    assert actual, "an empty result proves nothing"
    return actual


def test_backend_identity_and_repr(postgres: SQLAlchemyBackend) -> None:
    assert (postgres.name, postgres.dialect) == ("postgresql", "postgres")
    assert postgres.url.startswith("postgresql+psycopg://")
    assert ":***@" in repr(postgres)


def test_password_never_shown(postgres: SQLAlchemyBackend) -> None:
    from sqlalchemy.engine import make_url

    assert POSTGRES_URL is not None
    password = make_url(POSTGRES_URL).password
    assert password
    assert password not in repr(postgres)
    assert password not in postgres.url
    with pytest.raises(BackendError) as caught:
        postgres.execute(f"SELECT '{password}'::integer")  # the database echoes the value back
    assert password not in str(caught.value)
    assert "invalid input syntax for type integer" in str(caught.value)


def test_fanned_symmetric_aggregates(postgres: SQLAlchemyBackend, shop: Project) -> None:
    query = Query(
        "shop",
        "orders",
        fields=[
            "orders.status",
            "orders.count",
            "orders.total_amount",
            "orders.average_amount",
            "order_items.total_sale_price",
        ],
        sorts=["orders.status"],
    )
    compiled = compile_query(shop, query, dialect="postgres")
    assert compiled.fanned == {"orders": "order_items"}
    assert "MD5(" in compiled.sql  # Looker's Postgres symmetric aggregate, run for real
    check(
        postgres,
        shop,
        query,
        """
        WITH o AS (
          SELECT status, COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total, AVG(amount) AS average
          FROM shop.orders GROUP BY status
        ), i AS (
          SELECT o.status, SUM(i.sale_price) AS items
          FROM shop.orders o JOIN shop.order_items i ON i.order_id = o.id GROUP BY o.status
        )
        SELECT o.status, o.n, o.total, o.average, COALESCE(i.items, 0)
        FROM o LEFT JOIN i ON i.status = o.status
        ORDER BY o.status
        """,
    )


def test_timeframe_month(postgres: SQLAlchemyBackend, shop: Project) -> None:
    query = Query("shop", "orders", fields=["orders.created_month", "orders.count"], sorts=["orders.created_month"])
    rows = check(
        postgres,
        shop,
        query,
        """
        SELECT TO_CHAR(DATE_TRUNC('month', created_at), 'YYYY-MM'), COUNT(*)
        FROM shop.orders GROUP BY 1 ORDER BY 1
        """,
    )
    assert rows[0] == ("2023-12", 1)


def test_filters_with_like_patterns_and_numbers(postgres: SQLAlchemyBackend, shop: Project) -> None:
    query = Query(
        "shop",
        "orders",
        fields=["users.name", "orders.count", "orders.total_amount", "order_items.count"],
        filters={"users.name": "%a%", "orders.amount": ">0", "orders.created_year": "2024"},
        sorts=["users.name"],
    )
    assert "LIKE '%a%'" in compile_query(shop, query, dialect="postgres").sql  # % reaches the driver as is
    check(
        postgres,
        shop,
        query,
        """
        SELECT u.name, COUNT(DISTINCT o.id), SUM(DISTINCT o.amount), COUNT(i.id)
        FROM shop.orders o
        LEFT JOIN shop.users u ON u.id = o.user_id
        LEFT JOIN shop.order_items i ON i.order_id = o.id
        WHERE u.name LIKE '%a%' AND o.amount > 0
          AND o.created_at >= '2024-01-01' AND o.created_at < '2025-01-01'
        GROUP BY u.name ORDER BY u.name
        """,
    )


def test_filter_on_a_date_range(postgres: SQLAlchemyBackend, shop: Project) -> None:
    query = Query(
        "shop",
        "orders",
        fields=["orders.created_date", "orders.total_amount"],
        filters={"orders.created_date": "2024-01-31 to 2024-03-01"},
        sorts=["orders.created_date"],
    )
    check(
        postgres,
        shop,
        query,
        """
        SELECT CAST(created_at AS DATE), COALESCE(SUM(amount), 0) FROM shop.orders
        WHERE created_at >= '2024-01-31' AND created_at < '2024-03-01'
        GROUP BY 1 ORDER BY 1
        """,
    )


def test_statements_are_rolled_back(postgres: SQLAlchemyBackend) -> None:
    postgres.execute("DELETE FROM shop.order_items")
    postgres.execute("CREATE TABLE shop.scratch (x INTEGER)")
    assert postgres.execute("SELECT COUNT(*) FROM shop.order_items").rows == ((9,),)
    with pytest.raises(BackendError, match=r'relation "shop.scratch" does not exist'):
        postgres.execute("SELECT * FROM shop.scratch")


def test_database_error_then_recovery(postgres: SQLAlchemyBackend) -> None:
    with pytest.raises(BackendError, match='column "nope" does not exist') as caught:
        postgres.execute("SELECT nope FROM shop.orders")
    assert "Traceback" not in str(caught.value)
    assert postgres.execute("SELECT COUNT(*) FROM shop.orders").rows == ((6,),)


def test_wrong_password_is_one_clear_sentence(postgres_database: str) -> None:
    from sqlalchemy.engine import make_url

    wrong = make_url(postgres_database).set(password="not-the-Pa55word")
    with pytest.raises(BackendError) as caught:
        SQLAlchemyBackend(wrong.render_as_string(hide_password=False))
    message = str(caught.value)
    assert message.startswith("cannot connect to postgresql database 'pytest_looker_")
    assert "password authentication failed" in message
    assert "not-the-Pa55word" not in message
    assert "\n" not in message


PLUGIN_TESTS = {
    "tests/data.lkml": """
        test: completed_revenue_is_known {
          explore_source: orders {
            column: total { field: orders.total_amount }
            filters: [orders.status: "complete"]
          }
          assert: revenue { expression: ${orders.total_amount} = 158.25 ;; }
        }
        test: wrong_on_purpose {
          explore_source: orders { column: count { field: orders.count } }
          assert: impossible { expression: ${orders.count} = 99 ;; }
        }
    """,
}


def test_the_plugin_runs_every_item_kind_on_postgres(postgres_database: str, tmp_path: Path) -> None:
    """`pytest` with backend = "sqlalchemy" on the real server: data tests, SQL validation, key checks."""
    root = write_files(tmp_path / "shop", {**PROJECT, **PLUGIN_TESTS})
    model = (root / "shop.model.lkml").read_text()
    (root / "shop.model.lkml").write_text(
        model.replace('include: "*.view.lkml"', 'include: "*.view.lkml"\ninclude: "tests/*.lkml"')
    )
    (root / "pyproject.toml").write_text(
        '[tool.pytest-looker]\nproject = "."\nbackend = "sqlalchemy"\ndialect = "postgres"\ncheck_keys = true\n'
    )
    env = {**os.environ, "PYTEST_LOOKER_URL": postgres_database, "PYTEST_LOOKER_CACHE_DIR": ""}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-rf", "--looker-audit=off", str(root)],
        cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "postgres" in output.lower()  # the report header names the dialect/backend
    assert "completed_revenue_is_known" in output and "wrong_on_purpose" in output
    failed = [line for line in output.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1 and "wrong_on_purpose" in failed[0], output
    assert postgres_database.split("@")[0].split(":")[-1] not in output  # the password never printed
