"""Dialect-aware SQL building blocks, all produced as sqlglot expressions.

Security rests here: every value that came from a filter expression becomes a sqlglot
``Literal`` and is rendered by sqlglot's generator for the target dialect, which knows whether
the dialect escapes quotes by doubling or with backslashes. Nothing user-supplied is ever
pasted into SQL text. The only raw SQL embedded verbatim is the caller's column expression
(trusted LookML) and date/time literals whose text this module formats from integers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from sqlglot import exp

from pytest_looker.compile.dialects import get_dialect

#: Column expressions that need no parentheses around them: (quoted) identifiers and dots.
_SIMPLE_COLUMN = re.compile(r'(?:[A-Za-z_][\w$]*|"[^"]+"|`[^`]+`)(?:\.(?:[A-Za-z_][\w$]*|"[^"]+"|`[^`]+`))*')
#: The LIKE escape character we use (BigQuery's LIKE, without an ESCAPE clause, uses it by default).
LIKE_ESCAPE = "\\"


def raw(sql: str) -> exp.Expr:
    """Embed trusted SQL verbatim, parenthesised unless it is a plain (qualified) identifier."""
    sql = sql.strip()
    node = exp.Var(this=sql)
    return node if _SIMPLE_COLUMN.fullmatch(sql) else exp.Paren(this=node)


def string(value: str) -> exp.Expr:
    """A string literal, escaped by sqlglot for the dialect at generation time."""
    return exp.Literal.string(value)


def number(value: Decimal) -> exp.Expr:
    """A numeric literal in plain positional notation (``.5`` → ``0.5``, ``1e3`` → ``1000``)."""
    text = format(value, "f")
    if text.startswith("-"):
        return exp.Neg(this=exp.Literal.number(text[1:]))
    return exp.Literal.number(text)


def trusted(text: str) -> exp.Expr:
    """SQL the dialect rendered from a date filter's moments, embedded verbatim.

    Its only values are dates and times formatted from integers and zone names checked against
    the IANA database, never text from the filter expression.
    """
    return exp.Var(this=text)


def is_null(value: exp.Expr) -> exp.Expr:
    """``value IS NULL``."""
    return exp.Is(this=value.copy(), expression=exp.Null())


def is_not_null(value: exp.Expr) -> exp.Expr:
    """``value IS NOT NULL`` (sqlglot spells it ``NOT value IS NULL``)."""
    return exp.Not(this=is_null(value))


def or_null(condition: exp.Expr, value: exp.Expr) -> exp.Expr:
    """``(condition OR value IS NULL)``: a negation that keeps NULL rows, as Looker does."""
    if isinstance(condition, exp.Paren) and isinstance(condition.this, exp.Or):
        condition = condition.this  # (a OR b OR x IS NULL), not ((a OR b) OR x IS NULL)
    return exp.Paren(this=exp.Or(this=condition, expression=is_null(value)))


def in_list(value: exp.Expr, items: Sequence[exp.Expr]) -> exp.Expr:
    """``value = a`` for one item, ``value IN (a, b…)`` for several."""
    if len(items) == 1:
        return exp.EQ(this=value.copy(), expression=items[0])
    return exp.In(this=value.copy(), expressions=list(items))


def not_in(value: exp.Expr, items: Sequence[exp.Expr], null_of: exp.Expr) -> exp.Expr:
    """``(value <> a OR null_of IS NULL)`` / ``(value NOT IN (a, b…) OR null_of IS NULL)``."""
    if len(items) == 1:
        condition: exp.Expr = exp.NEQ(this=value.copy(), expression=items[0])
    else:
        condition = exp.Not(this=exp.In(this=value.copy(), expressions=list(items)))
    return or_null(condition, null_of)


def like(value: exp.Expr, pattern: str, *, negate: bool, case_sensitive: bool, escaped: bool, dialect: str) -> exp.Expr:
    """``value [NOT] LIKE 'pattern'`` (ILIKE when case-insensitive; sqlglot lowers both sides
    where the dialect has no ILIKE), with ``ESCAPE '\\'`` when the pattern contains escapes."""
    node_type: type[exp.Like] | type[exp.ILike] = exp.Like if case_sensitive else exp.ILike
    node: exp.Expr = node_type(this=value.copy(), expression=string(pattern), negate=negate or None)
    if escaped and get_dialect(dialect).like_escape_clause:
        node = exp.Escape(this=node, expression=string(LIKE_ESCAPE))
    return node


def escape_like(text: str) -> tuple[str, bool]:
    """Escape LIKE metacharacters in literal text: ``(pattern text, whether anything was escaped)``."""
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")
    return escaped, escaped != text


def lower(value: exp.Expr) -> exp.Expr:
    """``LOWER(value)``."""
    return exp.Lower(this=value.copy())


def all_of(conditions: Sequence[exp.Expr]) -> exp.Expr:
    """AND of the conditions (sqlglot parenthesises OR-groups inside)."""
    return conditions[0] if len(conditions) == 1 else exp.and_(*conditions)


def any_of(conditions: Sequence[exp.Expr]) -> exp.Expr:
    """OR of the conditions, parenthesised when there are several."""
    return conditions[0] if len(conditions) == 1 else exp.Paren(this=exp.or_(*conditions))


def call(name: str, *args: exp.Expr) -> exp.Expr:
    """A function call spelled the same in every supported dialect (SIN, ASIN, LEAST…)."""
    return exp.Anonymous(this=name, expressions=list(args))
