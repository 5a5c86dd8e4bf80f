"""Regressions found by loading public LookML (Looker blocks, lkml's resources).

Each test is a tiny hand-written reproduction of a pattern that real projects use and that the
loader got wrong: a traceback, or a diagnostic on LookML that Looker accepts.
"""

from __future__ import annotations

from helpers import ProjectFactory

MODEL = 'connection: "db"\ninclude: "/views/*.view.lkml"\n'


def messages(project: object) -> list[str]:
    return [str(d) for d in project.diagnostics]  # type: ignore[attr-defined]


def test_extension_required_view_may_reference_fields_its_extenders_define(lookml: ProjectFactory) -> None:
    # Block pattern: an abstract base view uses ${_date} and ${key}, which each child defines.
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: child {}",
            "views/base.view.lkml": """
                view: date_base {
                  extension: required
                  dimension_group: date { type: time timeframes: [date] sql: CAST(${_date} AS DATE) ;; }
                  measure: keys { type: count_distinct sql: ${key} ;; }
                }
            """,
            "views/child.view.lkml": """
                view: child {
                  extends: [date_base]
                  dimension: _date { sql: ${TABLE}.day ;; }
                  dimension: key { primary_key: yes }
                  dimension: broken { sql: ${nope} ;; }
                }
            """,
        }
    )
    # Only the extending view is checked, and a real mistake in it is still reported.
    assert messages(project) == ["views/child.view.lkml:5: error: child.broken: unknown field 'nope' in view 'child'"]


def test_extension_required_explore_may_join_on_the_extenders_base_view(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL
            + """
                explore: shared_joins {
                  extension: required
                  join: facts { sql_on: ${users.id} = ${facts.user_id} ;; relationship: one_to_one }
                }
                explore: users { extends: [shared_joins] }
            """,
            "views/v.view.lkml": """
                view: users { dimension: id { primary_key: yes } }
                view: facts { dimension: user_id { primary_key: yes } }
            """,
        }
    )
    assert project.errors == ()
    assert [j.name for j in project.explore("m", "users").joins] == ["facts"]


def test_dimension_and_time_dimension_group_may_share_a_name(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: events {}",
            "views/events.view.lkml": """
                view: events {
                  dimension: id { primary_key: yes }
                  dimension: action { sql: ${TABLE}.action ;; }
                  dimension_group: action { type: time timeframes: [date] sql: ${TABLE}.action_at ;; }
                }
            """,
        }
    )
    assert project.errors == ()
    assert {"action", "action_date"} <= set(project.models["m"].views["events"].fields)


def test_a_time_group_expanding_onto_an_existing_field_is_still_an_error(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL,
            "views/events.view.lkml": """
                view: events {
                  dimension: action_date {}
                  dimension_group: action { type: time timeframes: [date] }
                }
            """,
        }
    )
    assert any("events.action_date is defined more than once" in m for m in messages(project))


def test_constants_name_a_local_dependency_in_the_manifest(lookml: ProjectFactory) -> None:
    # Marketplace blocks: project: "@{CONFIG_PROJECT_NAME}" and include: "//@{CONFIG_PROJECT_NAME}/...".
    project = lookml(
        {
            "manifest.lkml": """
                project_name: "block"
                constant: CONFIG_PROJECT_NAME { value: "block-config" }
                constant: SCHEMA { value: "prod" }
                local_dependency: {
                  project: "@{CONFIG_PROJECT_NAME}"
                  override_constant: SCHEMA { value: "@{SCHEMA}" }
                }
            """,
            "m.model.lkml": """
                connection: "db"
                include: "//@{CONFIG_PROJECT_NAME}/*.view.lkml"
                include: "/views/*.view.lkml"
                explore: orders {}
            """,
            "views/orders.view.lkml": "view: orders { extends: [orders_config] dimension: id { primary_key: yes } }",
            "imported_projects/block-config/manifest.lkml": 'constant: SCHEMA { value: "dev" }',
            "imported_projects/block-config/orders_config.view.lkml": """
                view: orders_config {
                  extension: required
                  sql_table_name: @{SCHEMA}.orders ;;
                }
            """,
        }
    )
    assert messages(project) == []
    [dependency] = project.manifest.local_dependencies
    assert dependency.project == "block-config"
    assert dependency.override_constants["SCHEMA"] == "prod"
    assert project.models["m"].views["orders"].sql_table_name == "prod.orders"


def test_imported_projects_are_not_files_of_the_main_project(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "manifest.lkml": 'local_dependency: { project: "cfg" }',
            "m.model.lkml": 'connection: "db"\ninclude: "//cfg/*.view.lkml"\nexplore: v {}',
            "imported_projects/cfg/cfg.model.lkml": "explore: missing {}",
            "imported_projects/cfg/v.view.lkml": "view: v { dimension: id { primary_key: yes } }",
        }
    )
    assert set(project.models) == {"m"}
    assert project.files == ("m.model.lkml", "manifest.lkml")
    assert messages(project) == []


def test_fields_of_a_view_whose_parent_is_missing_are_not_reported_unknown(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL
            + "explore: orders { join: users { sql_on: ${orders.user_id} = ${users.id} ;; relationship: one_to_one } }",
            "views/v.view.lkml": """
                view: orders { extends: [orders_config] dimension: total { sql: ${amount} ;; } }
                view: users { dimension: id { primary_key: yes } }
            """,
        }
    )
    # One root cause, one error: the fields may come from the missing parent.
    assert [e.message for e in project.errors] == ["'orders' extends unknown view 'orders_config'"]


def test_no_unknown_field_cascade_through_an_explore_on_an_undefined_view(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL
            + """
                explore: orders {}
                test: has_rows {
                  explore_source: orders { column: count {} }
                  assert: positive { expression: ${orders.count} > 0 ;; }
                }
            """,
            "views/v.view.lkml": "view: tiers { dimension: tier { sql: ${orders.amount} ;; } }",
        }
    )
    assert [e.message for e in project.errors] == ["explore 'orders' is based on unknown view 'orders'"]
