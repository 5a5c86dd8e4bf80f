"""Snowflake's union column types made explicit, given the types of each branch.

Snowflake gives a UNION column whose branches are NUMBER and VARCHAR the type NUMBER (the text is
converted; text that is no number fails at run time, "Numeric value … is not recognized"); DuckDB
makes it VARCHAR. The translation does not see column types, so the runner asks the database for
them when DuckDB refuses a mix (:mod:`pytest_looker.run.retyped`) and this module casts the text
branches. Source: https://docs.snowflake.com/en/sql-reference/operators-query ,
https://docs.snowflake.com/en/sql-reference/data-type-conversion .
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from pytest_looker.errors import LookerError

__all__ = ["TypesOf", "numbers_win_in_unions"]

_TEXT = "VARCHAR"
_FLOATS = frozenset({"FLOAT", "DOUBLE"})
_INTEGERS = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER"})
_BRANCH = "_retyped"

#: ``types_of(select_sql)``: the query's column names and DuckDB type names, without running it.
TypesOf = Callable[[str], tuple[list[str], list[str]]]


def numbers_win_in_unions(sql: str, types_of: TypesOf) -> str | None:
    """``sql`` with the text branches of NUMBER/VARCHAR union columns cast to the number type, or
    None when no union of its CTEs mixes them."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except SqlglotError:
        return None
    with_ = tree.args.get("with_")
    ctes = list(with_.expressions) if isinstance(with_, exp.With) else []
    changed = False
    for index, cte in enumerate(ctes):
        if isinstance(cte.this, exp.Union):
            changed |= _retype_union(cte.this, ctes[:index], types_of)
    return tree.sql(dialect="duckdb") if changed else None


def _branches(node: exp.Expr) -> Iterator[exp.Expr]:
    if isinstance(node, exp.SetOperation):
        yield from _branches(node.this)
        yield from _branches(node.expression)
    else:
        yield node


def _retype_union(union: exp.Union, earlier: list[exp.CTE], types_of: TypesOf) -> bool:
    branches = list(_branches(union))
    typed: list[tuple[list[str], list[str]]] = []
    for branch in branches:
        query = branch.copy()
        if earlier:
            query.set("with_", exp.With(expressions=[cte.copy() for cte in earlier]))
        try:
            names, types = types_of(query.sql(dialect="duckdb"))
        except LookerError:
            return False
        typed.append((list(names), list(types)))
    width = len(typed[0][1])
    if any(len(types) != width for _, types in typed):
        return False
    casts: dict[int, dict[int, str]] = {}
    for column in range(width):
        kinds = [types[column] for _, types in typed]
        numbers = [kind for kind in kinds if _is_number(kind)]
        if numbers and _TEXT in kinds and all(kind == _TEXT or _is_number(kind) for kind in kinds):
            target = _common_number(numbers)
            for position, kind in enumerate(kinds):
                if kind == _TEXT:
                    casts.setdefault(position, {})[column] = target
    for position, columns in casts.items():
        names = typed[position][0]
        projections: list[exp.Expr] = []
        for column, name in enumerate(names):
            value: exp.Expr = exp.column(name, table=_BRANCH, quoted=True)
            if column in columns:
                value = exp.alias_(exp.cast(value, columns[column]), name, quoted=True)
            projections.append(value)
        source = exp.Subquery(this=branches[position].copy(), alias=exp.TableAlias(this=exp.to_identifier(_BRANCH)))
        branches[position].replace(exp.select(*projections).from_(source))
    return bool(casts)


def _is_number(kind: str) -> bool:
    return kind in _INTEGERS or kind in _FLOATS or kind == "UBIGINT" or kind.startswith("DECIMAL")


def _common_number(kinds: list[str]) -> str:
    """The type a NUMBER/VARCHAR column takes: a float if a branch is one, else the first
    decimal, else the widest integer type (BIGINT at least: Snowflake's NUMBER(38,0))."""
    if any(kind in _FLOATS for kind in kinds):
        return "DOUBLE"
    decimals = [kind for kind in kinds if kind.startswith("DECIMAL")]
    if decimals:
        return decimals[0]
    return "HUGEINT" if "HUGEINT" in kinds or "UBIGINT" in kinds else "BIGINT"
