"""The SQLAlchemy backend without a server (SQLite) and its URL rules: dialects, secrets, errors.

The PostgreSQL server tests are in ``test_postgres_backend.py``.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from pytest_looker.errors import BackendError, ConfigurationError
from pytest_looker.run import Backend, SQLAlchemyBackend
from pytest_looker.run.urls import dialect_of, masked_url, secrets_of
from pytest_looker.secrets import redact

SECRET = "s3cr3t-Pa55"


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "shop.sqlite"
    con = sqlite3.connect(path)
    con.executescript(
        "CREATE TABLE orders (id INTEGER, status TEXT);"
        "INSERT INTO orders VALUES (1, 'complete'), (2, 'pending'), (3, 'complete');"
    )
    con.commit()
    con.close()
    return path


@pytest.fixture
def backend(sqlite_file: Path) -> Iterator[SQLAlchemyBackend]:
    with SQLAlchemyBackend(f"sqlite:///{sqlite_file}") as opened:
        yield opened


def test_runs_sql_and_returns_a_result_set(backend: SQLAlchemyBackend) -> None:
    assert isinstance(backend, Backend)
    assert (backend.name, backend.dialect) == ("sqlite", "sqlite")
    result = backend.execute("SELECT status, COUNT(*) AS n FROM orders GROUP BY status ORDER BY status")
    assert result.columns == ("status", "n")
    assert result.as_dicts() == [{"status": "complete", "n": 2}, {"status": "pending", "n": 1}]
    assert result.seconds >= 0


def test_sql_reaches_the_driver_unchanged(backend: SQLAlchemyBackend) -> None:
    # A LIKE pattern's % and a literal that looks like a :bind must not be interpreted.
    sql = "SELECT COUNT(*) AS n, ':not_a_bind' AS s FROM orders WHERE status LIKE '%omp%'"
    assert backend.execute(sql).rows == ((2, ":not_a_bind"),)


def test_every_statement_is_rolled_back(backend: SQLAlchemyBackend, sqlite_file: Path) -> None:
    assert backend.execute("DELETE FROM orders").rows == ()
    assert backend.execute("SELECT COUNT(*) FROM orders").rows == ((3,),)
    con = sqlite3.connect(sqlite_file)
    assert con.execute("SELECT COUNT(*) FROM orders").fetchone() == (3,)
    con.close()


def test_database_errors_carry_the_message(backend: SQLAlchemyBackend) -> None:
    with pytest.raises(BackendError, match="no such table: missing") as caught:
        backend.execute("SELECT * FROM missing")
    assert "sqlalchemy" not in str(caught.value).lower()
    assert backend.execute("SELECT 1").rows == ((1,),)  # still usable after an error


def test_closed_backend(backend: SQLAlchemyBackend) -> None:
    backend.close()
    backend.close()
    with pytest.raises(BackendError, match="closed"):
        backend.execute("SELECT 1")


@pytest.mark.parametrize(
    ("url", "dialect"),
    [
        ("postgresql+psycopg://u@h/db", "postgres"),
        ("postgresql://u@h/db", "postgres"),
        ("redshift+psycopg2://u@cluster:5439/db", "redshift"),
        ("postgresql+psycopg2://u@c.abc.eu-west-1.redshift.amazonaws.com:5439/db", "redshift"),
        ("snowflake://u@account/db/schema", "snowflake"),
        ("bigquery://project/dataset", "bigquery"),
        ("mysql+pymysql://u@h/db", "mysql"),
        ("mariadb+mariadbconnector://u@h/db", "mysql"),
        ("duckdb:///file.duckdb", "duckdb"),
        ("databricks://token@host", "databricks"),
        ("mssql+pyodbc://u@dsn", "tsql"),
    ],
)
def test_dialect_comes_from_the_url(url: str, dialect: str) -> None:
    assert dialect_of(make_url(url)) == dialect


def test_unknown_dialect_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match=r"cannot tell the SQL dialect of 'exotic' URLs .*pass dialect="):
        dialect_of(make_url("exotic://h/db"))


def test_dialect_can_be_given(sqlite_file: Path) -> None:
    with SQLAlchemyBackend(f"sqlite:///{sqlite_file}", dialect="SQLite") as backend:
        assert backend.dialect == "sqlite"


def test_secrets_are_masked_in_urls() -> None:
    url = make_url(f"snowflake://me:{SECRET}@acct/db?warehouse=wh&private_key_passphrase=pk-{SECRET}&token=t0k")
    shown = masked_url(url)
    assert SECRET not in shown
    assert "t0k" not in shown
    assert "warehouse=wh" in shown
    assert shown.startswith("snowflake://me:***@acct/db")
    secrets = secrets_of(url, {"password": "cp-secret", "sslmode": "require"})
    assert {SECRET, f"pk-{SECRET}", "t0k", "cp-secret"} <= set(secrets)
    assert "require" not in secrets
    assert redact(f"failed for {SECRET}", secrets) == "failed for ***"


def test_url_encoded_password_is_masked_too() -> None:
    url = make_url("postgresql://me:p%40ss%2Fword@h/db")
    assert redact("oops p%40ss%2Fword and p@ss/word", secrets_of(url, None)) == "oops *** and ***"


def test_connection_errors_are_one_sentence_without_the_password() -> None:
    url = f"postgresql+psycopg://analyst:{SECRET}@127.0.0.1:1/warehouse"
    with pytest.raises(BackendError) as caught:
        SQLAlchemyBackend(url, connect_args={"connect_timeout": 5})
    message = str(caught.value)
    assert message.startswith("cannot connect to postgresql database 'warehouse' at 127.0.0.1:1 as 'analyst': ")
    assert "\n" not in message
    assert SECRET not in message
    assert SECRET not in repr(caught.value)
    assert caught.value.__cause__ is None


def test_bad_urls_do_not_echo_the_secret() -> None:
    with pytest.raises(ConfigurationError, match="not a valid SQLAlchemy URL") as caught:
        SQLAlchemyBackend(f"no url at all {SECRET}")
    assert SECRET not in str(caught.value)


def test_missing_dialect_package() -> None:
    with pytest.raises(ConfigurationError, match="SQLAlchemy has no dialect 'snowflake'") as caught:
        SQLAlchemyBackend(f"snowflake://me:{SECRET}@acct/db")
    assert SECRET not in str(caught.value)


@pytest.mark.skipif(importlib.util.find_spec("psycopg2") is not None, reason="psycopg2 is installed")
def test_missing_driver_module() -> None:
    with pytest.raises(ConfigurationError, match=r"driver for 'postgresql\+psycopg2' is not installed") as caught:
        SQLAlchemyBackend(f"postgresql+psycopg2://me:{SECRET}@127.0.0.1/db")
    assert SECRET not in str(caught.value)


def test_importing_the_package_does_not_import_sqlalchemy() -> None:
    code = "import sys, pytest_looker.run; assert 'sqlalchemy' not in sys.modules, 'imported'"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
