"""Looker filter expressions → SQL conditions, offline and for any supported dialect.

The whole public surface (see filter-expressions.md for the grammar and semantics):

- :class:`FilterKind` picks the grammar (string, number, date, yesno, tier, location);
- :class:`FilterContext` carries the dialect, the injected clock and the query settings;
- :func:`parse_filter` parses an expression into an immutable typed tree (the ``nodes``
  module), raising :class:`~pytest_looker.errors.FilterSyntaxError` (naming the expression
  and the 1-based position) for anything malformed;
- :func:`filter_sql` renders the condition for a column, or ``None`` for an empty
  expression (no condition: a ``{% condition %}`` block then renders ``1=1``);
- :func:`date_bounds_sql` gives the SQL of the ``[start, end)`` a date expression denotes, for
  ``{% date_start %}``/``{% date_end %}``, and :func:`date_range` the same bounds evaluated in
  Python for the context's clock;
- :func:`substitute_user_attributes` expands ``{{ _user_attributes['x'] }}`` before parsing,
  and :func:`quote_string_value` spells an arbitrary value as an exact-match string filter.

Relative dates are written as Looker writes them: expressions over the warehouse clock in the
query time zone (:mod:`pytest_looker.compile.clock`), with ``ctx.now``, when given, in place of
the clock so that the SQL is deterministic. Every value from an expression reaches SQL only as
a sqlglot literal rendered for the target dialect, or as a date formatted from integers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlglot import exp

from pytest_looker.errors import FilterSyntaxError

from .calendar import item_bounds, to_column_bounds
from .context import FilterContext, FilterKind
from .dates import parse_date
from .diagnostics import syntax_error
from .locations import parse_location
from .nodes import DateFilter, DateNull, FilterExpression
from .numbers import parse_number
from .render import bound_sql, render
from .sqlbuild import raw
from .strings import parse_string, parse_tier, quote_string_value
from .user_attributes import has_user_attribute, substitute_user_attributes
from .yesno import parse_yesno

__all__ = [
    "FilterContext",
    "FilterExpression",
    "FilterKind",
    "FilterSyntaxError",
    "date_bounds_sql",
    "date_range",
    "filter_sql",
    "parse_filter",
    "quote_string_value",
    "substitute_user_attributes",
]

_PARSERS: dict[FilterKind, Callable[[str], FilterExpression]] = {
    FilterKind.STRING: parse_string,
    FilterKind.TIER: parse_tier,
    FilterKind.NUMBER: parse_number,
    FilterKind.DATE: parse_date,
    FilterKind.YESNO: parse_yesno,
    FilterKind.LOCATION: parse_location,
}

DateBound = datetime | date | None


def parse_filter(kind: FilterKind, text: str) -> FilterExpression:
    """Parse ``text`` with the grammar of ``kind``; an empty expression has no items."""
    if not isinstance(text, str):
        raise FilterSyntaxError(f"a {kind.value} filter expression must be text, not {type(text).__name__}")
    if has_user_attribute(text):
        raise syntax_error(
            kind.value,
            text,
            text.find("{{"),
            "substitute user attributes first (substitute_user_attributes)",
        )
    return _PARSERS[kind](text)


def filter_sql(kind: FilterKind, text: str, column_sql: str | tuple[str, str], ctx: FilterContext) -> str | None:
    """The SQL condition of ``text`` applied to ``column_sql``, in ``ctx.dialect``.

    ``column_sql`` is trusted SQL already in that dialect: the raw timestamp (or date) for
    DATE, the label CASE for TIER, the boolean condition for YESNO, the aggregate for a
    measure, and a ``(latitude_sql, longitude_sql)`` pair for LOCATION. Returns ``None`` when
    the expression is empty.
    """
    expression = parse_filter(kind, text)
    if isinstance(column_sql, tuple):
        column: exp.Expr | tuple[exp.Expr, exp.Expr] = (raw(column_sql[0]), raw(column_sql[1]))
    else:
        column = raw(column_sql)
    condition = render(expression, column, ctx)
    return None if condition is None else condition.sql(dialect=ctx.dialect)


def date_range(text: str, ctx: FilterContext) -> tuple[DateBound, DateBound] | None:
    """The half-open ``[start, end)`` a date expression denotes, as compared in the SQL.

    Bounds are naive, in the database zone when ``ctx.convert_tz`` (else the query zone), and
    dates when ``ctx.column_is_date``; ``None`` marks an open side. Several items give the
    smallest range covering them all; ``NULL``/``NOT NULL`` items leave both sides open.
    Returns ``None`` for an empty expression.
    """
    expression = parse_filter(FilterKind.DATE, text)
    assert isinstance(expression, DateFilter)
    if not expression.items:
        return None
    starts: list[DateBound] = []
    ends: list[DateBound] = []
    for item in expression.items:
        if isinstance(item, DateNull):
            starts.append(None)
            ends.append(None)
            continue
        start, end = to_column_bounds(item_bounds(item, ctx, text), ctx)
        starts.append(start)
        ends.append(end)
    return _earliest(starts), _latest(ends)


def date_bounds_sql(text: str, ctx: FilterContext) -> tuple[str | None, str | None] | None:
    """The SQL of the ``[start, end)`` a date expression denotes (``None`` for an open side),
    as the filter compares them; ``None`` for an empty expression. Several items give the
    smallest range covering them all (``LEAST``/``GREATEST``)."""
    expression = parse_filter(FilterKind.DATE, text)
    assert isinstance(expression, DateFilter)
    if not expression.items:
        return None
    starts: list[str | None] = []
    ends: list[str | None] = []
    for item in expression.items:
        if isinstance(item, DateNull):
            starts.append(None)
            ends.append(None)
            continue
        start, end = bound_sql(item, ctx, text)
        starts.append(None if start is None else start.sql(dialect=ctx.dialect))
        ends.append(None if end is None else end.sql(dialect=ctx.dialect))
    return _spanning("LEAST", starts), _spanning("GREATEST", ends)


def _spanning(function: str, values: list[str | None]) -> str | None:
    if any(v is None for v in values):
        return None
    unique = list(dict.fromkeys(v for v in values if v is not None))
    return unique[0] if len(unique) == 1 else f"{function}({', '.join(unique)})"


def _earliest(values: list[DateBound]) -> DateBound:
    if any(v is None for v in values):
        return None
    return min(v for v in values if v is not None)


def _latest(values: list[DateBound]) -> DateBound:
    if any(v is None for v in values):
        return None
    return max(v for v in values if v is not None)
