"""DuckDB refusing to mix types that the source warehouse converts implicitly: a translation limit.

Snowflake converts the arguments of a conditional expression to one type ("Snowflake performs
implicit conversion of arguments to make them compatible … if one of the input expressions is a
numeric type, the return type is also a numeric type", COALESCE/NVL usage notes; BOOLEAN and text
convert to each other, Logical data types). DuckDB refuses ``Cannot mix values of type BIGINT and
VARCHAR in CASE expression``. Where the translation cannot make the conversion explicit (the
types are those of columns, which the translator does not see), the failure is the translation's,
not the LookML's and not the data's: the seeds hold what the warehouse holds.

Sources: https://docs.snowflake.com/en/sql-reference/functions/coalesce ,
https://docs.snowflake.com/en/sql-reference/data-types-logical .
"""

from __future__ import annotations

import re

from pytest_looker.compile.transpile import TRANSLATION_LIMIT

__all__ = ["implicit_mix"]

#: Sources that convert the values of a CASE/COALESCE to one type (the target: DuckDB).
_CONVERTING = frozenset({"snowflake"})
_MIX = re.compile(r"Cannot mix values of type (\w+) and (\w+) in (CASE expression|COALESCE operator)")


def implicit_mix(message: str, dialect: str) -> str | None:
    """A translation-limit message for DuckDB's refusal to mix types ``dialect`` converts."""
    found = _MIX.search(message)
    if found is None or dialect.lower() not in _CONVERTING:
        return None
    left, right, where = found.groups()
    return (
        f"{TRANSLATION_LIMIT} ({dialect} to duckdb): DuckDB does not mix {left} and {right} in a {where.split()[0]},"
        f" which {dialect} converts to one type implicitly (a number wins over text, as for COALESCE); the types"
        " come from columns the translation cannot see"
    )
