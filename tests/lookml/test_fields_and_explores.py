"""Dimension groups, field parameters and explore parameters as typed objects."""

from __future__ import annotations

from helpers import ProjectFactory
from pytest_looker.compile.dialects.base import HOUR_STEPS, MILLISECOND_STEPS, MINUTE_STEPS, TIMEFRAMES
from pytest_looker.lookml import FieldCategory

MODEL = 'connection: "db"\ninclude: "/views/*.view.lkml"\n'


def test_time_and_duration_groups_expand_into_fields_that_know_their_group(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL,
            "views/v.view.lkml": """
                view: orders {
                  dimension_group: created {
                    type: time
                    timeframes: [raw, date, week, month, year]
                    sql: ${TABLE}.created_at ;;
                    convert_tz: no
                  }
                  dimension_group: shipped { type: time datatype: date sql: ${TABLE}.shipped_on ;; }
                  dimension_group: fulfilment {
                    type: duration
                    intervals: [day, hour]
                    sql_start: ${TABLE}.created_at ;;
                    sql_end: ${TABLE}.shipped_at ;;
                  }
                }
            """,
        }
    )
    fields = project.models["m"].views["orders"].fields
    created = [f for f in fields.values() if f.group == "created"]
    assert [f.name for f in created] == [
        "created_raw",
        "created_date",
        "created_week",
        "created_month",
        "created_year",
    ]
    month = fields["created_month"]
    assert (month.timeframe, month.type, month.sql, month.convert_tz) == (
        "month",
        "date_month",
        "${TABLE}.created_at",
        False,
    )
    # No timeframes: "every timeframe option will be added" (Looker's dimension_group reference),
    # i.e. every name the compiler accepts, the hourN/minuteN/millisecondN families included;
    # only yesno is left out (it would take the group's own name).
    steps = [f"{unit}{n}" for unit, ns in (("hour", HOUR_STEPS), ("minute", MINUTE_STEPS),
                                           ("millisecond", MILLISECOND_STEPS)) for n in ns]  # fmt: skip
    assert [f.timeframe for f in fields.values() if f.group == "shipped"] == [*TIMEFRAMES, *steps]
    assert fields["shipped_date"].datatype == "date"
    days = fields["days_fulfilment"]
    assert (days.interval, days.sql_start, days.sql_end) == (
        "day",
        "${TABLE}.created_at",
        "${TABLE}.shipped_at",
    )
    assert "hours_fulfilment" in fields
    assert month.location.line == 2
    assert project.errors == ()


def test_field_parameters(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL,
            "views/v.view.lkml": """
                view: users {
                  dimension: id { primary_key: yes type: number }
                  dimension: age { type: number tags: ["spectacles: ignore"] }
                  # ci: ignore
                  dimension: age_tier { type: tier tiers: [0, 18, 65] style: integer sql: ${age} ;; }
                  dimension: kind {
                    case: {
                      when: { sql: ${age} < 18 ;; label: "minor" }
                      when: { sql: ${age} >= 18 ;; label: "adult" }
                      else: "unknown"
                    }
                  }
                  measure: p90 { type: percentile percentile: 90 sql: ${age} ;; }
                  measure: total { type: sum_distinct sql_distinct_key: ${id} ;; sql: ${age} ;; hidden: yes }
                  parameter: metric {
                    type: unquoted
                    allowed_value: { label: "Age" value: "age" }
                    allowed_value: { value: "id" }
                    default_value: "age"
                  }
                  filter: since { type: date }
                }
            """,
        }
    )
    view = project.models["m"].views["users"]
    fields = view.fields
    assert view.primary_key is not None and view.primary_key.name == "id"
    assert fields["age"].sql == "${TABLE}.age"  # Looker's default sql
    assert fields["age"].ci_ignored and fields["age_tier"].ci_ignored and not fields["id"].ci_ignored
    assert fields["age_tier"].tiers == (0.0, 18.0, 65.0) and fields["age_tier"].style == "integer"
    assert [(c.sql, c.label) for c in fields["kind"].cases] == [
        ("${age} < 18", "minor"),
        ("${age} >= 18", "adult"),
    ]
    assert fields["kind"].case_else == "unknown"
    assert fields["p90"].percentile == 90.0
    assert fields["total"].sql_distinct_key == "${id}" and fields["total"].hidden
    metric = fields["metric"]
    assert metric.category is FieldCategory.PARAMETER
    assert [(v.label, v.value) for v in metric.allowed_values] == [("Age", "age"), ("id", "id")]
    assert metric.default_value == "age"
    assert fields["since"].category is FieldCategory.FILTER and fields["since"].sql is None


def test_explore_parameters(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL
            + """
                week_start_day: sunday
                explore: orders {
                  from: order_facts
                  view_name: o
                  fields: [ALL_FIELDS*, -o.secret]
                  sql_always_where: ${o.id} > 0 ;;
                  always_filter: { filters: [o.status: "complete"] }
                  conditionally_filter: { filters: [o.id: "1"] unless: [o.status] }
                  access_filter: { field: o.region user_attribute: region }
                  always_join: [users]
                  symmetric_aggregates: no
                  join: users {
                    foreign_key: o.user_id
                    type: inner
                    required_joins: []
                    fields: [users.id]
                  }
                  join: events { sql: LEFT JOIN UNNEST(${o.events}) AS events ;; relationship: one_to_many }
                }
            """,
            "views/v.view.lkml": """
                view: order_facts {
                  dimension: id { primary_key: yes }
                  dimension: user_id {}
                  dimension: status {}
                  dimension: region {}
                  dimension: secret {}
                  dimension: events {}
                }
                view: users { dimension: id { primary_key: yes } }
                view: events { dimension: name {} }
            """,
        }
    )
    model = project.models["m"]
    explore = model.explores["orders"]
    assert model.week_start_day == "sunday"
    assert (explore.view, explore.view_name) == ("order_facts", "o")
    assert explore.fields == ("ALL_FIELDS*", "-o.secret")
    assert explore.sql_always_where == "${o.id} > 0"
    assert [(c.field, c.expression) for c in explore.always_filter] == [("o.status", "complete")]
    assert explore.conditionally_filter is not None and explore.conditionally_filter.unless == ("o.status",)
    assert [(a.field, a.user_attribute) for a in explore.access_filters] == [("o.region", "region")]
    assert explore.always_join == ("users",) and not explore.symmetric_aggregates
    users, events = explore.joins
    assert (users.foreign_key, users.type, users.fields) == ("o.user_id", "inner", ("users.id",))
    assert events.sql == "LEFT JOIN UNNEST(${o.events}) AS events" and events.relationship == "one_to_many"
    assert explore.aliases() == {"o": "order_facts", "users": "users", "events": "events"}
    assert project.errors == ()


def test_data_tests_and_native_derived_tables(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL
            + """
                explore: orders {}
                test: order_id_is_unique {
                  explore_source: orders {
                    column: id {}
                    column: count { field: orders.count }
                    filters: [orders.status: "-NULL"]
                    sorts: [orders.count: desc]
                    limit: 1
                  }
                  assert: one_row_per_id { expression: ${orders.count} = 1 ;; }
                }
            """,
            "views/v.view.lkml": """
                view: orders { dimension: id { primary_key: yes } dimension: status {} measure: count { type: count } }
                view: order_summary {
                  derived_table: {
                    explore_source: orders {
                      column: status { field: orders.status }
                      column: orders { field: orders.count }
                      derived_column: share { sql: orders / SUM(orders) OVER () ;; }
                      bind_filters: { from_field: orders.status to_field: orders.status }
                      filters: [orders.status: "complete"]
                    }
                  }
                  dimension: status {}
                }
            """,
        }
    )
    model = project.models["m"]
    test = model.tests["order_id_is_unique"]
    source = test.explore_source
    assert [(c.name, c.field) for c in source.columns] == [("id", "orders.id"), ("count", "orders.count")]
    assert [(s.field, s.descending) for s in source.sorts] == [("orders.count", True)]
    assert source.limit == 1 and source.filters[0].expression == "-NULL"
    assert test.asserts[0].expression == "${orders.count} = 1"
    derived = model.views["order_summary"].derived_table
    assert derived is not None and derived.explore_source is not None
    native = derived.explore_source
    assert native.explore == "orders" and native.derived_columns[0].name == "share"
    assert native.bind_filters[0].to_field == "orders.status"
    assert project.errors == ()
