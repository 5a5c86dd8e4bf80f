"""Plain-text tables of result rows, shared by failure reports, diffs and ``QueryResult.__repr__``.

Values are shown as a person reads them in Looker: NULL as ``∅``, numbers without a float's
noise, dates in ISO form. Long tables are cut with a note, because a failure report that scrolls
for a thousand rows hides the one line that matters.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["cell", "render_table"]

NULL = "∅"


def cell(value: Any) -> str:
    """One value as text."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, float):
        return repr(round(value, 10)).removesuffix(".0") if value.is_integer() else repr(round(value, 10))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def render_table(
    columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]] | Sequence[Sequence[str]],
    *,
    marks: Sequence[str] | None = None,
    limit: int = 50,
) -> str:
    """A fixed-width table; ``rows`` are mappings (keyed by column) or pre-rendered cells.

    ``marks`` puts a one-character marker column in front (diffs use ``-``, ``+``, ``~``).
    """
    shown = list(rows[:limit])
    cells = [
        [cell(row.get(c)) for c in columns] if isinstance(row, Mapping) else [str(v) for v in row] for row in shown
    ]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    head = "  " if marks is not None else ""
    lines = [head + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append(head + "-+-".join("-" * w for w in widths))
    for index, row_cells in enumerate(cells):
        prefix = f"{marks[index]} " if marks is not None else ""
        lines.append(prefix + " | ".join(v.ljust(w) for v, w in zip(row_cells, widths, strict=True)))
    if len(rows) > limit:
        lines.append(f"... {len(rows) - limit} more row(s) not shown")
    return "\n".join(line.rstrip() for line in lines)
