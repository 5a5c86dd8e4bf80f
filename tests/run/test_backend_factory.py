"""``open_engine``/``open_runner``: from settings to an engine, refusing combinations that make no sense."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import write_files
from pytest_looker.errors import ConfigurationError
from pytest_looker.run import Backend, DuckDBBackend, SQLAlchemyBackend
from pytest_looker.run.names import TableName
from pytest_looker.run.runner import LocalRunner, open_engine, open_runner
from pytest_looker.settings import Settings


def test_duckdb_in_memory_by_default() -> None:
    with open_engine(Settings()) as backend:
        assert isinstance(backend, DuckDBBackend)
        assert isinstance(backend, Backend)
        assert backend.execute("SELECT 42 AS answer").as_dicts() == [{"answer": 42}]


def test_duckdb_with_seeds_and_file(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"shop/orders.csv": "id\n1\n2\n"})
    with open_engine(Settings(duckdb=tmp_path / "w.duckdb", seeds=seeds)) as backend:
        assert backend.execute("SELECT COUNT(*) FROM shop.orders").rows == ((2,),)
    assert (tmp_path / "w.duckdb").is_file()


def test_sqlalchemy_with_url(tmp_path: Path) -> None:
    with open_engine(Settings(backend="sqlalchemy", url=f"sqlite:///{tmp_path / 'x.sqlite'}")) as backend:
        assert isinstance(backend, SQLAlchemyBackend)
        assert backend.dialect == "sqlite"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"backend": "sqlalchemy"}, "the sqlalchemy backend needs a URL"),
        ({"backend": "sqlalchemy", "url": "  "}, "the sqlalchemy backend needs a URL"),
        ({"backend": "sqlalchemy", "url": "sqlite://", "seeds": Path("s")}, "seeds can only be used with the duckdb"),
        ({"backend": "sqlalchemy", "url": "sqlite://", "duckdb": Path("f")}, "a DuckDB file can only be used with"),
        ({"backend": "duckdb", "url": "sqlite://"}, "a url is set but backend is duckdb"),
    ],
)
def test_bad_combinations(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        open_engine(Settings(**options))  # type: ignore[arg-type]


def test_an_unknown_backend_names_the_known_ones() -> None:
    with pytest.raises(ConfigurationError, match=r"unknown backend 'snowflake' \(known: duckdb, sqlalchemy, looker\)"):
        open_runner(Settings(backend="snowflake"), lambda: pytest.fail("nothing is loaded"))


def test_a_runner_connects_on_first_use_only(tmp_path: Path) -> None:
    runner = open_runner(Settings(duckdb=tmp_path / "lazy.duckdb"), lambda: pytest.fail("nothing is loaded"))
    assert isinstance(runner, LocalRunner) and runner.dialect == "duckdb"
    assert runner.describe() == {"kind": "duckdb", "dialect": "duckdb", "database": "lazy.duckdb"}
    assert not (tmp_path / "lazy.duckdb").exists()
    runner.close()


@pytest.mark.parametrize(
    ("raw", "catalog", "schema", "table", "sql"),
    [
        ("orders", None, None, "orders", '"orders"'),
        ("ecommerce.orders", None, "ecommerce", "orders", '"ecommerce"."orders"'),
        ("my-proj.ds.t", "my-proj", "ds", "t", '"my-proj"."ds"."t"'),
        # BigQuery's domain-scoped project ids have a dot: the colon tells them (as sqlglot reads them)
        ("example.com:proj.ds.t", "example.com:proj", "ds", "t", '"example.com:proj"."ds"."t"'),
        ("`example.com:proj`.ds.t", "example.com:proj", "ds", "t", '"example.com:proj"."ds"."t"'),
        (
            "example.com:proj.region-us.INFORMATION_SCHEMA.JOBS",
            "example.com:proj",
            "region-us.INFORMATION_SCHEMA",
            "JOBS",
            '"example.com:proj"."region-us.INFORMATION_SCHEMA"."JOBS"',
        ),
    ],
)
def test_table_names(raw: str, catalog: str | None, schema: str | None, table: str, sql: str) -> None:
    name = TableName.parse(raw)
    assert (name.catalog, name.schema, name.table) == (catalog, schema, table)
    assert name.sql == sql


# -- The session's time zone is the database's, never the machine's ---------------------------------


def test_duckdb_session_runs_in_the_database_time_zone() -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    with open_engine(Settings(database_timezone="Asia/Tokyo")) as backend:
        assert backend.execute("SELECT current_setting('TimeZone')").rows == (("Asia/Tokyo",),)
        # An instant read as a wall clock is Tokyo's (UTC+9, no DST); a wall clock read as an
        # instant is taken to be Tokyo's.
        sql = (
            "SELECT CAST(TIMESTAMPTZ '2024-03-01 20:00:00+00' AS TIMESTAMP),"
            " CAST(CAST(TIMESTAMP '2024-03-02 05:00:00' AS TIMESTAMPTZ) AS VARCHAR)"
        )
        assert backend.execute(sql).rows == ((dt.datetime(2024, 3, 2, 5, 0), "2024-03-02 05:00:00+09"),)
        before = dt.datetime.now(ZoneInfo("Asia/Tokyo")).replace(tzinfo=None)
        [(clock,)] = backend.execute("SELECT CAST(CURRENT_TIMESTAMP AS TIMESTAMP)").rows
        after = dt.datetime.now(ZoneInfo("Asia/Tokyo")).replace(tzinfo=None)
        assert before - dt.timedelta(seconds=1) <= clock <= after + dt.timedelta(seconds=1)


def test_duckdb_session_is_utc_whatever_the_machine_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        with open_engine(Settings()) as backend:
            assert backend.execute("SELECT current_setting('TimeZone')").rows == (("UTC",),)
            sql = "SELECT CAST(CAST(TIMESTAMP '2024-07-01 12:00:00' AS TIMESTAMPTZ) AS VARCHAR)"
            assert backend.execute(sql).rows == (("2024-07-01 12:00:00+00",),)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_an_unknown_database_time_zone_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="database_timezone 'Mars/Olympus'"):
        open_engine(Settings(database_timezone="Mars/Olympus"))
