"""``connect_backend``: from settings to a backend, refusing combinations that make no sense."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import write_files
from pytest_looker.errors import ConfigurationError
from pytest_looker.run import KINDS, Backend, DuckDBBackend, SQLAlchemyBackend, connect_backend
from pytest_looker.run.names import TableName


def test_duckdb_in_memory_by_default() -> None:
    with connect_backend("duckdb") as backend:
        assert isinstance(backend, DuckDBBackend)
        assert isinstance(backend, Backend)
        assert backend.execute("SELECT 42 AS answer").as_dicts() == [{"answer": 42}]


def test_duckdb_with_seeds_and_file(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"shop/orders.csv": "id\n1\n2\n"})
    with connect_backend(" DuckDB ", duckdb=tmp_path / "w.duckdb", seeds=seeds) as backend:
        assert backend.execute("SELECT COUNT(*) FROM shop.orders").rows == ((2,),)
    assert (tmp_path / "w.duckdb").is_file()


def test_sqlalchemy_with_url(tmp_path: Path) -> None:
    with connect_backend("sqlalchemy", url=f"sqlite:///{tmp_path / 'x.sqlite'}") as backend:
        assert isinstance(backend, SQLAlchemyBackend)
        assert backend.dialect == "sqlite"


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("snowflake", {}, r"unknown backend 'snowflake' \(known: duckdb, sqlalchemy\)"),
        ("sqlalchemy", {}, "the sqlalchemy backend needs a URL"),
        ("sqlalchemy", {"url": "  "}, "the sqlalchemy backend needs a URL"),
        ("sqlalchemy", {"url": "sqlite://", "seeds": Path("s")}, "seeds can only be used with the duckdb backend"),
        ("sqlalchemy", {"url": "sqlite://", "duckdb": Path("f")}, "a DuckDB file can only be used with the duckdb"),
        ("duckdb", {"url": "sqlite://"}, "a URL is for the sqlalchemy backend, not duckdb"),
    ],
)
def test_bad_combinations(kind: str, options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        connect_backend(kind, **options)  # type: ignore[arg-type]


def test_known_kinds() -> None:
    assert KINDS == ("duckdb", "sqlalchemy")


@pytest.mark.parametrize(
    ("raw", "catalog", "schema", "table", "sql"),
    [
        ("orders", None, None, "orders", '"orders"'),
        ("ecommerce.orders", None, "ecommerce", "orders", '"ecommerce"."orders"'),
        ("my-proj.ds.t", "my-proj", "ds", "t", '"my-proj"."ds"."t"'),
    ],
)
def test_table_names(raw: str, catalog: str | None, schema: str | None, table: str, sql: str) -> None:
    name = TableName.parse(raw)
    assert (name.catalog, name.schema, name.table) == (catalog, schema, table)
    assert name.sql == sql
