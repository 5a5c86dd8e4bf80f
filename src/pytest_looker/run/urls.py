"""SQLAlchemy URLs: which SQL dialect they speak and how to show them without their secrets.

Functions here take an already parsed ``sqlalchemy.engine.URL`` (typed loosely so this module
does not import SQLAlchemy): the backend module owns the lazy import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_plus

from pytest_looker.errors import ConfigurationError
from pytest_looker.secrets import MASK

#: SQLAlchemy backend name (the part before ``+driver``) → sqlglot dialect.
DIALECTS: dict[str, str] = {
    "postgresql": "postgres",
    "postgres": "postgres",
    "redshift": "redshift",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
    "mysql": "mysql",
    "mariadb": "mysql",
    "duckdb": "duckdb",
    "sqlite": "sqlite",
    "mssql": "tsql",
    "oracle": "oracle",
    "databricks": "databricks",
    "trino": "trino",
    "presto": "presto",
    "clickhouse": "clickhouse",
    "awsathena": "athena",
    "hive": "hive",
    "teradatasql": "teradata",
}

#: Query-string and ``connect_args`` keys whose values are secrets.
_SECRET_WORDS = ("password", "passwd", "secret", "token", "private_key", "credentials", "apikey", "api_key")


def dialect_of(url: Any) -> str:
    """The sqlglot dialect for ``url``; a Redshift host behind ``postgresql://`` counts as Redshift."""
    backend = str(url.get_backend_name()).lower()
    host = str(url.host or "").lower()
    if backend == "postgresql" and host.endswith(".redshift.amazonaws.com"):
        return "redshift"
    if backend not in DIALECTS:
        known = ", ".join(sorted(DIALECTS))
        raise ConfigurationError(
            f"cannot tell the SQL dialect of {backend!r} URLs (known: {known}); pass dialect= explicitly"
        )
    return DIALECTS[backend]


def _is_secret(key: str) -> bool:
    return any(word in key.lower() for word in _SECRET_WORDS)


def secrets_of(url: Any, connect_args: Mapping[str, Any] | None) -> list[str]:
    """Every secret string in the URL and ``connect_args``, raw and URL-encoded, longest first."""
    values: list[str] = []
    if url.password:
        values.append(str(url.password))
    for key, value in dict(url.query).items():
        if _is_secret(key):
            values.extend([value] if isinstance(value, str) else list(value))
    for key, value in (connect_args or {}).items():
        if _is_secret(key) and isinstance(value, str):
            values.append(value)
    found = {v for v in values if v} | {quote_plus(v) for v in values if v}
    return sorted(found, key=len, reverse=True)


def masked_url(url: Any) -> str:
    """The URL with its password and secret query values replaced by ``***``."""
    query = {key: (MASK if _is_secret(key) else value) for key, value in dict(url.query).items()}
    return str(url.set(query=query).render_as_string(hide_password=True))
