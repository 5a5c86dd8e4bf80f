"""Postgres' relative-date SQL computed by a real PostgreSQL, against the Python bounds.

DuckDB accepts some spellings PostgreSQL does not (``'1 quarter'::INTERVAL``), so the Postgres
dialect's bounds are also run where they are meant to run. Skipped without a server
(``PYTEST_LOOKER_POSTGRES_URL``, set by ``.ci/run``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

from pytest_looker.compile.filters import FilterContext, date_bounds_sql, date_range

URL = os.environ.get("PYTEST_LOOKER_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="PYTEST_LOOKER_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")

EXPRESSIONS = [
    "today",
    "7 days",
    "2 weeks",
    "monday",
    "this month",
    "3 months",
    "this quarter",
    "2 quarters ago",
    "last year",
    "this fiscal quarter",
    "30 days ago for 30 days",
    "before 25 days ago",
    "3 hours",
    "2019/10 to 2019/12",
]
ZONES = [None, "America/Los_Angeles", "Europe/Madrid", "Asia/Kolkata"]
CLOCKS = [datetime(2026, 12, 6, 1, 10, tzinfo=timezone.utc), datetime(2026, 3, 8, 9, 30, tzinfo=timezone.utc)]


@pytest.fixture(scope="module")
def connection() -> Iterator[Any]:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    engine = sqlalchemy.create_engine(URL)
    with engine.connect() as con:
        con.execute(sqlalchemy.text("SET TIME ZONE 'UTC'"))
        yield con
    engine.dispose()


def bounds(connection: Any, text: str, ctx: FilterContext) -> tuple[tuple[Any, Any], datetime]:
    from sqlalchemy import text as sql_text

    start, end = date_bounds_sql(text, ctx) or (None, None)
    row = connection.execute(
        sql_text(f"SELECT CAST({start or 'NULL'} AS TIMESTAMP), CAST({end or 'NULL'} AS TIMESTAMP), CURRENT_TIMESTAMP")
    ).fetchone()
    return (row[0], row[1]), row[2]


@pytest.mark.parametrize("text", EXPRESSIONS)
def test_postgres_computes_the_same_bounds(connection: Any, text: str) -> None:
    for zone in ZONES:
        for clock in CLOCKS:
            ctx = FilterContext(dialect="postgres", now=clock, timezone=zone)
            assert bounds(connection, text, ctx)[0] == date_range(text, ctx), (zone, clock)
        live, now = bounds(connection, text, FilterContext(dialect="postgres", timezone=zone))
        assert live == date_range(text, FilterContext(dialect="postgres", now=now, timezone=zone)), zone
