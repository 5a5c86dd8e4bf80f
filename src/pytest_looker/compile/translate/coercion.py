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
  TIMESTAMP is coercible): :func:`timestamp_arguments`, and where text is compared with a date or
  timestamp: :func:`temporal_comparisons`.
* Redshift: ``+`` of two character strings concatenates: :func:`concatenating_plus`.
* Every source: an untyped ``NULL`` where a date/time function takes a timestamp (Liquid's empty
  ``{% date_start %}`` renders ``NULL``) is a timestamp NULL there: :func:`typed_nulls`.
* PostgreSQL, Redshift, Snowflake, BigQuery: a string literal in one branch of a ``UNION`` takes
  the type of the other branches (PostgreSQL's "unknown" literal; BigQuery's literal coercion),
  where DuckDB makes the whole column text: :func:`typed_set_literals`.

Types come from sqlglot's annotator on the source dialect. A value of unknown type (a column:
the translator does not see the database) is cast to text only for the text functions, where the
cast is a no-op on text; the timestamp cast is made only for values known to be text.

Sources: https://docs.snowflake.com/en/sql-reference/data-type-conversion (Implicit casting
("coercion"), the castable/coercible table),
https://docs.aws.amazon.com/redshift/latest/dg/c_Supported_data_types.html ,
https://www.postgresql.org/docs/current/typeconv-union-case.html ("UNION, CASE, and related
constructs": unknown literals are resolved to the type of the other inputs),
https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_rules (literal coercion).
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator, Mapping

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
    # TO_CHAR(x, '<date format>') (our Snowflake parser makes it TimeToStr): Looker's `_millisecond`
    # and `_microsecond` format the value directly, without a DATE_TRUNC to coerce it first.
    exp.TimeToStr: ("this",),
}
#: Date parts of a value that Snowflake also takes from text (DAYOFWEEKISO(x), YEAR(x), …).
_PART_FUNCTIONS: dict[type[exp.Expr], tuple[str, ...]] = {
    cls: ("this",)
    for cls in (
        exp.DayOfWeekIso, exp.DayOfWeek, exp.DayOfMonth, exp.DayOfYear, exp.WeekOfYear,
        exp.Year, exp.Month, exp.Quarter, exp.Week, exp.Day,
    )
}  # fmt: skip
#: Where a column of unknown type is read as a timestamp: the value does not change when it
#: already is a date or timestamp (DATEADD is left out: it would turn a DATE into a TIMESTAMP).
_UNTYPED_TIMESTAMP_FUNCTIONS: tuple[type[exp.Expr], ...] = (
    exp.DateDiff, exp.TimestampDiff, exp.DateTrunc, exp.TimestampTrunc, exp.Extract, exp.TimeToStr,
    *_PART_FUNCTIONS,
)  # fmt: skip
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_MOMENT_TYPES = exp.DataType.TEMPORAL_TYPES - {exp.DType.TIME, exp.DType.TIMETZ}
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


def _typed(node: exp.Expr, dialect: object) -> exp.Expr:
    """``node`` with its type annotated: a value's type depends on its own subtree only, so the
    annotator need not walk the whole query (it would cost more than the translation)."""
    if node.type is None:
        annotate_types(node, dialect=dialect)  # type: ignore[arg-type]
    return node


def _is_text(node: exp.Expr) -> bool:
    return node.type is not None and node.is_type(*_TEXT_TYPES)


def _cast(node: exp.Expr, to: exp.DType | exp.DataType) -> None:
    """Replace ``node`` by ``CAST(node AS to)`` in its parent, without copying the subtree."""
    parent, key, index = node.parent, node.arg_key, node.index
    cast = exp.cast(node, to, copy=False)
    if parent is not None and key is not None:
        parent.set(key, cast, index=index)


def _arguments(tree: exp.Expr, functions: Mapping[type[exp.Expr], tuple[str, ...]]) -> Iterator[exp.Expr]:
    """The arguments named in ``functions`` of every such call in ``tree`` (collected first: the
    caller rewrites them)."""
    calls = list(tree.find_all(*functions))
    for call in calls:
        for name in functions[type(call)]:
            arg = call.args.get(name)
            if isinstance(arg, exp.Expr):
                yield arg


def text_arguments(dialect: object) -> TreePass:
    """Snowflake: a non-text argument of a text function is converted to VARCHAR."""

    def apply(tree: exp.Expr) -> exp.Expr:
        for arg in list(_arguments(tree, _TEXT_FUNCTIONS)):
            if not isinstance(arg, exp.Null) and not _is_text(_typed(arg, dialect)):
                _cast(arg, exp.DType.VARCHAR)
        return tree

    return apply


def _untyped_column(node: exp.Expr) -> bool:
    """A column whose type the translator cannot see (a table's, or a derived table's output)."""
    return isinstance(node, exp.Column) and (node.type is None or node.is_type(exp.DType.UNKNOWN))


def timestamp_arguments(dialect: object) -> TreePass:
    """Snowflake: a text argument of a date/time function is converted to TIMESTAMP.

    A column of unknown type is converted too: it may be text (Looker's Snowflake ``_time`` is
    ``TO_CHAR(…)``, and a derived table passes that text on), and the cast leaves a date or a
    timestamp as it is for these functions."""

    def apply(tree: exp.Expr) -> exp.Expr:
        for arg in list(_arguments(tree, {**_TIMESTAMP_FUNCTIONS, **_PART_FUNCTIONS})):
            typed = _typed(arg, dialect)
            untyped = _untyped_column(typed) and isinstance(arg.parent, _UNTYPED_TIMESTAMP_FUNCTIONS)
            if not arg.is_string and (_is_text(typed) or untyped):
                _cast(arg, exp.DType.TIMESTAMP)
        return tree

    return apply


def temporal_comparisons(dialect: object) -> TreePass:
    """Snowflake: text compared with a date or timestamp is converted to a timestamp ("coercion"
    of VARCHAR to TIMESTAMP). Made explicit for a column of unknown type compared with a value
    known to be a date or timestamp (``order_created_time >= DATEADD('day', -89, TO_DATE(…))``)."""

    def apply(tree: exp.Expr) -> exp.Expr:
        for node in list(tree.find_all(*_COMPARISONS)):
            for side, other in ((node.this, node.expression), (node.expression, node.this)):
                if not isinstance(side, exp.Column) or not _untyped_column(_typed(side, dialect)):
                    continue
                known = _typed(other, dialect).type
                if known is not None and known.this in _MOMENT_TYPES:
                    _cast(side, exp.DType.TIMESTAMP)
                    break
        return tree

    return apply


def _is_number_text(node: exp.Expr) -> bool:
    try:
        float(node.name)
    except ValueError:
        return False
    return True


def _results(case: exp.Case) -> list[exp.Expr]:
    """The THEN and ELSE results of ``case``."""
    found = [branch.args.get("true") for branch in case.args.get("ifs") or []] + [case.args.get("default")]
    return [r for r in found if isinstance(r, exp.Expr) and not isinstance(r, exp.Null)]


def case_results(dialect: object) -> TreePass:
    """Snowflake: the results of one CASE are converted to one type, as for COALESCE and NVL
    ("Snowflake performs implicit conversion of arguments to make them compatible … if one of
    the input expressions is a numeric type, the return type is also a numeric type", text
    becoming NUMBER(18,5)). DuckDB refuses to mix them ("Cannot mix values of type BOOLEAN and
    VARCHAR in CASE expression"). Made explicit where the types are known:

    * a number and text: the text results become NUMBER(18,5);
    * a BOOLEAN and text (``CASE … THEN 'drync' … ELSE false END``): the BOOLEAN results become
      text ('true'/'false'). Both conversions are implicit in Snowflake (Logical data types,
      "Conversion from BOOLEAN … implicit: TRUE is converted to 'true'"; to BOOLEAN only 'true'
      and 'false' convert), and only this one is defined for every value of the CASE.

    Results whose type is unknown (a column) are left alone: DuckDB unifies what it can."""

    def apply(tree: exp.Expr) -> exp.Expr:
        for case in list(tree.find_all(exp.Case)):
            results = [_typed(r, dialect) for r in _results(case)]
            texts = [r for r in results if _is_text(r)]
            if not texts:
                continue
            if any(r.type is not None and r.is_type(*exp.DataType.NUMERIC_TYPES) for r in results):
                for result in texts:
                    _cast(result, exp.DataType.build("DECIMAL(18, 5)"))
                continue
            for result in results:
                if result.type is not None and result.is_type(exp.DType.BOOLEAN):
                    _cast(result, exp.DType.VARCHAR)
        return tree

    return apply


def concatenating_plus(tree: exp.Expr) -> exp.Expr:
    """Redshift: ``a + b`` of two character strings is ``a || b``.

    A string literal that is not a number added to a value of unknown type (a column: the
    translator does not see the table) concatenates too: were the value a number, Redshift
    would reject the literal (``'id=' + t.id + '%'`` in bcgov's Snowplow join conditions)."""
    for node in list(tree.find_all(exp.Add)):
        left, right = node.this, node.expression
        if not (left.is_string or right.is_string):
            continue
        literal, other = (left, right) if left.is_string else (right, left)
        typed = _typed(other, "redshift")
        both_text = _is_text(_typed(literal, "redshift")) and _is_text(typed)
        unknown = typed.type is None or typed.is_type(exp.DType.UNKNOWN)
        if both_text or (unknown and not _is_number_text(literal)):
            node.replace(exp.DPipe(this=left, expression=right, safe=True))
    return tree


def _set_branches(node: exp.Expr) -> Iterator[exp.Select]:
    """The SELECTs a set operation combines, nested set operations and parentheses flattened."""
    if isinstance(node, exp.Subquery):
        yield from _set_branches(node.this)
    elif isinstance(node, exp.SetOperation):
        yield from _set_branches(node.this)
        yield from _set_branches(node.expression)
    elif isinstance(node, exp.Select):
        yield node


def _moment_literal_type(text: str) -> exp.DType | None:
    """DATE or TIMESTAMP when ``text`` is one in its canonical form (so the cast, written back as
    text, is the same text), else None."""
    with contextlib.suppress(ValueError):
        if datetime.date.fromisoformat(text).isoformat() == text:
            return exp.DType.DATE
    with contextlib.suppress(ValueError):
        moment = datetime.datetime.fromisoformat(text)
        if moment.tzinfo is None and str(moment) == text:
            return exp.DType.TIMESTAMP
    return None


def typed_set_literals(tree: exp.Expr) -> exp.Expr:
    """A date or timestamp string literal in a branch of a set operation is typed as one.

    ``SELECT ts … UNION SELECT '9999-01-01'`` is a timestamp column on the source (the literal
    takes the other branches' type); DuckDB makes it text and every date function over it fails.
    Only canonical date/timestamp text is typed, and only where another branch has something
    other than a string literal there: where the column is text after all, DuckDB writes the
    typed literal back as the very same text.
    """
    for node in list(tree.find_all(exp.SetOperation)):
        if isinstance(node.parent, exp.SetOperation):
            continue  # the outermost operation covers its nested ones
        branches = list(_set_branches(node))
        widths = {len(branch.expressions) for branch in branches}
        if len(branches) < 2 or len(widths) != 1:
            continue
        for position in range(widths.pop()):
            values = [branch.expressions[position].unalias() for branch in branches]
            if any(isinstance(value, exp.Star) for value in values):
                break
            literals = [value for value in values if isinstance(value, exp.Literal) and value.is_string]
            if len(literals) == len(values):
                continue  # every branch a string: text on the source too
            for literal in literals:
                kind = _moment_literal_type(literal.this)
                if kind is not None:
                    literal.replace(exp.cast(literal.copy(), kind))
    return tree


def typed_nulls(tree: exp.Expr) -> exp.Expr:
    """A bare ``NULL`` where a date/time function takes a timestamp becomes a timestamp NULL."""
    for node in list(tree.find_all(*_NULL_TIMESTAMP_FUNCTIONS)):
        for name in _NULL_TIMESTAMP_FUNCTIONS[type(node)]:
            arg = node.args.get(name)
            if isinstance(arg, exp.Null):
                arg.replace(exp.cast(exp.null(), exp.DType.TIMESTAMP))
    return tree
