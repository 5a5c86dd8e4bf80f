"""Failures the warehouse would report too: told from the SQL, not from the offline data.

DuckDB's "No function matches … 'date_diff(STRING_LITERAL, VARCHAR, VARCHAR)'" is ours when the
scaffold gave a column the wrong type, and the LookML's when the SQL itself makes the value text.
BigQuery converts a STRING *literal* to a date or timestamp where one is expected, never a STRING
value ("Conversion rules": STRING coerces to nothing; "literal coercion"). So a date/time
function or arithmetic over a value the query computes as text — Looker's ``_time`` timeframe is
``FORMAT_TIMESTAMP('%F %T', x)``, a STRING, and a derived table passes it on as one — fails on
BigQuery as well.

:func:`rejected_too` traces the failing function's arguments through the CTEs and subqueries
that define them (``SELECT *``, window functions that return their argument's type) to the
expression that makes them, and types that expression with sqlglot. A column of a table is never
taken as evidence: its type is the scaffold's guess.

Some SQL breaks a rule of BigQuery's that the offline data has no part in (:func:`_broken_rule`):
``DATE_DIFF('day', a, b)`` (another warehouse's ``DATEDIFF`` order: BigQuery's third argument is a
date part keyword, DAY, WEEK…), ``+`` of two text values (no STRING signature), a field read from
a value that is not a STRUCT (``TO_JSON_STRING(t.s).s.x``: a STRING).

Sources: https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_rules ,
https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_diff ,
https://cloud.google.com/bigquery/docs/reference/standard-sql/operators ,
Looker's BigQuery SQL for a ``_time`` timeframe: ``(FORMAT_TIMESTAMP('%F %T', t.created_at ))``.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.scope import Scope, traverse_scope

__all__ = ["REJECTED_TOO", "might_be_rejected_too", "rejected_too"]

#: How the rewritten message starts (``causes.diagnose`` labels it the LookML's).
REJECTED_TOO = "the warehouse rejects this SQL too"

#: Dialects that never convert a text value (only a literal) to a date/time or a number.
_STRICT_DIALECTS = frozenset({"bigquery"})
#: DuckDB's words for a field read from a value that is not a struct
_NOT_A_STRUCT = "because it is not a struct"
#: DuckDB's names of BigQuery's DATE_DIFF and friends (their third argument is a date part keyword)
_DIFFS = frozenset({"date_diff", "datediff"})
_NO_MATCH = re.compile(r"No function matches the given name and argument types '([^(']+)\(([^']*)\)'")
_DATE_PARTS = (exp.Extract, exp.Year, exp.Month, exp.Day, exp.Quarter, exp.Week, exp.DayOfWeek)
#: DuckDB's function names → the source expressions they come from.
_FUNCTIONS: dict[str, tuple[type[exp.Expr], ...]] = {
    "date_diff": (exp.DateDiff, exp.TimestampDiff, exp.DatetimeDiff),
    "datediff": (exp.DateDiff, exp.TimestampDiff, exp.DatetimeDiff),
    "date_trunc": (exp.DateTrunc, exp.TimestampTrunc, exp.DatetimeTrunc),
    "date_part": _DATE_PARTS,
    # EXTRACT(DAYOFWEEK FROM x) and friends reach DuckDB as functions of their own
    **dict.fromkeys(("dayofweek", "isodow", "dayofyear", "year", "month", "day", "quarter", "week"), _DATE_PARTS),
    "strftime": (exp.TimeToStr,),
    "-": (exp.Sub,),
    "+": (exp.Add,),
    "*": (exp.Mul,),
    "/": (exp.Div,),
}
#: Window functions whose value is one of their argument's values (its type).
_PASSING_WINDOWS = (exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue, exp.AnyValue, exp.Max, exp.Min)


def might_be_rejected_too(message: str, dialect: str) -> bool:
    """Whether :func:`rejected_too` can tell anything of this failure (cheap: no SQL read)."""
    if dialect.lower() not in _STRICT_DIALECTS:
        return False
    if _NOT_A_STRUCT in message:
        return True
    found = _NO_MATCH.search(message)
    return found is not None and (
        ("VARCHAR" in found.group(2) and found.group(1).lower() in _FUNCTIONS) or found.group(1).lower() in _DIFFS
    )


def rejected_too(sql: str, dialect: str, message: str) -> str | None:
    """The reason the warehouse rejects ``sql`` as well, when DuckDB's ``message`` (a function
    that got text) is about a value that ``sql`` itself makes text, or ``sql`` breaks one of the
    warehouse's rules that no data can satisfy (:func:`_broken_rule`); ``None`` otherwise."""
    if not might_be_rejected_too(message, dialect):
        return None
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
        scopes = traverse_scope(tree)
    except (SqlglotError, RecursionError, ValueError, KeyError):
        return None
    return _made_text(scopes, dialect, message) or _broken_rule(tree, dialect)


def _made_text(scopes: list[Scope], dialect: str, message: str) -> str | None:
    """A function of DuckDB's ``message`` reading a column that the SQL makes text."""
    found = _NO_MATCH.search(message)
    if found is None or "VARCHAR" not in found.group(2) or found.group(1).lower() not in _FUNCTIONS:
        return None
    classes = _FUNCTIONS[found.group(1).lower()]
    for scope in scopes:
        for call in scope.expression.find_all(*classes):
            for argument in call.iter_expressions():
                column = argument.unnest()
                if not isinstance(column, exp.Column):
                    continue
                made = _definition(scope, column)
                if made is not None and _is_text(made, dialect):
                    name = (
                        call.sql(dialect=dialect).split("(")[0] if not isinstance(call, exp.Binary) else found.group(1)
                    )
                    return (
                        f"{REJECTED_TOO}: {name} reads {column.sql(dialect=dialect)}, which the SQL makes text"
                        f" ({made.sql(dialect=dialect)}); {dialect} converts only a string literal, never a"
                        " STRING value, to a date, time or number"
                    )
    return None


def _broken_rule(tree: exp.Expr, dialect: str) -> str | None:
    """A rule of BigQuery's that ``tree`` breaks whatever the data (see the module docstring)."""
    for diff in tree.find_all(*_FUNCTIONS["date_diff"]):
        unit = diff.args.get("unit")
        if isinstance(unit, exp.Column | exp.Literal):
            name = diff.sql(dialect=dialect).split("(")[0]
            return (
                f"{REJECTED_TOO}: {name} has {unit.sql(dialect=dialect)} third, where {dialect} takes a date part"
                f" keyword ({name}(end, start, DAY)); DATEDIFF('day', start, end) is another warehouse's order"
            )
    for add in tree.find_all(exp.Add):
        if all(_is_text(side, dialect) for side in (add.this, add.expression)):
            return (
                f"{REJECTED_TOO}: {add.sql(dialect=dialect)} adds two STRING values; {dialect} has no + for STRING"
                " (to join text: CONCAT(…) or ||)"
            )
    for dot in tree.find_all(exp.Dot):
        base: exp.Expr = dot
        while isinstance(base, exp.Dot | exp.Paren):
            base = base.this
        if not isinstance(base, exp.Column) and _is_text(base, dialect):
            return (
                f"{REJECTED_TOO}: {dot.sql(dialect=dialect)} reads a field of {base.sql(dialect=dialect)}, a STRING;"
                f" {dialect} reads fields of a STRUCT only"
            )
    return None


def _definition(scope: Scope, column: exp.Column) -> exp.Expr | None:
    """The expression that ``column`` of ``scope`` is made by in a CTE or subquery (``None``:
    a table's column, or not traceable)."""
    for _ in range(20):
        sources = scope.selected_sources
        if column.table:
            entry = sources.get(column.table)
            source = entry[1] if entry is not None else None
        else:
            source = next(iter(sources.values()))[1] if len(sources) == 1 else None
        if not isinstance(source, Scope) or not isinstance(source.expression, exp.Select):
            return None
        select = source.expression
        projection = next((p for p in select.expressions if p.alias_or_name == column.name), None)
        if projection is None:
            if not any(isinstance(p, exp.Star) or p.is_star for p in select.expressions):
                return None
            scope = source  # SELECT *: the same name, one level down
            column = exp.column(column.name)
            continue
        inner: exp.Expr = projection.unalias().unnest()
        if isinstance(inner, exp.Window) and isinstance(inner.this, _PASSING_WINDOWS):
            inner = inner.this.this.unnest()
        if isinstance(inner, exp.Column):
            scope, column = source, inner
            continue
        return inner
    return None


def _is_text(node: exp.Expr, dialect: str) -> bool:
    """Whether ``node`` is text whatever the columns it reads are: a value-passing expression
    (``COALESCE(ts, 'none')``) is text only if each value it may pass is."""
    typed = annotate_types(node.copy(), dialect=dialect)
    return _certainly_text(typed)


def _certainly_text(node: exp.Expr) -> bool:
    if node.type is None or not node.is_type(*exp.DataType.TEXT_TYPES):
        return False
    if isinstance(node, exp.Coalesce):
        return all(_certainly_text(value) for value in node.iter_expressions())
    if isinstance(node, (exp.Case, exp.If)):
        values = [node.args.get("true"), node.args.get("false"), node.args.get("default")]
        values += [branch.args.get("true") for branch in node.args.get("ifs") or []]
        return all(_certainly_text(v) for v in values if isinstance(v, exp.Expr) and not isinstance(v, exp.Null))
    return not isinstance(node, exp.Column)
