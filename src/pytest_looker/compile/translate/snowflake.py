"""Snowflake SQL read with its meanings made explicit for DuckDB.

Two things Looker's Snowflake SQL relies on that sqlglot reads too generically:

* ``TO_CHAR(x, 'YYYY-MM')`` — every Looker string timeframe (``_month``, ``_week``, ``_time``,
  ``_hour``…) formats an untyped column. sqlglot builds a date formatting only when it can prove
  ``x`` temporal, else the generic ``ToChar`` whose format DuckDB cannot render. A literal format
  made of date/time elements is a date format whatever ``x`` is (Snowflake formats a number or a
  string with numeric/no format models only), so it is read as a date formatting.
* ``TO_TIMESTAMP[_NTZ](x)`` with one argument converts by the *type* of ``x``: a number is seconds
  since the epoch, a string is parsed, a date is its midnight (docs: TO_TIMESTAMP, "Usage notes").
  Looker writes it for ``datatype: epoch``. sqlglot keeps it as an unknown function for a column;
  it is read as :class:`~.functions.ToTimestampAny`, which DuckDB resolves by the value's type.

* ``v:key::string`` (a VARIANT element cast to a scalar type) is the element's value: a string
  without its JSON quotes, a number's text. DuckDB's ``CAST(v -> '$.key' AS TEXT)`` keeps the
  quotes (``"web"``), so such a cast reads the element as text first (``->>``):
  :func:`scalar_variant_casts`.

Sources: https://docs.snowflake.com/en/sql-reference/functions/to_char ,
https://docs.snowflake.com/en/sql-reference/data-types-semistructured (using values in a VARIANT),
https://docs.snowflake.com/en/sql-reference/functions/to_timestamp .
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect, build_timetostr_or_tochar
from sqlglot.dialects.snowflake import Snowflake
from sqlglot.helper import seq_get
from sqlglot.parsers.snowflake import SnowflakeParser

from pytest_looker.compile.translate.coercion import (
    TreePass,
    case_results,
    temporal_comparisons,
    text_arguments,
    timestamp_arguments,
)
from pytest_looker.compile.translate.functions import ToTimestampAny

#: Elements only a date/time format model has. Numeric format models use 9 0 X $ . , D G S MI
#: EEEE, so ``MI`` alone does not make a format temporal; these do.
_TEMPORAL_ELEMENT = re.compile(r"YYYY|YY|MMMM|MON|MM|DD|DY|HH24|HH12|HH|SS|FF\d?|TZH|AM|PM", re.IGNORECASE)


def is_temporal_format(literal: exp.Expr | None) -> bool:
    """Whether ``literal`` is a string literal holding a Snowflake date/time format."""
    return isinstance(literal, exp.Literal) and literal.is_string and bool(_TEMPORAL_ELEMENT.search(literal.name))


def _to_char(args: list[Any], dialect: Dialect) -> exp.Expr:
    """TO_CHAR(x, '<date format>'): a date formatting of ``x``, whatever sqlglot knows of its type."""
    fmt = seq_get(args, 1)
    if len(args) == 2 and is_temporal_format(fmt):
        return exp.TimeToStr(this=args[0], format=dialect.format_time(fmt))
    return build_timetostr_or_tochar(args, dialect)


def _to_timestamp(name: str, parse: Any) -> Any:
    """TO_TIMESTAMP*(x) with one non-literal argument converts by x's type (see module docstring)."""

    def build(args: list[Any], dialect: Dialect) -> exp.Expr:
        value = seq_get(args, 0)
        if len(args) == 1 and value is not None and not isinstance(value, (exp.Literal, exp.Neg)):
            return ToTimestampAny(this=value)
        built: exp.Expr = parse(args, dialect)
        return built

    build.__name__ = f"build_{name.lower()}"
    return build


_BASE_FUNCTIONS = SnowflakeParser.FUNCTIONS
#: Casts that keep a VARIANT element semi-structured.
_SEMI_STRUCTURED = (exp.DType.JSON, exp.DType.VARIANT, exp.DType.OBJECT, exp.DType.ARRAY)


def scalar_variant_casts(tree: exp.Expr) -> exp.Expr:
    """``CAST(v:key AS <scalar>)`` reads the element as text, then casts (see module docstring)."""
    for cast in list(tree.find_all(exp.Cast)):
        inner = cast.this
        if isinstance(inner, exp.JSONExtract) and not cast.to.is_type(*_SEMI_STRUCTURED):
            scalar = exp.JSONExtractScalar(this=inner.this, expression=inner.expression)
            inner.replace(scalar)
    return tree


class LookerSnowflake(Snowflake):
    """Snowflake as read for execution on DuckDB (implicit casts: :mod:`.coercion`)."""

    PASSES: ClassVar[tuple[TreePass, ...]] = (
        scalar_variant_casts,
        text_arguments("snowflake"),
        timestamp_arguments("snowflake"),
        temporal_comparisons("snowflake"),
        case_results("snowflake"),
    )

    class Parser(SnowflakeParser):
        FUNCTIONS: ClassVar[dict[str, Any]] = {
            **_BASE_FUNCTIONS,
            "TO_CHAR": _to_char,
            "TO_VARCHAR": _to_char,
            **{name: _to_timestamp(name, _BASE_FUNCTIONS[name]) for name in ("TO_TIMESTAMP", "TO_TIMESTAMP_NTZ")},
        }
