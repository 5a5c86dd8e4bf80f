"""Per-dialect golden SQL as tables, in the style of sqlglot's ``validate_all``.

``validate_compile(project, query, {"bigquery": "...", "redshift": "..."})`` compiles the query
in each dialect of the table and compares it with that dialect's SQL; ``validate_fragment``
does the same for one piece a :class:`Dialect` renders. Both sides are normalised by a sqlglot
round trip in the dialect (outer parentheses dropped, identifiers normalised), so Looker's
spacing and parenthesising do not matter but every function, argument and literal does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import sqlglot
from sqlglot import exp

from pytest_looker.compile import Query, compile_sql
from pytest_looker.compile.dialects import Dialect, get_dialect
from pytest_looker.lookml.model import Project

#: Expressions that never need parentheses around them.
_ATOMS = (
    exp.Func,
    exp.Column,
    exp.Literal,
    exp.Paren,
    exp.Cast,
    exp.Var,
    exp.Case,
    exp.Null,
    exp.Boolean,
    exp.Subquery,
)
#: Parents in which a parenthesised operand keeps its meaning without the parentheses, as long as
#: the operand is not a boolean connective (arithmetic binds tighter than comparisons).
_LOOSE_PARENTS = (exp.Func, exp.Paren, exp.Where, exp.Having, exp.Alias, exp.Select, exp.Predicate, exp.Connector)


def _redundant(node: exp.Paren) -> bool:
    inner = node.this
    if isinstance(inner, _ATOMS):
        return True
    parent = node.parent
    if isinstance(inner, (exp.Connector, exp.Not)):
        return isinstance(parent, (exp.Paren, exp.Where, exp.Having, exp.Func)) and not isinstance(parent, exp.Not)
    return (isinstance(parent, _LOOSE_PARENTS) and not isinstance(inner, exp.Predicate)) or isinstance(parent, exp.Func)


def normalise(sql: str, dialect: str) -> str:
    """``sql`` as sqlglot writes it back in ``dialect``, without redundant parentheses.

    Looker parenthesises generously (``x >= ((bound))``); only parentheses that could change
    the meaning are kept: around boolean connectives inside comparisons or arithmetic.
    """
    tree = sqlglot.parse_one(sql, read=dialect)
    while isinstance(tree, exp.Paren):
        tree = tree.this

    def strip(node: exp.Expr) -> exp.Expr:
        while (isinstance(node, exp.Paren) and _redundant(node)) or (
            isinstance(node, exp.Subquery) and isinstance(node.this, exp.Subquery)
        ):
            node = node.this
        return node

    # transform() does not descend into a replacement: repeat until nothing changes.
    text = tree.sql(dialect=dialect, normalize=True)
    while True:
        tree = tree.transform(strip)
        again = tree.sql(dialect=dialect, normalize=True)
        if again == text:
            return text
        text = again


def _check(ours: Mapping[str, str], expected: Mapping[str, str]) -> None:
    assert expected, "a golden table needs at least one dialect"
    mismatches = {
        dialect: ours[dialect]
        for dialect, sql in expected.items()
        if normalise(ours[dialect], dialect) != normalise(sql, dialect)
    }
    assert not mismatches, "\n\n".join(
        f"-- {d}: ours\n{sql}\n-- expected\n{expected[d]}" for d, sql in mismatches.items()
    )


def validate_compile(project: Project, query: Query, expected: Mapping[str, str]) -> None:
    """The SQL of ``query`` compiled in each dialect of ``expected`` equals that dialect's SQL."""
    _check({dialect: compile_sql(project, query, dialect=dialect) for dialect in expected}, expected)


def validate_fragment(render: Callable[[Dialect], str], expected: Mapping[str, str]) -> None:
    """``render(dialect)`` for each dialect of ``expected`` equals that dialect's SQL."""
    _check({dialect: render(get_dialect(dialect)) for dialect in expected}, expected)
