"""Regressions from compiling public Looker blocks: valid LookML that Looker runs and we rejected.

Each test is a tiny hand-written reproduction of one pattern found in public blocks (named in
the test's docstring), executed on DuckDB where it produces SQL and compared with values
computed in Python or by hand-written SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

from helpers import ProjectFactory
from pytest_looker.checks.causes import diagnose
from pytest_looker.compile import Query, compile_query
from pytest_looker.compile.dialects import MILLISECOND_STEPS
from pytest_looker.errors import CompileError
from pytest_looker.lookml.model import Project

NOW = dt.datetime(2024, 6, 15, 12, 0, tzinfo=dt.timezone.utc)
MODEL = 'connection: "db"\ninclude: "/views/*.view.lkml"\n'
EVENTS = [
    (1, "Ann", 1990, dt.datetime(2024, 3, 5, 10, 11, 12, 987654)),
    (2, "Bob", 1985, dt.datetime(2024, 5, 31, 23, 59, 59, 250000)),
    (3, "Cy", 2001, dt.datetime(2023, 12, 31, 0, 0, 0, 99000)),
]


@pytest.fixture
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    con.execute("CREATE TABLE events (id INTEGER, name VARCHAR, birth_year INTEGER, created_at TIMESTAMP)")
    con.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", EVENTS)
    yield con
    con.close()


def run(con: duckdb.DuckDBPyConnection, project: Project, explore: str, **kwargs: Any) -> list[tuple[Any, ...]]:
    """The selected fields of each row, sorted (the query's own order is not under test)."""
    compiled = compile_query(project, Query("m", explore, now=NOW, **kwargs))
    cursor = con.execute(compiled.sql)
    names = [d[0] for d in cursor.description]
    rows = compiled.finish([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
    return sorted((tuple(row[f] for f in kwargs["fields"]) for row in rows), key=repr)


def messages(project: Project) -> list[str]:
    return [str(d) for d in project.diagnostics]


# -- 1. ${field::type} ---------------------------------------------------------------------------


def test_type_suffix_selects_the_fields_value_typed(lookml: ProjectFactory, db: duckdb.DuckDBPyConnection) -> None:
    """llooker/bridge_snowflake_lookml: ``sql: ${birth_year::number}``; public blocks also write
    ``sql_start: ${ending_month::date}`` and join ``ON ${a.created_month::date} = ...``."""
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: events {}",
            "views/events.view.lkml": """
                view: events {
                  sql_table_name: events ;;
                  dimension: id { primary_key: yes type: number }
                  dimension: birth_year { type: number }
                  dimension: birth_year_number { type: number sql: ${birth_year::number} + 0 ;; }
                  dimension: age_2024 { type: number sql: 2024 - ${events.birth_year::number} ;; }
                  dimension_group: created {
                    type: time timeframes: [raw, date, week, month, quarter] sql: ${TABLE}.created_at ;;
                  }
                  dimension: month_start { type: date sql: ${created_month::date} ;; }
                  dimension: week_start { type: date sql: ${created_week::date} ;; }
                  dimension: quarter_start_ts { type: date_time sql: ${events.created_quarter::datetime} ;; }
                  dimension: days_into_month {
                    type: number sql: DATE_DIFF('day', ${created_month::date}, ${created_date::date}) ;;
                  }
                }
            """,
        }
    )
    assert messages(project) == []
    fields = [
        "events.id",
        "events.birth_year_number",
        "events.age_2024",
        "events.month_start",
        "events.week_start",
        "events.quarter_start_ts",
        "events.days_into_month",
    ]
    expected = []
    for key, _, year, created in EVENTS:
        month = created.date().replace(day=1)
        week = created.date() - dt.timedelta(days=created.weekday())
        quarter = dt.datetime(created.year, 3 * ((created.month - 1) // 3) + 1, 1)
        expected.append((key, year, 2024 - year, month, week, quarter, (created.date() - month).days))
    got = run(db, project, "events", fields=fields)
    # A selected type: date dimension comes back as the DATE or as Looker's text: compare as text.
    assert [tuple(str(v)[:19] for v in row) for row in got] == [tuple(str(v)[:19] for v in row) for row in expected]


def test_type_suffix_reference_checks_and_errors(lookml: ProjectFactory) -> None:
    """The loader still reports a misspelt field behind a suffix; an unknown suffix is an error."""
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: events {}",
            "views/events.view.lkml": """
                view: events {
                  dimension: birth_year { type: number }
                  dimension: typo { type: number sql: ${birth_yeer::number} ;; }
                  dimension: odd { sql: ${birth_year::float} ;; }
                }
            """,
        }
    )
    assert messages(project) == [
        "views/events.view.lkml:3: error: events.typo: unknown field 'birth_yeer' in view 'events'"
    ]
    with pytest.raises(CompileError, match=r"unknown type suffix '::float'"):
        compile_query(project, Query("m", "events", fields=["events.odd"], now=NOW))


# -- 2. parentheses in Liquid conditions ---------------------------------------------------------


def test_liquid_conditions_may_group_with_parentheses(lookml: ProjectFactory, db: duckdb.DuckDBPyConnection) -> None:
    """looker-open-source/block-pinterest-ads: ``{% if (ad._in_query or fact.ad_id._in_query) or
    keyword._in_query %}`` in ``sql_table_name`` and dimensions."""
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: events {}",
            "views/events.view.lkml": """
                view: events {
                  sql_table_name: events ;;
                  dimension: id { primary_key: yes type: number }
                  dimension: name {}
                  dimension: birth_year { type: number }
                  dimension: grain {
                    sql: {% if (events.name._in_query or events.id._in_query) and events.birth_year._in_query %}'fine'
                         {% elsif (events.name._in_query) %}'name'{% else %}'coarse'{% endif %} ;;
                  }
                  measure: count { type: count }
                }
            """,
        }
    )
    assert run(db, project, "events", fields=["events.grain", "events.count"]) == [("coarse", 3)]
    assert run(db, project, "events", fields=["events.grain", "events.name", "events.count"])[0][0] == "name"
    got = run(db, project, "events", fields=["events.grain", "events.id", "events.birth_year"])
    assert {row[0] for row in got} == {"fine"}


# -- 3. bare {% condition %} in a filter field's sql -----------------------------------------------


def test_bare_condition_applies_the_filter_fields_own_value(
    lookml: ProjectFactory, db: duckdb.DuckDBPyConnection
) -> None:
    """llooker/bigquery_information_schema_block: ``filter: date_filter { sql: COALESCE({% condition
    %} ${TABLE} {% endcondition %}, TRUE) ;; }`` (docs param-field-filter, "sql with filter")."""
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: events {}",
            "views/events.view.lkml": """
                view: events {
                  sql_table_name: events ;;
                  dimension: id { primary_key: yes type: number }
                  filter: name_filter {
                    type: string
                    sql: EXISTS (SELECT 1 FROM events AS e WHERE e.id = ${TABLE}.id
                                 AND {% condition %} e.name {% endcondition %}) ;;
                  }
                  filter: born_after { type: number sql: {% condition %} ${TABLE}.birth_year {% endcondition %} ;; }
                  measure: count { type: count }
                }
            """,
        }
    )
    assert run(db, project, "events", fields=["events.count"]) == [(3,)]
    assert run(db, project, "events", fields=["events.id"], filters={"events.name_filter": "Ann,Cy"}) == [(1,), (3,)]
    assert run(db, project, "events", fields=["events.id"], filters={"events.born_after": ">1989"}) == [(1,), (3,)]


def test_bare_condition_outside_a_fields_sql_is_an_error(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: events { sql_always_where: {% condition %} x {% endcondition %} ;; }",
            "views/events.view.lkml": "view: events { dimension: id { primary_key: yes } }",
        }
    )
    with pytest.raises(CompileError, match=r"\{% condition %\} without a field name"):
        compile_query(project, Query("m", "events", fields=["events.id"], now=NOW))


# -- 4. {% incrementcondition %} -----------------------------------------------------------------


def test_incrementcondition_builds_the_whole_table(lookml: ProjectFactory, db: duckdb.DuckDBPyConnection) -> None:
    """llooker/ga_four_block_dev: an incremental PDT's ``where {% incrementcondition %} x
    {%  endincrementcondition %}``. Offline every build is a first, full build: TRUE."""
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: recent {}",
            "views/recent.view.lkml": """
                view: recent {
                  derived_table: {
                    sql: SELECT id FROM events
                         WHERE {% incrementcondition %} created_at {%  endincrementcondition %} ;;
                    increment_key: "created_date"
                  }
                  dimension: id { primary_key: yes type: number }
                  measure: count { type: count }
                }
            """,
        }
    )
    assert run(db, project, "recent", fields=["recent.count"]) == [(3,)]


# -- 5. millisecondN timeframes ------------------------------------------------------------------


@pytest.mark.parametrize("n", [n for n in MILLISECOND_STEPS if n in (2, 25, 100, 125, 500)])
def test_millisecond_n_timeframes(lookml: ProjectFactory, db: duckdb.DuckDBPyConnection, n: int) -> None:
    """llooker/bigquery_information_schema_block: ``timeframes: [millisecond100, ...]``: the start
    of the N-millisecond slot, formatted like ``millisecond``."""
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: events {}",
            "views/events.view.lkml": f"""
                view: events {{
                  sql_table_name: events ;;
                  dimension: id {{ primary_key: yes type: number }}
                  dimension_group: created {{
                    type: time timeframes: [millisecond{n}, millisecond] sql: ${{TABLE}}.created_at ;;
                  }}
                }}
            """,
        }
    )
    fields = ["events.id", f"events.created_millisecond{n}", "events.created_millisecond"]
    expected = []
    for key, _, _, created in EVENTS:
        ms = created.microsecond // 1000
        second = created.strftime("%Y-%m-%d %H:%M:%S")
        expected.append((key, f"{second}.{ms - ms % n:03d}", f"{second}.{ms:03d}"))
    assert run(db, project, "events", fields=fields) == expected
    # A filter on the slot filters the raw timestamp with date grammar, like minuteN.
    got = run(db, project, "events", fields=["events.id"], filters={f"events.created_millisecond{n}": "2024"})
    assert got == [(1,), (2,)]


def test_millisecond_n_needs_a_divisor_of_a_second(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: events {}",
            "views/events.view.lkml": "view: events { dimension_group: c { type: time timeframes: [millisecond3] } }",
        }
    )
    with pytest.raises(CompileError, match="millisecondN needs N in 2, 4, 5"):
        compile_query(project, Query("m", "events", fields=["events.c_millisecond3"], now=NOW))


@pytest.mark.parametrize("dialect", ["bigquery", "snowflake", "postgres", "redshift", "mysql"])
def test_millisecond_n_compiles_in_every_dialect(lookml: ProjectFactory, dialect: str) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: events {}",
            "views/events.view.lkml": "view: events { dimension_group: c { type: time timeframes: [millisecond100] } }",
        }
    )
    sql = compile_query(project, Query("m", "events", fields=["events.c_millisecond100"], now=NOW), dialect=dialect).sql
    assert "LPAD" in sql.upper()


# -- 6. measure type: date_time ------------------------------------------------------------------


def test_date_time_measure_is_a_date_measure(lookml: ProjectFactory, db: duckdb.DuckDBPyConnection) -> None:
    """llooker/bigquery_information_schema_block, block-workspace-audit-logs: ``measure: { type:
    date_time sql: MIN(${period_start_raw}) ;; }``. Looker accepts it; it behaves as ``date``."""
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: events {}",
            "views/events.view.lkml": """
                view: events {
                  sql_table_name: events ;;
                  dimension: id { primary_key: yes type: number }
                  dimension: name {}
                  dimension_group: created { type: time timeframes: [raw, date] sql: ${TABLE}.created_at ;; }
                  measure: first_created { type: date_time sql: MIN(${created_raw}) ;; }
                  measure: trend { type: period_over_period based_on: first_created }
                }
            """,
        }
    )
    got = run(db, project, "events", fields=["events.name", "events.first_created"])
    assert got == sorted(((name, created) for _, name, _, created in EVENTS), key=repr)
    # A filter on it is a date filter, in HAVING.
    filtered = run(db, project, "events", fields=["events.name"], filters={"events.first_created": "before 2024-04-01"})
    assert filtered == [("Ann",), ("Cy",)]
    with pytest.raises(CompileError, match=r"measure events.trend of type period_over_period needs period") as caught:
        compile_query(project, Query("m", "events", fields=["events.trend"], now=NOW))
    # Looker's docs require period and based_on_time of a PoP measure: the LookML's error.
    assert diagnose(caught.value.message)[0] == "lookml"


# -- Liquid names of fields that start with "_" ----------------------------------------------------


def test_liquid_names_fields_that_start_with_an_underscore(
    lookml: ProjectFactory, db: duckdb.DuckDBPyConnection
) -> None:
    """llooker/bigquery_information_schema_block: ``dimension_group: _ { timeframes: [date, ...] }``
    makes ``__date``, tested as ``{% if date.__date._is_selected %}``; the ``__date`` after
    ``date.`` is a field, not an unknown ``_`` attribute."""
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: events {}",
            "views/events.view.lkml": """
                view: events {
                  sql_table_name: events ;;
                  dimension: id { primary_key: yes type: number }
                  dimension_group: _ { type: time timeframes: [date, month] sql: ${TABLE}.created_at ;; }
                  dimension: grain {
                    sql: {% if events.__date._is_selected %}'day'{% elsif events.__month._in_query %}'month'
                         {% else %}'all'{% endif %} ;;
                  }
                }
            """,
        }
    )
    assert {row[0] for row in run(db, project, "events", fields=["events.grain", "events.__date"])} == {"day"}
    assert {row[0] for row in run(db, project, "events", fields=["events.grain", "events.__month"])} == {"month"}
    assert run(db, project, "events", fields=["events.grain"]) == [("all",)]


def test_a_bare_join_writes_no_clause_and_exposes_its_fields(lookml: ProjectFactory) -> None:
    """`join: x { sql: ;; }` (Looker's bare join): x's fields use other views' columns, no JOIN is written."""
    project = lookml(
        {
            "m.model.lkml": """
                connection: "db"
                include: "/*.view.lkml"
                explore: orders { join: order_math { sql: ;; relationship: one_to_one } }
            """,
            "orders.view.lkml": """
                view: orders {
                  sql_table_name: main.orders ;;
                  dimension: id { primary_key: yes type: number }
                  dimension: amount { type: number }
                }
            """,
            "order_math.view.lkml": """
                view: order_math {
                  dimension: doubled { type: number sql: ${orders.amount} * 2 ;; }
                }
            """,
        }
    )
    assert project.errors == ()
    query = Query("m", "orders", fields=["orders.id", "order_math.doubled"], sorts=["orders.id"])
    sql = compile_query(project, query).sql
    assert "JOIN" not in sql.upper()
    con = duckdb.connect()
    con.execute("CREATE TABLE main.orders AS SELECT * FROM (VALUES (1, 2.5), (2, 4.0)) t(id, amount)")
    assert con.execute(sql).fetchall() == [(1, 5.0), (2, 8.0)]
