"""Renderings shared between queries give the SQL a compile from scratch gives.

The compiler remembers, per explore and context, the SQL of fields and joins that rendered no
Liquid, and replays the derived tables they named. Each query below is compiled on a project
that has compiled every query before it (twice over) and on a freshly loaded project that has
compiled nothing: the SQL must be the same. The queries are ordered so that a stale or
over-shared rendering would show: Liquid that reads the query (``_is_selected``, directly and
through a reference), a derived table reached only through a field, fan-out, the clock, time
zones, development mode, user attributes and dialects.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers import write_files
from pytest_looker.compile import Query, compile_sql
from pytest_looker.lookml import load_project

FILES = {
    "shop.model.lkml": """
        connection: "warehouse"
        include: "*.view.lkml"
        explore: orders {
          join: users { relationship: many_to_one sql_on: ${orders.user_id} = ${users.id} ;; }
          join: items { relationship: one_to_many sql_on: ${orders.id} = ${items.order_id} ;; }
          join: stats { relationship: one_to_one sql_on: ${users.id} = ${stats.user_id} ;; }
        }
    """,
    "views.view.lkml": """
        view: orders {
          sql_table_name:
            -- if prod -- prod_orders
            -- if dev -- dev_orders
            ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: user_id { type: number sql: ${TABLE}.user_id ;; }
          dimension: amount { type: number sql: ${TABLE}.amount ;; }
          dimension: amount_or_zero { type: number sql: COALESCE(${amount}, 0) ;; }
          dimension: shown {
            sql: {% if orders.amount._is_selected %} 'with amount' {% else %} 'alone' {% endif %} ;;
          }
          dimension: shown_twice { sql: ${shown} || '!' ;; }
          dimension: stats_total { type: number sql: (SELECT SUM(n) FROM ${stats.SQL_TABLE_NAME}) ;; }
          dimension: region { sql: '{{ _user_attributes['region'] }}' ;; }
          dimension_group: created { type: time timeframes: [raw, date, month] sql: ${TABLE}.created_at ;; }
          measure: total { type: sum sql: ${amount_or_zero} ;; }
          measure: recent_total { type: sum sql: ${amount} ;; filters: [created_date: "7 days"] }
        }
        view: users {
          sql_table_name: users ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: name { sql: ${TABLE}.name ;; }
        }
        view: items {
          sql_table_name: items ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: order_id { type: number sql: ${TABLE}.order_id ;; }
          measure: count { type: count }
        }
        view: stats {
          derived_table: { sql: SELECT user_id, COUNT(*) AS n FROM ${orders.SQL_TABLE_NAME} GROUP BY 1 ;; }
          dimension: user_id { primary_key: yes type: number sql: ${TABLE}.user_id ;; }
          measure: total_n { type: sum sql: ${TABLE}.n ;; }
        }
    """,
}

MONDAY = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)
FRIDAY = datetime(2024, 3, 8, 12, 0, tzinfo=UTC)


def _q(*fields: str, **options: object) -> Query:
    return Query("shop", "orders", fields=fields, **options)  # type: ignore[arg-type]


QUERIES: list[tuple[Query, str]] = [
    (_q("orders.shown"), "duckdb"),
    (_q("orders.shown", "orders.amount"), "duckdb"),
    (_q("orders.shown_twice"), "duckdb"),
    (_q("orders.shown_twice", "orders.amount"), "duckdb"),
    (_q("orders.stats_total"), "duckdb"),
    (_q("orders.id", "orders.stats_total"), "duckdb"),
    (_q("stats.total_n"), "duckdb"),
    (_q("orders.total", "items.count"), "duckdb"),
    (_q("orders.total"), "duckdb"),
    (_q("orders.total", "items.count"), "bigquery"),
    (_q("orders.recent_total", now=MONDAY), "duckdb"),
    (_q("orders.recent_total", now=FRIDAY), "duckdb"),
    (_q("orders.recent_total", now=FRIDAY, timezone="America/New_York"), "duckdb"),
    (_q("orders.created_month"), "duckdb"),
    (_q("orders.created_month", timezone="America/New_York"), "duckdb"),
    (_q("orders.created_month", timezone="America/New_York"), "snowflake"),
    (_q("orders.id", "users.name"), "duckdb"),
    (_q("orders.id", "users.name", dev_mode=True), "duckdb"),
    (_q("orders.stats_total", dev_mode=True), "duckdb"),
    (_q("orders.region", user_attributes={"region": "north"}), "duckdb"),
    (_q("orders.region", user_attributes={"region": "south"}), "duckdb"),
]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(tmp_path_factory.mktemp("render_cache") / "project", FILES)


def test_warm_renderings_give_the_sql_of_a_fresh_compile(root: Path) -> None:
    shared = load_project(root, cache_dir=None)
    for _ in range(2):
        for query, dialect in QUERIES:
            fresh = compile_sql(load_project(root, cache_dir=None), query, dialect=dialect)
            assert compile_sql(shared, query, dialect=dialect) == fresh, (query, dialect)


def test_the_queries_differ_where_a_shared_rendering_would_hide_it(root: Path) -> None:
    """The oracle above could not fail if these pairs compiled alike: they must not."""
    project = load_project(root, cache_dir=None)
    sql = {index: compile_sql(project, query, dialect=dialect) for index, (query, dialect) in enumerate(QUERIES)}
    assert "'alone'" in sql[0] and "'with amount'" in sql[1]
    assert "'alone'" in sql[2] and "'with amount'" in sql[3]
    assert "WITH stats AS" in sql[4] and "WITH stats AS" in sql[5]
    assert sql[8] not in (sql[7], sql[9])
    assert len({sql[10], sql[11], sql[12]}) == 3
    assert sql[13] != sql[14]
    assert "prod_orders" in sql[16] and "dev_orders" in sql[17] and "dev_orders" in sql[18]
    assert "'north'" in sql[19] and "'south'" in sql[20]


SEEDED = {
    "seeded.model.lkml": """
        connection: "warehouse"
        include: "*.view.lkml"
        explore: base {
          join: first { relationship: many_to_one sql_on: ${base.id} = ${first.id} ;; }
          join: second { relationship: many_to_one sql_on: ${base.id} = ${second.id} ;; }
          join: third { relationship: many_to_one sql_on: ${base.id} = ${third.id} ;; }
        }
    """,
    "views.view.lkml": "\n".join(
        f"""
        view: {name} {{
          derived_table: {{ sql: SELECT 1 AS id ;; }}
          dimension: id {{ primary_key: yes type: number sql: ${{TABLE}}.id ;; }}
        }}"""
        for name in ("base", "first", "second", "third")
    ),
}
_COMPILE = """
import sys
from pytest_looker.compile import Query, compile_sql
from pytest_looker.lookml import load_project
project = load_project(sys.argv[1], cache_dir=None)
print(compile_sql(project, Query("seeded", "base", fields=["third.id", "first.id", "second.id"])))
"""


def test_the_order_of_derived_tables_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """The joins a query needs were collected in a set and rendered in its order: the CTEs came
    out in a different order from one process to the next."""
    root = write_files(tmp_path / "project", SEEDED)
    outputs = set()
    for seed in ("0", "1", "2", "3", "5"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", _COMPILE, str(root)], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert all(f"{name} AS (" in next(iter(outputs)) for name in ("first", "second", "third"))


def test_the_second_pass_renders_again_only_what_reads_a_measure(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a view fanned out, the planner renders the query twice; dimensions do not depend on
    the fan-out, so the second pass takes them from the first — and the SQL is what rendering
    everything again gives."""
    from pytest_looker.compile import dimensions, fastpath, measures, plain, planner
    from pytest_looker.compile.fields import FieldCompiler

    # This is about the planner's two passes over the general path: the fields-only shortcut
    # and the plain-field writer (which renders these columns without dimensions.reference)
    # stay out of the way.
    monkeypatch.setattr(fastpath, "plan_fields", lambda *args: None)
    monkeypatch.setattr(plain, "ENABLED", False)
    query = _q("orders.id", "orders.amount", "users.name", "orders.total", "items.count")
    renders = {"dimension": 0, "measure": 0}

    def counting(module: object, name: str, kind: str) -> None:
        original = getattr(module, name)

        def counted(*args: object, **kwargs: object) -> object:
            renders[kind] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)

    counting(dimensions, "reference", "dimension")
    counting(measures, "render", "measure")
    reusing = compile_sql(load_project(root, cache_dir=None), query)
    assert "LIST(DISTINCT" in reusing  # items fans orders out: the second pass ran
    reused = dict(renders)

    class RendersEverything(FieldCompiler):
        def __init__(self, state: object, fanned: object, *, after: object = None) -> None:
            super().__init__(state, fanned)  # type: ignore[arg-type]

    monkeypatch.setattr(planner, "FieldCompiler", RendersEverything)
    renders.update(dimension=0, measure=0)
    assert compile_sql(load_project(root, cache_dir=None), query) == reusing
    assert renders["measure"] == reused["measure"] == 4  # two measures, once per pass
    assert reused["dimension"] < renders["dimension"]
