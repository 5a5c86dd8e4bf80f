"""PostgreSQL and Redshift SQL read with their meanings made explicit for DuckDB.

* ``TO_CHAR`` format elements sqlglot does not map: ``FMDay``/``FMMonth``/``FMDy``/``FMMon``
  (``FM`` = fill mode, no padding: ``Monday``, ``January``), ``MS`` (milliseconds, 3 digits),
  ``US`` (microseconds). Looker writes ``FMDay`` for ``day_of_week``, ``FMMonth`` for
  ``month_name`` and ``MS`` for ``millisecond``.
* ``SELECT x::type FROM …`` without an alias names the output column ``x`` (PostgreSQL: "the
  name of a cast is the name of its operand"); DuckDB names it ``CAST(x AS type)``, so a derived
  table that relies on the name loses its column. Such projections get their name as alias.
* Redshift (only): ``'0' + text`` with two character operands concatenates — Looker's own
  Redshift admin block relies on it (``('0' + COALESCE(SUBSTRING(…), ''))::int``, which only
  makes sense when ``'0' + ''`` is ``'0'``). Done in :mod:`.coercion`.
* A backslash escapes in ``LIKE`` patterns (:mod:`.patterns`).
* Redshift (only): a SELECT item may use an earlier item's alias (lateral column alias), also in
  a grouped SELECT, where DuckDB refuses it: :func:`expanded_lateral_aliases`.
* PostgreSQL's ``pg_is_in_recovery()`` ("true if recovery is still in progress", i.e. the server
  is a standby) is FALSE: the offline database is a primary (AlloyDB's observability block routes
  on it: ``CASE WHEN pg_is_in_recovery() THEN 'Read Pool' …``).

Sources: https://www.postgresql.org/docs/current/functions-formatting.html (Table 9.26/9.27),
https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-RECOVERY-INFO-TABLE ,
https://www.postgresql.org/docs/current/sql-select.html#SQL-SELECT-LIST ("output column names").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.dialects.redshift import Redshift
from sqlglot.parsers.postgres import PostgresParser

from pytest_looker.compile.translate.coercion import TreePass, concatenating_plus
from pytest_looker.compile.translate.functions import merged
from pytest_looker.compile.translate.patterns import backslash_escaped_likes

_TO_CHAR_ELEMENTS = {
    "FMDay": "%A",
    "FMMonth": "%B",
    "FMDy": "%a",
    "FMMon": "%b",
    "MS": "%f_three",
    "US": "%f",
}


def name_cast_projections(tree: exp.Expr) -> exp.Expr:
    """Alias each unaliased ``column::type`` projection with the column's name, as PostgreSQL names it."""
    for select in tree.find_all(exp.Select):
        for projection in select.expressions:
            if isinstance(projection, exp.Cast) and isinstance(projection.this, exp.Column):
                identifier = projection.this.this
                quoted = isinstance(identifier, exp.Identifier) and bool(identifier.quoted)
                projection.replace(exp.alias_(projection.copy(), projection.this.name, quoted=quoted))
    return tree


def expanded_lateral_aliases(tree: exp.Expr) -> exp.Expr:
    """Redshift: a SELECT item may use the alias of an earlier item (lateral column alias). DuckDB
    allows that too, but not in a grouped SELECT ("aliases cannot be used as part of an
    expression in the GROUP BY"), so there each such use becomes the aliased expression."""
    for select in list(tree.find_all(exp.Select)):
        if not select.args.get("group"):
            continue
        earlier: dict[str, exp.Expr] = {}
        for projection in select.expressions:
            for column in list(projection.find_all(exp.Column)):
                if column.table or column.name.lower() not in earlier:
                    continue
                if column.find_ancestor(exp.Select) is not select:
                    continue  # a subquery's own column
                column.replace(exp.paren(earlier[column.name.lower()].copy(), copy=False))
            if isinstance(projection, exp.Alias):
                earlier[projection.alias.lower()] = projection.this
    return tree


#: PCRE constructs RE2 (DuckDB's regular expressions) does not have: lookaround, backreferences
_PCRE_ONLY = re.compile(r"\(\?<?[=!]|\\[1-9]")
_REGEXP_FUNCTIONS = (exp.RegexpExtract, exp.RegexpExtractAll, exp.RegexpCount, exp.RegexpReplace, exp.RegexpILike)


def regexp_parameters(tree: exp.Expr) -> exp.Expr:
    """Redshift's regexp parameters DuckDB does not take.

    ``'e'`` (REGEXP_SUBSTR returns the first subexpression) is the group to extract, 1. ``'p'``
    (read the pattern as PCRE) is dropped where the pattern means the same in RE2; a pattern
    using lookaround or backreferences keeps it, and sqlglot reports the translation limit.
    Source: https://docs.aws.amazon.com/redshift/latest/dg/REGEXP_SUBSTR.html (parameters)."""
    for node in tree.find_all(*_REGEXP_FUNCTIONS):
        parameters = node.args.get("parameters")
        if not (isinstance(parameters, exp.Literal) and parameters.is_string):
            continue
        flags = parameters.this
        pattern = node.args.get("expression")
        plain = isinstance(pattern, exp.Literal) and pattern.is_string and not _PCRE_ONLY.search(pattern.this)
        if "p" in flags and plain:
            flags = flags.replace("p", "")
        if "e" in flags and isinstance(node, exp.RegexpExtract) and node.args.get("group") is None:
            node.set("group", exp.Literal.number(1))
            flags = flags.replace("e", "")
        if flags != parameters.this:
            node.set("parameters", exp.Literal.string(flags) if flags else None)
    return tree


class LookerPostgres(Postgres):
    """PostgreSQL as read for execution on DuckDB."""

    TIME_MAPPING = merged(Postgres.TIME_MAPPING, _TO_CHAR_ELEMENTS)
    PASSES: ClassVar[tuple[TreePass, ...]] = (name_cast_projections, backslash_escaped_likes)

    class Parser(PostgresParser):
        FUNCTIONS: ClassVar[dict[str, Callable[[Sequence[exp.Expr]], Any]]] = {
            **PostgresParser.FUNCTIONS,
            "PG_IS_IN_RECOVERY": lambda args: exp.false(),
        }


class LookerRedshift(Redshift):
    """Redshift as read for execution on DuckDB."""

    TIME_MAPPING = merged(Redshift.TIME_MAPPING, _TO_CHAR_ELEMENTS)
    PASSES: ClassVar[tuple[TreePass, ...]] = (
        name_cast_projections,
        concatenating_plus,
        backslash_escaped_likes,
        expanded_lateral_aliases,
        regexp_parameters,
    )
