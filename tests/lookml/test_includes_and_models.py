"""Includes (relative, absolute, globs), model visibility and local dependencies."""

from __future__ import annotations

from pathlib import Path

from helpers import ProjectFactory, write_files
from pytest_looker.lookml import load_project
from pytest_looker.lookml.syntax import parse_lookml, parse_with_lkml

VIEW = """
view: {name} {{
  sql_table_name: public.{name} ;;
  dimension: id {{ primary_key: yes type: number sql: ${{TABLE}}.id ;; }}
}}
"""


def test_each_model_sees_only_what_it_includes(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "a.model.lkml": 'connection: "db"\ninclude: "/views/*.view.lkml"\nexplore: orders {}',
            "b.model.lkml": 'connection: "db"\ninclude: "views/users.view.lkml"\nexplore: users {}',
            "views/orders.view.lkml": VIEW.format(name="orders"),
            "views/users.view.lkml": VIEW.format(name="users"),
        }
    )
    assert set(project.models["a"].views) == {"orders", "users"}
    assert set(project.models["b"].views) == {"users"}
    assert project.errors == ()


def test_double_star_glob_relative_paths_and_legacy_patterns(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "models/m.model.lkml": """
                connection: "db"
                include: "../views/**/*.view.lkml"
                include: "local*.view"
                explore: deep {}
                explore: local_one {}
            """,
            "models/local_one.view.lkml": VIEW.format(name="local_one"),
            "views/a/b/deep.view.lkml": VIEW.format(name="deep"),
            "views/top.view.lkml": VIEW.format(name="top"),
        }
    )
    model = project.models["m"]
    assert set(model.views) == {"deep", "top", "local_one"}
    assert model.files[-1] == "models/m.model.lkml"
    assert project.errors == ()


def test_single_star_does_not_cross_directories(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": 'connection: "db"\ninclude: "/views/*.view.lkml"',
            "views/top.view.lkml": VIEW.format(name="top"),
            "views/sub/hidden.view.lkml": VIEW.format(name="hidden"),
        }
    )
    assert set(project.models["m"].views) == {"top"}


def test_include_matching_nothing_is_reported_at_its_line(lookml: ProjectFactory) -> None:
    project = lookml({"m.model.lkml": 'connection: "db"\n\ninclude: "/nowhere/*.view.lkml"\n'})
    [warning] = project.warnings
    assert "matches no file" in warning.message
    assert (warning.location.file, warning.location.line) == ("m.model.lkml", 3)


def test_each_include_is_reported_at_its_own_line(lookml: ProjectFactory) -> None:
    """looker-open-source/block-square: the third of six includes matches nothing; the warning
    was put at the first include's line."""
    model = (
        'connection: "db"\ninclude: "/views/*.view.lkml"\ninclude: ["/views/top.view.lkml"]\n'
        'include: "/nowhere/*.view.lkml"\ninclude: "/also_nowhere/*.view.lkml"'
    )
    project = lookml({"m.model.lkml": model, "views/top.view.lkml": VIEW.format(name="top")})
    lines = sorted((w.location.line, w.message.split("'")[1]) for w in project.warnings if "matches no" in w.message)
    assert lines == [(4, "/nowhere/*.view.lkml"), (5, "/also_nowhere/*.view.lkml")]


def test_both_readers_record_the_line_of_each_repeated_value() -> None:
    text = 'include: "a"\ninclude: ["b", "c"]\nview: v {\n  dimension: d {}\n}\ninclude: "e"\n'
    fast = parse_lookml(text).tree
    slow = parse_with_lkml(text).tree
    assert fast["$each_line"]["include"] == slow["$each_line"]["include"] == [1, 2, 2, 6]
    assert fast["include"] == slow["include"] == ["a", "b", "c", "e"]


def test_local_dependency_with_overridden_constant(tmp_path: Path) -> None:
    write_files(
        tmp_path / "shared_lib",
        {
            "manifest.lkml": 'project_name: "shared_lib"\nconstant: schema { value: "lib" export: override_optional }',
            "views/customers.view.lkml": "view: customers { sql_table_name: @{schema}.customers ;; }",
        },
    )
    root = write_files(
        tmp_path / "main",
        {
            "manifest.lkml": """
                project_name: "main"
                local_dependency: {
                  project: "shared_lib"
                  override_constant: schema { value: "analytics" }
                }
            """,
            "m.model.lkml": 'connection: "db"\ninclude: "//shared_lib/views/*.view.lkml"\nexplore: customers {}',
        },
    )
    project = load_project(root, dependency_paths=[tmp_path], cache_dir=None)
    view = project.models["m"].views["customers"]
    assert view.sql_table_name == "analytics.customers"
    assert view.location.file == "//shared_lib/views/customers.view.lkml"
    assert project.errors == ()


def test_missing_local_dependency_is_an_error(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "manifest.lkml": 'project_name: "x"\nlocal_dependency: { project: "ghost" }',
            "m.model.lkml": 'connection: "db"\ninclude: "//ghost/*.view.lkml"',
        }
    )
    messages = [d.message for d in project.errors]
    assert len(messages) == 1 and "local_dependency 'ghost' not found" in messages[0]


def test_include_of_an_undeclared_project_is_an_error(lookml: ProjectFactory) -> None:
    project = lookml({"m.model.lkml": 'connection: "db"\ninclude: "//ghost/*.view.lkml"'})
    [error] = project.errors
    assert "names project 'ghost', which is not a local_dependency" in error.message
    assert error.location.line == 2
