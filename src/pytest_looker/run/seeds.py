"""Seed files → table names and the DuckDB reader that loads each one.

A seed directory is laid out as ``<schema>/<table>.<ext>`` or ``<catalog>/<schema>/<table>.<ext>``
(a file directly in the directory goes to the default schema), mirroring how the compiled SQL
names tables, so a project's seeds need no configuration; BigQuery's four-part
``project.region-us.INFORMATION_SCHEMA.JOBS`` is ``project/region-us/INFORMATION_SCHEMA/JOBS.<ext>``
(:class:`~pytest_looker.run.names.TableName`). Other files (a generator script, a README) are
ignored; a data file nested deeper is an error, because silently skipping it would leave a
table missing with no hint why.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pytest_looker.errors import BackendError
from pytest_looker.run.names import TableName, literal

#: File endings we load, longest first so ``.csv.gz`` wins over ``.gz``-less matching.
_READERS: dict[str, str] = {
    ".ndjson.gz": "read_json_auto({path}, format='newline_delimited')",
    ".jsonl.gz": "read_json_auto({path}, format='newline_delimited')",
    ".json.gz": "read_json_auto({path})",
    ".csv.gz": "read_csv_auto({path}, header=true)",
    ".tsv.gz": "read_csv_auto({path}, header=true, delim='\t')",
    ".parquet": "read_parquet({path})",
    ".ndjson": "read_json_auto({path}, format='newline_delimited')",
    ".jsonl": "read_json_auto({path}, format='newline_delimited')",
    ".json": "read_json_auto({path})",
    ".csv": "read_csv_auto({path}, header=true)",
    ".tsv": "read_csv_auto({path}, header=true, delim='\t')",
}

SEED_EXTENSIONS = tuple(_READERS)


def seed_suffix(path: Path) -> str | None:
    """The data-file ending of ``path`` (``".csv"``, ``".csv.gz"``...) or ``None``."""
    name = path.name.lower()
    return next((suffix for suffix in _READERS if name.endswith(suffix) and len(name) > len(suffix)), None)


def reader_sql(path: Path) -> str:
    """``read_csv_auto('…')`` or the reader matching the file's ending."""
    suffix = seed_suffix(path)
    if suffix is None:
        known = ", ".join(SEED_EXTENSIONS)
        raise BackendError(f"seed file {path} has an unknown format (known endings: {known})")
    return _READERS[suffix].format(path=literal(str(path)))


def discover_seeds(root: Path) -> dict[TableName, Path]:
    """Every data file under ``root`` keyed by the table it becomes."""
    if not root.is_dir():
        raise BackendError(f"seed directory {root} does not exist")
    found: dict[str, tuple[TableName, Path]] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        suffix = seed_suffix(path)
        if suffix is None:
            continue
        folders = relative.parts[:-1]
        if len(folders) > 3:
            raise BackendError(
                f"seed file {path} is nested too deep: use <schema>/<table>{suffix},"
                f" <catalog>/<schema>/<table>{suffix} or <project>/<region>/INFORMATION_SCHEMA/<table>{suffix}"
            )
        name = TableName.parse(".".join([*folders, path.name[: -len(suffix)]]))
        if name.key in found:
            raise BackendError(f"seed files {found[name.key][1]} and {path} both define table {name}")
        found[name.key] = (name, path)
    return dict(found.values())


def merge_seed_tables(discovered: Mapping[TableName, Path], explicit: Mapping[str, Path]) -> dict[TableName, Path]:
    """Discovered seeds overridden by an explicit ``{"schema.table": path}`` mapping."""
    merged = {name.key: (name, path) for name, path in discovered.items()}
    for raw_name, path in explicit.items():
        name = TableName.parse(raw_name)
        merged[name.key] = (name, Path(path))
    return dict(merged.values())
