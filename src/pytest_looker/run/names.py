"""Table names as SQL writes them: ``table``, ``schema.table`` or ``catalog.schema.table``.

BigQuery's ``project.dataset.table`` becomes a three-part name after transpiling to DuckDB, so
seeding has to create the catalog and the schema before the table; this module is the one place
that splits such names and quotes them.
"""

from __future__ import annotations

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
        """``"orders"``, ``"ecommerce.orders"`` or ``"proj.ds.t"`` → a :class:`TableName`."""
        parts = [part.strip().strip('"`') for part in name.split(".")]
        if not 1 <= len(parts) <= 3 or not all(parts):
            raise BackendError(f"table name {name!r} must be table, schema.table or catalog.schema.table")
        if len(parts) == 1:
            return cls(parts[0])
        if len(parts) == 2:
            return cls(parts[1], parts[0])
        return cls(parts[2], parts[1], parts[0])

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
