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


def information_schema_tables(tree: exp.Expr) -> exp.Expr:
    """BigQuery's ``region-us.INFORMATION_SCHEMA.JOBS`` (and ``dataset.INFORMATION_SCHEMA.TABLES``)
    is read by sqlglot as table ``INFORMATION_SCHEMA.JOBS`` of schema ``region-us``: one name with
    a dot that no seed can spell. On DuckDB it is table ``JOBS`` of schema ``INFORMATION_SCHEMA``
    in catalog ``region-us``, where seeds put it. A project-qualified name
    (``project.region-us.INFORMATION_SCHEMA.JOBS``) has a fourth part, which DuckDB has not: it is
    table ``JOBS`` of schema ``region-us.INFORMATION_SCHEMA`` in catalog ``project``, the rule of
    :class:`pytest_looker.run.names.TableName` that seeds follow too. See
    https://cloud.google.com/bigquery/docs/information-schema-intro ."""
    for table in tree.find_all(exp.Table):
        schema, dot, name = table.name.partition(".")
        if not dot or schema.upper() != "INFORMATION_SCHEMA" or not name or not table.db:
            continue
        if table.catalog:
            table.set("db", exp.to_identifier(f"{table.db}.{schema}", quoted=True))
        else:
            table.set("catalog", exp.to_identifier(table.db, quoted=True))
            table.set("db", exp.to_identifier(schema, quoted=True))
        table.set("this", exp.to_identifier(name, quoted=True))
    return tree
