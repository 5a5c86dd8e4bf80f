"""Table names written where the target database keeps the tables.

A DuckDB engine cannot always give a warehouse table its own catalog or schema (a file holds one
catalog; a catalog named like a schema makes ``x.t`` ambiguous; ``pg_catalog`` is DuckDB's own):
it keeps such tables in another schema and says which (``DuckDBBackend.table_renames``). This
pass rewrites the table references of a query accordingly, in the same tree as the translation.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp

from pytest_looker.compile.translate.coercion import TreePass


def renamed_tables(renames: Mapping[tuple[str, ...], str]) -> TreePass:
    """A pass moving each table whose lower-case ``(catalog, schema)`` or ``(schema,)`` is in
    ``renames`` to the schema it maps to (in the default catalog)."""

    def apply(tree: exp.Expr) -> exp.Expr:
        for table in tree.find_all(exp.Table):
            if not table.db:
                continue
            key = (table.catalog.lower(), table.db.lower()) if table.catalog else (table.db.lower(),)
            schema = renames.get(key)
            if schema is not None:
                table.set("catalog", None)
                table.set("db", exp.to_identifier(schema, quoted=True))
        return tree

    return apply
