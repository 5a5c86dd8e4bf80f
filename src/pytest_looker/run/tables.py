"""Plan hermetic tables from Python rows: which columns, which types, which values.

Kept apart from the DuckDB code so the typing rules (see :mod:`pytest_looker.run.typing_rules`)
are testable without a database and could serve another backend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pytest_looker.errors import BackendError
from pytest_looker.run.names import TableName, quote
from pytest_looker.run.typing_rules import check_type, infer_type


@dataclass(frozen=True)
class TableSpec:
    """One table to build: its name, ``(column, SQL type)`` pairs and rows in column order."""

    name: TableName
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[object, ...], ...]

    @property
    def ddl(self) -> str:
        """``CREATE OR REPLACE TABLE``: a test's ``given`` replaces a seeded table of that name."""
        columns = ", ".join(f"{quote(column)} {sql_type}" for column, sql_type in self.columns)
        return f"CREATE OR REPLACE TABLE {self.name.sql} ({columns})"


def _types_for(
    raw_name: str, name: TableName, column_types: Mapping[str, Mapping[str, str]] | None
) -> dict[str, tuple[str, str]]:
    """The given types of one table keyed by lower-case column: ``{key: (column, type)}``."""
    if not column_types:
        return {}
    given = column_types.get(raw_name)
    if given is None:
        given = next((types for key, types in column_types.items() if TableName.parse(key).key == name.key), None)
    return {
        column.lower(): (column, check_type(sql_type, f"column {name}.{column}"))
        for column, sql_type in (given or {}).items()
    }


def plan_table(
    raw_name: str, rows: Sequence[Mapping[str, object]], column_types: Mapping[str, Mapping[str, str]] | None
) -> TableSpec:
    """The columns (the rows' keys in first-seen order, then typed-only ones) and typed rows."""
    name = TableName.parse(raw_name)
    typed = _types_for(raw_name, name, column_types)
    spelling: dict[str, str] = {}
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise BackendError(
                f"table {name}: row {index + 1} is {type(row).__name__}, not a mapping of column → value"
            )
        for column in row:
            if not isinstance(column, str) or not column:
                raise BackendError(f"table {name}: row {index + 1} has a column name {column!r} that is not text")
            spelling.setdefault(column.lower(), column)
    for key, (column, _) in typed.items():
        spelling.setdefault(key, column)
    if not spelling:
        raise BackendError(
            f"table {name} has no rows and no column types: give at least one row or the types of its columns"
        )
    lookup = [{column.lower(): value for column, value in row.items()} for row in rows]
    columns = tuple(
        (column, typed[key][1] if key in typed else infer_type([r.get(key) for r in lookup], f"column {name}.{column}"))
        for key, column in spelling.items()
    )
    values = tuple(tuple(r.get(key) for key in spelling) for r in lookup)
    return TableSpec(name, columns, values)


def plan_tables(
    tables: Mapping[str, Sequence[Mapping[str, object]]], column_types: Mapping[str, Mapping[str, str]] | None = None
) -> list[TableSpec]:
    """One :class:`TableSpec` per table; two spellings of one table name are an error."""
    specs: dict[str, TableSpec] = {}
    for raw_name, rows in tables.items():
        spec = plan_table(raw_name, rows, column_types)
        if spec.name.key in specs:
            raise BackendError(f"table {spec.name} is given twice")
        specs[spec.name.key] = spec
    return list(specs.values())
