"""The ``fields=`` query parameter: answer only the top-level keys a client asked for.

Clients such as Spectacles ask for ``fields=id`` to keep large answers (users, explores) small.
Nested selections (``fields=explores(name)``) are answered with the whole nested value.
"""

from __future__ import annotations

from typing import Any


def select_fields(data: Any, fields: str | None) -> Any:
    """``data`` (an object or a list of objects) reduced to ``fields`` (comma-separated)."""
    if not fields:
        return data
    wanted = {part.split("(")[0].strip() for part in _split(fields)} - {""}
    if isinstance(data, list):
        return [select_fields(item, fields) for item in data]
    if isinstance(data, dict):
        return {key: value for key, value in data.items() if key in wanted}
    return data


def _split(fields: str) -> list[str]:
    """Split on top-level commas (``a,b(c,d)`` → ``a``, ``b(c,d)``)."""
    parts, depth, current = [], 0, ""
    for char in fields:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += char == "("
        depth -= char == ")"
        current += char
    parts.append(current)
    return parts
