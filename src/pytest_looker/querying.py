"""Running a compiled query and presenting its rows (used by the CLI and, later, the plugin)."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from pytest_looker.compile import CompiledQuery
from pytest_looker.errors import ConfigurationError
from pytest_looker.run import ResultSet


class Backend(Protocol):
    def execute(self, sql: str) -> ResultSet: ...


def parse_key_values(items: Iterable[str], option: str) -> dict[str, str]:
    """``["a=1", "b=x=y"]`` → ``{"a": "1", "b": "x=y"}``; a missing ``=`` is a usage error."""
    result: dict[str, str] = {}
    for item in items:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise ConfigurationError(f"{option} {item!r} must be written NAME=VALUE")
        result[key.strip()] = value
    return result


def run_compiled(compiled: CompiledQuery, backend: Backend) -> list[dict[str, Any]]:
    """Execute and return rows keyed ``view.field`` with post-SQL measures computed."""
    result = backend.execute(compiled.sql)
    return compiled.finish(result.as_dicts())


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
