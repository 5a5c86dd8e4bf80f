"""Post-SQL measures, computed on the result rows as Looker does after the query runs.

Looker's ``percent_of_total``, ``running_total`` and ``percent_of_previous`` are not SQL: the
query selects the measure they reference, and Looker transforms that column over the rows it
returns (in their final order, and only over those rows — a LIMIT changes the total). We do the
same here:

* ``percent_of_total``: ``100 * value / sum(values)``; NULL when the total is 0 or NULL;
* ``running_total``: cumulative sum in row order; NULL values add nothing;
* ``percent_of_previous``: ``100 * (value - previous) / previous`` with the previous row's value;
  NULL for the first row and when the previous value is 0 or NULL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class PostSqlMeasure:
    """A measure finished on the result rows (``percent_of_total``, ``running_total``...)."""

    field: str
    type: str
    column: str


def apply_post_sql(rows: list[dict[str, Any]], measures: Sequence[PostSqlMeasure]) -> list[dict[str, Any]]:
    """Replace each post-SQL measure's column (keyed ``view.field``) by its computed value."""
    for measure in measures:
        values = [row.get(measure.field) for row in rows]
        if measure.type == "percent_of_total":
            computed = percent_of_total(values)
        elif measure.type == "running_total":
            computed = running_total(values)
        elif measure.type == "percent_of_previous":
            computed = percent_of_previous(values)
        else:
            continue
        for row, value in zip(rows, computed, strict=True):
            row[measure.field] = value
    return rows


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def percent_of_total(values: Sequence[Any]) -> list[float | None]:
    numbers = [_number(v) for v in values]
    total = sum(n for n in numbers if n is not None)
    if not total:
        return [None for _ in numbers]
    return [None if n is None else 100.0 * n / total for n in numbers]


def running_total(values: Sequence[Any]) -> list[float | None]:
    result: list[float | None] = []
    running = 0.0
    for value in values:
        number = _number(value)
        if number is not None:
            running += number
        result.append(running)
    return result


def percent_of_previous(values: Sequence[Any]) -> list[float | None]:
    numbers = [_number(v) for v in values]
    result: list[float | None] = []
    for index, number in enumerate(numbers):
        previous = numbers[index - 1] if index else None
        if number is None or not previous:
            result.append(None)
        else:
            result.append(100.0 * (number - previous) / previous)
    return result


def rows_as_dicts(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[Mapping[str, Any]]:
    """Helper for DB-API results: tuples plus column names → mappings."""
    return [dict(zip(columns, row, strict=True)) for row in rows]
