"""MySQL SQL read with its meanings made explicit for DuckDB.

* ``WEEKDAY(x)`` counts 0 = Monday … 6; ``DAYOFWEEK(x)`` counts 1 = Sunday … 7 (DuckDB's
  ``DAYOFWEEK`` counts 0 = Sunday): read as :class:`~.functions.IsoWeekday` /
  :class:`~.functions.SundayWeekday`.
* ``WEEK(x, mode)``: sqlglot reads it faithfully (``exp.Week`` keeps the mode) but DuckDB's writer
  drops the mode; :mod:`.duckdb` writes the modes it can (0, 3, 5).
* ``STR_TO_DATE(x, fmt)`` takes a string; MySQL converts a number to one first (Looker writes it
  over ``CAST(x AS CHAR)``-less integers for ``datatype: yyyymmdd``).
* A backslash escapes in ``LIKE`` patterns (:mod:`.patterns`).

Sources: https://dev.mysql.com/doc/refman/8.0/en/date-and-time-functions.html (WEEKDAY,
DAYOFWEEK, WEEK modes table, STR_TO_DATE).
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlglot import exp
from sqlglot.dialects.mysql import MySQL
from sqlglot.helper import seq_get
from sqlglot.parsers.mysql import MySQLParser

from pytest_looker.compile.translate.coercion import TreePass
from pytest_looker.compile.translate.functions import IsoWeekday, SundayWeekday
from pytest_looker.compile.translate.patterns import backslash_escaped_likes

_BASE_FUNCTIONS = MySQLParser.FUNCTIONS


def _str_to_date(args: list[Any]) -> exp.Expr:
    value = seq_get(args, 0)
    if value is not None and not value.is_string:
        args = [exp.cast(value, exp.DType.VARCHAR), *args[1:]]
    built: exp.Expr = _BASE_FUNCTIONS["STR_TO_DATE"](args)
    return built


class LookerMySQL(MySQL):
    """MySQL as read for execution on DuckDB."""

    PASSES: ClassVar[tuple[TreePass, ...]] = (backslash_escaped_likes,)

    class Parser(MySQLParser):
        FUNCTIONS: ClassVar[dict[str, Any]] = {
            **_BASE_FUNCTIONS,
            "WEEKDAY": lambda args: IsoWeekday(this=seq_get(args, 0)),
            "DAYOFWEEK": lambda args: SundayWeekday(this=seq_get(args, 0)),
            "STR_TO_DATE": _str_to_date,
        }
