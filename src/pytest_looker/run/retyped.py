"""Snowflake's set-operation types, restored on DuckDB from the types of the seeded data.

Snowflake gives a UNION column whose branches are NUMBER and VARCHAR the type NUMBER: the text
is converted, and a value that is not a number fails at run time ("Numeric value … is not
recognized"; Snowflake's data-type conversion rules: set operators coerce to a common type, a
number wins over text). DuckDB makes the column VARCHAR. The translation cannot see column
types, so a query that then mixes the column with numbers (Bridge's ``products_united``, whose
branches select ``product_id::string`` and ``product_id``, compared in a CASE with ``id``) fails
on DuckDB only: "Cannot mix values of type BIGINT and VARCHAR in CASE expression".

When DuckDB refuses such a mix, :func:`execute_translated` asks DuckDB for the type of each
branch of each UNION the query's CTEs (Looker's derived tables) are made of, casts the text
branches of a NUMBER/VARCHAR column to the number type, and runs the query again. Only failing
queries pay for it; a query that still fails reports the first error.

Source: https://docs.snowflake.com/en/sql-reference/operators-query (set operators: "the data
types of the corresponding columns … must be compatible"; coercion as in
https://docs.snowflake.com/en/sql-reference/data-type-conversion).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pytest_looker.errors import BackendError
from pytest_looker.run.base import Backend
from pytest_looker.run.result import ResultSet

if TYPE_CHECKING:
    from pytest_looker.compile.translate.unions import TypesOf

__all__ = ["execute_translated"]

#: Sources whose set operators convert text to a number where the branches mix them.
_NUMBER_WINS = frozenset({"snowflake"})
_MIX = re.compile(r"Cannot mix values of type \w+ and \w+ in|No function matches the given name and argument types")


def execute_translated(engine: Backend, sql: str, source: str | None) -> ResultSet:
    """Run ``sql`` (translated from ``source``); on DuckDB, retry a type mix that ``source``'s
    set operators would have resolved (see the module docstring)."""
    try:
        return engine.execute(sql)
    except BackendError as error:
        if source is None or source.lower() not in _NUMBER_WINS or not _MIX.search(error.message):
            raise
        types_of: TypesOf | None = getattr(engine, "column_types", None)
        if types_of is None:
            raise
        from pytest_looker.compile.translate.unions import numbers_win_in_unions  # sqlglot: only now

        retyped = numbers_win_in_unions(sql, types_of)
        if retyped is None:
            raise
        try:
            return engine.execute(retyped)
        except BackendError:
            raise error from None
