"""Embedded DuckDB, the default backend: in memory or a database file, optionally seeded.

A database *file* is opened read-only, so validating a project can never change its data. Only
seeding writes: with ``seeds``/``seed_tables`` the file is opened for writing (created if it
does not exist), the seed tables are written into it (replacing tables of the same name), and it
is then reopened read-only, unless ``read_only=False`` keeps it writable. An in-memory database is
seeded in memory, with spilling to disk switched off, so it never touches the disk.

The file is ATTACHed to an in-memory connection under an alias instead of being opened directly:
DuckDB names a file's catalog after its stem, and ``ecommerce.duckdb`` holding a schema
``ecommerce`` makes every ``ecommerce.orders`` ambiguous ("Binder Error: Ambiguous reference to
catalog or schema"). The alias is the stem unless it clashes with a schema, then ``<stem>_db``.

Three-part names (``proj.ds.t`` from BigQuery) live in in-memory catalogs ATTACHed on demand,
except where a catalog cannot hold them: seeded into a file (it has one catalog), or named like
a schema (Snowflake's ``PRODUCTION.PRODUCTION.T`` beside ``PRODUCTION.T``). Those, and tables of
DuckDB's own system schemas (``pg_catalog``), are kept in dotted schemas of the default catalog
(:func:`~pytest_looker.run.names.stored_name`); :meth:`DuckDBBackend.table_renames` says where,
and the runner rewrites its SQL's table names to match.

``setup`` is a SQL file run after seeding (``duckdb_setup``): DuckDB macros standing in for the
warehouse's user-defined functions (``ATTACH ':memory:' AS mozfun; CREATE SCHEMA mozfun.map;
CREATE MACRO mozfun.map.get_key(m, k) AS …``), extra tables, settings. Unqualified macros belong in
the temp catalog (``CREATE TEMP MACRO``): a database file is attached read-only.

The session runs in the database time zone (``database_timezone``, UTC when unset), as a
warehouse session does: ``CURRENT_TIMESTAMP`` cast to a plain TIMESTAMP, and a plain TIMESTAMP
cast to TIMESTAMPTZ, then mean the warehouse's wall clock, never the machine's.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import duckdb

from pytest_looker.errors import BackendError, ConfigurationError
from pytest_looker.run.base import Backend
from pytest_looker.run.names import TableName, literal, quote, renames_of, stored_name
from pytest_looker.run.result import ResultSet
from pytest_looker.run.seeds import discover_seeds, merge_seed_tables, reader_sql
from pytest_looker.run.tables import TableSpec, plan_tables

#: Rows per INSERT: one statement per row is ten times slower, one for all can be huge.
_INSERT_CHUNK = 200
_AMBIGUOUS = "Ambiguous reference to catalog or schema"
_ERROR_LINE = re.compile(r"\bLINE (\d+):")
_RESERVED_CATALOGS = frozenset({"memory", "system", "temp", "main"})


def _first_line(error: duckdb.Error) -> str:
    """The database's message without DuckDB's ``LINE 1:`` excerpt of our own loader SQL."""
    return str(error).strip().split("\n\nLINE ")[0].strip()


class DuckDBBackend(Backend):
    """Runs SQL on DuckDB: ``DuckDBBackend()`` in memory, ``DuckDBBackend("db.duckdb")`` a file.

    ``seeds`` is a directory of ``<schema>/<table>.<ext>`` (or ``<catalog>/<schema>/<table>.<ext>``)
    CSV, Parquet or JSON files loaded as tables; ``seed_tables`` maps more table names
    (``"ecommerce.orders"``, ``"proj.ds.t"``) to files and overrides the directory's.
    ``read_only`` defaults to read-only for a file (see the module docstring for seeding).
    """

    name = "duckdb"
    dialect = "duckdb"

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        read_only: bool | None = None,
        seeds: Path | None = None,
        seed_tables: Mapping[str, Path] | None = None,
        timezone: str | None = None,
        setup: Path | None = None,
    ) -> None:
        in_memory = path is None or str(path) == ":memory:"
        self.path = ":memory:" if in_memory else str(path)
        plan = merge_seed_tables(discover_seeds(Path(seeds)) if seeds is not None else {}, seed_tables or {})
        seeding = seeds is not None or bool(seed_tables)
        if not in_memory:
            if seeding and read_only:
                raise ConfigurationError(f"cannot seed DuckDB database {self.path!r} opened read-only")
            if not seeding and not Path(self.path).is_file():
                raise BackendError(f"DuckDB database {self.path!r} does not exist")
        self.read_only = not in_memory and read_only is not False
        self._closed = False
        temp = "" if in_memory else self.path + ".tmp"
        # Never the machine's zone: warehouse instants (BigQuery TIMESTAMP) are stored as naive
        # TIMESTAMPs in the database zone, and TIMESTAMPTZ results must not depend on where we run.
        self.timezone = timezone or "UTC"
        self._connection = duckdb.connect(":memory:", config={"temp_directory": temp})
        try:
            self._connection.execute(f"SET TimeZone = {literal(self.timezone)}")
        except duckdb.Error as error:
            self._connection.close()
            raise ConfigurationError(f"database_timezone {self.timezone!r}: {_first_line(error)}") from None
        self.catalog = "memory"
        self._in_memory = in_memory
        self._renames: dict[tuple[str, ...], str] = {}
        if not in_memory:
            reserved = {name.schema.lower() for name in plan if name.schema and not name.catalog}
            self.catalog = self._attach_file(writable=seeding or not self.read_only, reserved=reserved)
        try:
            self._load_seeds(self._stored(plan, separate=not in_memory))
        except BaseException:
            self.close()
            raise
        if seeding and self.read_only:
            self._reattach_read_only()
        self._check_ambiguity()
        self._renames = renames_of(self._default_schemas())
        if setup is not None:
            try:
                self._run_setup(Path(setup))
            except BaseException:
                self.close()
                raise

    def __repr__(self) -> str:
        mode = ", read_only=True" if self.read_only else ""
        return f"DuckDBBackend({self.path!r}{mode})"

    # -- running SQL -----------------------------------------------------------------------

    def execute(self, sql: str) -> ResultSet:
        """Run one statement; a database error becomes a :class:`BackendError` with its message."""
        started = time.perf_counter()
        try:
            cursor = self._connection.execute(sql)
            rows = cursor.fetchall()
            columns = tuple(d[0] for d in cursor.description or ())
        except duckdb.Error as exc:
            message = str(exc).strip()
            if _AMBIGUOUS in message:
                message += "\n(a database catalog and a schema share this name: rename one, e.g. the file to <name>_db)"
            raise BackendError(message) from None
        return ResultSet(columns, tuple(tuple(r) for r in rows), sql, time.perf_counter() - started)

    def column_types(self, sql: str) -> tuple[list[str], list[str]]:
        """The names and DuckDB type names of ``sql``'s result columns, without running it."""
        try:
            relation = self._connection.sql(sql)
        except duckdb.Error as exc:
            raise BackendError(str(exc).strip()) from None
        if relation is None:
            raise BackendError("not a query")
        return list(relation.columns), [str(kind) for kind in relation.types]

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._connection.close()

    def table_renames(self) -> dict[tuple[str, ...], str]:
        """Where tables are kept under another schema than their name says (lower-case
        ``(catalog, schema)`` or ``(schema,)`` → the schema holding them)."""
        return dict(self._renames)

    def _stored(self, plan: Mapping[TableName, Path], *, separate: bool) -> dict[TableName, Path]:
        """Each seed's table where DuckDB can keep it (see the module docstring)."""
        schemas = {n.schema.lower() for n in plan if n.schema and not n.catalog} | _RESERVED_CATALOGS
        return {
            stored_name(name, separate=separate or (name.catalog or "").lower() in schemas): path
            for name, path in plan.items()
        }

    def _default_schemas(self) -> list[str]:
        query = "SELECT schema_name FROM duckdb_schemas() WHERE database_name = ?"
        return [str(row[0]) for row in self._connection.execute(query, [self.catalog]).fetchall()]

    def table_names(self) -> list[str]:
        """Every user table as ``schema.table`` (``catalog.schema.table`` outside the default catalog)."""
        found = self._connection.execute(
            "SELECT database_name, schema_name, table_name FROM duckdb_tables() WHERE NOT internal"
        ).fetchall()
        return sorted((f"{s}.{t}" if c == self.catalog else f"{c}.{s}.{t}").lstrip(".") for c, s, t in found)

    def _run_setup(self, setup: Path) -> None:
        """Run each statement of the ``duckdb_setup`` file; an error names the file and line."""
        try:
            text = setup.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
            raise ConfigurationError(f"duckdb_setup {setup}: cannot read it ({reason})") from None
        try:
            statements = self._connection.extract_statements(text)
        except duckdb.Error as error:
            found = _ERROR_LINE.search(str(error))
            where = f"{setup}:{found.group(1)}" if found else str(setup)
            raise ConfigurationError(f"duckdb_setup {where}: {_first_line(error)}") from None
        offset = 0
        for statement in statements:
            start = text.find(statement.query, offset)
            offset = max(start, offset) + len(statement.query)
            body = start + len(statement.query) - len(statement.query.lstrip())
            try:
                self._connection.execute(statement.query)
            except duckdb.Error as error:
                line = text.count("\n", 0, body) + 1
                raise ConfigurationError(f"duckdb_setup {setup}:{line}: {_first_line(error)}") from None
        self._renames = renames_of(self._default_schemas())

    # -- building tables -------------------------------------------------------------------

    def create_tables(
        self,
        tables: Mapping[str, Sequence[Mapping[str, object]]],
        column_types: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Build exactly these tables from rows, for hermetic tests (a spec's ``given:``).

        Names may be qualified (``"main.orders"``, ``"proj.ds.t"``); their schemas and catalogs
        are created. A table of the same name is replaced. Columns are the rows' keys plus those
        of ``column_types[table]``; a column a row leaves out is NULL. Types follow
        :mod:`pytest_looker.run.typing_rules`: the given SQL type, else the Python values (text
        stays VARCHAR even when it looks like a date), else VARCHAR. An empty row list makes an
        empty table when its column types are given.
        """
        specs = plan_tables(tables, column_types)
        schemas = {s.name.schema.lower() for s in specs if s.name.schema and not s.name.catalog}
        schemas |= {s.lower() for s in self._default_schemas()} | _RESERVED_CATALOGS
        specs = [
            dataclasses.replace(s, name=stored_name(s.name, separate=(s.name.catalog or "").lower() in schemas))
            for s in specs
        ]
        in_file = [str(s.name) for s in specs if (s.name.catalog or self.catalog).lower() == self.catalog.lower()]
        if self.read_only and in_file:
            raise BackendError(
                f"cannot create table {in_file[0]} in the read-only DuckDB database {self.path!r};"
                " open it with read_only=False, or build hermetic tables in memory"
            )
        for spec in specs:
            self._ensure_schema(spec.name)
            self._run(spec.ddl, f"cannot create table {spec.name}")
            self._insert(spec)
        self._check_ambiguity()
        self._renames = renames_of(self._default_schemas())

    def _insert(self, spec: TableSpec) -> None:
        width = len(spec.columns)
        for start in range(0, len(spec.rows), _INSERT_CHUNK):
            chunk = spec.rows[start : start + _INSERT_CHUNK]
            placeholders = ", ".join(["(" + ", ".join(["?"] * width) + ")"] * len(chunk))
            try:
                self._connection.execute(
                    f"INSERT INTO {spec.name.sql} VALUES {placeholders}", [v for row in chunk for v in row]
                )
            except duckdb.Error:
                self._insert_one_by_one(spec, start, chunk)

    def _insert_one_by_one(self, spec: TableSpec, start: int, chunk: Sequence[tuple[object, ...]]) -> None:
        """Insert a failed chunk row by row, so the error names the row that does not fit."""
        placeholders = "(" + ", ".join(["?"] * len(spec.columns)) + ")"
        for offset, row in enumerate(chunk):
            try:
                self._connection.execute(f"INSERT INTO {spec.name.sql} VALUES {placeholders}", list(row))
            except duckdb.Error as exc:
                raise BackendError(f"table {spec.name}, row {start + offset + 1}: {_first_line(exc)}") from None

    # -- seeds, catalogs and schemas ---------------------------------------------------------

    def _load_seeds(self, plan: Mapping[TableName, Path]) -> None:
        for name, path in sorted(plan.items(), key=lambda item: item[0].key):
            if not path.is_file():
                raise BackendError(f"seed file {path} for table {name} does not exist")
            self._ensure_schema(name)
            try:
                self._connection.execute(f"CREATE OR REPLACE TABLE {name.sql} AS SELECT * FROM {reader_sql(path)}")
            except duckdb.Error as exc:
                raise BackendError(f"cannot load seed file {path} as table {name}: {_first_line(exc)}") from None

    def _ensure_schema(self, name: TableName) -> None:
        """Create what ``name`` needs: an in-memory catalog for three-part names, the schema."""
        if name.catalog and name.catalog.lower() not in self._catalogs():
            self._run(f"ATTACH ':memory:' AS {quote(name.catalog)}", f"cannot create catalog {name.catalog}")
        if name.schema and name.schema.lower() not in self._schemas(name.catalog or self.catalog):
            where = f"{quote(name.catalog)}.{quote(name.schema)}" if name.catalog else quote(name.schema)
            self._run(f"CREATE SCHEMA IF NOT EXISTS {where}", f"cannot create schema {where}")

    def _catalogs(self) -> set[str]:
        return self._lower_names("SELECT database_name FROM duckdb_databases()")

    def _schemas(self, catalog: str) -> set[str]:
        return self._lower_names("SELECT schema_name FROM duckdb_schemas() WHERE database_name = ?", catalog)

    def _attach_file(self, *, writable: bool, reserved: Iterable[str]) -> str:
        """ATTACH the database file under a catalog name no schema uses; return that name."""
        alias = "".join(c if c.isalnum() or c == "_" else "_" for c in Path(self.path).stem) or "db"
        if alias.lower() in _RESERVED_CATALOGS:
            alias += "_db"
        self._attach(alias, writable)
        taken = self._schemas(alias) | set(reserved)
        if alias.lower() in taken:
            self._run(f"DETACH {quote(alias)}", f"cannot detach {self.path}")
            while alias.lower() in taken | _RESERVED_CATALOGS:
                alias += "_db"
            self._attach(alias, writable)
        self._run(f"USE {quote(alias)}", f"cannot use {self.path}")
        return alias

    def _attach(self, alias: str, writable: bool) -> None:
        mode = "" if writable else " (READ_ONLY)"
        try:
            self._connection.execute(f"ATTACH {literal(self.path)} AS {quote(alias)}{mode}")
        except duckdb.Error as exc:
            self._connection.close()
            self._closed = True
            raise BackendError(f"cannot open DuckDB database {self.path!r}: {_first_line(exc)}") from None

    def _reattach_read_only(self) -> None:
        """After seeding a file, continue read-only so no query can change what was seeded."""
        self._run("USE memory", "cannot switch catalog")
        self._run(f"DETACH {quote(self.catalog)}", f"cannot detach {self.path}")
        self._attach(self.catalog, writable=False)
        self._run(f"USE {quote(self.catalog)}", f"cannot use {self.path}")

    def _check_ambiguity(self) -> None:
        """A name that is both a catalog and a schema breaks ``name.table`` in DuckDB: say so now."""
        clash = sorted((self._catalogs() - {"system", "temp"}) & self._all_schemas())
        if clash:
            raise BackendError(
                f"{clash[0]!r} is both a catalog (a database file or a three-part table name) and a schema,"
                f" so {clash[0]}.<table> is ambiguous in DuckDB; rename one of them (e.g. {clash[0]}_db)"
            )

    def _all_schemas(self) -> set[str]:
        return self._lower_names("SELECT schema_name FROM duckdb_schemas()")

    def _lower_names(self, sql: str, *params: object) -> set[str]:
        """The first column of a catalog query, lower-cased: DuckDB compares names case-insensitively."""
        return {str(row[0]).lower() for row in self._connection.execute(sql, list(params)).fetchall()}

    def _run(self, sql: str, what: str) -> None:
        try:
            self._connection.execute(sql)
        except duckdb.Error as exc:
            raise BackendError(f"{what}: {_first_line(exc)}") from None
