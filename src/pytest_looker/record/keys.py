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

if TYPE_CHECKING:
    from pytest_looker.compile import Query

__all__ = ["describe", "entry_key", "normalise_query", "sql_sha256"]


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
