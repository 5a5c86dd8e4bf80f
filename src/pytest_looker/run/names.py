"""Table names as SQL writes them: ``table``, ``schema.table`` or ``catalog.schema.table``.

BigQuery's ``project.dataset.table`` becomes a three-part name after transpiling to DuckDB, so
seeding has to create the catalog and the schema before the table; this module is the one place
that splits such names and quotes them.

BigQuery alone has four parts: ``project.region-us.INFORMATION_SCHEMA.JOBS`` (or
``project.dataset.INFORMATION_SCHEMA.TABLES``). DuckDB has no fourth part, so such a name is
table ``JOBS`` of the schema ``region-us.INFORMATION_SCHEMA`` (a dot in its name) in catalog
``project``: the compiler writes it so (:func:`pytest_looker.compile.translate.tables.information_schema_tables`),
and its seed is ``project/region-us/INFORMATION_SCHEMA/JOBS.csv``.

A domain-scoped BigQuery project (``example.com:proj``) has a dot in its id: its name is one
part (``example.com:proj/sales/orders.csv``), as sqlglot reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pytest_looker.errors import BackendError


def quote(identifier: str) -> str:
    """A double-quoted SQL identifier, so names with dashes (``my-project``) or keywords work."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A single-quoted SQL string literal (file paths given to DuckDB's readers)."""
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class TableName:
    """A possibly qualified table name; ``None`` parts mean the connection's default."""

    table: str
    schema: str | None = None
    catalog: str | None = None

    @classmethod
    def parse(cls, name: str) -> TableName:
        """``"orders"``, ``"ecommerce.orders"``, ``"proj.ds.t"`` or ``"proj.region-us.INFORMATION_SCHEMA.t"``
        → a :class:`TableName` (four parts: the middle two are one schema, see the module docstring)."""
        parts = [part.strip().strip('"`') for part in dotted_parts(name)]
        if not 1 <= len(parts) <= 4 or not all(parts):
            raise BackendError(
                f"table name {name!r} must be table, schema.table, catalog.schema.table"
                " or project.region.INFORMATION_SCHEMA.table"
            )
        if len(parts) == 1:
            return cls(parts[0])
        if len(parts) == 2:
            return cls(parts[1], parts[0])
        return cls(parts[-1], ".".join(parts[1:-1]), parts[0])

    @property
    def sql(self) -> str:
        """The quoted name to use in SQL."""
        return ".".join(quote(p) for p in (self.catalog, self.schema, self.table) if p is not None)

    @property
    def key(self) -> str:
        """A case-insensitive identity: DuckDB matches names case-insensitively."""
        return str(self).lower()

    def __str__(self) -> str:
        return ".".join(p for p in (self.catalog, self.schema, self.table) if p is not None)


def dotted_parts(name: str) -> list[str]:
    """``name`` split at its dots, but for a BigQuery domain-scoped project id (``example.com:proj``,
    the only id with a dot in it, told by its colon), which stays one part as BigQuery and sqlglot
    read ``example.com:proj.sales.orders``: catalog ``example.com:proj``, schema ``sales``."""
    parts = name.split(".")
    for index, part in enumerate(parts[:-1]):
        if ":" in part:
            return [".".join(parts[: index + 1]), *parts[index + 1 :]] if index else parts
    return parts


#: Schemas DuckDB keeps for itself: a warehouse table there (Postgres' ``pg_catalog.pg_stat_activity``)
#: cannot be created in it.
SYSTEM_SCHEMAS = frozenset({"pg_catalog", "information_schema"})


def stored_name(name: TableName, *, separate: bool) -> TableName:
    """Where DuckDB keeps the table ``name`` when it cannot have its own catalog or schema.

    A table of a system schema (``pg_catalog.t``) is kept in the schema ``".pg_catalog"``, one of
    a catalog's system schema (``c.information_schema.t``) in the schema ``"c.information_schema"``; with
    ``separate``, a three-part name ``c.s.t`` is kept in the schema ``"c.s"`` of the default
    catalog, not in a catalog ``c`` of its own: a DuckDB file holds one catalog, and a catalog
    named like a schema (Snowflake's ``PRODUCTION.PRODUCTION.T`` next to ``PRODUCTION.T``) makes
    every ``production.t`` ambiguous. :func:`renames_of` reads the dotted schemas back, and the
    runner rewrites the table names of its SQL accordingly.
    """
    if name.catalog is None and name.schema is not None and name.schema.lower() in SYSTEM_SCHEMAS:
        return TableName(name.table, f".{name.schema}")
    system = name.schema is not None and name.schema.lower() in SYSTEM_SCHEMAS
    if name.catalog is not None and (separate or system):
        # An attached catalog has its own information_schema too (BigQuery's
        # ``region-us.INFORMATION_SCHEMA.JOBS``): no table can be created there either.
        return TableName(name.table, f"{name.catalog}.{name.schema}")
    return name


def renames_of(schemas: Iterable[str]) -> dict[tuple[str, ...], str]:
    """The schema each qualifier of a table name is kept in, from the dotted schema names a
    database holds: ``("c", "s")`` → ``"c.s"``, ``("pg_catalog",)`` → ``".pg_catalog"``
    (keys lower-case)."""
    renames: dict[tuple[str, ...], str] = {}
    for schema in schemas:
        catalog, dot, rest = schema.partition(".")
        if not dot or not rest:
            continue
        renames[(rest.lower(),) if not catalog else (catalog.lower(), rest.lower())] = schema
    return renames
