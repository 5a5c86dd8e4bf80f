"""The public API beyond the conformance table: time zones, DATE columns, date_range, the AST."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone
from decimal import Decimal

import duckdb
import pytest

from pytest_looker.compile.filters import (
    FilterContext,
    FilterKind,
    date_bounds_sql,
    date_range,
    filter_sql,
    parse_filter,
    quote_string_value,
)
from pytest_looker.compile.filters.nodes import (
    NumberFilter,
    NumberItem,
    NumberRange,
    StringFilter,
    StringItem,
    StringMatch,
    Wildcard,
)

NOW = datetime(2024, 3, 2, 12, tzinfo=timezone.utc)


def ctx(**options: object) -> FilterContext:
    return FilterContext(now=NOW, **options)  # type: ignore[arg-type]


def duckdb_bounds(text: str, context: FilterContext) -> tuple[object, object]:
    """The bounds of a date filter as DuckDB computes them from our SQL (the clock substituted)."""
    result = date_bounds_sql(text, context)
    assert result is not None
    start, end = (f"CAST({sql} AS {'DATE' if context.column_is_date else 'TIMESTAMP'})" for sql in result)
    row = duckdb.connect().execute(f"SELECT {start if result[0] else 'NULL'}, {end if result[1] else 'NULL'}")
    first = row.fetchone()
    assert first is not None
    return first[0], first[1]


def test_parse_returns_an_immutable_typed_tree() -> None:
    parsed = parse_filter(FilterKind.STRING, "FOO%,-sub_region, %^ x %")
    assert parsed == StringFilter(
        text="FOO%,-sub_region, %^ x %",
        items=(
            StringItem(StringMatch.STARTS_WITH, value="FOO"),
            StringItem(StringMatch.LIKE, negated=True, pattern=("sub", Wildcard.ONE, "region")),
            StringItem(StringMatch.CONTAINS, value="x"),
        ),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.text = "other"  # type: ignore[misc]
    number = parse_filter(FilterKind.NUMBER, "NOT 1 to 2")
    assert number == NumberFilter(
        text="NOT 1 to 2", items=(NumberItem(NumberRange(Decimal(1), Decimal(2), True, True), negated=True),)
    )


def test_empty_expressions_have_no_condition() -> None:
    for kind in FilterKind:
        column: str | tuple[str, str] = ("lat", "lon") if kind is FilterKind.LOCATION else "x"
        assert filter_sql(kind, "  ", column, ctx()) is None
    assert date_range("", ctx()) is None


def test_query_time_zone_bounds_are_converted_to_the_database_zone() -> None:
    la = ctx(timezone="America/Los_Angeles")
    # 2024-03-02 12:00 UTC is 04:00 in Los Angeles (PST, UTC-8): "today" starts at 08:00 UTC.
    assert date_range("today", la) == (datetime(2024, 3, 2, 8), datetime(2024, 3, 3, 8))
    # Across the DST change (2024-03-10): the week's end is at 07:00 UTC (PDT, UTC-7).
    assert date_range("next week", la) == (datetime(2024, 3, 4, 8), datetime(2024, 3, 11, 7))
    # The SQL is written over the clock in the query zone and converted back, as Looker does.
    sql = filter_sql(FilterKind.DATE, "today", "created_at", la)
    assert sql is not None and "AT TIME ZONE 'America/Los_Angeles'" in sql
    assert duckdb_bounds("today", la) == date_range("today", la)
    assert duckdb_bounds("next week", la) == date_range("next week", la)


def test_convert_tz_no_keeps_query_zone_wall_clock() -> None:
    la = ctx(timezone="America/Los_Angeles", convert_tz=False)
    assert date_range("today", la) == (datetime(2024, 3, 2), datetime(2024, 3, 3))
    assert duckdb_bounds("today", la) == date_range("today", la)


def test_without_an_injected_clock_the_sql_reads_the_warehouse_clock() -> None:
    live = FilterContext(dialect="duckdb", timezone="Europe/Madrid")
    sql = filter_sql(FilterKind.DATE, "7 days", "x", live)
    assert sql is not None and "CURRENT_TIMESTAMP AT TIME ZONE 'Europe/Madrid'" in sql
    assert "TIMESTAMP '" not in sql  # nothing was computed at compile time
    start, end = duckdb_bounds("7 days", live)
    assert isinstance(start, datetime) and isinstance(end, datetime)
    assert (end - start).days == 7


def test_query_zone_decides_the_current_day() -> None:
    tokyo = ctx(timezone="Asia/Tokyo", database_timezone="Asia/Tokyo")
    # 12:00 UTC is 21:00 in Tokyo, still 2 March; 16:00 UTC is already 3 March there.
    assert date_range("today", tokyo) == (datetime(2024, 3, 2), datetime(2024, 3, 3))
    late = FilterContext(now=datetime(2024, 3, 2, 16, tzinfo=timezone.utc), timezone="Asia/Tokyo")
    assert date_range("today", late) == (datetime(2024, 3, 2, 15), datetime(2024, 3, 3, 15))


def test_date_columns_compare_with_date_literals() -> None:
    days = ctx(column_is_date=True, timezone="America/Los_Angeles")
    assert date_range("3 days", days) == (date(2024, 2, 29), date(2024, 3, 3))
    assert duckdb_bounds("3 days", days) == (date(2024, 2, 29), date(2024, 3, 3))
    # A bound inside a day is the date of that day, as Looker's DATE(…) around the bound gives.
    assert date_range("24 hours", ctx(column_is_date=True)) == (date(2024, 3, 1), date(2024, 3, 2))
    assert duckdb_bounds("24 hours", ctx(column_is_date=True)) == (date(2024, 3, 1), date(2024, 3, 2))
    db = duckdb.connect()
    db.execute(
        "CREATE TABLE t AS SELECT CAST(d AS DATE) AS d "
        "FROM generate_series(DATE '2024-02-20', DATE '2024-03-10', INTERVAL 1 DAY) AS g(d)"
    )
    sql = filter_sql(FilterKind.DATE, "last week", "d", ctx(column_is_date=True))
    rows = [r[0] for r in db.execute(f"SELECT d FROM t WHERE {sql} ORDER BY d").fetchall()]
    assert rows == [date(2024, 2, day) for day in range(20, 26)]


def test_date_range_open_sides_and_hull() -> None:
    assert date_range("before 2024-03-01", ctx()) == (None, datetime(2024, 3, 1))
    assert date_range("after 2024-03-01", ctx()) == (datetime(2024, 3, 1), None)
    assert date_range("today, 7 days ago", ctx()) == (datetime(2024, 2, 24), datetime(2024, 3, 3))
    assert date_range("NULL", ctx()) == (None, None)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("saturday", datetime(2024, 3, 2), datetime(2024, 3, 3)),  # our choice: today counts
        ("tomorrow for 2 days", datetime(2024, 3, 3), datetime(2024, 3, 5)),
        ("this day", datetime(2024, 3, 2), datetime(2024, 3, 3)),
        ("last 3 days", datetime(2024, 2, 29), datetime(2024, 3, 3)),
        ("0 months ago", datetime(2024, 3, 1), datetime(2024, 4, 1)),
        ("2024-Q2", datetime(2024, 4, 1), datetime(2024, 7, 1)),
        ("FY2024-Q2", datetime(2024, 4, 1), datetime(2024, 7, 1)),
        ("2024-03 for 2 months", datetime(2024, 3, 1), datetime(2024, 5, 1)),
        ("2024-03-01 10:30:15", datetime(2024, 3, 1, 10, 30, 15), datetime(2024, 3, 1, 10, 30, 16)),
        ("LAST Fiscal Year", datetime(2023, 1, 1), datetime(2024, 1, 1)),
        ("this quarter to day", datetime(2024, 1, 1), datetime(2024, 3, 2)),
        ("before now", None, datetime(2024, 3, 2, 12)),
        ("after 2 days from now", datetime(2024, 3, 4), None),
        ("before last month", None, datetime(2024, 2, 1)),
        ("2 hours ago", datetime(2024, 3, 2, 10), datetime(2024, 3, 2, 11)),
        # Month ranges (Looker's MySQL output for "2019/10 to 2019/12": [10-01, 12-01)).
        ("2019/10 to 2019/12", datetime(2019, 10, 1), datetime(2019, 12, 1)),
        ("2019-10 to 2019-12-15", datetime(2019, 10, 1), datetime(2019, 12, 15)),
        # Four digits and a unit are a count, not a year (Looker's GA360 block: "1500 days").
        ("1500 days", datetime(2020, 1, 24), datetime(2024, 3, 3)),
        ("2024 days ago", datetime(2018, 8, 17), datetime(2018, 8, 18)),
        ("2024", datetime(2024, 1, 1), datetime(2025, 1, 1)),
    ],
)
def test_more_date_forms(text: str, start: datetime | None, end: datetime | None) -> None:
    assert date_range(text, ctx()) == (start, end)
    assert duckdb_bounds(text, ctx()) == (start, end)


def test_fiscal_quarters_with_offset() -> None:
    fiscal = ctx(fiscal_month_offset=3)  # fiscal year starts in April
    assert date_range("FY2018", fiscal) == (datetime(2018, 4, 1), datetime(2019, 4, 1))
    assert date_range("this fiscal quarter", fiscal) == (datetime(2024, 1, 1), datetime(2024, 4, 1))
    assert date_range("this fiscal year", fiscal) == (datetime(2023, 4, 1), datetime(2024, 4, 1))
    assert date_range("FY2024-Q4", fiscal) == (datetime(2025, 1, 1), datetime(2025, 4, 1))
    for text in ("FY2018", "this fiscal quarter", "this fiscal year", "last fiscal quarter", "2 fiscal years"):
        assert duckdb_bounds(text, fiscal) == date_range(text, fiscal), text


def test_case_insensitive_spellings_per_dialect() -> None:
    assert filter_sql(FilterKind.STRING, "%foo%", "x", ctx(case_sensitive=False)) == "x ILIKE '%foo%'"
    bigquery = FilterContext(dialect="bigquery", now=NOW, case_sensitive=False)
    assert filter_sql(FilterKind.STRING, "%foo%,bar", "x", bigquery) == (
        "(LOWER(x) LIKE LOWER('%foo%') OR LOWER(x) = LOWER('bar'))"
    )


def test_complex_columns_are_parenthesised_once() -> None:
    assert filter_sql(FilterKind.NUMBER, "5", "SUM(o.amount)", ctx()) == "(SUM(o.amount)) = 5"
    assert filter_sql(FilterKind.STRING, "EMPTY", "a || b", ctx()) == "((a || b) IS NULL OR LENGTH(a || b) = 0)"
    assert filter_sql(FilterKind.YESNO, "no", "o.x > 1", ctx()) == "(NOT (o.x > 1) OR (o.x > 1) IS NULL)"


def test_tier_and_location_shapes() -> None:
    assert filter_sql(FilterKind.TIER, "10 to 29, 30 to 59", "t", ctx()) == "t IN ('10 to 29', '30 to 59')"
    assert filter_sql(FilterKind.TIER, "-Undefined,-Below 10", "t", ctx()) == "NOT t IN ('Undefined', 'Below 10')"
    box = filter_sql(FilterKind.LOCATION, "inside box from 60, 170 to 40, -170", ("la", "lo"), ctx())
    assert box == "(la BETWEEN 40 AND 60 AND (lo >= 170 OR lo <= -170))"
    with pytest.raises(TypeError):
        filter_sql(FilterKind.LOCATION, "NULL", "x", ctx())


def test_quote_string_value_round_trips() -> None:
    for value in ["NULL", "", " a ", 'say "hi"', "a\\b", "-x", "%_^,"]:
        parsed = parse_filter(FilterKind.STRING, quote_string_value(value))
        assert parsed == StringFilter(quote_string_value(value), (StringItem(StringMatch.EQUALS, value=value),))


def test_measure_negations_are_not_around_the_condition() -> None:
    """Looker's HAVING for "NOT 0" is ``NOT (agg = 0)`` (real Redshift output): a NULL aggregate
    fails it, where a dimension's negation keeps NULL rows."""
    measure = ctx(aggregate=True)
    assert filter_sql(FilterKind.NUMBER, "NOT 0", "COUNT(x)", measure) == "NOT ((COUNT(x)) = 0)"
    assert filter_sql(FilterKind.NUMBER, "NOT 1, NOT 2", "m", measure) == "NOT (m IN (1, 2))"
    assert filter_sql(FilterKind.NUMBER, ">5, NOT 7", "m", measure) == "m > 5 AND NOT (m = 7)"
    assert filter_sql(FilterKind.NUMBER, "NOT NULL", "m", measure) == "NOT m IS NULL"
    db = duckdb.connect()
    db.execute("CREATE TABLE g AS SELECT * FROM (VALUES (1, 0), (2, NULL), (3, 5)) AS t(k, v)")
    having = filter_sql(FilterKind.NUMBER, "NOT 0", "AVG(v)", measure)
    assert [r[0] for r in db.execute(f"SELECT k FROM g GROUP BY k HAVING {having} ORDER BY k").fetchall()] == [3]
    dimension = filter_sql(FilterKind.NUMBER, "NOT 0", "v", ctx())
    assert [r[0] for r in db.execute(f"SELECT k FROM g WHERE {dimension} ORDER BY k").fetchall()] == [2, 3]
