"""Compare query rows with expected rows and show the difference as a table (dbt's unit tests).

Semantics (dbt's given/expect, convention 9 of style-anchors.md):

* only the columns the expected rows mention are compared; an empty ``expected`` means "no rows";
* order is ignored unless ``ordered=True`` (rows are matched as a multiset);
* numbers compare with an absolute ``tolerance`` (default: equal up to float noise, 1e-9
  relative); ``Decimal``/``int``/``float`` are interchangeable;
* values written in YAML compare with what a database returns: ``yes``/``true`` with Looker's
  ``"Yes"``, ``"2024-01-15"`` with a ``date``, ``"2024-01-15 10:30:00"`` with a ``datetime``,
  ``"12"`` with ``12``.

The diff marks each row: ``-`` expected but missing, ``+`` returned but not expected, ``~`` a
row whose cells partly differ (shown ``expected → actual``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pytest_looker.present import cell, render_table

__all__ = ["RowsDiff", "assert_rows", "compare_rows", "values_equal"]

Row = Mapping[str, Any]


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | decimal.Decimal):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def values_equal(expected: Any, actual: Any, tolerance: float | None = None) -> bool:
    """Whether an expected value (as written in YAML/Python) matches a returned value."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return _yesno(expected) is not None and _yesno(expected) == _yesno(actual)
    if isinstance(expected, int | float | decimal.Decimal) or isinstance(actual, int | float | decimal.Decimal):
        left, right = _number(expected), _number(actual)
        if left is None or right is None:
            return False
        if tolerance is not None:
            return abs(left - right) <= tolerance + 1e-12
        return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(expected, dt.date | dt.time) or isinstance(actual, dt.date | dt.time):
        return _temporal_text(expected) == _temporal_text(actual)
    return str(expected) == str(actual)


def _yesno(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "no", "true", "false"):
        return value.strip().lower() in ("yes", "true")
    return None


def _temporal_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ")
        return text.removesuffix(" 00:00:00") if value.time() == dt.time() and value.tzinfo is None else text
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value).strip().replace("T", " ")
    return text.removesuffix(" 00:00:00")


@dataclass(frozen=True)
class DiffRow:
    """One line of a diff: ``mark`` is ``" "``, ``"-"``, ``"+"`` or ``"~"``."""

    mark: str
    expected: Row | None
    actual: Row | None


@dataclass(frozen=True)
class RowsDiff:
    """The outcome of :func:`compare_rows`; falsy when the rows match."""

    columns: tuple[str, ...]
    lines: tuple[DiffRow, ...]
    problems: tuple[str, ...] = field(default=())

    @property
    def missing(self) -> int:
        return sum(1 for line in self.lines if line.mark in "-~")

    @property
    def unexpected(self) -> int:
        return sum(1 for line in self.lines if line.mark in "+")

    def __bool__(self) -> bool:
        return bool(self.problems) or any(line.mark != " " for line in self.lines)

    def render(self) -> str:
        """The table diff a person reads: legend, summary, then the rows."""
        if not self:
            return "rows match"
        parts = list(self.problems)
        changed = [line for line in self.lines if line.mark == "~"]
        missing = [line for line in self.lines if line.mark == "-"]
        extra = [line for line in self.lines if line.mark == "+"]
        summary = []
        if missing:
            summary.append(f"{len(missing)} expected row(s) missing")
        if extra:
            summary.append(f"{len(extra)} unexpected row(s)")
        if changed:
            summary.append(f"{len(changed)} row(s) differ")
        if summary:
            parts.append("actual differs from expected: " + ", ".join(summary))
            parts.append("(- expected, not returned   + returned, not expected   ~ differs: expected → actual)")
            parts.append(render_table(self.columns, [self._cells(line) for line in self.lines], marks=self._marks()))
        return "\n".join(parts)

    def _marks(self) -> list[str]:
        return [line.mark for line in self.lines]

    def _cells(self, line: DiffRow) -> list[str]:
        if line.mark == "~" and line.expected is not None and line.actual is not None:
            return [
                cell(line.expected.get(c))
                if values_equal(line.expected.get(c), line.actual.get(c))
                else f"{cell(line.expected.get(c))} → {cell(line.actual.get(c))}"
                for c in self.columns
            ]
        row = line.expected if line.expected is not None else line.actual
        return [cell((row or {}).get(c)) for c in self.columns]


def _rows_equal(expected: Row, actual: Row, columns: Sequence[str], tolerance: float | None) -> bool:
    return all(values_equal(expected.get(c), actual.get(c), tolerance) for c in columns)


def _similarity(expected: Row, actual: Row, columns: Sequence[str], tolerance: float | None) -> int:
    return sum(1 for c in columns if values_equal(expected.get(c), actual.get(c), tolerance))


def compare_rows(
    actual: Sequence[Row],
    expected: Sequence[Row],
    *,
    ordered: bool = False,
    tolerance: float | None = None,
    available: Sequence[str] | None = None,
) -> RowsDiff:
    """Compare ``actual`` with ``expected`` on the expected rows' columns.

    ``available`` lists the columns the query returned; an expected column outside it is a
    problem reported by name (a typo in an expectation must not pass silently as "NULL").
    """
    columns = tuple(dict.fromkeys(c for row in expected for c in row))
    problems: list[str] = []
    if available is not None:
        unknown = [c for c in columns if c not in available]
        if unknown:
            problems.append(
                f"expected column(s) {', '.join(unknown)} not in the query's fields ({', '.join(available)})"
            )
    shown = columns or tuple(available or ())
    if ordered:
        lines = _ordered(actual, expected, columns, tolerance)
    else:
        lines = _unordered(actual, expected, columns, tolerance)
    return RowsDiff(shown, tuple(lines), tuple(problems))


def _ordered(
    actual: Sequence[Row], expected: Sequence[Row], columns: Sequence[str], tol: float | None
) -> list[DiffRow]:
    lines = []
    for index in range(max(len(actual), len(expected))):
        exp = expected[index] if index < len(expected) else None
        act = actual[index] if index < len(actual) else None
        if exp is not None and act is not None:
            lines.append(DiffRow(" " if _rows_equal(exp, act, columns, tol) else "~", exp, act))
        elif exp is not None:
            lines.append(DiffRow("-", exp, None))
        else:
            lines.append(DiffRow("+", None, act))
    return lines


def _unordered(
    actual: Sequence[Row], expected: Sequence[Row], columns: Sequence[str], tol: float | None
) -> list[DiffRow]:
    remaining = list(range(len(actual)))
    matched: list[DiffRow] = []
    missing: list[Row] = []
    for exp in expected:
        hit = next((i for i in remaining if _rows_equal(exp, actual[i], columns, tol)), None)
        if hit is None:
            missing.append(exp)
        else:
            remaining.remove(hit)
            matched.append(DiffRow(" ", exp, actual[hit]))
    lines = list(matched)
    # Pair a missing row with the leftover actual row it resembles most (at least half the
    # cells equal, e.g. the same key): a "~" row reads better than a "-" and a "+" row.
    for exp in missing:
        best = max(remaining, key=lambda i: _similarity(exp, actual[i], columns, tol), default=None)
        if best is not None and columns and _similarity(exp, actual[best], columns, tol) * 2 >= len(columns):
            remaining.remove(best)
            lines.append(DiffRow("~", exp, actual[best]))
        else:
            lines.append(DiffRow("-", exp, None))
    lines.extend(DiffRow("+", None, actual[i]) for i in remaining)
    return lines


def assert_rows(
    result: Any,
    expected: Sequence[Row],
    *,
    ordered: bool = False,
    tolerance: float | None = None,
) -> None:
    """Assert that a query result (a :class:`QueryResult` or a list of dicts) has ``expected`` rows.

    Raises ``AssertionError`` whose message is the table diff and, for a query result, its SQL
    (pytest shows it at the test's line, not inside this function).
    """
    __tracebackhide__ = True
    rows = getattr(result, "rows", result)
    available = getattr(result, "columns", None)
    diff = compare_rows(rows, expected, ordered=ordered, tolerance=tolerance, available=available)
    if diff:
        sql = getattr(result, "sql", None)
        message = diff.render() + (f"\n\nSQL:\n{sql}" if sql else "")
        raise AssertionError(message)
