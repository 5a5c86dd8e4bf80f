"""Bad LookML gives diagnostics naming file:line, and the rest of the project still loads."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ProjectFactory
from pytest_looker.lookml.syntax import parse_lookml

MODEL = 'connection: "db"\ninclude: "/views/*.view.lkml"\n'
GOOD_VIEW = "view: good {\n  dimension: id { primary_key: yes }\n}\n"


def messages(project: object) -> list[str]:
    return [str(d) for d in project.diagnostics]  # type: ignore[attr-defined]


def test_syntax_error_names_file_and_line_and_the_rest_loads(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: good {}",
            "views/good.view.lkml": GOOD_VIEW,
            "views/broken.view.lkml": "view: broken {\n  dimension: x {\n    sql: ${TABLE}.x ;;\n",
        }
    )
    [error] = project.errors
    assert error.location.file == "views/broken.view.lkml"
    assert error.location.line == 2 and "syntax error" in error.message  # the innermost open block
    assert "good" in project.models["m"].explores


def test_duplicate_names_are_errors(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL,
            "views/a.view.lkml": GOOD_VIEW + "view: twice { dimension: x {} dimension: x {} }\n",
            "views/b.view.lkml": GOOD_VIEW,
        }
    )
    text = messages(project)
    assert any("views/b.view.lkml:1" in m and "view 'good' is defined more than once" in m for m in text)
    assert any("field twice.x is defined more than once" in m for m in text)


def test_repeated_parameter_inside_a_block(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL,
            "views/a.view.lkml": "view: a {\n  dimension: x {\n    sql: 1 ;;\n    sql: 2 ;;\n  }\n}",
            "views/good.view.lkml": GOOD_VIEW,
        }
    )
    [error] = project.errors
    assert (error.location.file, error.location.line) == ("views/a.view.lkml", 4)
    assert "'sql' is declared twice" in error.message
    assert "good" in project.models["m"].views


def test_a_stray_semicolon_is_a_syntax_error_not_a_hang(lookml: ProjectFactory) -> None:
    project = lookml({"m.model.lkml": MODEL, "views/a.view.lkml": 'view: a {\n  label: "x";\n}'})
    [error] = project.errors
    assert (error.location.line, error.message) == (2, "syntax error: Unexpected character ';' on line 2")


def test_unknown_references(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL
            + """
                explore: orders {
                  join: users { sql_on: ${orders.user_id} = ${users.nope} ;; }
                  join: ghosts { sql_on: ${orders.id} = ${ghosts.id} ;; }
                  join: strangers { sql_on: ${elsewhere.id} = ${strangers.id} ;; from: users }
                }
            """,
            "views/v.view.lkml": """
                view: orders {
                  dimension: id { primary_key: yes }
                  dimension: user_id {}
                  dimension: bad { sql: ${missing} + ${users.gone} + ${nowhere.x} ;; }
                  measure: filtered { type: count filters: [stat: "x"] }
                }
                view: users { dimension: id { primary_key: yes } }
            """,
        }
    )
    text = "\n".join(messages(project))
    assert "unknown field 'missing' in view 'orders'" in text
    assert "unknown field users.gone" in text
    assert "unknown view 'nowhere'" in text
    assert "filter on 'stat'" in text
    assert "join 'users': unknown field users.nope" in text
    assert "joins unknown view 'ghosts'" in text
    assert "references 'elsewhere', which is not in explore 'orders'" in text
    assert "views/v.view.lkml:4" in text  # the field `bad`, at its own line


def test_fanout_join_to_view_without_primary_key_is_a_warning(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL
            + """
                explore: orders {
                  join: items { relationship: one_to_many sql_on: ${orders.id} = ${items.order_id} ;; }
                  join: users { relationship: many_to_one sql_on: ${orders.user_id} = ${users.id} ;; }
                  join: user_facts { relationship: one_to_one sql_on: ${users.id} = ${user_facts.user_id} ;; }
                }
            """,
            "views/v.view.lkml": """
                view: orders { dimension: id {} dimension: user_id {} measure: total { type: sum sql: 1 ;; } }
                view: items { dimension: id { primary_key: yes } dimension: order_id {} }
                view: users { dimension: id { primary_key: yes } }
                view: user_facts { dimension: user_id {} measure: lifetime { type: sum sql: 1 ;; } }
            """,
        }
    )
    warnings = [w.message for w in project.warnings]
    assert any("join 'items' can fan out view 'orders'" in w for w in warnings)
    # a chain: many_to_one then one_to_one fans out the second view as well
    assert any("can fan out view 'user_facts'" in w for w in warnings)
    assert project.errors == ()


def test_extension_required_cannot_be_queried(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: abstract {}\nexplore: good { join: abstract { sql_on: 1=1 ;; } }",
            "views/v.view.lkml": GOOD_VIEW + "view: abstract { extension: required dimension: x {} }",
        }
    )
    text = "\n".join(messages(project))
    assert "explore 'abstract' is based on view 'abstract', which has extension: required" in text
    assert "joins view 'abstract', which has extension: required" in text


def test_repeated_top_level_keys_are_kept(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "manifest.lkml": """
                project_name: "p"
                visualization: { id: "one" file: "a.js" }
                visualization: { id: "two" file: "b.js" }
                project_name: "p2"
            """,
            "m.model.lkml": MODEL,
        }
    )
    raw = project.manifest.raw
    assert [v["id"] for v in raw["visualization"]] == ["one", "two"]
    assert raw["$repeated"]["project_name"] == ["p", "p2"]
    assert any("'project_name' is declared again" in w.message for w in project.warnings)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=string.printable + "{}:;$@'\"[]", max_size=200))
def test_no_text_makes_the_parser_raise(text: str) -> None:
    parsed = parse_lookml(text)
    assert isinstance(parsed.tree, dict)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cut=st.integers(min_value=0, max_value=400),
    noise=st.sampled_from(["", "}", "{", ";;", ";", "${", "@{x}", ":", '"']),
)
def test_truncated_and_corrupted_projects_load_without_raising(lookml: ProjectFactory, cut: int, noise: str) -> None:
    view = (
        "view: orders {\n  sql_table_name: t ;;\n  dimension: id { primary_key: yes sql: ${TABLE}.id ;; }\n"
        "  dimension_group: created { type: time sql: ${TABLE}.c ;; }\n"
        '  measure: n { type: count filters: [id: ">1"] }\n}\n'
        "view: +orders { extends: [orders] }\n"
    )
    broken = view[:cut] + noise + view[cut:]
    project = lookml(
        {
            "m.model.lkml": MODEL + "explore: orders { join: x { sql_on: ${orders.id} ;; } }",
            "views/v.view.lkml": broken,
        }
    )
    assert "m" in project.models


def test_a_block_left_open_is_reported_where_it_went_wrong_not_at_the_end(lookml: ProjectFactory) -> None:
    # A `{` typed after a value (`type: number {`) shifts every brace after it; lkml only says
    # "<stream end>" at the last line. The brace whose `}` is indented for another block is it.
    extra = "view: a {\n  dimension: b {\n    type: number {\n    sql: ${TABLE}.b ;;\n  }\n  dimension: c {}\n}\n"
    project = lookml({"m.model.lkml": MODEL, "views/a.view.lkml": extra})
    [error] = project.errors
    assert error.location.line == 3 and "the '{' on line 3 is one too many" in error.message
    missing = "view: a {\n  dimension: b {\n    sql: ${TABLE}.b ;;\n"
    project = lookml({"m.model.lkml": MODEL, "views/a.view.lkml": missing})
    [error] = project.errors
    assert error.location.line == 2 and "the '{' on line 2 is never closed" in error.message
