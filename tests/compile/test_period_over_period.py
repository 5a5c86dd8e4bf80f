"""``type: period_over_period`` measures, executed on DuckDB against SQL written by hand.

Semantics from Looker's "Period-over-period measures in Looker" page: the based_on measure of
the previous period of each row (``previous``), current − previous (``difference``), or
(current − previous) / previous (``relative_change``); the query's timeframe sets the rows
(a year-over-year measure on months compares each month with the same month a year before).
Edge cases: the first period has no previous (NULL), a month with only NULL amounts sums to 0
(Looker's COALESCE(SUM(x), 0)), and a relative change from 0 is NULL. Projects in BigQuery,
Snowflake and Redshift are compiled as Looker would and transpiled to DuckDB.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from helpers import duckdb_loaded, write_files
from pytest_looker.cli import main
from pytest_looker.compile import Query, compile_query
from pytest_looker.errors import CompileError
from pytest_looker.lookml import load_project
from pytest_looker.lookml.model import Project

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)
FILES = {
    "m.model.lkml": """
        connection: "db"
        include: "*.view.lkml"
        explore: sales {}
    """,
    "sales.view.lkml": """
        view: sales {
          sql_table_name: main.sales ;;
          dimension: id { primary_key: yes type: number }
          dimension: region {}
          dimension_group: sold {
            type: time
            timeframes: [raw, time, date, week, month, quarter, year, month_name]
            sql: ${TABLE}.sold_at ;;
          }
          measure: revenue { type: sum sql: ${TABLE}.amount ;; }
          measure: revenue_last_year {
            type: period_over_period
            based_on: revenue
            based_on_time: sold_year
            period: year
          }
          measure: revenue_yoy_change {
            type: period_over_period
            based_on: sales.revenue
            based_on_time: sales.sold_date
            period: year
            kind: difference
          }
          measure: revenue_yoy_growth {
            type: period_over_period
            based_on: revenue
            based_on_time: sold_month
            period: year
            kind: relative_change
          }
          measure: revenue_last_month {
            type: period_over_period
            based_on: revenue
            based_on_time: sold_month
            period: month
            kind: previous
          }
          measure: revenue_mom_growth {
            type: period_over_period
            based_on: revenue
            based_on_time: sold_month
            period: month
            kind: relative_change
          }
        }
    """,
}
DATA = """
CREATE TABLE main.sales (id INTEGER, region VARCHAR, sold_at TIMESTAMP, amount INTEGER);
INSERT INTO main.sales VALUES
  (1, 'north', '2023-01-10 10:00', 10), (2, 'south', '2023-01-20 23:30', 5),
  (3, 'north', '2023-02-01 00:00', NULL), (4, 'north', '2023-03-05 12:00', 7),
  (5, 'north', '2024-01-03 08:00', 30), (6, 'south', '2024-01-31 23:59', 4),
  (7, 'north', '2024-02-14 09:00', 12), (8, 'south', '2024-03-01 00:00', 0),
  (9, 'north', '2024-03-31 18:00', 8), (10, 'south', '2024-05-05 05:00', 9);
"""
#: Month totals as Looker's sum gives them, and each month's value a year and a month before.
BY_MONTH = """
WITH months AS (
  SELECT DATE_TRUNC('month', sold_at) AS start, COALESCE(SUM(amount), 0) AS revenue FROM main.sales GROUP BY 1
)
SELECT STRFTIME(m.start, '%Y-%m'), m.revenue, y.revenue, m.revenue - y.revenue,
       (m.revenue - y.revenue) * 1.0 / NULLIF(y.revenue, 0), p.revenue,
       (m.revenue - p.revenue) * 1.0 / NULLIF(p.revenue, 0)
FROM months AS m
LEFT JOIN months AS y ON y.start = m.start - INTERVAL 1 YEAR
LEFT JOIN months AS p ON p.start = m.start - INTERVAL 1 MONTH
ORDER BY 1
"""
MONTH_FIELDS = [
    "sales.sold_month",
    "sales.revenue",
    "sales.revenue_last_year",
    "sales.revenue_yoy_change",
    "sales.revenue_yoy_growth",
    "sales.revenue_last_month",
    "sales.revenue_mom_growth",
]
DIALECTS = ["duckdb", "bigquery", "snowflake", "redshift"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return load_project(write_files(tmp_path_factory.mktemp("pop"), FILES))


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    yield from duckdb_loaded("CREATE SCHEMA IF NOT EXISTS main", DATA)


def _rows(db: duckdb.DuckDBPyConnection, project: Project, dialect: str, **kwargs: Any) -> list[tuple[Any, ...]]:
    query = Query("m", "sales", now=NOW, **kwargs)
    compiled = compile_query(project, query, dialect=dialect, target="duckdb")
    cursor = db.execute(compiled.sql)
    names = [d[0] for d in cursor.description]
    rows = compiled.finish([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
    return [tuple(row[f] for f in kwargs["fields"]) for row in rows]


def _close(got: list[tuple[Any, ...]], expected: list[tuple[Any, ...]]) -> None:
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        assert mine == pytest.approx(theirs, nan_ok=True), (mine, theirs)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_monthly_rows_compare_with_the_month_a_year_and_a_month_before(
    db: duckdb.DuckDBPyConnection, project: Project, dialect: str
) -> None:
    got = _rows(db, project, dialect, fields=MONTH_FIELDS, sorts=["sales.sold_month"])
    expected = db.execute(BY_MONTH).fetchall()
    _close(got, [tuple(r) for r in expected])
    by_month = {row[0]: row for row in got}
    assert by_month["2023-01"][2] is None  # the first period has no previous
    assert by_month["2024-02"][1:5] == (12, 0, 12, None)  # from 0: no relative change
    assert by_month["2024-05"][5] is None  # April 2024 has no rows at all


@pytest.mark.parametrize("dialect", DIALECTS)
def test_yearly_rows_and_a_second_dimension(db: duckdb.DuckDBPyConnection, project: Project, dialect: str) -> None:
    fields = ["sales.sold_year", "sales.region", "sales.revenue", "sales.revenue_last_year", "sales.revenue_yoy_change"]
    got = sorted(_rows(db, project, dialect, fields=fields), key=repr)
    expected = db.execute(
        """
        WITH y AS (SELECT YEAR(sold_at) AS year, region, COALESCE(SUM(amount), 0) AS revenue
                   FROM main.sales GROUP BY 1, 2)
        SELECT y.year, y.region, y.revenue, p.revenue, y.revenue - p.revenue
        FROM y LEFT JOIN y AS p ON p.year = y.year - 1 AND p.region = y.region
        """
    ).fetchall()
    assert got == sorted((tuple(r) for r in expected), key=repr)


def test_default_sort_is_the_time_dimension_newest_first(db: duckdb.DuckDBPyConnection, project: Project) -> None:
    got = _rows(db, project, "bigquery", fields=["sales.sold_month", "sales.revenue_last_month"], limit=2)
    assert [row[0] for row in got] == ["2024-05", "2024-03"]
    assert got[1][1] == 12  # March 2024's previous month


def test_a_date_filter_applies_to_the_previous_period_too(db: duckdb.DuckDBPyConnection, project: Project) -> None:
    fields = ["sales.sold_month", "sales.revenue", "sales.revenue_last_year"]
    got = _rows(db, project, "snowflake", fields=fields, filters={"sales.sold_date": "2024/01/01 to 2024/03/01"})
    assert sorted(got) == [("2024-01", 34, 15), ("2024-02", 12, 0)]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (["sales.revenue_last_year"], "needs a timeframe of sales.sold"),
        (["sales.sold_year", "sales.revenue_last_month"], "must be no larger than the period"),
        (["sales.sold_week", "sales.revenue_last_month"], "week only with period: week or date"),
        (["sales.sold_time", "sales.revenue_last_year"], "timeframes of a date or larger"),
        (["sales.sold_month_name", "sales.revenue_last_year"], "needs a timeframe of sales.sold"),
    ],
)
def test_queries_looker_cannot_generate_are_errors(project: Project, fields: list[str], message: str) -> None:
    with pytest.raises(CompileError, match=message) as caught:
        compile_query(project, Query("m", "sales", fields=fields), dialect="bigquery")
    assert caught.value.location is not None and caught.value.location.file == "sales.view.lkml"


def test_a_pop_measure_cannot_be_filtered_on(project: Project) -> None:
    query = Query("m", "sales", fields=["sales.sold_month", "sales.revenue"], filters={"sales.revenue_last_year": ">1"})
    with pytest.raises(CompileError, match="cannot filter on the period-over-period measure"):
        compile_query(project, query, dialect="snowflake")


@pytest.mark.parametrize("dialect", ["postgres", "mysql"])
def test_dialects_without_pop_in_looker(project: Project, dialect: str) -> None:
    query = Query("m", "sales", fields=["sales.sold_month", "sales.revenue_last_year"])
    with pytest.raises(CompileError, match="Looker supports on BigQuery, Snowflake and Redshift only"):
        compile_query(project, query, dialect=dialect)


def test_bad_parameters_name_the_measure(tmp_path: Path) -> None:
    files = dict(FILES)
    files["sales.view.lkml"] = FILES["sales.view.lkml"].replace(
        "period: month\n            kind: previous", "kind: next"
    )
    project = load_project(write_files(tmp_path, files))
    query = Query("m", "sales", fields=["sales.sold_month", "sales.revenue_last_month"])
    with pytest.raises(CompileError, match="kind must be one of previous, difference, relative_change"):
        compile_query(project, query, dialect="bigquery")


SEED = "id,region,sold_at,amount\n1,north,2023-01-10 10:00:00,10\n2,south,2024-01-03 08:00:00,9\n"


def _broken_kind() -> str:
    """The view with revenue_last_month's period replaced by an unknown kind."""
    return FILES["sales.view.lkml"].replace("period: month\n            kind: previous", "kind: next")


@pytest.mark.parametrize("mode", [["--compile-only"], []], ids=["compile-only", "duckdb"])
def test_validate_probes_each_pop_measure_with_a_timeframe(tmp_path: Path, mode: list[str]) -> None:
    files = {
        **FILES,
        "pyproject.toml": """
            [tool.pytest-looker]
            project = "."
            backend = "duckdb"
            seeds = "seeds"
            [tool.pytest-looker.connections.db]
            dialect = "bigquery"
        """,
        "seeds/main/sales.csv": SEED,
    }
    root = write_files(tmp_path, files)
    result = CliRunner().invoke(main, ["validate", "--project", str(root), "--format", "json", *mode])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["failures"] == [] and report["fields"] == 16
    (root / "sales.view.lkml").write_text(textwrap.dedent(_broken_kind()))
    result = CliRunner().invoke(main, ["validate", "--project", str(root), "--format", "json", *mode])
    failures = json.loads(result.output)["failures"]
    assert [f["field"] for f in failures] == ["sales.revenue_last_month"]
    assert "kind must be one of" in failures[0]["message"]


def test_a_native_derived_table_can_select_a_pop_measure(tmp_path: Path, db: duckdb.DuckDBPyConnection) -> None:
    files = dict(FILES)
    files["m.model.lkml"] = FILES["m.model.lkml"] + "explore: monthly {}\n"
    files["monthly.view.lkml"] = """
        view: monthly {
          derived_table: {
            explore_source: sales {
              column: month { field: sales.sold_month }
              column: revenue { field: sales.revenue }
              column: last_year { field: sales.revenue_last_year }
            }
          }
          dimension: month { primary_key: yes }
          dimension: last_year { type: number }
          measure: total_last_year { type: sum sql: ${last_year} ;; }
        }
    """
    project = load_project(write_files(tmp_path, files))
    query = Query("m", "monthly", fields=["monthly.month", "monthly.total_last_year"], now=NOW)
    compiled = compile_query(project, query, dialect="snowflake", target="duckdb")
    got = sorted(db.execute(compiled.sql).fetchall())
    expected = db.execute(BY_MONTH).fetchall()
    # the outer sum is Looker's COALESCE(SUM(x), 0): a month without a previous year sums to 0
    assert got == sorted((month, last_year or 0) for month, _, last_year, *_ in expected)
