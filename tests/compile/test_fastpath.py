"""The fields-only shortcut (``compile/fastpath.py``) lays a query out exactly as the planner does.

Random field sets of the example project and of a generated project are compiled both ways —
through the explore's compiled plan and through the planner — in several dialects and contexts,
in an order where either may run first; the plans must be equal in every part (SQL, CTEs,
columns, joins, fan-out, expressions). The example's SQL is then run on DuckDB over its seeds
through the public entry point and through the planner alone: same rows. Small projects pin
the cases where the shortcut must step aside (Liquid that reads the query, filters, a
percentile left out) and the ones it reproduces (fan-out, tiers, ``sql_always_where``, derived
tables, MySQL's ORDER BY).
"""

from __future__ import annotations

import importlib.util
import random
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from helpers import ProjectFactory
from pytest_looker.checks.validation import explore_fields, select_explores
from pytest_looker.compile import UNSORTED, Query, compile_query, fastpath, joins, plain
from pytest_looker.compile.assemble import with_ctes
from pytest_looker.compile.fastpath import plan_fields
from pytest_looker.compile.planner import Plan, PlanOptions, plan_query
from pytest_looker.errors import LookerError
from pytest_looker.lookml import Project, load_project

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ecommerce"
SCHEMA = "ecommerce"
NOW = datetime(2025, 1, 1, tzinfo=UTC)
DIALECTS = ("duckdb", "postgres", "bigquery", "snowflake", "mysql", "redshift")


def parts(plan: Plan) -> tuple[Any, ...]:
    return (
        plan.sql or with_ctes(plan.ctes, plan.body, plan.preamble),  # the shortcut writes it at once
        plan.ctes,
        plan.body,
        plan.preamble,
        plan.columns,
        plan.post_sql_measures,
        plan.views,
        plan.joins,
        dict(plan.fanned),
        plan.expressions,
        plan.empty_parameters,
        plan.ignored,
    )


@contextmanager
def general_path() -> Iterator[None]:
    """Every field and join rendered by the compiler's general path (no plain writer), each set
    of joins arranged by a tree of its own (no tree grown per context)."""
    plain.ENABLED = False
    joins.GROWING_TREE = False
    try:
        yield
    finally:
        plain.ENABLED = True
        joins.GROWING_TREE = True


def both(
    project: Project,
    reference: Project,
    query: Query,
    dialect: str,
    *,
    portable: bool = False,
    fast_first: bool = True,
) -> tuple[Plan | None, Plan | str]:
    """(the shortcut's plan or None, the planner's plan or its error message).

    The planner runs on ``reference``, a separately loaded copy of the project (renderings are
    remembered per project), with every field rendered by the general path: the reference
    shares nothing with the shortcut but the LookML.
    """

    def planned() -> Plan | str:
        try:
            with general_path():
                return plan_query(reference, query, dialect, PlanOptions(portable_aggregates=portable))
        except LookerError as error:
            return error.message

    if fast_first:
        fast = plan_fields(project, query, dialect, portable)
        return fast, planned()
    expected = planned()
    return plan_fields(project, query, dialect, portable), expected


def field_names(project: Project) -> list[tuple[str, str, list[str]]]:
    result = []
    for explore in select_explores(project, []):
        try:
            names = [name for name, _ in explore_fields(project, explore)]
        except LookerError:
            continue
        if names:
            result.append((explore.model, explore.name, names))
    return result


def random_queries(project: Project, seed: int, count: int) -> Iterator[tuple[Query, str, bool, bool]]:
    rng = random.Random(seed)
    explores = field_names(project)
    for _ in range(count):
        model, explore, names = rng.choice(explores)
        fields = rng.sample(names, min(len(names), rng.choice((1, 1, 2, 3, 5, 8))))
        if rng.random() < 0.1:
            fields.append(fields[0])
        options: dict[str, Any] = {}
        roll = rng.random()
        if roll < 0.2:
            options["timezone"] = "America/New_York"
        elif roll < 0.3:
            options["dev_mode"] = True
        query = Query(
            model,
            explore,
            fields=fields,
            sorts=(UNSORTED,) if rng.random() < 0.2 else (),
            limit=rng.choice((None, 10, -1)),
            now=NOW,
            **options,
        )
        yield query, rng.choice(DIALECTS), rng.random() < 0.2, rng.random() < 0.5


@pytest.fixture(scope="module")
def example() -> Project:
    return load_project(EXAMPLE, cache_dir=None)


@pytest.fixture(scope="module")
def example_reference() -> Project:
    return load_project(EXAMPLE, cache_dir=None)


@pytest.fixture(scope="module")
def warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    con.execute(f"CREATE SCHEMA {SCHEMA}")
    for path in sorted((EXAMPLE / "seeds" / SCHEMA).glob("*.csv")):
        con.execute(f"CREATE TABLE {SCHEMA}.{path.stem} AS SELECT * FROM read_csv_auto('{path.as_posix()}')")
    yield con
    con.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_field_sets_of_the_example_plan_as_the_planner_does(
    example: Project, example_reference: Project, seed: int
) -> None:
    answered = 0
    total = 0
    for query, dialect, portable, fast_first in random_queries(example, seed, 150):
        fast, reference = both(example, example_reference, query, dialect, portable=portable, fast_first=fast_first)
        total += 1
        if fast is None:
            continue
        answered += 1
        assert not isinstance(reference, str), f"the planner raised {reference!r} for {query}"
        assert parts(fast) == parts(reference), (query, dialect)
    # The shortcut must actually answer: most of the example's fields read no Liquid.
    assert answered > total * 0.6


def test_the_example_returns_the_same_rows_through_both_paths(
    example: Project,
    example_reference: Project,
    warehouse: duckdb.DuckDBPyConnection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(7)
    explores = [e for e in field_names(example) if e[0] == "ecommerce"]
    runs = fast = 0
    for _ in range(60):
        model, explore, names = rng.choice(explores)
        query = Query(model, explore, fields=rng.sample(names, min(len(names), rng.choice((1, 2, 4)))), now=NOW)
        try:
            compiled = compile_query(example, query, dialect="duckdb")
        except LookerError:
            continue
        with general_path():
            reference = plan_query(example_reference, query, "duckdb", PlanOptions())
        planned_sql = with_ctes(reference.ctes, reference.body, reference.preamble)
        assert compiled.sql == planned_sql
        assert rows(warehouse, compiled.sql) == rows(warehouse, planned_sql)
        runs += 1
        fast += plan_fields(example, query, "duckdb", False) is not None
    # The entry point with the shortcut switched off gives the same SQL too.
    monkeypatch.setattr(fastpath, "plan_fields", lambda *args: None)
    query = Query("ecommerce", "orders", fields=["orders.status", "order_items.total_sale_price"], now=NOW)
    assert compile_query(example, query).sql == plan_fields_sql(example, query)
    assert runs > 30
    assert fast > runs // 2


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    """The rows as a sorted list (ties in the default sort come back in any order), floats
    rounded (DuckDB's parallel sums differ in the last bits from one run to the next)."""
    result = [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in con.execute(sql).fetchall()]
    return sorted(result, key=repr)


def plan_fields_sql(project: Project, query: Query) -> str:
    plan = plan_fields(project, query, "duckdb", False)
    assert plan is not None
    return with_ctes(plan.ctes, plan.body, plan.preamble)


def test_random_field_sets_of_a_generated_project(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate_project", ROOT / "benchmarks" / "generate_project.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_project", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    module.write(module.generate(0.2, 3), tmp_path)
    project = load_project(tmp_path, cache_dir=None)
    again = load_project(tmp_path, cache_dir=None)
    answered = 0
    for query, dialect, portable, fast_first in random_queries(project, 11, 300):
        fast, reference = both(project, again, query, dialect, portable=portable, fast_first=fast_first)
        if fast is not None:
            answered += 1
            assert not isinstance(reference, str), f"the planner raised {reference!r} for {query}"
            assert parts(fast) == parts(reference), (query, dialect)
    assert answered > 150


#: Two views the small projects below share.
USERS_AND_ITEMS = """
        view: users {
          sql_table_name: shop.users ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: name { sql: ${TABLE}.name ;; }
        }
        view: items {
          sql_table_name: shop.items ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: order_id { type: number sql: ${TABLE}.order_id ;; }
          measure: count { type: count }
        }
"""

SMALL = {
    "shop.model.lkml": """
        connection: "warehouse"
        include: "*.view.lkml"
        explore: orders {
          sql_always_where: ${orders.amount} > 0 ;;
          join: users { relationship: many_to_one sql_on: ${orders.user_id} = ${users.id} ;; }
          join: items { relationship: one_to_many sql_on: ${orders.id} = ${items.order_id} ;; }
          join: stats { relationship: one_to_one sql_on: ${users.id} = ${stats.user_id} ;; }
        }
        explore: flagged {
          view_name: orders
          always_filter: { filters: [orders.amount: ">1", users.name: "-Ann", created_date: "7 days"] }
          join: users { relationship: many_to_one sql_on: ${orders.user_id} = ${users.id} ;; }
          join: items { relationship: one_to_many sql_on: ${orders.id} = ${items.order_id} ;; }
        }
        explore: defaulted {
          view_name: orders
          conditionally_filter: { filters: [orders.created_date: "30 days"] unless: [orders.id] }
          sql_always_where: ${orders.amount} > 0 ;;
          sql_preamble: SET search_path = shop ;;
        }
        explore: restricted {
          view_name: orders
          access_filter: { field: users.name user_attribute: "customer" }
          join: users { relationship: many_to_one sql_on: ${orders.user_id} = ${users.id} ;; }
        }
        explore: measured {
          view_name: orders
          always_filter: { filters: [orders.total: ">10"] }
        }
    """,
    "views.view.lkml": """
        view: orders {
          sql_table_name: shop.orders ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: user_id { type: number sql: ${TABLE}.user_id ;; }
          dimension: amount { type: number sql: ${TABLE}.amount ;; }
          dimension: big { type: yesno sql: ${amount} > 10 ;; }
          dimension: band { type: tier style: integer tiers: [0, 10, 20] sql: ${amount} ;; }
          dimension: shown {
            sql: {% if orders.amount._is_selected %} 'with amount' {% else %} 'alone' {% endif %} ;;
          }
          dimension: stats_total { type: number sql: (SELECT SUM(n) FROM ${stats.SQL_TABLE_NAME}) ;; }
          dimension_group: created { type: time timeframes: [raw, date, month] sql: ${TABLE}.created_at ;; }
          measure: total { type: sum sql: ${amount} ;; }
          measure: median_amount { type: median sql: ${amount} ;; }
          measure: count { type: count }
        }
    """
    + USERS_AND_ITEMS
    + """
        view: stats {
          derived_table: { sql: SELECT user_id, COUNT(*) AS n FROM shop.orders GROUP BY 1 ;; }
          dimension: user_id { primary_key: yes type: number sql: ${TABLE}.user_id ;; }
          measure: total_n { type: sum sql: ${TABLE}.n ;; }
        }
    """,
}

REPRODUCED = [
    ["orders.total", "items.count"],  # fan-out: symmetric aggregates
    ["orders.created_month", "orders.big", "orders.total"],
    ["orders.band", "orders.count"],  # a tier's hidden sort column
    ["orders.id"],  # the primary key alone: no GROUP BY, no sort
    ["orders.id", "items.count"],
    ["orders.stats_total", "users.name"],  # a derived table named through a field
    ["stats.total_n", "orders.count"],
    ["orders.count", "orders.count"],
    ["orders.total"],
]


@pytest.mark.parametrize("dialect", ["duckdb", "mysql", "bigquery", "postgres"])
@pytest.mark.parametrize("fields", REPRODUCED, ids=lambda f: "+".join(f))
def test_shortcut_reproduces_the_planner(lookml: ProjectFactory, fields: list[str], dialect: str) -> None:
    project, twin = lookml(SMALL), lookml(SMALL)
    query = Query("shop", "orders", fields=fields)
    fast, reference = both(project, twin, query, dialect)
    assert fast is not None
    assert not isinstance(reference, str)
    assert parts(fast) == parts(reference)
    # Asked again (everything now remembered), and with the planner first: the same.
    again, reference = both(project, twin, query, dialect, fast_first=False)
    assert again is not None and not isinstance(reference, str)
    assert parts(again) == parts(reference)


#: Explores whose default filters (and access filter) every fields-only query gets.
FILTERED = [
    Query("shop", "flagged", fields=["orders.amount"], now=NOW),
    Query("shop", "flagged", fields=["orders.total", "items.count"], now=NOW, timezone="America/New_York"),
    Query("shop", "flagged", fields=["orders.created_month", "orders.count"], now=NOW),
    Query("shop", "defaulted", fields=["orders.amount", "orders.total"], now=NOW),
    Query("shop", "defaulted", fields=["orders.stats_total"], now=NOW),  # a CTE after the preamble
    Query("shop", "restricted", fields=["orders.count"], user_attributes={"customer": "Bo"}),
    Query("shop", "restricted", fields=["users.name"], user_attributes={"customer": "Al, Bo"}),
]


@pytest.mark.parametrize("dialect", ["duckdb", "mysql", "bigquery", "postgres"])
@pytest.mark.parametrize("query", FILTERED, ids=lambda q: f"{q.explore}:{'+'.join(q.fields)}")
def test_shortcut_reproduces_the_explores_filters(lookml: ProjectFactory, query: Query, dialect: str) -> None:
    project, twin = lookml(SMALL), lookml(SMALL)
    fast, reference = both(project, twin, query, dialect)
    assert fast is not None
    assert not isinstance(reference, str)
    assert parts(fast) == parts(reference)
    assert "WHERE" in fast.body
    if query.explore == "defaulted":
        assert fast.sql is not None and fast.sql.startswith("SET search_path = shop\n")
    again, reference = both(project, twin, query, dialect, fast_first=False)
    assert again is not None and not isinstance(reference, str)
    assert parts(again) == parts(reference)


@pytest.mark.parametrize(
    "query",
    [
        Query("shop", "orders", fields=["orders.shown", "orders.amount"]),  # Liquid reads the query
        Query("shop", "orders", fields=["orders.amount"], filters={"orders.amount": ">1"}),
        Query("shop", "orders", fields=["orders.amount"], sorts=["orders.amount desc"]),
        Query("shop", "orders", fields=["orders.amount"], filter_expression="${orders.amount} > 1"),
        Query("shop", "measured", fields=["orders.amount"]),  # always_filter on a measure: HAVING
        Query("shop", "restricted", fields=["orders.count"]),  # the access filter's attribute is missing
        Query("shop", "orders", fields=["orders.nope"]),  # an error is the planner's to raise
        Query("shop", "orders", fields=["orders.amount", "orders.median_amount", "items.count"]),  # left out
        Query("shop", "orders", fields=["orders.amount", "orders.count"] * 33),  # a one-off: validation's
    ],
    ids=[
        "liquid",
        "filters",
        "sorts",
        "custom-filter",
        "always-filter-on-a-measure",
        "access-filter-without-attribute",
        "unknown-field",
        "percentile-ignored",
        "many-fields",
    ],
)
def test_shortcut_steps_aside(lookml: ProjectFactory, query: Query) -> None:
    project, twin = lookml(SMALL), lookml(SMALL)
    assert plan_fields(project, query, "snowflake", False) is None
    # …and the entry point still answers as the planner does.
    _, reference = both(project, twin, query, "snowflake")
    if isinstance(reference, str):
        with pytest.raises(LookerError, match=re.escape(reference)):
            compile_query(project, query, dialect="snowflake")
    else:
        expected = with_ctes(reference.ctes, reference.body, reference.preamble)
        assert compile_query(project, query, dialect="snowflake").sql == expected


def test_liquid_field_is_never_served_from_another_query(lookml: ProjectFactory) -> None:
    project = lookml(SMALL)
    alone = compile_query(project, Query("shop", "orders", fields=["orders.shown"])).sql
    paired = compile_query(project, Query("shop", "orders", fields=["orders.shown", "orders.amount"])).sql
    assert "'alone'" in alone and "'with amount'" not in alone
    assert "'with amount'" in paired


def _explore_plan(project: Project, explore: str) -> fastpath.ExplorePlan:
    plans = project.__dict__["_fields_plans"]
    (plan,) = [plan for key, plan in plans.items() if key[1] == explore]
    assert plan is not None
    return plan


def test_an_explore_gone_through_has_every_field_rendered_once(lookml: ProjectFactory) -> None:
    """After ``_SWEEP_AFTER`` fields asked one by one, the explore's other fields are rendered at
    once — but a field whose SQL runs Liquid — and queries on them still plan as the planner does."""
    project, twin = lookml(SMALL), lookml(SMALL)
    names = [f"orders.{name}" for name in ("id", "user_id", "amount", "big", "band", "count", "total")]
    names += ["users.id", "users.name", "items.count", "stats.total_n"]
    asked = names[: fastpath._SWEEP_AFTER - 1]
    for name in asked:
        assert plan_fields(project, Query("shop", "orders", fields=[name]), "duckdb", False) is not None
    plan = _explore_plan(project, "orders")
    assert set(plan.fields) == set(asked)
    compile_query(project, Query("shop", "orders", fields=[names[fastpath._SWEEP_AFTER - 1]]))
    assert set(names) <= set(plan.fields)
    assert "orders.shown" not in plan.fields  # Liquid that reads the query: rendered when asked
    for name in names[fastpath._SWEEP_AFTER :]:
        for fields in ([name], [name, "orders.count"]):
            fast, reference = both(project, twin, Query("shop", "orders", fields=fields), "duckdb")
            assert fast is not None and not isinstance(reference, str)
            assert parts(fast) == parts(reference)


BROKEN = {
    "shop.model.lkml": """
        connection: "warehouse"
        include: "*.view.lkml"
        explore: orders {
          join: users { relationship: many_to_one sql_on: ${orders.user_id} = ${users.nope} ;; }
          join: items { relationship: one_to_many sql_on: ${orders.id} = ${items.order_id} ;; }
        }
    """,
    "views.view.lkml": """
        view: orders {
          sql_table_name: shop.orders ;;
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: user_id { type: number sql: ${TABLE}.user_id ;; }
          dimension: a { type: number sql: ${TABLE}.a ;; }
          dimension: b { type: number sql: ${TABLE}.b ;; }
          dimension: c { type: number sql: ${TABLE}.c ;; }
          dimension: d { type: number sql: ${TABLE}.d ;; }
          dimension: e { type: number sql: ${TABLE}.e ;; }
          dimension: f { type: number sql: ${TABLE}.f ;; }
          dimension: typo { type: number sql: ${amont} ;; }
          measure: count { type: count }
        }
    """
    + USERS_AND_ITEMS,
}


def test_broken_join_and_field_fail_only_the_queries_that_read_them(lookml: ProjectFactory) -> None:
    """Joins are rendered when the explore's plan is made and fields once the explore is gone
    through; neither fails a query that does not include them, and a query that does gets the
    planner's error."""
    project, twin = lookml(BROKEN), lookml(BROKEN)
    for name in ("id", "user_id", "a", "b", "c", "d", "e", "f", "count"):
        query = Query("shop", "orders", fields=[f"orders.{name}", "items.count"])
        fast, reference = both(project, twin, query, "duckdb")
        assert fast is not None and not isinstance(reference, str)
        assert parts(fast) == parts(reference)
    assert "orders.typo" in _explore_plan(project, "orders").fields  # the sweep met it
    for fields in (["orders.typo"], ["users.name"], ["orders.count", "users.id"]):
        query = Query("shop", "orders", fields=fields)
        _, reference = both(project, twin, query, "duckdb")
        assert isinstance(reference, str)
        with pytest.raises(LookerError, match=re.escape(reference)):
            compile_query(project, query, dialect="duckdb")


PARAMETERS = {
    "shop.model.lkml": """
        connection: "warehouse"
        include: "*.view.lkml"
        explore: orders {
          join: ranked { relationship: many_to_one sql_on: ${orders.user_id} = ${ranked.user_id} ;; }
          join: picky { relationship: many_to_one sql_on: ${orders.user_id} = ${picky.user_id} ;; }
        }
        explore: logs {}
    """,
    "views.view.lkml": """
        view: orders {
          sql_table_name: shop.orders ;;
          parameter: metric {
            type: unquoted
            allowed_value: { value: "amount" }
            allowed_value: { value: "user_id" }
            default_value: "amount"
          }
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
          dimension: user_id { type: number sql: ${TABLE}.user_id ;; }
          dimension: amount { type: number sql: ${TABLE}.amount ;; }
          dimension: chosen { type: number sql: ${TABLE}.{% parameter metric %} ;; }
          measure: chosen_total {
            type: sum
            sql: {% if metric._parameter_value == 'amount' %}${amount}{% else %}${user_id}{% endif %} ;;
          }
          dimension: shown { sql: {% if orders.amount._is_selected %} 'with' {% else %} 'alone' {% endif %} ;; }
          measure: count { type: count }
        }
        view: ranked {
          derived_table: { sql: SELECT user_id, SUM({% parameter orders.metric %}) AS n FROM shop.orders GROUP BY 1 ;; }
          dimension: user_id { primary_key: yes type: number sql: ${TABLE}.user_id ;; }
          measure: total_n { type: sum sql: ${TABLE}.n ;; }
        }
        view: logs {
          sql_table_name: shop.logs_{% parameter slug %} ;;
          parameter: slug { type: unquoted }
          dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
        }
        view: picky {
          derived_table: {
            sql: SELECT user_id{% if orders.amount._in_query %}, 1 AS x{% endif %} FROM shop.orders ;;
          }
          dimension: user_id { primary_key: yes type: number sql: ${TABLE}.user_id ;; }
          measure: count { type: count }
        }
    """,
}


@pytest.mark.parametrize("dialect", ["duckdb", "bigquery", "snowflake"])
def test_liquid_that_reads_only_parameters_is_kept_by_the_shortcut(lookml: ProjectFactory, dialect: str) -> None:
    """A fields-only query's parameters are their defaults, so Liquid that reads only them
    (a field, a measure, a derived table) renders the same for every such query of the context;
    Liquid that reads what the query selects (``_is_selected``, ``_in_query``) does not."""
    project, twin = lookml(PARAMETERS), lookml(PARAMETERS)
    kept = [
        ["orders.chosen"],
        ["orders.chosen_total"],
        ["ranked.total_n", "orders.count"],
        ["orders.chosen", "ranked.total_n", "orders.amount"],
    ]
    for fields in kept:
        fast, reference = both(project, twin, Query("shop", "orders", fields=fields), dialect)
        assert fast is not None, fields
        assert not isinstance(reference, str)
        assert parts(fast) == parts(reference)
    for fields in (["orders.shown"], ["picky.count"], ["orders.amount", "picky.count"]):
        assert plan_fields(project, Query("shop", "orders", fields=fields), dialect, False) is None, fields
    # A table that pastes a parameter without a value: the planner's plan says which.
    logs = Query("shop", "logs", fields=["logs.id"])
    assert plan_fields(project, logs, dialect, False) is None
    _, reference = both(project, twin, logs, dialect)
    assert not isinstance(reference, str) and reference.empty_parameters == ("logs.slug",)
    # A query that sets the parameter is planned with its value, not served the default's SQL.
    chosen = compile_query(project, Query("shop", "orders", fields=["orders.chosen"]), dialect=dialect).sql
    assert "orders.amount" in chosen
    filtered = Query("shop", "orders", fields=["orders.chosen"], filters={"orders.metric": "user_id"})
    assert "orders.user_id" in compile_query(project, filtered, dialect=dialect).sql
    assert compile_query(project, Query("shop", "orders", fields=["orders.chosen"]), dialect=dialect).sql == chosen
