"""``--looker-compare-sql``: Looker's SQL and ours, run on the same warehouse, must agree.

A fidelity check of our compiler against the real thing. For each query the plugin runs through
Looker, Looker's own SQL (``run_inline_query`` in ``sql`` format) and the SQL our compiler
writes are both executed on the *warehouse* backend of the same environment (DuckDB or
SQLAlchemy — ``duckdb``/``seeds``/``url`` in its section), and the two row sets compared:

* columns are matched by name (Looker aliases ``view.field`` as ``view_field`` or
  ``"view.field"`` depending on the dialect), else by position;
* rows are compared as multisets — unless the query sorts, row order is not part of the
  contract — with numbers equal to 1e-9 relative.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from pytest_looker.compile import Query
from pytest_looker.compile.transpile import transpile
from pytest_looker.errors import LookerError
from pytest_looker.present import json_value
from pytest_looker.run.runner import LocalRunner

__all__ = ["SqlMismatchError", "compare_query"]

_SHOWN = 5


class SqlMismatchError(LookerError):
    """Looker's SQL and ours return different rows on the warehouse."""


def compare_query(warehouse: LocalRunner, looker_sql: str, query: Query) -> str | None:
    """A description of the differences, or ``None`` when both SQL texts return the same rows."""
    source = warehouse.settings.dialect_for(warehouse.project.model(query.model).connection)
    theirs_sql = transpile(looker_sql, source=source, target=warehouse.dialect, what="Looker's SQL")
    theirs = warehouse.engine.execute(theirs_sql)
    ours = warehouse.run(query)
    fields = list(query.fields)
    theirs_rows = [_pick(dict(zip(theirs.columns, row, strict=True)), theirs.columns, fields) for row in theirs.rows]
    ours_rows = [tuple(_norm(row.get(f)) for f in fields) for row in ours.rows]
    if Counter(theirs_rows) == Counter(ours_rows):
        return None
    only_theirs = list((Counter(theirs_rows) - Counter(ours_rows)).elements())
    only_ours = list((Counter(ours_rows) - Counter(theirs_rows)).elements())
    lines = [
        f"Looker's SQL and pytest-looker's SQL return different rows for {query.model}/{query.explore}"
        f" ({len(theirs_rows)} vs {len(ours_rows)} rows; columns {', '.join(fields)})"
    ]
    lines += [f"  only with Looker's SQL: {row}" for row in only_theirs[:_SHOWN]]
    lines += [f"  only with our SQL:      {row}" for row in only_ours[:_SHOWN]]
    lines += ["", "Looker's SQL:", looker_sql, "", "Our SQL:", ours.sql]
    return "\n".join(lines)


def _pick(row: Mapping[str, Any], columns: Sequence[str], fields: Sequence[str]) -> tuple[Any, ...]:
    keyed = {_key(c): row[c] for c in columns}
    values = []
    for index, name in enumerate(fields):
        key = _key(name)
        if key in keyed:
            values.append(_norm(keyed[key]))
        elif index < len(columns):
            values.append(_norm(row[columns[index]]))
        else:
            values.append(None)
    return tuple(values)


def _key(name: str) -> str:
    return name.strip('"`[]').lower().replace(".", "_")


def _norm(value: Any) -> Any:
    value = json_value(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return float(f"{value:.9g}")
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value)
    return value
