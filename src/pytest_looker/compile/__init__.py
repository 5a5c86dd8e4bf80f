"""Compile Looker explore queries to the SQL Looker would write.

    >>> from pytest_looker.lookml import load_project
    >>> from pytest_looker.compile import Query, compile_query
    >>> project = load_project("examples/ecommerce")
    >>> compiled = compile_query(project, Query("ecommerce", "orders", fields=["orders.count"]))
    >>> compiled.sql, compiled.columns

The SQL is generated in the project's dialect (``dialect``; the caller resolves it from the
model's connection) and, when ``target`` differs, transpiled with sqlglot. Symmetric aggregates
are the one exception to "write it as Looker would, then transpile": Looker's warehouse formulas
(MD5 to hex to 38-digit NUMERIC) do not survive transpiling, so for another target they are
emitted as placeholders and replaced by the target's own exact formula. A ``Query.dialect``
overrides ``dialect``. Without either, DuckDB is assumed.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pytest_looker.compile.posttable import apply_post_sql
from pytest_looker.compile.query import DEFAULT_LIMIT, UNSORTED, Query
from pytest_looker.compile.result import Column, CompiledQuery, FieldsIgnored, IgnoredField, PostSqlMeasure
from pytest_looker.errors import CompileError
from pytest_looker.lookml.model import Project

if TYPE_CHECKING:
    from pytest_looker.compile import fastpath
    from pytest_looker.compile.assemble import with_ctes
    from pytest_looker.compile.dialects import get_dialect
    from pytest_looker.compile.planner import PlanOptions, plan_query
    from pytest_looker.compile.transpile import NOT_VALID, culprit, transpile, without_values

#: The dialect SQL is generated in when neither the caller nor the query names one.
DEFAULT_DIALECT = "duckdb"

__all__ = [
    "DEFAULT_DIALECT",
    "DEFAULT_LIMIT",
    "UNSORTED",
    "Column",
    "CompiledQuery",
    "FieldsIgnored",
    "IgnoredField",
    "PostSqlMeasure",
    "Query",
    "apply_post_sql",
    "compile_query",
    "compile_sql",
]


_PLANNER = "pytest_looker.compile.planner"
_imported_planner: object = None


def _import_compiler() -> None:
    """Import the compiler proper (planner, dialects, sqlglot) into this module's namespace.

    Done by the first compile, not at import: ``Query`` and ``CompiledQuery`` are imported by
    every command and by the pytest plugin, most of which never compile (``inspect``,
    ``--help``, collection), and sqlglot alone costs ~0.1 s of start-up. Done again if the
    planner module was dropped from ``sys.modules`` since (pytester's in-process runs do
    that), so that this module never mixes two generations of the compiler.
    """
    global _imported_planner, with_ctes, fastpath, get_dialect, PlanOptions, plan_query
    global NOT_VALID, culprit, transpile, without_values
    from pytest_looker.compile import fastpath
    from pytest_looker.compile.assemble import with_ctes
    from pytest_looker.compile.dialects import get_dialect
    from pytest_looker.compile.planner import PlanOptions, plan_query
    from pytest_looker.compile.transpile import NOT_VALID, culprit, transpile, without_values

    _imported_planner = sys.modules[_PLANNER]


def compile_query(
    project: Project,
    query: Query,
    *,
    dialect: str | None = None,
    target: str | None = None,
    renames: Mapping[tuple[str, ...], str] | None = None,
) -> CompiledQuery:
    """Compile ``query``: SQL in ``dialect`` (transpiled to ``target`` if given) and its columns.

    ``renames``: where the target database keeps tables under another schema than their name
    says (a DuckDB engine's ``table_renames()``); table names are rewritten to match.
    """
    if _imported_planner is None or _imported_planner is not sys.modules.get(_PLANNER):
        _import_compiler()
    source = (query.dialect or dialect or DEFAULT_DIALECT).lower()
    out_dialect = (target or source).lower()
    portable = out_dialect != source
    # A query of fields only is laid out from its explore's compiled plan when that plan can
    # answer for it (see :mod:`.fastpath`); anything else, errors included, is planned.
    plan = fastpath.plan_fields(project, query, source, portable) or plan_query(
        project, query, source, PlanOptions(portable_aggregates=portable)
    )
    sql = plan.sql or with_ctes(plan.ctes, plan.body, plan.preamble)
    if portable or renames:
        what = f"the query on {query.model}/{query.explore}"
        target_dialect = get_dialect(out_dialect) if portable else None
        try:
            sql = transpile(
                sql, source=source, target=out_dialect, what=what, symmetric=target_dialect, renames=renames
            )
        except CompileError as error:
            if plan.empty_parameters and NOT_VALID in error.message:
                raise CompileError(without_values(plan.empty_parameters, error.message), error.location) from None
            # Name the field whose SQL is the problem when one can be singled out.
            named = culprit(plan.expressions, source=source, target=out_dialect, symmetric=target_dialect)
            raise CompileError(named or error.message, error.location) from None
    return CompiledQuery(
        sql=sql,
        dialect=out_dialect,
        query=query,
        columns=plan.columns,
        post_sql_measures=plan.post_sql_measures,
        views=plan.views,
        joins=plan.joins,
        fanned=dict(plan.fanned),
        ignored=plan.ignored,
    )


def compile_sql(project: Project, query: Query, *, dialect: str | None = None, target: str | None = None) -> str:
    """Only the SQL of :func:`compile_query`."""
    return compile_query(project, query, dialect=dialect, target=target).sql
