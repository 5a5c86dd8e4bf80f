"""Saved queries: ``WriteQuery`` bodies checked, stored, deduplicated and turned into our ``Query``.

Looker queries are immutable and never deleted, and ``create_query`` answers an identical body
with the id it already has; ids are decimal strings and every query has a ``slug``. The fields
of a query that our compiler does not implement (pivots, table calculations, totals) are
refused with a 400 that says so rather than answered with results Looker would not give.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from typing import Any

from pytest_looker.compile import Query
from pytest_looker.looker.emulator.errors import ApiError, validation_error

#: ``WriteQuery`` attributes (the SDK's readOnly-stripped ``Query``), in the SDK's order.
WRITE_FIELDS = (
    "model", "view", "fields", "pivots", "fill_fields", "filters", "filter_expression", "sorts", "limit",
    "column_limit", "total", "row_total", "subtotals", "vis_config", "filter_config", "visible_ui_sections",
    "dynamic_fields", "client_id", "query_timezone",
)  # fmt: skip
_LISTS = ("fields", "pivots", "fill_fields", "sorts", "subtotals")


def check_write_query(body: Any) -> dict[str, Any]:
    """The body as a normalised ``WriteQuery``; 422 naming the first bad attribute."""
    if not isinstance(body, Mapping):
        raise validation_error("body", "the body must be a JSON object (a WriteQuery)")
    query: dict[str, Any] = {name: body.get(name) for name in WRITE_FIELDS}
    for name in ("model", "view"):
        if not isinstance(query[name], str) or not query[name]:
            raise validation_error(name, f"{name} is required", "missing_field")
    for name in _LISTS:
        value = query[name]
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise validation_error(name, f"{name} must be a list of strings")
    filters = query["filters"]
    if filters is not None and not (isinstance(filters, Mapping) and all(isinstance(k, str) for k in filters)):
        raise validation_error("filters", "filters must be an object of field name to filter expression")
    if filters is not None:
        query["filters"] = {k: "" if v is None else str(v) for k, v in filters.items()}
    if query["limit"] is not None:
        query["limit"] = str(query["limit"])
        parse_limit(query["limit"], "limit")
    return query


def parse_limit(text: str | None, field: str) -> int | None:
    """A Looker limit string (``"500"``, ``"-1"`` for none) as an int; 422 when not a number."""
    if text is None or text == "":
        return None
    try:
        return int(str(text).strip())
    except ValueError:
        raise validation_error(field, f"{field} must be a whole number, not {text!r}") from None


def to_query(
    write: Mapping[str, Any],
    *,
    user_attributes: Mapping[str, str],
    now: Any,
    default_timezone: str | None,
    limit: str | None = None,
) -> Query:
    """Our compiler's :class:`Query` for a stored ``WriteQuery`` (``limit`` overrides the query's)."""
    for name, what in (("pivots", "pivots"), ("subtotals", "subtotals")):
        if write.get(name):
            raise ApiError(400, f"the pytest-looker emulator does not support {what}")
    if write.get("dynamic_fields") not in (None, "", "[]"):
        raise ApiError(400, "the pytest-looker emulator does not support dynamic_fields (custom fields, table calcs)")
    if write.get("total") or write.get("row_total"):
        raise ApiError(400, "the pytest-looker emulator does not support totals")
    chosen = parse_limit(limit, "limit") if limit not in (None, "") else parse_limit(write.get("limit"), "limit")
    return Query(
        write["model"],
        write["view"],
        fields=list(write.get("fields") or []),
        filters=dict(write.get("filters") or {}),
        sorts=list(write.get("sorts") or []),
        limit=chosen,
        user_attributes=dict(user_attributes),
        timezone=write.get("query_timezone") or default_timezone,
        now=now,
        filter_expression=(write.get("filter_expression") or "").strip() or None,
    )


class QueryStore:
    """Every created query by id, and the id of each distinct body (Looker's deduplication)."""

    def __init__(self) -> None:
        self._by_id: dict[str, dict[str, Any]] = {}
        self._by_key: dict[str, str] = {}
        self._lock = threading.Lock()

    def create(self, write: Mapping[str, Any]) -> dict[str, Any]:
        """Store ``write`` (already checked) and return it as a ``Query`` with id and slug."""
        key = json.dumps(write, sort_keys=True, separators=(",", ":"))
        with self._lock:
            existing = self._by_key.get(key)
            if existing is not None:
                return self._by_id[existing]
            query_id = str(len(self._by_id) + 1)
            slug = hashlib.sha256(key.encode()).hexdigest()[:22]
            stored = query_json(write, query_id, slug)
            self._by_id[query_id] = stored
            self._by_key[key] = query_id
            return stored

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, query_id: str) -> dict[str, Any]:
        with self._lock:
            found = self._by_id.get(query_id)
        if found is None:
            raise ApiError(404, "Not found")
        return found


def query_json(write: Mapping[str, Any], query_id: str | None, slug: str | None) -> dict[str, Any]:
    """A ``Query`` response (``model`` and ``view`` are required by the SDK's model)."""
    return {
        **{name: write.get(name) for name in WRITE_FIELDS},
        "id": query_id,
        "slug": slug,
        "share_url": None,
        "expanded_share_url": None,
        "url": f"/explore/{write['model']}/{write['view']}?qid={slug}" if slug else None,
        "has_table_calculations": False,
        "can": {"run": True, "see_results": True, "explore": True, "create": True, "show": True, "cost_estimate": True},
    }
