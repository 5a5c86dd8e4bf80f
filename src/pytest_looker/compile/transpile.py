"""Moving compiled SQL from the project's dialect to the backend's, with sqlglot.

A BigQuery project runs on DuckDB by compiling it as BigQuery (the SQL Looker would write) and
transpiling. For DuckDB the SQL is read and written with the dialects of :mod:`.translate`
(sqlglot extended with the source's semantics and implicit casts). Whatever still cannot be read
or expressed in the target becomes a :class:`CompileError` that says it is a translation limit,
naming the construct, instead of SQL that fails later in the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, SqlglotError, UnsupportedError

from pytest_looker.compile.dialects import Dialect
from pytest_looker.compile.translate import apply_passes, reader, writer
from pytest_looker.compile.translate.tables import renamed_tables
from pytest_looker.errors import CompileError

#: Placeholder functions for symmetric aggregates in SQL that will be transpiled: Looker's
#: warehouse formulas (MD5 → hex → NUMERIC arithmetic) do not survive transpiling, so the
#: planner emits these instead and :func:`transpile` substitutes the *target's* formula.
SYMMETRIC_MARKERS = {
    "LOOKER_SYMMETRIC_SUM": "symmetric_sum",
    "LOOKER_SYMMETRIC_AVERAGE": "symmetric_average",
    "LOOKER_SYMMETRIC_MEDIAN": "symmetric_median",
    "LOOKER_SYMMETRIC_PERCENTILE": "symmetric_percentile",
}


def symmetric_marker(kind: str, value_sql: str, key_sql: str, percentile: float | None = None) -> str:
    """``LOOKER_SYMMETRIC_<KIND>(value, key[, p])``, resolved by :func:`transpile`."""
    extra = f", {percentile:g}" if percentile is not None else ""
    return f"LOOKER_SYMMETRIC_{kind.upper()}({value_sql}, {key_sql}{extra})"


def transpile(
    sql: str,
    *,
    source: str,
    target: str,
    what: str = "the SQL",
    symmetric: Dialect | None = None,
    renames: Mapping[tuple[str, ...], str] | None = None,
) -> str:
    """``sql`` (one or more statements in ``source``) rewritten for ``target``.

    ``symmetric`` is the target's dialect object; when given, symmetric-aggregate markers are
    replaced by its formulas. ``renames``: where the target keeps tables under another schema
    (:mod:`.translate.tables`).
    """
    if source == target and symmetric is None and not renames:
        return sql
    try:
        trees = sqlglot.parse(sql, read=reader(source, target))
    except ParseError as error:
        detail = _first_error(error)
        raise CompileError(f"{what} {NOT_VALID} {source} SQL: {detail}") from None
    except SqlglotError as error:
        raise CompileError(f"{what} {NOT_VALID} {source} SQL: {error}") from None
    statements: list[str] = []
    for tree in trees:
        if tree is None:
            continue
        if symmetric is not None:
            tree = tree.transform(_expand_marker, symmetric, target, copy=False)
        tree = apply_passes(tree, source, target)
        if renames:
            tree = renamed_tables(renames)(tree)
        try:
            # The tree is ours: the generator need not copy it first.
            text = tree.sql(dialect=writer(target), pretty=True, unsupported_level=ErrorLevel.RAISE, copy=False)
            statements.append(text)
        except UnsupportedError as error:
            raise CompileError(limit_message(what, source, target, str(error))) from None
        except SqlglotError as error:
            raise CompileError(limit_message(what, source, target, str(error))) from None
    return ";\n".join(statements)


#: How every translation limit starts, so reports can tell it from an error in the LookML.
TRANSLATION_LIMIT = "translation limit"

#: The words of a syntax error: the SQL is wrong in its own dialect, so the warehouse rejects it
#: too. The sentence names no target dialect, which would read as a problem of the translation.
NOT_VALID = "is not valid"


#: How the error starts when SQL does not parse around parameters pasted as nothing.
NO_PARAMETER_VALUE = "no value for parameter"


def without_values(parameters: Sequence[str], message: str) -> str:
    """The error for SQL that does not parse once value-less ``parameters`` pasted nothing into
    it (a table name built from an unquoted parameter): the run lacks a value, the LookML may be
    fine, so the sentence leads with the parameters (a ``configuration`` cause)."""
    names = ", ".join(parameters)
    return f"{NO_PARAMETER_VALUE} {names} (it pastes nothing, and then {message})"


def limit_message(what: str, source: str, target: str, detail: str) -> str:
    """The error for valid ``source`` SQL that cannot be expressed in ``target``: a limit of the
    translation, which the user's LookML is not at fault for."""
    return (
        f"{TRANSLATION_LIMIT} ({source} to {target}): {what} uses a construct with no {target}"
        f" equivalent here: {detail}"
    )


def _expand_marker(node: exp.Expr, dialect: Dialect, target: str) -> exp.Expr:
    if not isinstance(node, exp.Anonymous):
        return node
    method = SYMMETRIC_MARKERS.get(str(node.name).upper())
    if method is None:
        return node
    value, key, *rest = [arg.sql(dialect=target) for arg in node.expressions]
    if method == "symmetric_sum":
        text = dialect.symmetric_sum(value, key)
    elif method == "symmetric_average":
        text = dialect.symmetric_average(value, key)
    elif method == "symmetric_median":
        text = dialect.symmetric_median(value, key)
    else:
        text = dialect.symmetric_percentile(value, key, float(rest[0]))
    parsed: exp.Expr = sqlglot.parse_one(text, read=target)
    return parsed


def _first_error(error: ParseError) -> str:
    if error.errors:
        first = error.errors[0]
        near = str(first.get("highlight") or "").strip()
        message = str(first.get("description") or error)
        return f"{message} (near {near!r})" if near else message
    return str(error)


def culprit(
    expressions: Sequence[tuple[str, str]], *, source: str, target: str, symmetric: Dialect | None = None
) -> str | None:
    """The first field whose expression alone cannot be transpiled, to name it in the error."""
    for name, text in expressions:
        try:
            transpile(f"SELECT {text}", source=source, target=target, symmetric=symmetric)
        except CompileError as error:
            return f"field {name}: {error.message}"
    return None
