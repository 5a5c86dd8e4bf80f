"""BigQuery's implicit UNNEST: an array path written where a table goes.

``FROM t, t.arr AS e`` and a correlated ``(SELECT … FROM outer.arr AS e)`` read the array ``arr``
of the range variable ``t`` (``outer``) as if written ``UNNEST(t.arr) AS e``: BigQuery's FROM
clause takes a path that starts with a range variable in scope as an array to flatten. sqlglot
reads the path as a table ``arr`` of a dataset ``t``, which no database has; this pass writes
the UNNEST out, so the translation (:func:`.bigquery.value_table_joins`) and what the scaffold
reads of the SQL (:func:`pytest_looker.compile.sqlreads.read_unnests`) see the array.

Source: https://cloud.google.com/bigquery/docs/reference/standard-sql/query-syntax#unnest_operator
("implicit UNNEST", correlated joins of an array path).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlglot import exp

__all__ = ["implicit_unnests", "source_name"]


def implicit_unnests(tree: exp.Expr, ranges: Collection[str] = ()) -> exp.Expr:
    """``tree`` with each FROM/JOIN path ``r.arr [AS e]`` of a range variable ``r`` in scope written
    ``UNNEST(r.arr) AS e``; ``ranges`` are more names to take for range variables (a placeholder
    of the surrounding query's table)."""
    for table in list(tree.find_all(exp.Table)):
        clause = table.parent
        if not isinstance(clause, exp.From | exp.Join) or clause.this is not table or table.catalog or not table.db:
            continue
        if table.db not in ranges and not _in_scope(clause, table.db):
            continue
        alias = table.args.get("alias")
        name = alias.name if isinstance(alias, exp.TableAlias) and alias.name else table.name
        path = exp.Column(this=table.this.copy(), table=table.args["db"].copy())
        unnest = exp.Unnest(expressions=[path], alias=exp.TableAlias(columns=[exp.to_identifier(name)]))
        table.replace(unnest)
    return tree


def _in_scope(clause: exp.From | exp.Join, name: str) -> bool:
    """Whether ``name`` is a range variable where ``clause`` is: a source listed before it in its
    SELECT, or any source of a SELECT around that one (a correlated subquery)."""
    select = clause.find_ancestor(exp.Select)
    first = True
    while select is not None:
        for source in (select.args.get("from_"), *(select.args.get("joins") or [])):
            if first and source is clause:
                break
            if isinstance(source, exp.From | exp.Join) and source_name(source.this) == name:
                return True
        first = False
        select = select.find_ancestor(exp.Select)
    return False


def source_name(source: exp.Expr) -> str:
    """The name a FROM/JOIN source is read by: its alias, or BigQuery's ``UNNEST(x) AS e``'s ``e``."""
    alias = source.args.get("alias")
    if isinstance(source, exp.Unnest) and isinstance(alias, exp.TableAlias) and not alias.name and alias.columns:
        return str(alias.columns[0].name)
    return str(source.alias_or_name)
