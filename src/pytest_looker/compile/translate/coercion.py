"""Implicit conversions the source warehouse makes and DuckDB does not.

Valid warehouse SQL often leans on implicit casts: Snowflake ``RIGHT(users.id, 1)`` on a NUMBER,
``DATEDIFF('day', <a TO_CHAR date>, CURRENT_DATE)`` on a string. DuckDB's stricter binder rejects
both ("No function matches … You might need to add explicit type casts"), which would read as an
error in the user's LookML. Each pass here writes out, as an explicit cast, one conversion the
source documents, and only where the source applies it:

* Snowflake converts a value to text for a function that takes text ("coercion … when a function
  requires a data type that is different from, but compatible with, the arguments", e.g. INTEGER
  17 to VARCHAR for ``||``): :func:`text_arguments`.
* Snowflake converts text to a timestamp for a date/time function (same page, VARCHAR →
  TIMESTAMP is coercible): :func:`timestamp_arguments`.
* Redshift: ``+`` of two character strings concatenates: :func:`concatenating_plus`.
* Every source: an untyped ``NULL`` where a date/time function takes a timestamp (Liquid's empty
  ``{% date_start %}`` renders ``NULL``) is a timestamp NULL there: :func:`typed_nulls`.

Types come from sqlglot's annotator on the source dialect. A value of unknown type (a column:
the translator does not see the database) is cast to text only for the text functions, where the
cast is a no-op on text; the timestamp cast is made only for values known to be text.

Sources: https://docs.snowflake.com/en/sql-reference/data-type-conversion (Implicit casting
("coercion"), the castable/coercible table),
https://docs.aws.amazon.com/redshift/latest/dg/c_Supported_data_types.html .
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types

#: A rewrite of a whole parsed statement (may modify it in place; returns the result).
TreePass = Callable[[exp.Expr], exp.Expr]

#: Snowflake functions whose text arguments are implicitly converted: class → argument names.
_TEXT_FUNCTIONS: dict[type[exp.Expr], tuple[str, ...]] = {
    exp.Right: ("this",),
    exp.Left: ("this",),
    exp.Substring: ("this",),
    exp.Length: ("this",),
    exp.Pad: ("this",),
    exp.Upper: ("this",),
    exp.Lower: ("this",),
    exp.Trim: ("this",),
    exp.SplitPart: ("this",),
    exp.StartsWith: ("this",),
    exp.Replace: ("this",),
    exp.DPipe: ("this", "expression"),
}
#: Date/time functions whose timestamp arguments accept text in Snowflake.
_TIMESTAMP_FUNCTIONS: dict[type[exp.Expr], tuple[str, ...]] = {
    exp.DateDiff: ("this", "expression"),
    exp.TimestampDiff: ("this", "expression"),
    exp.DateAdd: ("this",),
    exp.TimestampAdd: ("this",),
    exp.DateTrunc: ("this",),
    exp.TimestampTrunc: ("this",),
    exp.Extract: ("expression",),
}
#: Where an untyped NULL must be a timestamp for DuckDB to choose a function.
_NULL_TIMESTAMP_FUNCTIONS: dict[type[exp.Expr], tuple[str, ...]] = {
    **_TIMESTAMP_FUNCTIONS,
    exp.DateSub: ("this",),
    exp.TimestampSub: ("this",),
    exp.DatetimeAdd: ("this",),
    exp.DatetimeSub: ("this",),
    exp.DatetimeTrunc: ("this",),
    exp.DatetimeDiff: ("this", "expression"),
}
_TEXT_TYPES = exp.DataType.TEXT_TYPES


def _annotated(tree: exp.Expr, classes: tuple[type[exp.Expr], ...], dialect: object) -> list[exp.Expr]:
    """The nodes of ``tree`` of ``classes``, deepest first, with types annotated (only when there
    are some). Deepest first: a rewrite copies the node it wraps, so inner nodes go first."""
    found = list(tree.find_all(*classes))
    if found:
        annotate_types(tree, dialect=dialect)  # type: ignore[arg-type]
    return found[::-1]


def _is_text(node: exp.Expr) -> bool:
    return node.type is not None and node.is_type(*_TEXT_TYPES)


def text_arguments(dialect: object) -> TreePass:
    """Snowflake: a non-text argument of a text function is converted to VARCHAR."""

    def apply(tree: exp.Expr) -> exp.Expr:
        for node in _annotated(tree, tuple(_TEXT_FUNCTIONS), dialect):
            for name in _TEXT_FUNCTIONS[type(node)]:
                arg = node.args.get(name)
                if isinstance(arg, exp.Expr) and not _is_text(arg) and not isinstance(arg, exp.Null):
                    arg.replace(exp.cast(arg.copy(), exp.DType.VARCHAR))
        return tree

    return apply


def timestamp_arguments(dialect: object) -> TreePass:
    """Snowflake: a text argument of a date/time function is converted to TIMESTAMP."""

    def apply(tree: exp.Expr) -> exp.Expr:
        for node in _annotated(tree, tuple(_TIMESTAMP_FUNCTIONS), dialect):
            for name in _TIMESTAMP_FUNCTIONS[type(node)]:
                arg = node.args.get(name)
                if isinstance(arg, exp.Expr) and _is_text(arg) and not arg.is_string:
                    arg.replace(exp.cast(arg.copy(), exp.DType.TIMESTAMP))
        return tree

    return apply


def concatenating_plus(tree: exp.Expr) -> exp.Expr:
    """Redshift: ``a + b`` of two character strings is ``a || b``."""
    for node in _annotated(tree, (exp.Add,), "redshift"):
        left, right = node.this, node.expression
        if _is_text(left) and _is_text(right) and (left.is_string or right.is_string):
            node.replace(exp.DPipe(this=left.copy(), expression=right.copy(), safe=True))
    return tree


def typed_nulls(tree: exp.Expr) -> exp.Expr:
    """A bare ``NULL`` where a date/time function takes a timestamp becomes a timestamp NULL."""
    for node in list(tree.find_all(*_NULL_TIMESTAMP_FUNCTIONS)):
        for name in _NULL_TIMESTAMP_FUNCTIONS[type(node)]:
            arg = node.args.get(name)
            if isinstance(arg, exp.Null):
                arg.replace(exp.cast(exp.null(), exp.DType.TIMESTAMP))
    return tree
