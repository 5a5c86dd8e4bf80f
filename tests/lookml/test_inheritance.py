"""Constants, extends and refinements, resolved as Looker documents them."""

from __future__ import annotations

from helpers import ProjectFactory

MODEL = 'connection: "db"\ninclude: "/views/*.view.lkml"\n'


def test_constants_are_substituted_and_configuration_overrides_them(lookml: ProjectFactory) -> None:
    files = {
        "manifest.lkml": 'project_name: "p"\nconstant: schema { value: "prod" }\nconstant: suffix { value: "_v2" }',
        "m.model.lkml": MODEL,
        "views/orders.view.lkml": """
            view: orders {
              sql_table_name: @{schema}.orders@{suffix} ;;
              dimension: id { sql: ${TABLE}.id ;; label: "Order @{suffix}" }
            }
        """,
    }
    view = lookml(files).models["m"].views["orders"]
    assert view.sql_table_name == "prod.orders_v2"
    assert view.fields["id"].label == "Order _v2"
    overridden = lookml(files, constants={"schema": "dev_alice"})
    assert overridden.models["m"].views["orders"].sql_table_name == "dev_alice.orders_v2"
    assert overridden.manifest.constants["schema"].overridden


def test_unknown_constant_is_an_error_at_its_line(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL,
            "views/orders.view.lkml": "view: orders {\n  sql_table_name: @{nope}.orders ;;\n}",
        }
    )
    [error] = project.errors
    assert error.message == "unknown constant @{nope}"
    assert (error.location.file, error.location.line) == ("views/orders.view.lkml", 2)


def test_last_listed_parent_wins_and_the_child_beats_all(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: child {}",
            "views/all.view.lkml": """
                view: user_info {
                  extension: required
                  dimension: name { sql: 'user_info' ;; }
                  dimension: region { sql: 'user_info' ;; }
                  dimension: only_first { sql: 1 ;; }
                }
                view: marketing_info {
                  extension: required
                  dimension: name { sql: 'marketing_info' ;; }
                  dimension: region { sql: 'marketing_info' ;; }
                }
                view: child {
                  extends: [user_info, marketing_info]
                  sql_table_name: t ;;
                  dimension: region { sql: 'child' ;; }
                }
            """,
        }
    )
    child = project.models["m"].views["child"]
    assert child.fields["name"].sql == "'marketing_info'"
    assert child.fields["region"].sql == "'child'"
    assert "only_first" in child.fields
    assert not child.extension_required
    assert child.extends == ("user_info", "marketing_info")
    assert project.errors == ()


def test_extended_splices_in_the_parent_value(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL,
            "views/v.view.lkml": """
                view: base { sql_table_name: base_table ;; dimension: x { sql: ${TABLE}.x ;; } }
                view: child {
                  extends: [base]
                  sql_table_name: ${EXTENDED} ;;
                  dimension: x { sql: COALESCE(${EXTENDED}, 0) ;; }
                }
            """,
        }
    )
    child = project.models["m"].views["child"]
    assert child.sql_table_name == "base_table"
    assert child.fields["x"].sql == "COALESCE(${TABLE}.x, 0)"


def test_refinements_apply_in_include_order_and_filters_add_up(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": 'connection: "db"\ninclude: "/views/orders.view.lkml"\n'
            'include: "/refine/first.lkml"\ninclude: "/refine/second.lkml"\nexplore: orders {}',
            "views/orders.view.lkml": """
                view: orders {
                  sql_table_name: orders ;;
                  dimension: id { primary_key: yes }
                  dimension: status { sql: ${TABLE}.status ;; }
                  measure: complete_count { type: count filters: [status: "complete"] }
                }
            """,
            "refine/first.lkml": """
                view: +orders {
                  dimension: status { sql: LOWER(${TABLE}.status) ;; }
                  measure: complete_count { filters: [id: ">0"] }
                }
            """,
            "refine/second.lkml": """
                view: +orders {
                  dimension: status { sql: UPPER(${TABLE}.status) ;; }
                  dimension: added { sql: 1 ;; }
                }
            """,
        }
    )
    view = project.models["m"].views["orders"]
    assert view.fields["status"].sql == "UPPER(${TABLE}.status)"
    assert view.fields["status"].location.file == "refine/second.lkml"
    assert [(c.field, c.expression) for c in view.fields["complete_count"].filters] == [
        ("status", "complete"),
        ("id", ">0"),
    ]
    assert "added" in view.fields
    assert [r.file for r in view.refined_at] == ["refine/first.lkml", "refine/second.lkml"]
    assert project.errors == ()


def test_refinement_in_another_model_does_not_leak(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "a.model.lkml": 'connection: "db"\ninclude: "/views/*.view.lkml"\ninclude: "/refine.lkml"',
            "b.model.lkml": 'connection: "db"\ninclude: "/views/*.view.lkml"',
            "views/orders.view.lkml": "view: orders { dimension: status { sql: ${TABLE}.status ;; } }",
            "refine.lkml": "view: +orders { dimension: status { sql: 'refined' ;; } }",
        }
    )
    assert project.models["a"].views["orders"].fields["status"].sql == "'refined'"
    assert project.models["b"].views["orders"].fields["status"].sql == "${TABLE}.status"


def test_four_step_order_with_extends_inside_refinements(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL,
            "views/v.view.lkml": """
                view: own_parent { dimension: a { sql: 'own_parent' ;; } dimension: b { sql: 'own_parent' ;; }
                                   dimension: c { sql: 'own_parent' ;; } }
                view: refinement_parent { dimension: a { sql: 'refinement_parent' ;; }
                                          dimension: b { sql: 'refinement_parent' ;; } }
                view: target { extends: [own_parent] dimension: a { sql: 'target' ;; } }
                view: +target { extends: [refinement_parent] }
            """,
        }
    )
    fields = project.models["m"].views["target"].fields
    assert fields["a"].sql == "'target'"  # the object beats every parent
    assert fields["b"].sql == "'refinement_parent'"  # refinement parents outrank own parents
    assert fields["c"].sql == "'own_parent'"


def test_refinement_after_final_is_an_error(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL,
            "views/v.view.lkml": """
                view: orders { dimension: x {} }
                view: +orders { final: yes dimension: y {} }
                view: +orders { dimension: z {} }
            """,
        }
    )
    [error] = project.errors
    assert "final: yes" in error.message
    assert error.location.line == 3


def test_circular_and_unknown_extends_are_errors(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL,
            "views/v.view.lkml": """
                view: a { extends: [b] }
                view: b { extends: [a] }
                view: c { extends: [missing] }
            """,
        }
    )
    messages = sorted(d.message for d in project.errors)
    assert any(m.startswith("circular extends:") for m in messages)
    assert any("extends unknown view 'missing'" in m for m in messages)


def test_explore_extends_and_joins_add_up(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL
            + """
                explore: orders_base {
                  extension: required
                  view_name: orders
                  join: users { sql_on: ${orders.user_id} = ${users.id} ;; relationship: many_to_one }
                }
                explore: orders {
                  extends: [orders_base]
                  join: items { from: order_items type: inner relationship: one_to_many
                                sql_on: ${orders.id} = ${items.order_id} ;; }
                }
                explore: +orders { join: users { type: full_outer } }
            """,
            "views/v.view.lkml": """
                view: orders { dimension: id { primary_key: yes } dimension: user_id {} }
                view: users { dimension: id { primary_key: yes } }
                view: order_items { dimension: id { primary_key: yes } dimension: order_id {} }
            """,
        }
    )
    explore = project.models["m"].explores["orders"]
    assert [j.name for j in explore.joins] == ["users", "items"]
    users = explore.join("users")
    assert users is not None and users.type == "full_outer" and users.relationship == "many_to_one"
    items = explore.join("items")
    assert items is not None and items.view == "order_items"
    assert explore.view == "orders" and explore.view_name == "orders"
    assert project.errors == ()
