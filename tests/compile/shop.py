"""The `shop` fixture project shared by the planner tests: paths, clock and result helpers."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from pytest_looker.compile import Query, compile_query
from pytest_looker.lookml.model import Project

SHOP = Path(__file__).parent / "projects" / "shop"
NOW = datetime(2024, 6, 15, 12, 0, tzinfo=timezone.utc)


def rows(con: duckdb.DuckDBPyConnection, project: Project, explore: str, **kwargs: Any) -> list[dict[str, Any]]:
    """Compile a query on the shop model, run it, and return rows keyed ``view.field``."""
    compiled = compile_query(project, Query("shop", explore, now=NOW, **kwargs))
    cursor = con.execute(compiled.sql)
    names = [d[0] for d in cursor.description]
    return compiled.finish([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])


def values(con: duckdb.DuckDBPyConnection, project: Project, explore: str, **kwargs: Any) -> list[tuple[Any, ...]]:
    """The selected fields of each row, as sorted tuples (comparable with :func:`hand`)."""
    result = rows(con, project, explore, **kwargs)
    return sorted((tuple(row[f] for f in kwargs["fields"]) for row in result), key=repr)


def hand(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    """Rows of independently hand-written SQL, sorted like :func:`values`."""
    return sorted((tuple(row) for row in con.execute(sql).fetchall()), key=repr)
