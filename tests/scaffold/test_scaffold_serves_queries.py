"""Scaffolded data serves the queries it is for: every table and column they read, by the names
the warehouse uses, through both outputs (``--seeds DIR`` and ``--duckdb FILE``) into validate."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import Result

from helpers import write_files
from pytest_looker.compile.sqlreads import read_select

Cli = Callable[..., Result]
BIGQUERY_SEEDS = '[tool.pytest-looker]\nproject = "."\ndialect = "bigquery"\nseeds = "seeds"\n'

SNOWFLAKE = {
    "pyproject.toml": """
        [tool.pytest-looker]
        project = "."
        dialect = "snowflake"
        seeds = "seeds"
        user_attributes = { tenant = "acme" }
        parameters = { "events.source" = "web" }
    """,
    "m.model.lkml": """
        connection: "sf"
        include: "*.view.lkml"
        explore: shipments {
          join: distribution_centers {
            sql_on: ${shipments.center_id} = ${distribution_centers.id} ;;
            relationship: many_to_one
          }
          join: apps { sql_on: ${shipments.app_id} = ${apps.id} ;; relationship: many_to_one }
        }
        explore: events {}
    """,
    "shipments.view.lkml": """
        view: shipments {
          sql_table_name: PRODUCTION.PRODUCTION.SHIPMENTS ;;
          dimension: id { primary_key: yes type: number }
          dimension: center_id { type: number }
          dimension: app_id { type: number }
          measure: count { type: count }
        }
    """,
    "apps.view.lkml": """
        view: apps {
          sql_table_name: PRODUCTION.APPS ;;
          dimension: id { primary_key: yes type: number }
          dimension: name {}
        }
    """,
    "distribution_centers.view.lkml": """
        view: distribution_centers {
          dimension: id { primary_key: yes type: number }
          dimension: name {}
        }
    """,
    "events.view.lkml": """
        view: events {
          parameter: source { type: unquoted }
          sql_table_name: {{ _user_attributes['tenant'] }}.events_{% parameter source %} ;;
          dimension: id { primary_key: yes type: number }
          measure: count { type: count }
        }
    """,
}


@pytest.fixture
def snowflake_project(tmp_path: Path) -> Path:
    return write_files(tmp_path / "sf", SNOWFLAKE)


def validate(cli: Cli, root: Path, *args: str) -> dict[str, object]:
    result = cli("validate", "--project", str(root), "--format", "json", *args)
    report: dict[str, object] = json.loads(result.output)
    assert result.exit_code == 0, report
    return report


def test_seeds_serve_default_tables_liquid_names_and_catalog_named_like_a_schema(
    snowflake_project: Path, cli: Cli
) -> None:
    result = cli("scaffold", "data", "--project", str(snowflake_project))
    assert result.exit_code == 0, result.output
    seeds = snowflake_project / "seeds"
    # Looker's default table of a view without sql_table_name is the view's name
    assert (seeds / "distribution_centers.csv").is_file()
    # the Liquid of sql_table_name rendered with the run's user attribute and parameter value
    assert (seeds / "acme" / "events_web.csv").is_file()
    assert (seeds / "PRODUCTION" / "PRODUCTION" / "SHIPMENTS.csv").is_file()
    report = validate(cli, snowflake_project)
    assert (report["fields"], report["failed_fields"]) == (10, 0)
    check = cli("scaffold", "data", "--project", str(snowflake_project), "--check")
    assert check.exit_code == 0, check.output


def test_duckdb_file_holds_three_part_names_and_validate_reads_it(bq_project: Path, cli: Cli) -> None:
    database = bq_project / "warehouse.duckdb"
    result = cli("scaffold", "data", "--project", str(bq_project), "--duckdb", str(database))
    assert result.exit_code == 0, result.output
    report = validate(cli, bq_project, "--duckdb", str(database))
    assert report["failures"] == [] and report["fields"] == 126
    check = cli("scaffold", "data", "--project", str(bq_project), "--duckdb", str(database), "--check")
    assert check.exit_code == 0, check.output


def test_validate_reads_what_scaffold_writes_to_a_seed_directory(bq_project: Path, cli: Cli) -> None:
    out = bq_project / "elsewhere"
    assert cli("scaffold", "data", "--project", str(bq_project), "--seeds", str(out)).exit_code == 0
    report = validate(cli, bq_project, "--seeds", str(out))
    assert (report["fields"], report["failed_fields"]) == (126, 0)


BIGQUERY = {
    "pyproject.toml": """
        [tool.pytest-looker]
        project = "."
        dialect = "bigquery"
        seeds = "seeds"
    """,
    "m.model.lkml": """
        connection: "bq"
        include: "*.view.lkml"
        explore: users {
          join: events {
            sql_on: ${users.id} = COALESCE(${events.user_id}, ${events.anonymous_id}) ;;
            relationship: one_to_many
          }
          join: accounts {
            sql_on: ${accounts.id} = coalesce(users.mapped_account_id, users.account_id) ;;
            relationship: many_to_one
          }
        }
    """,
    "views.view.lkml": """
        view: users {
          sql_table_name: `proj.ds.users` ;;
          dimension: id { primary_key: yes type: number }
          dimension: bytes {
            type: number
            sql: {% if accounts.id._in_query %} ${TABLE}.account_bytes {% else %} ${TABLE}.own_bytes {% endif %} ;;
          }
          measure: total_bytes { type: sum sql: ${bytes} / 1024 ;; }
        }
        view: events {
          sql_table_name: `proj.analytics.events_*` ;;
          dimension: event_id { primary_key: yes }
          dimension: user_id {}
          dimension: anonymous_id {}
          dimension_group: event { type: time sql: TIMESTAMP_MICROS(${TABLE}.event_timestamp) ;; }
          dimension: day { sql: PARSE_DATE('%Y%m%d', _TABLE_SUFFIX) ;; }
          measure: count { type: count }
        }
        view: accounts {
          sql_table_name: `proj.ds.accounts` ;;
          dimension: id { primary_key: yes type: number }
        }
    """,
}


def test_seeds_serve_join_expressions_liquid_columns_and_wildcard_tables(tmp_path: Path, cli: Cli) -> None:
    root = write_files(tmp_path / "bq", BIGQUERY)
    result = cli("scaffold", "data", "--project", str(root))
    assert result.exit_code == 0, result.output
    # YYYYMMDD text, as the wildcard matched (kept text: Parquet, as a CSV reader would take numbers)
    [events] = (root / "seeds" / "proj" / "analytics").glob("events_[*].*")
    suffixes = duckdb.sql(f"SELECT typeof(_TABLE_SUFFIX), _TABLE_SUFFIX FROM '{events}'").fetchall()
    assert suffixes and all(kind == "VARCHAR" and len(value) == 8 for kind, value in suffixes)
    report = validate(cli, root)
    # 10 fields + the 55 selectable timeframes of the event group, which lists none (all of them)
    assert (report["fields"], report["failed_fields"]) == (65, 0)


def inferred(root: Path) -> Any:
    """The schema scaffold infers for the BigQuery project at ``root``."""
    from pytest_looker.lookml import load_project
    from pytest_looker.scaffold import infer_schema

    return infer_schema(load_project(root, cache_dir=None), "bigquery")


def test_join_keys_take_the_stronger_type_on_both_sides(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "m.model.lkml": """
                connection: "c"
                include: "*.view.lkml"
                explore: orders {
                  join: users { sql_on: ${orders.user_id} = ${users.id} ;; relationship: many_to_one }
                  join: visits {
                    sql_on: ${users.id} = COALESCE(${visits.user_id}, ${orders.user_id}) ;;
                    relationship: one_to_many
                  }
                }
            """,
            "v.view.lkml": """
                view: users { sql_table_name: s.users ;; dimension: id { primary_key: yes } }
                view: orders {
                  sql_table_name: s.orders ;;
                  dimension: id { primary_key: yes type: number }
                  dimension: user_id { type: number }
                }
                view: visits {
                  sql_table_name: s.visits ;;
                  dimension: id { primary_key: yes type: number }
                  dimension: user_id { type: number sql: CAST(${TABLE}.raw_user AS INT64) ;; }
                }
            """,
        },
    )
    schema = inferred(root)
    # users.id says nothing; orders.user_id says number: the key is an integer on both sides
    assert schema.tables["s.users"].columns["id"].type == "integer"
    assert schema.tables["s.orders"].columns["user_id"].type == "integer"


def test_columns_read_through_a_star_derived_table_are_scaffolded(tmp_path: Path, cli: Cli) -> None:
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: tasks {}\n',
            "tasks.view.lkml": """
                view: tasks {
                  derived_table: {
                    sql: SELECT *, MIN(start_ts) OVER (PARTITION BY project_fk) AS project_start_ts
                         FROM analytics.tasks_fact ;;
                  }
                  dimension: task_pk { primary_key: yes }
                  dimension: contact_fk {}
                  dimension: hours { type: number sql: CAST(${TABLE}.hours_logged AS FLOAT64) ;; }
                  dimension_group: project_start { type: time sql: ${TABLE}.project_start_ts ;; }
                  measure: total_hours { type: sum sql: ${hours} ;; }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    header = (root / "seeds" / "analytics" / "tasks_fact.csv").read_text().splitlines()[0].split(",")
    assert {"task_pk", "contact_fk", "hours_logged", "start_ts", "project_fk"} <= set(header)
    report = validate(cli, root)
    assert report["failed_fields"] == 0


def unnest_join_model(field: str) -> str:
    """A BigQuery model whose explore ``events`` joins the REPEATED field ``events.<field>`` the
    way Looker generates it: ``LEFT JOIN UNNEST(${events.<field>}) AS events__<field>``."""
    return f"""
        connection: "c"
        include: "*.view.lkml"
        explore: events {{
          join: events__{field} {{
            sql: LEFT JOIN UNNEST(${{events.{field}}}) AS events__{field} ;;
            relationship: one_to_many
          }}
        }}
    """


def test_nested_columns_are_scaffolded_as_structs_and_arrays(tmp_path: Path, cli: Cli) -> None:
    """GA4-style BigQuery LookML: STRUCT fields, an ARRAY of STRUCTs read through UNNEST, and
    Looker's UNNEST join for a REPEATED column."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": unnest_join_model("items"),
            "events.view.lkml": """
                view: events {
                  sql_table_name: `p.analytics.events` ;;
                  dimension: event_id { primary_key: yes }
                  dimension: browser { sql: ${TABLE}.device.web_info.browser ;; }
                  dimension: session_id {
                    type: number
                    sql: (SELECT value.int_value FROM UNNEST(${TABLE}.event_params) WHERE key = 'ga_session_id') ;;
                  }
                  dimension: param_count { type: number sql: ARRAY_LENGTH(${TABLE}.event_params) ;; }
                  dimension: items { hidden: yes sql: ${TABLE}.items ;; }
                  measure: sessions { type: count_distinct sql: ${session_id} ;; }
                }
                view: events__items {
                  dimension: item_name { sql: ${TABLE}.item_name ;; }
                  dimension: price { type: number sql: ${TABLE}.price ;; }
                  measure: revenue { type: sum sql: ${price} ;; }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    seed = root / "seeds" / "p" / "analytics" / "events.parquet"
    first = duckdb.sql(f"SELECT * FROM read_parquet('{seed}') LIMIT 1").fetchall()[0]
    first = dict(zip(duckdb.sql(f"SELECT * FROM read_parquet('{seed}')").columns, first, strict=True))
    assert isinstance(first["device"]["web_info"]["browser"], str)
    assert {"key", "value"} <= set(first["event_params"][0]) and "int_value" in first["event_params"][0]["value"]
    assert {"item_name", "price"} <= set(first["items"][0])
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (9, 0)


def _parquet_types(seed: Path) -> dict[str, str]:
    described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{seed}')").fetchall()
    return {str(row[0]): str(row[1]) for row in described}


def sessions_model(*more: str) -> str:
    """GA4's explore: sessions, its packed events joined by UNNEST, and ``more`` UNNEST joins
    written ``"alias: UNNEST(${…})"``."""
    joins = ["events: UNNEST(${sessions.event_data})", *more]
    lines = []
    for join in joins:
        alias, _, unnest = join.partition(": ")
        lines.append(f"join: {alias} {{ sql: LEFT JOIN {unnest} AS {alias} ;; relationship: one_to_many }}")
    body = "\n  ".join(lines)
    return f'connection: "c"\ninclude: "*.view.lkml"\nexplore: sessions {{\n  {body}\n}}\n'


def test_nesting_is_traced_through_ctes_and_unnests_of_unnested_elements(tmp_path: Path, cli: Cli) -> None:
    """GA4's shape: a derived table reading struct paths through a CTE, a join over the sessions'
    array of events, and events' ``UNNEST(event_params)`` whose typed value slots are numbers."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": sessions_model(),
            "sessions.view.lkml": """
                view: sessions {
                  derived_table: {
                    sql: WITH sl AS (
                        SELECT e.session_id, e.device, e.event_name, e.event_params FROM `p.ga.events` AS e
                      )
                      SELECT sl.session_id, ANY_VALUE(sl.device.category) AS device_category,
                        MAX((SELECT value.int_value FROM UNNEST(sl.event_params) WHERE key = 'session_number'))
                          AS number,
                        ARRAY_AGG(STRUCT(sl.event_name, sl.event_params)) AS event_data
                      FROM sl GROUP BY 1 ;;
                  }
                  dimension: session_id { primary_key: yes type: number }
                  dimension: device_category {}
                  dimension: number { type: number }
                  dimension: event_data { hidden: yes }
                  measure: count { type: count }
                }
            """,
            "events.view.lkml": """
                view: events {
                  dimension: event_name { sql: ${TABLE}.event_name ;; }
                  dimension: page_views {
                    type: number
                    sql: (SELECT value.int_value FROM UNNEST(event_params) WHERE key = 'page_views') ;;
                  }
                  dimension: engaged_seconds {
                    type: number
                    sql: (SELECT value.double_value FROM UNNEST(event_params) WHERE key = 'engaged') ;;
                  }
                  measure: total_engaged { type: sum sql: ${engaged_seconds} ;; }
                  measure: total_page_views { type: sum sql: ${page_views} ;; }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    types = _parquet_types(root / "seeds" / "p" / "ga" / "events.parquet")
    # device.category through the CTE; the events' UNNEST(event_params) reaches the source array
    # of that name, whose int_value/double_value slots are numbers.
    assert types["device"].startswith("STRUCT(") and "category" in types["device"]
    params = types["event_params"]
    assert params.endswith("[]") and "int_value BIGINT" in params and "double_value DOUBLE" in params
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (10, 0), report


def test_keys_compared_with_equal_evidence_become_numbers(tmp_path: Path) -> None:
    """Both sides say their type as strongly (``type: string`` against ``type: number``): the key
    is a number on both, since digits serve a string column but a word never joins a number."""
    root = write_files(
        tmp_path,
        {
            "m.model.lkml": """
                connection: "c"
                include: "*.view.lkml"
                explore: shipments {
                  join: carriers { sql_on: ${shipments.carrier_code} = ${carriers.code} ;; relationship: many_to_one }
                }
            """,
            "v.view.lkml": """
                view: shipments {
                  sql_table_name: s.shipments ;;
                  dimension: carrier_code { type: string }
                }
                view: carriers {
                  sql_table_name: s.carriers ;;
                  dimension: code { primary_key: yes type: number }
                }
            """,
        },
    )
    schema = inferred(root)
    assert schema.tables["s.shipments"].columns["carrier_code"].type in ("integer", "number")
    assert schema.tables["s.carriers"].columns["code"].type in ("integer", "number")


def test_a_column_passed_on_by_select_star_is_typed_by_its_use(tmp_path: Path) -> None:
    """``COALESCE(${TABLE}.x, 0)`` in a view over ``SELECT *``: the source column is a number, and a
    CASE branch takes the type of its siblings (``… THEN l / r ELSE g END``: g is a number)."""
    root = write_files(
        tmp_path,
        {
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: invoices {}\n',
            "v.view.lkml": """
                view: invoices {
                  derived_table: { sql: SELECT * FROM s.inv ;; }
                  dimension: id { primary_key: yes type: number }
                  dimension: paid { type: number sql: COALESCE(${TABLE}.paid_amount, 0) ;; }
                  dimension: gross {
                    type: number
                    sql: CASE WHEN ${TABLE}.gross IS NULL THEN ${TABLE}.net / 2 ELSE ${TABLE}.gross END ;;
                  }
                }
            """,
        },
    )
    columns = inferred(root).tables["s.inv"].columns
    assert columns["paid_amount"].type in ("integer", "number"), columns["paid_amount"]
    assert columns["gross"].type in ("integer", "number"), columns["gross"]


def test_a_key_field_computed_from_a_column_does_not_retype_the_column(tmp_path: Path) -> None:
    """bq_thelook: ``user_id`` is ``CAST(REGEXP_EXTRACT(${TABLE}.user_id, r'\\d+') AS INT64)``
    joined to ``users.id``: the field is a number, its column stays the text REGEXP_EXTRACT reads."""
    root = write_files(
        tmp_path,
        {
            "m.model.lkml": """
                connection: "c"
                include: "*.view.lkml"
                explore: events { join: users { sql_on: ${events.user_id} = ${users.id} ;; relationship: many_to_one } }
            """,
            "v.view.lkml": """
                view: events {
                  sql_table_name: s.events ;;
                  dimension: user_id { type: number sql: CAST(REGEXP_EXTRACT(${TABLE}.user_id, r'\\d+') AS INT64) ;; }
                }
                view: users { sql_table_name: s.users ;; dimension: id { primary_key: yes } }
            """,
        },
    )
    tables = inferred(root).tables
    assert tables["s.events"].columns["user_id"].type == "string"
    assert tables["s.users"].columns["id"].type == "integer"


def test_a_repeated_struct_field_joined_by_unnest_is_an_array(tmp_path: Path, cli: Cli) -> None:
    """Mozilla's Glean views: ``dimension: x { sql: ${TABLE}.metrics.labeled_counter.x ;; }`` joined
    with ``LEFT JOIN UNNEST(${events.x}) AS events__x``: the struct field is an array of records."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": unnest_join_model("errors"),
            "events.view.lkml": """
                view: events {
                  sql_table_name: `p.glean.events` ;;
                  dimension: document_id { primary_key: yes }
                  dimension: errors { hidden: yes sql: ${TABLE}.metrics.labeled_counter.errors ;; }
                }
                view: events__errors {
                  dimension: key { sql: ${TABLE}.key ;; }
                  dimension: value { type: number sql: ${TABLE}.value ;; }
                  measure: total { type: sum sql: ${value} ;; }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    metrics = _parquet_types(root / "seeds" / "p" / "glean" / "events.parquet")["metrics"]
    assert "errors STRUCT(" in metrics and "[]" in metrics
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (5, 0), report


def test_select_star_grouped_by_ordinals_gets_every_column_it_groups(tmp_path: Path, cli: Cli) -> None:
    """rittmananalytics: ``select * from t group by 1,2,3,4,5`` dedups a table of five columns, of
    which the view reads two: the seed has five, so that every ordinal exists and is grouped."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: utilization {}\n',
            "v.view.lkml": """
                view: utilization {
                  derived_table: { sql: select * from analytics.utilization group by 1,2,3,4,5 ;; }
                  dimension: contact_pk { primary_key: yes }
                  dimension: hours { type: number }
                  measure: total_hours { type: sum sql: ${hours} ;; }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    header = (root / "seeds" / "analytics" / "utilization.csv").read_text().splitlines()[0].split(",")
    assert len(header) == 5 and {"contact_pk", "hours"} <= set(header)
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (3, 0), report


def test_structs_packed_by_a_derived_table_are_traced_to_their_source(tmp_path: Path, cli: Cli) -> None:
    """GA4's sessions table packs each session's events with ``ARRAY_AGG(STRUCT(sl.ecommerce,
    sl.items, …))``; the events view reads ``${TABLE}.ecommerce.transaction_id`` of the element
    and another join UNNESTs its ``items``: those are a STRUCT and an array in the source table."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": sessions_model("events__items: UNNEST(${events.items})"),
            "sessions.view.lkml": """
                view: sessions {
                  derived_table: {
                    sql: WITH sl AS (SELECT e.session_id, e.event_name, e.ecommerce, e.items FROM `p.ga.events` AS e)
                      SELECT sl.session_id, ARRAY_AGG(STRUCT(sl.event_name, sl.ecommerce, sl.items)) AS event_data
                      FROM sl GROUP BY 1 ;;
                  }
                  dimension: session_id { primary_key: yes type: number }
                  dimension: event_data { hidden: yes sql: ${TABLE}.event_data ;; }
                  measure: count { type: count }
                }
            """,
            "events.view.lkml": """
                view: events {
                  dimension: event_name { sql: ${TABLE}.event_name ;; }
                  dimension: transaction_id { sql: ${TABLE}.ecommerce.transaction_id ;; }
                  dimension: items { hidden: yes sql: ${TABLE}.items ;; }
                  measure: revenue { type: sum sql: ${TABLE}.ecommerce.purchase_revenue ;; }
                }
                view: events__items {
                  dimension: item_name { sql: ${TABLE}.item_name ;; }
                  measure: total_price { type: sum sql: ${TABLE}.price ;; }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    types = _parquet_types(root / "seeds" / "p" / "ga" / "events.parquet")
    assert types["ecommerce"].startswith("STRUCT(") and "transaction_id" in types["ecommerce"]
    assert types["items"].endswith("[]") and "item_name" in types["items"]
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (9, 0), report


def test_columns_read_through_a_star_cte_of_a_subquery_are_scaffolded(tmp_path: Path, cli: Cli) -> None:
    """rittmananalytics' task history: a CTE ``source`` is ``select * from (select *, MAX(…) OVER
    … from jira.transitions) where …``, and a later CTE reads ``t.name``, ``t.to.name`` and a bare
    ``received_at`` from ``source t``: those are columns (and a struct) of jira.transitions. Other
    CTEs in reach are not what a ``*`` passes on."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: history {}\n',
            "v.view.lkml": """
                view: history {
                  derived_table: {
                    sql: with source as (select * from (
                           select *, MAX(seq) OVER (PARTITION BY issueid) AS max_seq from `p.jira.transitions`)
                         where seq = max_seq),
                         tasks as (select task_id, task_status from `p.jira.tasks`),
                         moves as (select concat('jira-', issueid) as issue_id, t.name as from_status,
                                          t.to.name as to_status, received_at as moved_at from source t)
                         select m.*, k.task_status from moves m join tasks k on m.issue_id = k.task_id ;;
                  }
                  dimension: issue_id { primary_key: yes }
                  dimension: from_status {}
                  dimension: to_status {}
                  dimension: task_status {}
                  dimension_group: moved { type: time timeframes: [date] sql: ${TABLE}.moved_at ;; }
                  measure: count { type: count }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    types = _parquet_types(root / "seeds" / "p" / "jira" / "transitions.parquet")
    assert {"name", "received_at", "issueid", "seq"} <= set(types) and "task_status" not in types
    assert types["to"].startswith("STRUCT(") and '"name"' in types["to"]
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (6, 0), report


def test_an_unnest_join_over_a_column_a_derived_table_passes_on_is_an_array(tmp_path: Path, cli: Cli) -> None:
    """rittmananalytics: ``engagements`` selects ``…, projects from analytics.engagements_dim``
    and a join ``LEFT JOIN UNNEST(${engagements.projects})`` reads ``${TABLE}.sprint_start`` of
    each element, and ``stage`` bare (BigQuery resolves a bare name to a field of the element):
    ``projects`` is an array of structs in the source table, not text."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": """
                connection: "c"
                include: "*.view.lkml"
                explore: engagements {
                  join: engagements__projects {
                    sql: LEFT JOIN UNNEST(${engagements.projects}) as engagements__projects ;;
                    relationship: one_to_many
                  }
                }
            """,
            "v.view.lkml": """
                view: engagements {
                  derived_table: { sql: select engagement_pk, deal_name, projects from analytics.engagements_dim ;; }
                  dimension: engagement_pk { primary_key: yes }
                  dimension: deal_name {}
                  dimension: projects { hidden: yes sql: ${TABLE}.projects ;; }
                }
                view: engagements__projects {
                  dimension: project_pk { primary_key: yes sql: ${TABLE}.project_pk ;; }
                  dimension_group: sprint_start { type: time timeframes: [date] sql: ${TABLE}.sprint_start ;; }
                  measure: hours { type: sum sql: ${TABLE}.hours ;; }
                  dimension: stage { sql: stage ;; }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    projects = _parquet_types(root / "seeds" / "analytics" / "engagements_dim.parquet")["projects"]
    assert projects.startswith("STRUCT(") and projects.endswith("[]") and '"hours"' in projects
    assert "stage VARCHAR" in projects
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (7, 0), report


def test_an_unqualified_join_key_of_the_from_table_is_scaffolded(tmp_path: Path, cli: Cli) -> None:
    """looker-hub's multi-service DAU: ``FROM daily AS e JOIN clients AS c ON service = c.id``."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: dau {}\n',
            "v.view.lkml": """
                view: dau {
                  derived_table: {
                    sql: SELECT submission_date, user_id, c.name AS service_name
                         FROM `p.accounts.daily` AS e JOIN `p.accounts.clients` AS c ON service = c.id ;;
                  }
                  dimension: user_id { primary_key: yes }
                  dimension: service_name {}
                  dimension_group: submission { type: time timeframes: [date] sql: ${TABLE}.submission_date ;; }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    header = (root / "seeds" / "p" / "accounts" / "daily.csv").read_text().splitlines()[0].split(",")
    assert {"service", "submission_date", "user_id"} <= set(header)
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (3, 0), report


def test_bare_columns_and_subqueries_of_a_field_are_scaffolded(tmp_path: Path, cli: Cli) -> None:
    """rittmananalytics: ``sql: TIMESTAMP(PARSE_DATE('%d-%m-%Y', month)) ;;`` reads the view's
    table's ``month`` bare, and ``sql: (select Retail_Week from seed.retail_calendar c where
    c.`date` = date(${TABLE}.session_start_ts)) ;;`` reads a table of its own."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: targets {}\nexplore: sessions {}\n',
            "v.view.lkml": """
                view: targets {
                  sql_table_name: `p.seed.targets` ;;
                  dimension: contact_name { primary_key: yes sql: ${TABLE}.contact_name ;; }
                  dimension_group: month {
                    type: time
                    timeframes: [raw, month]
                    datatype: timestamp
                    sql: TIMESTAMP(PARSE_DATE('%d-%m-%Y', month)) ;;
                  }
                }
                view: sessions {
                  sql_table_name: `p.web.sessions` ;;
                  dimension: session_id { primary_key: yes sql: ${TABLE}.session_id ;; }
                  dimension: retail_week {
                    type: number
                    sql: (select Retail_Week from p.seed.retail_calendar c
                          where c.`date` = date(${TABLE}.session_start_ts)) ;;
                  }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    assert "month" in (root / "seeds" / "p" / "seed" / "targets.csv").read_text().splitlines()[0].split(",")
    calendar = (root / "seeds" / "p" / "seed" / "retail_calendar.csv").read_text().splitlines()[0].lower()
    assert {"retail_week", "date"} <= set(calendar.split(","))
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (5, 0), report


def test_an_unnest_join_nested_in_another_is_an_array_in_the_element(tmp_path: Path, cli: Cli) -> None:
    """Mozilla's Glean explores: ``UNNEST(${accounts_events.events}) AS accounts_events__events``
    then ``UNNEST(${accounts_events__events.extra}) AS accounts_events__events__extra``: ``extra``
    is an array of structs inside each element of ``events``, not a column of a table of its own."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": """
                connection: "c"
                include: "*.view.lkml"
                explore: pings {
                  join: pings__events {
                    sql: LEFT JOIN UNNEST(${pings.events}) AS pings__events ;;
                    relationship: one_to_many
                  }
                  join: pings__events__extra {
                    sql: LEFT JOIN UNNEST(${pings__events.extra}) AS pings__events__extra ;;
                    relationship: one_to_many
                  }
                }
            """,
            "v.view.lkml": """
                view: pings {
                  sql_table_name: `p.glean.pings` ;;
                  dimension: document_id { primary_key: yes sql: ${TABLE}.document_id ;; }
                  dimension: events { hidden: yes sql: ${TABLE}.events ;; }
                }
                view: pings__events {
                  dimension: category { sql: ${TABLE}.category ;; }
                  dimension: extra { hidden: yes sql: ${TABLE}.extra ;; }
                }
                view: pings__events__extra {
                  dimension: key { sql: ${TABLE}.key ;; }
                  dimension: value { sql: ${TABLE}.value ;; }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    events = _parquet_types(root / "seeds" / "p" / "glean" / "pings.parquet")["events"]
    assert '"extra" STRUCT(' in events or "extra STRUCT(" in events, events
    report = validate(cli, root)
    assert report["failed_fields"] == 0, report


def test_a_column_compared_with_a_date_literal_is_a_date(tmp_path: Path, cli: Cli) -> None:
    """Mozilla's desktop dates: ``WHERE first_seen_date >= '2021-01-01' AND DATE_DIFF(current_date(),
    first_seen_date, DAY) > 1``: BigQuery reads the literal as a DATE, so the column is one, not text."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: dates {}\n',
            "v.view.lkml": """
                view: dates {
                  derived_table: {
                    sql: WITH full_dates AS (
                           SELECT DISTINCT first_seen_date AS submission_date FROM `p.t.clients_first_seen`
                           WHERE first_seen_date >= '2021-01-01' AND DATE_DIFF(current_date(), first_seen_date, DAY) > 1
                         )
                         SELECT a.submission_date FROM full_dates a ;;
                  }
                  dimension_group: submission {
                    type: time
                    datatype: date
                    timeframes: [raw, date]
                    sql: ${TABLE}.submission_date ;;
                  }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    report = validate(cli, root)
    assert report["failed_fields"] == 0, report
    reads = read_select("SELECT x FROM t WHERE d >= '2021-01-01' AND ts < '2021-01-01 10:00:00'", "bigquery")
    assert {u.column: u.type for u in reads.columns if u.column != "x"} == {"d": "date", "ts": "timestamp"}


def test_a_derived_table_pasting_parameters_is_scaffolded(tmp_path: Path, cli: Cli) -> None:
    """Mozilla's experiment enrollments: ``SELECT …, {% parameter slug %} AS slug_name FROM
    `p.m.enrollments_*` WHERE _TABLE_SUFFIX = REPLACE({% parameter slug %}, "-", "_")``: with the
    tag dropped the SQL did not parse, and the wildcard table got no seed."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: enrollments {}\n',
            "v.view.lkml": """
                view: enrollments {
                  parameter: slug { type: string }
                  derived_table: {
                    sql: SELECT client_id, branch, {% parameter slug %} AS slug_name
                         FROM `p.m.enrollments_*` WHERE _TABLE_SUFFIX = REPLACE({% parameter slug %}, "-", "_") ;;
                  }
                  dimension: client_id { primary_key: yes }
                  dimension: branch {}
                  measure: clients { type: count_distinct sql: ${client_id} ;; }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    report = validate(cli, root)
    assert report["failed_fields"] == 0, report


def test_a_bare_column_unnested_beside_its_table_is_an_array(tmp_path: Path, cli: Cli) -> None:
    """Mozilla's sample ratio mismatch: ``SELECT branch.slug, branch.ratio FROM
    `p.monitoring.experiments`, UNNEST(branches) AS branch``: ``branches`` is an array of structs."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: ratios {}\n',
            "v.view.lkml": """
                view: ratios {
                  derived_table: {
                    sql: SELECT branch.slug AS branch, branch.ratio
                         FROM `p.monitoring.experiments`, UNNEST(branches) AS branch ;;
                  }
                  dimension: branch { primary_key: yes }
                  dimension: ratio {}
                  measure: count { type: count }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    branches = _parquet_types(root / "seeds" / "p" / "monitoring" / "experiments.parquet")["branches"]
    assert branches.startswith("STRUCT(") and branches.endswith("[]") and "slug" in branches, branches
    report = validate(cli, root)
    assert report["failed_fields"] == 0, report


def test_a_case_in_a_join_compares_its_results_not_its_conditions(tmp_path: Path, cli: Cli) -> None:
    """``${orders.product_ref} = CASE WHEN ${orders.channel} = 'web' THEN ${products.id} … END``:
    the key meets the CASE's results; ``channel`` only chooses one and stays text (typed as the
    key, its ``= 'web'`` fails on every row)."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": """
                connection: "c"
                include: "*.view.lkml"
                explore: orders {
                  join: products {
                    sql_on: ${orders.product_ref} = CASE WHEN ${orders.channel} = 'web' THEN ${products.id}
                                                         ELSE ${products.legacy_id} END ;;
                    relationship: many_to_one
                  }
                }
            """,
            "v.view.lkml": """
                view: orders {
                  sql_table_name: s.orders ;;
                  dimension: id { primary_key: yes type: number }
                  dimension: product_ref {}
                  dimension: channel {}
                }
                view: products {
                  sql_table_name: s.products ;;
                  dimension: id { primary_key: yes type: number }
                  dimension: legacy_id { type: number }
                  measure: count { type: count }
                }
            """,
        },
    )
    schema = inferred(root)
    assert schema.tables["s.orders"].columns["channel"].type == "string"
    assert schema.tables["s.orders"].columns["product_ref"].type == "integer"
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    report = validate(cli, root)
    assert report["failed_fields"] == 0, report["failures"]


def test_an_unnested_field_a_cte_passes_on_is_typed_by_its_readers(tmp_path: Path, cli: Cli) -> None:
    """mozilla's sample_ratio_mismatch: ``expected_ratios AS (SELECT branch.ratio FROM t,
    UNNEST(branches) AS branch)`` and then ``SUM(ratio) FROM expected_ratios``: the element's
    ``ratio`` is a number (text made SUM fail on DuckDB, and on BigQuery alike)."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: ratios {}\n',
            "ratios.view.lkml": """
                view: ratios {
                  derived_table: {
                    sql: WITH expected_ratios AS (
                           SELECT branch.slug AS branch, branch.ratio
                           FROM `proj.monitoring.experiments`, UNNEST(branches) AS branch
                         ),
                         total_ratios AS (SELECT SUM(ratio) AS total_ratio FROM expected_ratios)
                         SELECT e.branch, e.ratio / (SELECT total_ratio FROM total_ratios) AS share
                         FROM expected_ratios AS e ;;
                  }
                  dimension: branch { primary_key: yes }
                  measure: total_share { type: sum sql: ${TABLE}.share ;; }
                }
            """,
        },
    )
    schema = inferred(root)
    element = schema.tables["proj.monitoring.experiments"].columns["branches"].element
    assert element is not None and element.children["ratio"].type == "number"
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    report = validate(cli, root)
    assert report["failed_fields"] == 0, report["failures"]


def test_an_unqualified_filter_in_a_left_joins_on_reads_the_joined_table(tmp_path: Path, cli: Cli) -> None:
    """rittmananalytics' contact_bio: ``LEFT JOIN contact_companies_fact cc ON c.contact_pk =
    cc.contact_fk AND contact_next_created_date IS NULL``: the filter is the joined table's (one
    on the left table would drop no row); a bare key compared with ``d.id`` stays the FROM's."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: bio {}\n',
            "bio.view.lkml": """
                view: bio {
                  derived_table: {
                    sql: SELECT c.contact_pk, d.name
                         FROM analytics.contacts AS c
                         LEFT JOIN analytics.contact_companies AS cc
                           ON c.contact_pk = cc.contact_fk AND next_created_date IS NULL
                         LEFT JOIN analytics.companies AS d ON company_ref = d.id ;;
                  }
                  dimension: contact_pk { primary_key: yes }
                  dimension: name {}
                }
            """,
        },
    )
    schema = inferred(root)
    assert "next_created_date" in schema.tables["analytics.contact_companies"].columns
    assert "company_ref" in schema.tables["analytics.contacts"].columns
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    report = validate(cli, root)
    assert report["failed_fields"] == 0, report["failures"]


def test_values_a_coalesce_passes_to_a_number_are_numbers(tmp_path: Path, cli: Cli) -> None:
    """rittmananalytics' looker_usage_stats: ``type: sum`` of ``COALESCE(${TABLE}.a, ${TABLE}.b)``
    sums a and b; ``COALESCE(CAST(… AS FLOAT64), ${TABLE}.h)`` makes h a number (BigQuery finds no
    supertype of FLOAT64 and STRING). Both validate on the scaffolded data."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: usage {}\n',
            "usage.view.lkml": """
                view: usage {
                  derived_table: { sql: SELECT *, ROW_NUMBER() OVER () AS pk FROM fivetran.usage_stats ;; }
                  dimension: pk { primary_key: yes type: number }
                  measure: minutes { type: sum sql: coalesce(${TABLE}.web_minutes, ${TABLE}.history_web_minutes) ;; }
                  measure: max_runtime {
                    type: max
                    sql: coalesce(cast(replace(${TABLE}.runtime, ',', '') as float64), ${TABLE}.history_runtime) ;;
                  }
                }
            """,
        },
    )
    columns = inferred(root).tables["fivetran.usage_stats"].columns
    assert {columns[n].type for n in ("web_minutes", "history_web_minutes", "history_runtime")} <= {"number", "integer"}
    assert columns["runtime"].type == "string"
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    report = validate(cli, root)
    assert report["failed_fields"] == 0, report["failures"]


def test_bare_names_in_an_expression_of_an_element_view_are_element_fields(tmp_path: Path, cli: Cli) -> None:
    """rittmananalytics: the view of ``UNNEST(${fact.month_timeline_events})`` has ``sql:
    timestamp(event_date) ;;``: BigQuery reads ``event_date`` from the element (a value table),
    so the scaffolded element has it, as a timestamp the dimension group can read."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": unnest_join_model("timeline"),
            "events.view.lkml": """
                view: events {
                  sql_table_name: `p.analytics.rag_status` ;;
                  dimension: id { primary_key: yes }
                  dimension: timeline { hidden: yes sql: ${TABLE}.timeline ;; }
                }
                view: events__timeline {
                  dimension_group: event { type: time timeframes: [date, month] sql: timestamp(event_date) ;; }
                  dimension: event_description { sql: event_description ;; }
                  measure: days { type: count_distinct sql: date_diff(current_date(), date(event_date), day) ;; }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    report = validate(cli, root)
    assert report["failed_fields"] == 0, report["failures"]


def test_an_unqualified_column_another_joined_table_has_is_not_seeded_twice(tmp_path: Path, cli: Cli) -> None:
    """bcgov's Snowplow block: ``SELECT da.root_id, events.page_url, domain_sessionid FROM
    actions AS da LEFT JOIN events ON …``: ``events`` (a view of its own) has
    ``domain_sessionid``; seeding it in ``actions`` too would make the query ambiguous."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: clicks {}\nexplore: events {}\n',
            "v.view.lkml": """
                view: events {
                  sql_table_name: `p.atomic.events` ;;
                  dimension: event_id { primary_key: yes sql: ${TABLE}.event_id ;; }
                  dimension: domain_sessionid { sql: ${TABLE}.domain_sessionid ;; }
                }
                view: clicks {
                  derived_table: {
                    sql: SELECT da.root_id, events.page_url, domain_sessionid AS session_id, action
                         FROM `p.atomic.actions` AS da LEFT JOIN `p.atomic.events` AS events
                         ON da.root_id = events.event_id ;;
                  }
                  dimension: root_id { primary_key: yes }
                  dimension: page_url {}
                  dimension: session_id {}
                  dimension: action {}
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    actions = (root / "seeds" / "p" / "atomic" / "actions.csv").read_text().splitlines()[0].split(",")
    assert "domain_sessionid" not in actions and "action" in actions  # no joined table has action
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (6, 0), report


def test_an_incremental_condition_does_not_type_its_column_boolean(tmp_path: Path, cli: Cli) -> None:
    """bcgov's ldb_summary: ``WHERE {% incrementcondition %} date {% endincrementcondition %}``
    compares ``date`` with the last build's time (the compiler renders 1=1); with the tags
    stripped, the bare ``date`` read as a predicate typed the column boolean."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: daily {}\n',
            "v.view.lkml": """
                view: daily {
                  derived_table: {
                    sql: SELECT COUNT(*) AS n FROM `p.web.visits`
                         WHERE {% incrementcondition %} day {% endincrementcondition %}
                         AND day >= '2022-11-01' ;;
                    increment_key: "n"
                  }
                  dimension: n { type: number primary_key: yes }
                }
            """,
        },
    )
    schema = cli("scaffold", "data", "--project", str(root), "--schema")
    assert "day: date" in schema.output, schema.output


def test_columns_one_coalesce_returns_share_a_type(tmp_path: Path, cli: Cli) -> None:
    """bcgov's welcomebc_actions: ``COALESCE(wp.id, ra.page_view_id)`` — ``wp.id`` is text
    (another view says so), ``page_view_id`` a number by its name only: DuckDB refuses to mix them."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: pages {}\nexplore: actions {}\n',
            "v.view.lkml": """
                view: pages {
                  sql_table_name: `p.atomic.web_page` ;;
                  dimension: id { primary_key: yes type: string sql: ${TABLE}.id ;; }
                }
                view: actions {
                  derived_table: {
                    sql: SELECT ra.root_id, COALESCE(wp.id, ra.page_view_id) AS page_view_id
                         FROM `p.test.restored` AS ra LEFT JOIN `p.atomic.web_page` AS wp ON wp.root_id = ra.root_id ;;
                  }
                  dimension: root_id { primary_key: yes }
                  dimension: page_view_id {}
                }
            """,
        },
    )
    schema = cli("scaffold", "data", "--project", str(root), "--schema")
    assert "page_view_id: string" in schema.output, schema.output
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (3, 0), report


def test_a_column_qualified_by_the_views_own_alias_is_its_tables(tmp_path: Path, cli: Cli) -> None:
    """bcgov's page_views_bdp: ``sql: CASE WHEN page_views_bdp.dvce_type = 'Computer' …`` — Looker
    names the view's table after the view, so this is ``${TABLE}.dvce_type``."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: page_views {}\n',
            "v.view.lkml": """
                view: page_views {
                  sql_table_name: `p.derived.page_views` ;;
                  dimension: id { primary_key: yes sql: ${TABLE}.id ;; }
                  measure: desktop { type: sum sql: CASE WHEN page_views.dvce_type = 'Computer' THEN 1 ELSE 0 END ;; }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (2, 0), report


def test_a_number_measure_of_an_untyped_dimension_types_what_a_derived_table_passes_on(
    tmp_path: Path, cli: Cli
) -> None:
    """bcgov's myfs_estimates: ``dimension: estimate_total {}`` (no type: a string by default)
    and ``measure: average_estimate_total { type: average sql: ${estimate_total} ;; }`` over a
    derived table: the source column is a number, or AVG(VARCHAR) fails."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: estimates {}\n',
            "v.view.lkml": """
                view: estimates {
                  derived_table: { sql: SELECT e.id, e.total AS estimate_total FROM `p.atomic.estimator` AS e ;; }
                  dimension: id { primary_key: yes }
                  dimension: estimate_total {}
                  measure: average_estimate_total { type: average sql: ${estimate_total} ;; }
                }
            """,
        },
    )
    schema = cli("scaffold", "data", "--project", str(root), "--schema")
    assert "total: number" in schema.output, schema.output
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (3, 0), report


def test_a_select_alias_named_in_group_by_is_not_a_column_of_the_table(tmp_path: Path, cli: Cli) -> None:
    """Cortex SAP's balance sheet and the campaign manager block: ``SELECT CAST(Level AS INT64)
    AS LevelNumber … GROUP BY LevelNumber`` groups by the alias (BigQuery resolves a GROUP BY
    name to the SELECT list's alias). Seeding ``LevelNumber`` as a column of the table made
    DuckDB bind the name to that column instead, and ``Level`` "must appear in the GROUP BY"."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: systems {}\n',
            "v.view.lkml": """
                view: systems {
                  derived_table: {
                    sql: SELECT CAST(Operating_System_ID AS INT64) AS system_key, Operating_System
                         FROM `p.d.match_table_operating_systems`
                         GROUP BY system_key, Operating_System ;;
                  }
                  dimension: system_key { primary_key: yes type: number }
                  dimension: operating_system { sql: ${TABLE}.Operating_System ;; }
                  measure: count { type: count }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    (seed,) = (root / "seeds").rglob("match_table_operating_systems.*")
    columns = duckdb.sql(f"DESCRIBE SELECT * FROM '{seed}'").fetchall()
    assert {row[0] for row in columns} == {"Operating_System_ID", "Operating_System"}
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (3, 0), report


def test_a_struct_column_quoted_as_a_keyword_is_a_struct(tmp_path: Path, cli: Cli) -> None:
    """Google's Workspace audit-log block: ``${TABLE}.`groups`.acl_permission`` (GROUPS is a
    BigQuery keyword, so it is quoted) and ``UNNEST(${events.groups__new_value_repeated})``:
    ``groups`` is a struct with both fields, one of them an array. It was seeded as text."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": unnest_join_model("groups__new_value_repeated"),
            "v.view.lkml": """
                view: events {
                  sql_table_name: `p.d.activity` ;;
                  dimension: id { primary_key: yes sql: ${TABLE}.id ;; }
                  dimension: groups__acl_permission { type: string sql: ${TABLE}.`groups`.acl_permission ;; }
                  dimension: groups__new_value_repeated { hidden: yes sql: ${TABLE}.`groups`.new_value_repeated ;; }
                }
                view: events__groups__new_value_repeated {
                  dimension: value { sql: events__groups__new_value_repeated ;; }
                  measure: count { type: count }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    (seed,) = (root / "seeds").rglob("activity.*")
    types = _parquet_types(seed)
    assert "acl_permission VARCHAR" in types["groups"] and "new_value_repeated VARCHAR[]" in types["groups"], types
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (5, 0), report
    # Values through the LookML equal hand-written SQL over the seed file.
    fields = "events.groups__acl_permission,events__groups__new_value_repeated.count"
    result = cli("query", "m/events", "--project", str(root), "--fields", fields, "--format", "json")
    got = sorted(
        (
            (row["events.groups__acl_permission"], row["events__groups__new_value_repeated.count"])
            for row in json.loads(result.output)
        ),
        key=repr,
    )
    # A count without primary key is COUNT(*): a row whose array is empty still counts once.
    expected = duckdb.sql(
        f"""SELECT groups.acl_permission, COUNT(*) FROM read_parquet('{seed}')
            LEFT JOIN UNNEST(groups.new_value_repeated) AS u(v) ON TRUE GROUP BY 1"""
    ).fetchall()
    assert got == sorted(expected, key=repr) and any(permission for permission, _ in got)


def test_an_array_in_a_struct_a_derived_table_passes_on_is_an_array(tmp_path: Path, cli: Cli) -> None:
    """Google's Workspace audit-log block: view ``activity`` is ``SELECT *, GENERATE_UUID() AS pk
    FROM …activity``, and its explore unnests ``${activity.drive__added_role}`` (``${TABLE}.drive.
    added_role``): the struct field of the source table is an array (85 fields failed on text)."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": unnest_join_model("drive__added_role"),
            "v.view.lkml": """
                view: events {
                  derived_table: { sql: SELECT *, GENERATE_UUID() AS pk FROM `p.d.activity` ;; }
                  dimension: pk { primary_key: yes }
                  dimension: drive__doc_title { sql: ${TABLE}.drive.doc_title ;; }
                  dimension: drive__added_role { hidden: yes sql: ${TABLE}.drive.added_role ;; }
                }
                view: events__drive__added_role {
                  dimension: role { sql: events__drive__added_role ;; }
                }
            """,
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    (seed,) = (root / "seeds").rglob("activity.*")
    assert "added_role VARCHAR[]" in _parquet_types(seed)["drive"]
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (4, 0), report
    result = cli(
        "query", "m/events", "--project", str(root), "--fields", "events__drive__added_role.role", "--format", "json"
    )
    got = sorted((row["events__drive__added_role.role"] for row in json.loads(result.output)), key=repr)
    expected = duckdb.sql(
        f"SELECT DISTINCT r FROM read_parquet('{seed}') LEFT JOIN UNNEST(drive.added_role) AS u(r) ON TRUE"
    ).fetchall()
    assert got == sorted((row[0] for row in expected), key=repr) and got


@pytest.mark.parametrize(
    "source",
    ["sql_table_name: `p.d.usage` ;;", "derived_table: { sql: SELECT *, GENERATE_UUID() AS uid FROM `p.d.usage` ;; }"],
)
def test_struct_fields_named_with_a_parameter_or_through_the_view_alias(tmp_path: Path, cli: Cli, source: str) -> None:
    """Google's Workspace usage view (a derived table passing the export's columns on):
    ``sql: usage.drive.num_owned_items_{% parameter action %}``. The key read is the parameter's
    value appended (its default here), and ``usage.`` is the view's own alias: both keys of the
    ``drive`` struct are seeded (6 fields failed)."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: usage {}\n',
            "v.view.lkml": """
                view: usage {
                  SOURCE
                  dimension: id { primary_key: yes sql: ${TABLE}.id ;; }
                  parameter: action {
                    type: unquoted
                    default_value: "created"
                    allowed_value: { value: "created" }
                    allowed_value: { value: "added" }
                  }
                  measure: items { type: sum sql: usage.drive.num_items_{% parameter action %} ;; }
                  measure: docs { type: sum sql: ${TABLE}.drive.num_docs_{% parameter action %} ;; }
                }
            """.replace("SOURCE", source),
        },
    )
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    (seed,) = (root / "seeds").rglob("usage.*")
    drive = _parquet_types(seed)["drive"]
    assert "num_items_created" in drive and "num_docs_created" in drive, drive
    report = validate(cli, root)
    assert (report["fields"], report["failed_fields"]) == (3, 0), report
    result = cli("query", "m/usage", "--project", str(root), "--fields", "usage.items,usage.docs", "--format", "json")
    (row,) = json.loads(result.output)
    expected = duckdb.sql(
        f"SELECT SUM(drive.num_items_created), SUM(drive.num_docs_created) FROM read_parquet('{seed}')"
    ).fetchall()
    assert [(row["usage.items"], row["usage.docs"])] == expected
