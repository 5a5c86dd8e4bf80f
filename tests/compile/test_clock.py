"""Relative dates over the warehouse clock, in every dialect, executed on DuckDB.

Looker writes "7 days" as SQL over ``CURRENT_TIMESTAMP()`` / ``GETDATE()`` / ``NOW()`` in the
query time zone. We write the same expressions; an injected ``now`` replaces only the clock.
Each dialect's bounds are transpiled to DuckDB and computed there, at clocks chosen on the
edges (a month boundary in UTC that is not one in the query zone, a DST change), and compared
with the bounds evaluated in Python from the same moments (local calendar), or, for BigQuery,
with the independent model of Looker's BigQuery semantics in :mod:`bigquery_clock`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import duckdb
import pytest
from bigquery_clock import evaluate as bigquery_evaluate
from golden import normalise

from pytest_looker.compile.filters import (
    FilterContext,
    FilterKind,
    date_bounds_sql,
    date_range,
    filter_sql,
    parse_filter,
)
from pytest_looker.compile.filters.calendar import item_moments
from pytest_looker.compile.filters.nodes import DateFilter
from pytest_looker.compile.transpile import transpile

DIALECTS = ["duckdb", "bigquery", "snowflake", "redshift", "postgres", "mysql"]
EXPRESSIONS = [
    "today",
    "yesterday",
    "7 days",
    "30 days ago for 30 days",
    "this week",
    "monday",
    "this month",
    "last month",
    "3 months",
    "this quarter",
    "this year",
    "last year",
    "2 years ago",
    "this fiscal quarter",
    "before 25 days ago",
    "after 2 days from now",
    "3 hours",
    "2019/10/01 to 2019/12/01",
    "2024-03 for 2 months",
]
ZONES = [None, "America/Los_Angeles", "Europe/Madrid", "Asia/Kolkata"]
#: Edges: 01:10 UTC on Dec 6 is still Dec 5 in Los Angeles; 23:30 UTC on Nov 30 is already
#: December in Madrid; 2026-03-08 09:30 UTC is the US DST change; 03:00 UTC on July 1 is June 30
#: in Los Angeles.
CLOCKS = [
    datetime(2026, 12, 6, 1, 10, tzinfo=timezone.utc),
    datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc),
    datetime(2026, 3, 8, 9, 30, tzinfo=timezone.utc),
    datetime(2026, 7, 1, 3, 0, tzinfo=timezone.utc),
]
#: What sqlglot 30.x cannot translate to DuckDB yet (reported for the translator, issue 15):
#: MySQL DAYOFWEEK is 1 = Sunday, DuckDB's 0 = Sunday, so Looker's MySQL week arithmetic is a day
#: off; BigQuery ``TIMESTAMP_TRUNC(x, HOUR, 'tz')`` loses its zone, which matters in zones with a
#: half-hour offset.
DAYOFWEEK = "sqlglot transpiles MySQL DAYOFWEEK (1 = Sunday) as DuckDB DAYOFWEEK (0 = Sunday)"
HOUR_ZONE = "sqlglot drops the zone of BigQuery TIMESTAMP_TRUNC(x, HOUR, 'tz')"
TRANSLATION_GAPS = {
    ("mysql", "this week", None): DAYOFWEEK,
    ("mysql", "monday", None): DAYOFWEEK,
    ("bigquery", "3 hours", "Asia/Kolkata"): HOUR_ZONE,
}


def gap(dialect: str, text: str, zone: str | None) -> str | None:
    """The known translation gap of a case (the zone matters only where it says so)."""
    return TRANSLATION_GAPS.get((dialect, text, zone)) or TRANSLATION_GAPS.get((dialect, text, None))


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    yield connection
    connection.close()


def naive_utc(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def on_duckdb(db: duckdb.DuckDBPyConnection, text: str, ctx: FilterContext) -> tuple[tuple[object, ...], datetime]:
    """The bounds our SQL computes once transpiled to DuckDB, and DuckDB's clock of that query."""
    bounds = date_bounds_sql(text, ctx)
    assert bounds is not None
    columns = [f"CAST({sql} AS TIMESTAMP)" if sql else "NULL" for sql in bounds]
    sql = f"SELECT {columns[0]}, {columns[1]}, CURRENT_TIMESTAMP"
    if ctx.dialect != "duckdb":
        sql = transpile(sql, source=ctx.dialect, target="duckdb")
    row = db.execute(sql).fetchone()
    assert row is not None
    return (naive_utc(row[0]), naive_utc(row[1])), row[2]


def expected(text: str, ctx: FilterContext) -> tuple[object, ...]:
    if ctx.dialect == "bigquery" and ctx.timezone:
        parsed = parse_filter(FilterKind.DATE, text)
        assert isinstance(parsed, DateFilter)
        assert ctx.now is not None
        moments = item_moments(parsed.items[0])
        return tuple(None if m is None else bigquery_evaluate(m, ctx.now, ctx.timezone) for m in moments)
    return tuple(date_range(text, ctx) or (None, None))


@pytest.mark.parametrize("text", EXPRESSIONS)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_injected_clock_gives_looker_bounds_on_duckdb(db: duckdb.DuckDBPyConnection, dialect: str, text: str) -> None:
    wrong, known = [], set()
    for zone in ZONES:
        for now in CLOCKS:
            ctx = FilterContext(dialect=dialect, now=now, timezone=zone)
            got, _ = on_duckdb(db, text, ctx)
            if got != expected(text, ctx):
                reason = gap(dialect, text, zone)
                if reason is None:
                    wrong.append((zone, now.isoformat(), got, expected(text, ctx)))
                else:
                    known.add(reason)
    assert not wrong, wrong
    if known:
        pytest.xfail("; ".join(sorted(known)))


@pytest.mark.parametrize("text", ["today", "7 days", "this month", "last year", "3 hours", "before 25 days ago"])
@pytest.mark.parametrize("dialect", DIALECTS)
def test_warehouse_clock_gives_the_same_bounds_as_the_injected_one(
    db: duckdb.DuckDBPyConnection, dialect: str, text: str
) -> None:
    """Without ``now`` the SQL reads the warehouse clock; run at DuckDB's time it gives the bounds
    the injected clock gives for that time."""
    for zone in ZONES:
        live = FilterContext(dialect=dialect, timezone=zone)
        got, clock = on_duckdb(db, text, live)
        injected = FilterContext(dialect=dialect, now=clock, timezone=zone)
        if got != expected(text, injected) and gap(dialect, text, zone):
            pytest.xfail(str(gap(dialect, text, zone)))
        assert got == expected(text, injected), (zone, clock)


@pytest.mark.parametrize(
    ("dialect", "clock"),
    [
        ("duckdb", "CURRENT_TIMESTAMP"),
        ("bigquery", "CURRENT_TIMESTAMP()"),
        ("snowflake", "CURRENT_DATE()"),
        ("redshift", "GETDATE()"),
        ("postgres", "CURRENT_TIMESTAMP"),
        ("mysql", "NOW()"),
    ],
)
def test_the_clock_is_written_not_computed(dialect: str, clock: str) -> None:
    live = date_bounds_sql("7 days", FilterContext(dialect=dialect))
    assert live is not None and all(clock in str(bound) for bound in live)
    fixed = date_bounds_sql("7 days", FilterContext(dialect=dialect, now=CLOCKS[0]))
    assert fixed is not None and all(clock not in str(bound) and "2026-12-06" in str(bound) for bound in fixed)


def _condition(dialect: str, text: str, zone: str | None = None, **options: object) -> str:
    sql = filter_sql(FilterKind.DATE, text, "t.created_at", FilterContext(dialect=dialect, timezone=zone, **options))  # type: ignore[arg-type]
    assert sql is not None
    return sql


#: Looker's spelling of relative dates per dialect, written from the forms the issue-16 research
#: found in Looker-generated SQL (see tests/compile/data/golden/SOURCES.md); compared after a
#: sqlglot round trip, so spacing and redundant parentheses do not matter.
LOOKER_FORMS = [
    (
        "bigquery",
        "this month",
        "Europe/Madrid",
        "t.created_at >= TIMESTAMP_TRUNC(TIMESTAMP_TRUNC(CURRENT_TIMESTAMP(), DAY, 'Europe/Madrid'), MONTH)"
        " AND t.created_at < TIMESTAMP(DATETIME_ADD(DATETIME(TIMESTAMP_TRUNC(TIMESTAMP_TRUNC(CURRENT_TIMESTAMP(),"
        " DAY, 'Europe/Madrid'), MONTH)), INTERVAL 1 MONTH))",
    ),
    (
        "bigquery",
        "last year",
        None,
        "t.created_at >= TIMESTAMP(DATETIME_ADD(DATETIME(TIMESTAMP_TRUNC(TIMESTAMP_TRUNC(CURRENT_TIMESTAMP(), DAY),"
        " YEAR)), INTERVAL -1 YEAR)) AND t.created_at < TIMESTAMP(DATETIME_ADD(DATETIME(TIMESTAMP(DATETIME_ADD("
        "DATETIME(TIMESTAMP_TRUNC(TIMESTAMP_TRUNC(CURRENT_TIMESTAMP(), DAY), YEAR)), INTERVAL -1 YEAR))),"
        " INTERVAL 1 YEAR))",
    ),
    (
        "redshift",
        "60 days",
        "America/Los_Angeles",
        "t.created_at >= CONVERT_TIMEZONE('America/Los_Angeles', 'UTC', DATEADD(day, -59, DATE_TRUNC('day',"
        " CONVERT_TIMEZONE('UTC', 'America/Los_Angeles', GETDATE())))) AND t.created_at < CONVERT_TIMEZONE("
        "'America/Los_Angeles', 'UTC', DATEADD(day, 60, DATEADD(day, -59, DATE_TRUNC('day', CONVERT_TIMEZONE("
        "'UTC', 'America/Los_Angeles', GETDATE())))))",
    ),
    ("redshift", "before 25 days ago", None, "t.created_at < DATEADD(day, -25, DATE_TRUNC('day', GETDATE()))"),
    (
        "mysql",
        "30 days ago for 30 days",
        "America/New_York",
        "t.created_at >= CONVERT_TZ(DATE_ADD(DATE(CONVERT_TZ(NOW(), 'UTC', 'America/New_York')), INTERVAL -30 DAY),"
        " 'America/New_York', 'UTC') AND t.created_at < CONVERT_TZ(DATE_ADD(DATE_ADD(DATE(CONVERT_TZ(NOW(), 'UTC',"
        " 'America/New_York')), INTERVAL -30 DAY), INTERVAL 30 DAY), 'America/New_York', 'UTC')",
    ),
    (
        "mysql",
        "3 years",
        None,
        "t.created_at >= DATE_ADD(TIMESTAMP(DATE_FORMAT(DATE(NOW()), '%Y-01-01')), INTERVAL -2 YEAR)"
        " AND t.created_at < DATE_ADD(DATE_ADD(TIMESTAMP(DATE_FORMAT(DATE(NOW()), '%Y-01-01')), INTERVAL -2 YEAR),"
        " INTERVAL 3 YEAR)",
    ),
    (
        "mysql",
        "2019/10 to 2019/12",
        "America/Los_Angeles",
        "t.created_at >= CONVERT_TZ(TIMESTAMP('2019-10-01'), 'America/Los_Angeles', 'UTC')"
        " AND t.created_at < CONVERT_TZ(TIMESTAMP('2019-12-01'), 'America/Los_Angeles', 'UTC')",
    ),
    (
        "postgres",
        "7 days",
        None,
        "t.created_at >= (SELECT (DATE_TRUNC('day', CURRENT_TIMESTAMP) + (-6 || ' day')::INTERVAL))"
        " AND t.created_at < (SELECT ((DATE_TRUNC('day', CURRENT_TIMESTAMP) + (-6 || ' day')::INTERVAL)"
        " + (7 || ' day')::INTERVAL))",
    ),
    (
        "snowflake",
        "12 months",
        None,
        "t.created_at >= DATEADD('month', -11, DATE_TRUNC('month', CURRENT_DATE()))"
        " AND t.created_at < DATEADD('month', 12, DATEADD('month', -11, DATE_TRUNC('month', CURRENT_DATE())))",
    ),
]


@pytest.mark.parametrize(("dialect", "text", "zone", "looker"), LOOKER_FORMS, ids=lambda v: str(v)[:24])
def test_relative_dates_in_lookers_spelling(dialect: str, text: str, zone: str | None, looker: str) -> None:
    assert normalise(_condition(dialect, text, zone), dialect) == normalise(looker, dialect)


def test_snowflake_database_zone_is_the_clocks_zone() -> None:
    """Looker converts between the connection's database zone and the query zone."""
    looker = (
        "t.created_at >= CONVERT_TIMEZONE('America/Santo_Domingo', 'America/New_York', CAST(DATEADD('month', -5,"
        " DATE_TRUNC('month', DATE_TRUNC('day', CONVERT_TIMEZONE('America/New_York', 'America/Santo_Domingo',"
        " CAST(CURRENT_TIMESTAMP() AS TIMESTAMP_NTZ))))) AS TIMESTAMP_NTZ)) AND t.created_at < CONVERT_TIMEZONE("
        "'America/Santo_Domingo', 'America/New_York', CAST(DATEADD('month', 6, DATEADD('month', -5, DATE_TRUNC("
        "'month', DATE_TRUNC('day', CONVERT_TIMEZONE('America/New_York', 'America/Santo_Domingo', CAST("
        "CURRENT_TIMESTAMP() AS TIMESTAMP_NTZ)))))) AS TIMESTAMP_NTZ))"
    )
    ours = _condition("snowflake", "6 months", "America/Santo_Domingo", database_timezone="America/New_York")
    assert normalise(ours, "snowflake") == normalise(looker, "snowflake")


def test_database_zone_moves_the_bounds(db: duckdb.DuckDBPyConnection) -> None:
    """Stored values in New York time, query in Santo Domingo: bounds are New York wall clock."""
    now = datetime(2026, 12, 6, 1, 10, tzinfo=timezone.utc)
    ctx = FilterContext(
        dialect="snowflake", now=now, timezone="America/Santo_Domingo", database_timezone="America/New_York"
    )
    got, _ = on_duckdb(db, "6 months", ctx)
    # Santo Domingo (UTC-4) at 21:10 on Dec 5: July 1 .. Jan 1 local, i.e. 00:00 / 23:00 New York.
    assert got == (datetime(2026, 7, 1, 0, 0), datetime(2026, 12, 31, 23, 0))
    assert got == date_range("6 months", ctx)
