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


def normalise(sql: str, dialect: str) -> str:
    """``sql`` as sqlglot writes it back in ``dialect``, without outer parentheses."""
    tree = sqlglot.parse_one(sql, read=dialect)
    while isinstance(tree, exp.Paren):
        tree = tree.this
    return tree.sql(dialect=dialect, normalize=True)


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
