"""Result rows shown to people and machines: text tables, JSON values, CSV.

Shared by failure reports, diffs, ``QueryResult.__repr__``, the CLI's ``query`` output and the
emulator's result formats, so that a value looks the same wherever it is shown.

Values are shown as a person reads them in Looker: NULL as ``∅``, numbers without a float's
noise, dates in ISO form. Long tables are cut with a note, because a failure report that scrolls
for a thousand rows hides the one line that matters.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["NULL", "cell", "json_value", "output_rows", "render_table"]

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


def json_value(value: Any) -> Any:
    """JSON-native values: numbers stay numbers, dates become ISO strings."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


def output_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], output_format: str) -> str:
    """Rows as ``json`` (array of objects), ``csv`` (header of view.field names) or a text table."""
    if output_format == "json":
        return json.dumps([{c: json_value(row.get(c)) for c in columns} for row in rows], indent=2) + "\n"
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[json_value(row.get(c)) for c in columns] for row in rows])
        return buffer.getvalue()
    cells = [[("∅" if row.get(c) is None else str(json_value(row.get(c)))) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells)
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
