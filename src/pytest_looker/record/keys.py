"""What identifies a recording: the normalised query and the backend identity.

Two runs must find the same entry for the same question asked of the same source of data, on
any machine: so the key holds no absolute path, no port, no user name and no secret — only what
changes the answer (model, explore, fields, filters, sorts, limit, time zone, clock, user
attributes) and which database or Looker instance answered. How the query is *compiled* is not
part of the key but of the entry (``sql_sha256``): a LookML change then finds the old entry and
reports it stale instead of silently missing it.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pytest_looker.compile import Query
    from pytest_looker.settings import Settings

__all__ = ["backend_identity", "describe", "entry_key", "normalise_query", "sql_sha256", "target_dialect"]


def normalise_query(query: Query) -> dict[str, Any]:
    """The query as plain, order-stable data (field order kept: it is the column order)."""
    normal: dict[str, Any] = {
        "model": query.model,
        "explore": query.explore,
        "fields": list(query.fields),
        "filters": {str(k): str(v) for k, v in sorted(query.filters.items())},
        "sorts": list(query.sorts),
        "limit": query.limit,
    }
    if query.timezone:
        normal["timezone"] = query.timezone
    if query.now is not None:
        normal["now"] = query.now.isoformat()
    if query.user_attributes:
        normal["user_attributes"] = {str(k): str(v) for k, v in sorted(query.user_attributes.items())}
    return normal


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url if "://" in url else f"https://{url}").hostname
    except ValueError:
        return None


def backend_identity(settings: Settings) -> dict[str, Any]:
    """Which backend answers, from the settings alone: nothing is opened or contacted.

    DuckDB: the database file's name (or ``memory``); seeds are data, like a warehouse's tables,
    so they are not part of it. SQLAlchemy: dialect, host and database. Looker: the instance's
    host name (no port: the same instance answers on any of them) and the workspace and branch.
    """
    if settings.backend == "looker":
        import os

        base = settings.looker.base_url or os.environ.get("LOOKERSDK_BASE_URL")
        identity: dict[str, Any] = {"kind": "looker", "host": _host(base) or "unknown"}
        if settings.looker.workspace:
            identity["workspace"] = settings.looker.workspace
        if settings.looker.branch:
            identity["branch"] = settings.looker.branch
        return identity
    if settings.backend == "duckdb":
        return {
            "kind": "duckdb",
            "dialect": "duckdb",
            "database": settings.duckdb.name if settings.duckdb else "memory",
        }
    url = settings.url or next((c.url for c in settings.connections.values() if c.url), None)
    identity = {"kind": settings.backend, "dialect": target_dialect(settings)}
    if url:
        try:
            from sqlalchemy.engine import make_url

            parsed = make_url(url)
            identity["host"] = parsed.host or "local"
            identity["database"] = parsed.database.rsplit("/", 1)[-1] if parsed.database else None
        except Exception:  # an unparseable URL: the backend reports it when it is opened
            identity["host"] = "unknown"
    return identity


def target_dialect(settings: Settings) -> str:
    """The dialect the backend runs SQL in, known without opening it (replay compiles with it)."""
    if settings.backend == "duckdb":
        return "duckdb"
    if settings.backend == "looker":
        return settings.dialect
    url = settings.url or next((c.url for c in settings.connections.values() if c.url), None)
    if url:
        try:
            from sqlalchemy.engine import make_url

            from pytest_looker.run.urls import dialect_of

            return dialect_of(make_url(url))
        except Exception:  # an unparseable URL: the backend reports it when it is opened
            pass
    return settings.dialect


def entry_key(query: dict[str, Any], backend: dict[str, Any]) -> str:
    """A short, stable hash of the normalised query and backend identity (the entry's id)."""
    text = json.dumps({"query": query, "backend": backend}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def sql_sha256(sql: str | None) -> str | None:
    return None if sql is None else hashlib.sha256(sql.encode("utf-8")).hexdigest()


def describe(query: dict[str, Any]) -> str:
    """One line naming a query in messages: ``model/explore fields=[...] filters={...}``."""
    text = f"{query['model']}/{query['explore']} fields={query['fields']}"
    if query.get("filters"):
        text += f" filters={query['filters']}"
    if query.get("sorts"):
        text += f" sorts={query['sorts']}"
    if query.get("limit") is not None:
        text += f" limit={query['limit']}"
    return text
