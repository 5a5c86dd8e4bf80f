"""What to do next, when an error has a cause in the run's setup rather than in the LookML.

With no seeds and no DuckDB file, the default backend is an empty in-memory DuckDB: every query
fails with "Catalog Error: Table ... does not exist", once per field, and nothing says why.
"""

from __future__ import annotations

from collections.abc import Iterable

from pytest_looker.settings import Settings

__all__ = ["setup_hint"]

_MISSING_TABLE = ("Catalog Error", "does not exist")


def setup_hint(settings: Settings, messages: Iterable[str]) -> str | None:
    """A sentence saying how to give the run data, when ``messages`` show it has none."""
    if settings.backend != "duckdb" or settings.seeds is not None or settings.duckdb is not None:
        return None
    if settings.seed_tables or not any(all(part in m for part in _MISSING_TABLE) for m in messages):
        return None
    return (
        "hint: no seeds and no DuckDB file are configured, so the queries run on an empty in-memory"
        " DuckDB. `pytest-looker scaffold data --seeds seeds` writes synthetic rows for every table the"
        ' LookML reads; then set seeds = "seeds" in [tool.pytest-looker] (or point duckdb = at a'
        " database file)."
    )
