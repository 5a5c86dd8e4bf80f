"""Writing scaffolded data (CSV seeds or a DuckDB file) without clobbering a person's edits.

Every write is recorded in a manifest next to the output — ``<seeds>/.pytest-looker-scaffold.json``
(a dotfile, so the seed loader skips it) or ``<file>.duckdb.scaffold.json`` — holding a SHA-256
of each file (or of each DuckDB table's contents) as we wrote it, and the column types we
generated. Regeneration overwrites only what still has that hash: a seed a person edited, or one
we never wrote, is left alone unless ``force``. The recorded types also let ``--check`` tell a
retyped column from an edited one without guessing types back out of CSV text.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_looker.run.names import TableName, dotted_parts, quote
from pytest_looker.run.tables import TableSpec
from pytest_looker.scaffold.data import Dataset, text_value
from pytest_looker.scaffold.schema import SQL_TYPES, Schema, table_key

__all__ = ["Drift", "WriteReport", "check_duckdb", "check_seeds", "seeded_types", "write_duckdb", "write_seeds"]

MANIFEST = ".pytest-looker-scaffold.json"
FAMILIES = {
    "integer": "number",
    "number": "number",
    "epoch": "number",
    "yyyymmdd": "number",
    "string": "string",
    "boolean": "boolean",
    "timestamp": "timestamp",
    "date": "date",
    "json": "json",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class WriteReport:
    """What a write did: files written, files left alone (edited by a person) and why."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class Drift:
    """Differences between the LookML and existing scaffolded output; ``notes`` are not drift."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def seed_path(root: Path, table: str, suffix: str = ".csv") -> Path:
    """``schema.table`` → ``<root>/schema/table.csv``; ``p.d.t`` → ``<root>/p/d/t.csv`` (a
    domain-scoped project ``example.com:p`` is one directory)."""
    parts = dotted_parts(table)
    return root.joinpath(*parts[:-1], parts[-1] + suffix)


def _nested(types: dict[str, str]) -> bool:
    """Whether a table has STRUCT, array or JSON columns, which CSV cannot hold: a CSV reader
    takes JSON text for VARCHAR, and DuckDB subscripts (``x['k']``, ``x.k``) only a JSON value."""
    return any(kind not in SQL_TYPES or kind == "json" for kind in types.values())


#: Text a CSV reader takes for a number, a date or a timestamp (DuckDB's type detection).
_LOOKS_TYPED = re.compile(r"-?\d+(?:\.\d+)?|\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def _text_looks_typed(rows: list[dict[str, Any]], types: dict[str, str]) -> bool:
    """Whether a text column holds only values a CSV reader would read as another type (text a
    query parses as a date, ``TO_DATE("filters.from_date", 'YYYY-MM-DD')``, is generated in that
    format): CSV would hand DuckDB a DATE where the warehouse has text, so Parquet keeps it text."""
    for column, kind in types.items():
        if kind != "string":
            continue
        values = [row.get(column) for row in rows if row.get(column) not in (None, "")]
        if values and all(isinstance(v, str) and _LOOKS_TYPED.fullmatch(v) for v in values):
            return True
    return False


def parquet_bytes(rows: list[dict[str, Any]], types: dict[str, str]) -> bytes:
    """Rows as a Parquet file, for tables with nested columns: CSV cannot hold a STRUCT or a
    list, and JSON leaves the types to a reader's guess (integers came back HUGEINT); Parquet
    keeps every type exactly. DuckDB writes the same bytes for the same rows."""
    import tempfile

    import duckdb

    columns = list(types)
    ddl = ", ".join(f"{quote(c)} {SQL_TYPES.get(k, k)}" for c, k in types.items())
    connection = duckdb.connect()
    try:
        connection.execute(f"CREATE TABLE t ({ddl})")
        if rows:
            placeholders = ", ".join(["?"] * len(columns))
            connection.executemany(
                f"INSERT INTO t VALUES ({placeholders})", [[r.get(c) for c in columns] for r in rows]
            )
        with tempfile.TemporaryDirectory() as directory:
            target = Path(directory) / "t.parquet"
            connection.execute(f"COPY t TO '{target}' (FORMAT PARQUET)")
            return target.read_bytes()
    finally:
        connection.close()


def csv_text(rows: list[dict[str, Any]], types: dict[str, str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = list(types)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([text_value(row.get(c), types[c]) for c in columns])
    return buffer.getvalue()


def _read_manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {"files": {}, "types": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"files": {}, "types": {}}
    return data if isinstance(data, dict) else {"files": {}, "types": {}}


def seeded_types(seeds: Path) -> list[str]:
    """Every column type the scaffold wrote into ``seeds`` (nested ones spelled as DuckDB types):
    what a failure's struct can be compared with to tell seeded data from a struct the SQL builds."""
    tables = _read_manifest(seeds / MANIFEST).get("types", {})
    if not isinstance(tables, dict):
        return []
    return [str(kind) for columns in tables.values() if isinstance(columns, dict) for kind in columns.values()]


def _write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_seeds(
    dataset: Dataset, root: Path, *, force: bool = False, meta: dict[str, Any] | None = None
) -> WriteReport:
    """One CSV per table under ``root``; edited or foreign files are kept unless ``force``."""
    report = WriteReport()
    manifest_path = root / MANIFEST
    manifest = _read_manifest(manifest_path)
    files: dict[str, str] = dict(manifest.get("files", {}))
    types: dict[str, Any] = dict(manifest.get("types", {}))
    for table, rows in dataset.tables.items():
        nested = _nested(dataset.types[table]) or _text_looks_typed(rows, dataset.types[table])
        path = seed_path(root, table, ".parquet" if nested else ".csv")
        relative = path.relative_to(root).as_posix()
        for suffix in (".csv", ".parquet"):
            other = seed_path(root, table, suffix)
            stale = other.relative_to(root).as_posix()
            if other != path and other.is_file() and files.get(stale) == sha256(other.read_bytes()):
                other.unlink()  # our own file of the other format: it would define the table twice
                files.pop(stale, None)
                types.pop(stale, None)
        data = parquet_bytes(rows, dataset.types[table]) if nested else csv_text(rows, dataset.types[table]).encode()
        digest = sha256(data)
        if path.is_file():
            current = sha256(path.read_bytes())
            if current == digest:
                report.unchanged.append(relative)
                files[relative], types[relative] = digest, dataset.types[table]
                continue
            if current != files.get(relative) and not force:
                why = "edited since it was generated" if relative in files else "not generated by pytest-looker"
                report.skipped.append(f"{relative} ({why}; --force overwrites it)")
                continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files[relative], types[relative] = digest, dataset.types[table]
        report.written.append(relative)
    root.mkdir(parents=True, exist_ok=True)
    _write_manifest(manifest_path, {**(meta or {}), "files": files, "types": types})
    return report


def _duckdb_manifest(path: Path) -> Path:
    return path.with_name(path.name + ".scaffold.json")


def _table_digest(connection: Any, table: str) -> str:
    from pytest_looker.run.names import stored_name

    stored = stored_name(TableName.parse(table), separate=True)
    rows = connection.execute(f"SELECT * FROM {stored.sql} ORDER BY ALL").fetchall()
    return sha256(repr(rows).encode("utf-8"))


def write_duckdb(
    dataset: Dataset, path: Path, *, force: bool = False, meta: dict[str, Any] | None = None
) -> WriteReport:
    """Each table into the DuckDB file ``path`` (created if missing), edited tables kept unless ``force``.

    A file holds one catalog: three-part names (BigQuery's ``project.dataset.table``) and tables
    of system schemas go where the DuckDB backend looks for them, a dotted schema
    (:func:`pytest_looker.run.names.stored_name`).
    """
    import duckdb

    from pytest_looker.run.names import stored_name

    report = WriteReport()
    manifest_path = _duckdb_manifest(path)
    manifest = _read_manifest(manifest_path)
    files: dict[str, str] = dict(manifest.get("files", {}))
    types: dict[str, Any] = dict(manifest.get("types", {}))
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(path))
    try:
        existing = {
            f"{s}.{t}".lstrip(".").lower() if s != "main" else t.lower()
            for s, t in connection.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()
        }
        for spec in _table_specs(dataset):
            name = str(spec.name)
            if name.lower() in existing:
                current = _table_digest(connection, name)
                if current != files.get(name) and not force:
                    why = "edited since it was generated" if name in files else "not generated by pytest-looker"
                    report.skipped.append(f"table {name} ({why}; --force overwrites it)")
                    continue
            spec = dataclasses.replace(spec, name=stored_name(spec.name, separate=True))
            if spec.name.schema:
                connection.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(spec.name.schema)}")
            connection.execute(spec.ddl)
            if spec.rows:
                placeholders = "(" + ", ".join(["?"] * len(spec.columns)) + ")"
                connection.executemany(
                    f"INSERT INTO {spec.name.sql} VALUES {placeholders}", [list(r) for r in spec.rows]
                )
            digest = _table_digest(connection, name)
            if files.get(name) == digest and name.lower() in existing:
                report.unchanged.append(name)
            else:
                report.written.append(name)
            files[name], types[name] = digest, dataset.types[name]
    finally:
        connection.close()
    _write_manifest(manifest_path, {**(meta or {}), "files": files, "types": types})
    return report


def _table_specs(dataset: Dataset) -> list[TableSpec]:
    """A table to create per generated table, typed as generated: nested columns keep their
    STRUCT and list types (``plan_tables`` takes only the plain types a spec's ``given`` may
    name, and guesses the rest from Python values, which it cannot for a dict or a list)."""
    return [
        TableSpec(
            TableName.parse(table),
            tuple((column, SQL_TYPES.get(kind, kind)) for column, kind in dataset.types[table].items()),
            tuple(tuple(row.get(column) for column in dataset.types[table]) for row in rows),
        )
        for table, rows in dataset.tables.items()
    ]


def _compare(schema: Schema, found: dict[str, tuple[dict[str, str], bool]], where: str, drift: Drift) -> None:
    """``found``: table key → (column → family, generated-by-us)."""
    for key, table in sorted(schema.tables.items()):
        present = found.get(key)
        if present is None:
            drift.problems.append(f"new table {table.name} ({len(table.columns)} columns) has no {where}")
            continue
        columns, ours = present
        lowered = {c.lower(): (c, family) for c, family in columns.items()}
        for name, column in table.columns.items():
            if name not in lowered:
                drift.problems.append(f"new column {table.name}.{column.name} ({column.type}, from {column.evidence})")
                continue
            _, family = lowered[name]
            expected = FAMILIES.get(column.type, "string")
            if family and family != expected and column.strength >= 3:
                drift.problems.append(
                    f"retyped column {table.name}.{column.name}: {family} in the {where}, {column.type} in the"
                    f" LookML ({column.evidence})"
                )
        for name, (spelling, _) in lowered.items():
            if name not in table.columns:
                message = f"removed column {table.name}.{spelling}: no LookML reads it any more"
                (drift.problems if ours else drift.notes).append(message)
    for key, (_, ours) in sorted(found.items()):
        if key not in schema.tables and ours:
            drift.problems.append(f"removed table {key}: no LookML reads it any more")


_DUCK_FAMILIES = (
    ("JSON", "json"),
    ("BOOL", "boolean"),
    ("TIMESTAMP", "timestamp"),
    ("DATE", "date"),
    ("INT", "number"),
    ("DOUBLE", "number"),
    ("FLOAT", "number"),
    ("DECIMAL", "number"),
    ("VARCHAR", "string"),
)


def duck_family(sql_type: str) -> str:
    upper = sql_type.upper()
    return next((family for prefix, family in _DUCK_FAMILIES if upper.startswith(prefix)), "")


def check_seeds(schema: Schema, root: Path) -> Drift:
    """Drift between the LookML's schema and the seed files under ``root``."""
    import duckdb

    from pytest_looker.run.seeds import discover_seeds, reader_sql

    drift = Drift()
    manifest = _read_manifest(root / MANIFEST)
    recorded: dict[str, str] = manifest.get("files", {})
    recorded_types: dict[str, dict[str, str]] = manifest.get("types", {})
    found: dict[str, tuple[dict[str, str], bool]] = {}
    if not root.is_dir():
        drift.problems.append(f"seed directory {root} does not exist")
        return drift
    connection = duckdb.connect()
    try:
        for name, path in discover_seeds(root).items():
            relative = path.relative_to(root).as_posix()
            ours = relative in recorded
            if ours and sha256(path.read_bytes()) == recorded[relative] and relative in recorded_types:
                columns = {c: FAMILIES.get(t, "string") for c, t in recorded_types[relative].items()}
            else:
                described = connection.execute(f"DESCRIBE SELECT * FROM {reader_sql(path)}").fetchall()
                columns = {str(row[0]): duck_family(str(row[1])) for row in described}
                if ours:
                    drift.notes.append(f"{relative} was edited since it was generated")
            found[table_key(str(name))] = (columns, ours)
    finally:
        connection.close()
    _compare(schema, found, "seeds", drift)
    return drift


def check_duckdb(schema: Schema, path: Path) -> Drift:
    """Drift between the LookML's schema and the tables of the DuckDB file ``path``."""
    import duckdb

    drift = Drift()
    if not path.is_file():
        drift.problems.append(f"DuckDB file {path} does not exist")
        return drift
    recorded = _read_manifest(_duckdb_manifest(path)).get("files", {})
    connection = duckdb.connect(str(path), read_only=True)
    try:
        rows = connection.execute(
            "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() WHERE NOT internal"
        ).fetchall()
    finally:
        connection.close()
    found: dict[str, tuple[dict[str, str], bool]] = {}
    for schema_name, table, column, sql_type in rows:
        name = f"{schema_name}.{table}".lstrip(".") if schema_name != "main" else str(table)
        entry = found.setdefault(name.lower(), ({}, name in recorded))
        entry[0][str(column)] = duck_family(str(sql_type))
    _compare(schema, found, "DuckDB file", drift)
    return drift
