"""`validate` counts failing fields and groups them by root cause, each with its fix."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from click.testing import CliRunner

from helpers import write_files
from pytest_looker.checks.causes import diagnose, group_failures, message_of
from pytest_looker.checks.validation import Failure
from pytest_looker.cli import main
from pytest_looker.compile.rejected import REJECTED_TOO

FILES = {
    "pyproject.toml": """
        [tool.pytest-looker]
        project = "."
        seeds = "seeds"
    """,
    "seeds/main/orders.csv": "id,amount,status\n1,10,a\n2,20,b\n",
    "m.model.lkml": """
        connection: "db"
        include: "*.view.lkml"
        explore: orders {}
        explore: regional { from: regional }
        explore: archived {}
    """,
    "orders.view.lkml": """
        view: orders {
          sql_table_name: main.orders ;;
          dimension: id { primary_key: yes type: number }
          dimension: status {}
          measure: total { type: sum sql: ${TABLE}.amount ;; }
          measure: broken { type: number sql: ${total} + ${no_such_field} ;; }
          measure: uses_broken { type: number sql: ${broken} * 2 ;; }
        }
    """,
    "regional.view.lkml": """
        view: regional {
          sql_table_name: {{ _user_attributes['region'] }}.orders ;;
          dimension: id { primary_key: yes type: number }
          dimension: status {}
          measure: count { type: count }
        }
    """,
    "archived.view.lkml": """
        view: archived {
          sql_table_name: main.archived_orders ;;
          dimension: id { primary_key: yes type: number }
          measure: count { type: count }
        }
    """,
}


def validate_json(root: Path) -> dict[str, object]:
    result = CliRunner().invoke(main, ["validate", "--project", str(root), "--format", "json"])
    assert result.exit_code == 1, result.output
    report: dict[str, object] = json.loads(result.stdout)
    return report


def test_failures_are_counted_per_field_and_grouped_by_cause(tmp_path: Path) -> None:
    root = write_files(tmp_path, FILES)
    report = validate_json(root)
    assert report["fields"] == 10
    assert report["failed_fields"] == 7  # 2 broken measures, 3 regional fields, 2 archived fields
    causes = {c["summary"]: c for c in report["causes"]}  # type: ignore[union-attr]
    attribute = causes["user attribute 'region' is not set"]
    assert (attribute["kind"], attribute["fields"]) == ("configuration", 3)
    assert attribute["fix"] == "set user_attributes.region in [tool.pytest-looker] (or --user-attribute region=VALUE)"
    table = causes["table archived_orders has no data offline"]
    assert (table["kind"], table["fields"], table["explores"]) == ("data", 2, ["m/archived"])
    broken = [c for c in report["causes"] if c["kind"] == "lookml"]  # type: ignore[union-attr]
    assert len(broken) == 1 and broken[0]["fields"] == 2  # the measure and the one that uses it
    assert "no_such_field" in broken[0]["summary"]


def test_text_report_shows_each_cause_once_with_its_fix(tmp_path: Path) -> None:
    root = write_files(tmp_path, FILES)
    result = CliRunner().invoke(main, ["validate", "--project", str(root)])
    assert result.exit_code == 1
    out = result.stdout
    assert out.count("[configuration] user attribute 'region' is not set") == 1
    assert "fix: set user_attributes.region in [tool.pytest-looker]" in out
    assert "10 fields: 3 validate, 7 fail (70.0%) for 3 causes" in out


def failure(message: str, field: str = "orders.x", count: int = 1) -> Failure:
    return Failure("m", "e", field, "v.view.lkml", 3, message, count)


def test_messages_lose_repeated_context() -> None:
    text = "orders.x: orders.x: Liquid error at line 1: boom"
    assert message_of(failure(text)) == "Liquid error at line 1: boom"
    assert message_of(failure("every field fails: orders.x: boom\n\nLINE 1: SELECT")) == "boom"


def test_kinds_of_database_errors() -> None:
    assert diagnose('Binder Error: Table "users" does not have a column named "plan"')[:2] == (
        "data",
        "the data of table users has no column plan",
    )
    kind, summary, _ = diagnose('Binder Error: Values list "dt" does not have a column named "x"')
    assert kind == "lookml" and "derived table" in summary
    # A routine of a warehouse dataset (mozilla's mozfun UDFs) is the user's to define for DuckDB.
    kind, summary, fix = diagnose('Catalog Error: Scalar Function with name "mozfun.map.get_key" does not exist!')
    assert kind == "configuration" and "user-defined function" in summary
    assert fix and "duckdb_setup" in fix and "CREATE MACRO mozfun.map.get_key" in fix
    kind, summary, fix = diagnose("Catalog Error: Scalar Function with name lax_int64 does not exist!")
    assert kind == "translation" and summary.startswith("translation limit") and fix and "CREATE TEMP MACRO" in fix
    assert diagnose("translation limit (mysql to duckdb): the query uses …")[0] == "translation"
    kind, summary, _ = diagnose("Catalog Error: Scalar Function with name offset_list does not exist!")
    assert kind == "lookml" and "table calculation" in summary  # Looker expression function in SQL
    assert diagnose("Binder Error: UNNEST requires a single list or array as input")[0] == "data"
    # Nested data the seeds do not have (a plain column, a struct without the key): the data's.
    assert diagnose("Binder Error: UNNEST() can only be applied to lists, structs and NULL, not VARCHAR")[0] == "data"
    assert diagnose('Binder Error: Could not find key "browser" in struct')[0] == "data"
    kind, summary, fix = diagnose(
        "An error occurred while trying to automatically install the required extension 'inet:\nFailed to download"
    )
    assert kind == "translation" and "'inet' extension" in summary and fix and "INSTALL inet" in fix


def test_an_explore_wide_failure_counts_every_field() -> None:
    causes = group_failures([failure("every field fails: boom", field="*", count=12), failure("boom")])
    assert len(causes) == 1 and causes[0].fields == 13


def test_a_typo_in_a_join_is_reported_at_the_join(tmp_path: Path) -> None:
    """The fields that need the join fail; the cause says where the typo is (the join), not only
    where the fields it breaks are defined."""
    files = dict(FILES)
    files["m.model.lkml"] = """
        connection: "db"
        include: "*.view.lkml"
        explore: orders {
          join: archived {
            sql_on: ${orders.id} = ${archived.idd} ;;
            relationship: one_to_one
          }
        }
    """
    root = write_files(tmp_path, files)
    result = CliRunner().invoke(main, ["validate", "--project", str(root), "--explores", "m/orders"])
    lines = result.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if "unknown field archived.idd" in line)
    assert "(did you mean 'id'?)" in lines[head]
    assert lines[head + 1].strip() == "at m.model.lkml:4"  # the join, where the typo is
    assert "archived.view.lkml:4: m/orders archived.count" in result.stdout  # a field it breaks
    report = json.loads(CliRunner().invoke(main, ["validate", "--project", str(root), "--format", "json"]).stdout)
    [cause] = [c for c in report["causes"] if "archived.idd" in c["summary"]]
    assert cause["at"] == ["m.model.lkml:4"]


BIGQUERY = {
    "pyproject.toml": """
        [tool.pytest-looker]
        project = "."
        seeds = "seeds"
        dialect = "bigquery"
    """,
    "seeds/main/orders.csv": "id,amount,status\n1,10,a\n2,20,b\n",
    "m.model.lkml": """
        connection: "db"
        include: "*.view.lkml"
        explore: metrics {}
        explore: orders {}
        explore: nested {}
    """,
    "metrics.view.lkml": """
        view: metrics {
          parameter: metric { type: unquoted }
          derived_table: { sql: SELECT id, {% parameter metric %} AS value FROM main.orders ;; }
          dimension: id { primary_key: yes type: number }
          measure: total { type: sum sql: ${TABLE}.value ;; }
        }
    """,
    "orders.view.lkml": """
        view: orders {
          derived_table: { sql: SELECT id, status FROM main.orders ;; }
          dimension: id { primary_key: yes type: number }
          dimension: trimmed { sql: TRIM(${TABLE}.status ;; }
          dimension: nope { sql: ${TABLE}.nope ;; }
        }
    """,
    "nested.view.lkml": """
        view: nested {
          derived_table: { sql: SELECT t.id, t.name FROM (SELECT * FROM main.orders) AS t ;; }
          dimension: id { primary_key: yes type: number }
          dimension: name {}
        }
    """,
}


def test_a_column_typo_after_scaffolding_is_the_lookmls_and_a_new_column_is_data(tmp_path: Path) -> None:
    # Planted on the Zendesk block: ${TABLE}.name became ${TABLE}.nmae after `scaffold data`.
    # The seed has `name`, one keystroke away: a typo to fix, not a column to add (re-scaffolding
    # would seed the typo and hide it). A name with no near neighbour is a column the seed lacks.
    view = """
        view: brands {
          sql_table_name: main.brands ;;
          dimension: id { primary_key: yes type: number }
          dimension: name { sql: ${TABLE}.name ;; }
        }
    """
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": '[tool.pytest-looker]\nproject = "."\nseeds = "seeds"\n',
            "m.model.lkml": 'connection: "db"\ninclude: "*.view.lkml"\nexplore: brands {}\n',
            "brands.view.lkml": view,
        },
    )
    assert CliRunner().invoke(main, ["scaffold", "data", "--project", str(root)]).exit_code == 0
    planted = view.replace("${TABLE}.name ;;", "${TABLE}.nmae ;; }\n dimension: added { sql: ${TABLE}.created_at ;;")
    (root / "brands.view.lkml").write_text(planted)
    causes = {c["summary"]: c for c in validate_json(root)["causes"]}  # type: ignore[union-attr]
    typo = causes["table brands has no column nmae, but has name: a typo in the LookML?"]
    assert (typo["kind"], typo["fields"]) == ("lookml", 1) and typo["fix"].startswith("write name")
    assert causes["the data of table brands has no column created_at"]["kind"] == "data"


def test_a_struct_key_one_typo_from_a_seeded_key_is_the_lookmls() -> None:
    # The Workspace usage view's num_owned_other_types{% parameter action %} (no underscore).
    seeded = ['STRUCT("num_owned_other_types_created" DOUBLE, "num_owned_other_types_added" DOUBLE)']
    failure = Failure(
        "m",
        "usage",
        "usage.other",
        "v.view.lkml",
        3,
        'Binder Error: Could not find key "num_owned_other_typescreated" in struct\n\n'
        'Candidate Entries: "num_owned_other_types_created", "num_owned_other_types_added"',
    )
    (cause,) = group_failures([failure], seeded_types=seeded)
    assert cause.kind == "lookml" and "but has num_owned_other_types_created" in cause.summary
    far = dataclasses.replace(failure, message=failure.message.replace("typescreated", "files_created"))
    (cause,) = group_failures([far], seeded_types=seeded)
    assert cause.kind == "data"


def test_whose_problem_each_bigquery_failure_is(tmp_path: Path) -> None:
    """A parameter without value that leaves SQL unparsable is the run's configuration; a syntax
    error is the user's and does not read as a translation problem; a column missing behind a
    subquery's ``SELECT *`` is the data's, one missing from the derived table's own SELECT the
    LookML's."""
    root = write_files(tmp_path, BIGQUERY)
    causes = {c["summary"]: c for c in validate_json(root)["causes"]}  # type: ignore[union-attr]
    empty = causes["parameter metrics.metric has no value, and the SQL does not parse without one"]
    assert (empty["kind"], empty["fields"]) == ("configuration", 2)
    assert empty["fix"] == "set parameters.metrics.metric in [tool.pytest-looker] (or --parameter metrics.metric=VALUE)"
    [syntax] = [c for c in causes.values() if "is not valid" in c["summary"]]
    assert syntax["kind"] == "lookml" and "is not valid bigquery SQL" in syntax["summary"]
    assert "duckdb" not in syntax["summary"] and "transpile" not in syntax["summary"]
    assert causes["orders has no column nope: its derived table's SELECT does not return it"]["kind"] == "lookml"
    behind = causes["column name is missing from the data behind t, a subquery of a derived table"]
    assert (behind["kind"], behind["fields"]) == ("data", 2)  # every field of the explore
    given = CliRunner().invoke(
        main, ["validate", "--project", str(root), "--explores", "m/metrics", "--parameter", "metrics.metric=amount"]
    )
    assert given.exit_code == 0, given.output


def test_a_key_missing_from_a_struct_the_sql_builds_is_the_lookmls(tmp_path: Path) -> None:
    """DuckDB says "Could not find key" both for a seeded struct the scaffold typed too narrowly
    (ours) and for a ``STRUCT(…)`` the derived SQL builds without that field (BigQuery rejects it
    too): the scaffold's recorded types tell which."""
    files = {
        "pyproject.toml": '[tool.pytest-looker]\nproject = "."\nseeds = "seeds"\ndialect = "bigquery"\n',
        "m.model.lkml": 'connection: "db"\ninclude: "*.view.lkml"\nexplore: packed {}\n',
        "packed.view.lkml": """
            view: packed {
              derived_table: {
                sql: SELECT id, STRUCT(status AS state, amount AS total) AS info FROM ds.orders ;;
              }
              dimension: id { primary_key: yes type: number }
              dimension: state { sql: ${TABLE}.info.state ;; }
              dimension: wrong { sql: ${TABLE}.info.nope ;; }
            }
        """,
    }
    root = write_files(tmp_path, files)
    scaffold = CliRunner().invoke(main, ["scaffold", "data", "--project", str(root), "--seeds", str(root / "seeds")])
    assert scaffold.exit_code == 0, scaffold.output
    report = validate_json(root)
    assert report["failed_fields"] == 1
    [cause] = report["causes"]  # type: ignore[misc]
    assert cause["kind"] == "lookml"
    assert cause["summary"] == "the STRUCT built by the SQL has no field nope"
    assert "closest: state" in cause["fix"]
    # The same error from a struct of the seeds is the data's.
    message = failure('Binder Error: Could not find key "nope" in struct\n\nCandidate Entries: "state", "total"')
    [seeded] = group_failures([message], seeded_types=['STRUCT("state" VARCHAR, "total" DOUBLE)'])
    assert seeded.kind == "data"


def test_every_parameter_without_value_is_named_in_the_fix() -> None:
    message = (
        "no value for parameter v.slug, v.metric (it pastes nothing, and then the SQL is not valid bigquery SQL: x)"
    )
    kind, summary, fix = diagnose(message)
    assert (kind, summary) == (
        "configuration",
        "parameter v.slug, v.metric has no value, and the SQL does not parse without one",
    )
    assert fix == (
        "set parameters.v.slug and parameters.v.metric in [tool.pytest-looker]"
        " (or --parameter v.slug=VALUE --parameter v.metric=VALUE)"
    )


def test_a_date_function_over_text_the_sql_makes_is_the_lookmls(tmp_path: Path) -> None:
    """llooker/ga_four_block_dev: a native derived table passes on ``session_end_time``, and
    Looker's BigQuery ``_time`` is ``FORMAT_TIMESTAMP('%F %T', x)``, a STRING; TIMESTAMP_DIFF over
    it (through a LAG window) fails on BigQuery too, which converts only a string *literal* to a
    timestamp. The same function over a table's column that the seeds hold as text stays ours."""
    files = {
        "pyproject.toml": '[tool.pytest-looker]\nproject = "."\nseeds = "seeds"\ndialect = "bigquery"\n',
        "m.model.lkml": """
            connection: "db"
            include: "*.view.lkml"
            explore: sessions {
              join: previous {
                sql_on: ${sessions.id} = ${previous.id} ;;
                relationship: one_to_one
              }
            }
            explore: raw_text {}
        """,
        "sessions.view.lkml": """
            view: sessions {
              sql_table_name: ds.sessions ;;
              dimension: id { primary_key: yes type: number }
              dimension: user_id { type: number }
              dimension_group: session_end { type: time timeframes: [raw, time] sql: ${TABLE}.ended_at ;; }
            }
            view: previous {
              derived_table: {
                explore_source: sessions {
                  column: id {}
                  column: user_id {}
                  column: session_end_time {}
                  derived_column: prev_end_time {
                    sql: LAG(session_end_time) OVER (PARTITION BY user_id ORDER BY session_end_time) ;;
                  }
                }
              }
              dimension: id { primary_key: yes type: number }
              dimension: hours_between {
                type: number
                sql: TIMESTAMP_DIFF(${TABLE}.session_end_time, ${TABLE}.prev_end_time, HOUR) ;;
              }
            }
            view: raw_text {
              sql_table_name: ds.raw_text ;;
              dimension: id { primary_key: yes type: number }
              dimension: stamp { type: string }
              dimension: hours { type: number sql: TIMESTAMP_DIFF(${stamp}, ${stamp}, HOUR) ;; }
            }
        """,
    }
    root = write_files(tmp_path, files)
    scaffold = CliRunner().invoke(main, ["scaffold", "data", "--project", str(root), "--seeds", str(root / "seeds")])
    assert scaffold.exit_code == 0, scaffold.output
    (root / "seeds" / "ds" / "raw_text.csv").write_text("id,stamp\n1,soon\n")  # text, as a user may seed
    report = validate_json(root)
    causes = {c["kind"]: c for c in report["causes"]}  # type: ignore[union-attr]
    assert report["failed_fields"] == 2, report["causes"]
    genuine = causes["lookml"]
    assert genuine["summary"].startswith("the warehouse rejects this SQL too: TIMESTAMP_DIFF reads")
    assert "FORMAT_TIMESTAMP" in genuine["summary"] and "_raw" in genuine["fix"]
    assert causes["data"]["fields"] == 1  # the table's text column: the seeds' type, not the SQL's


def test_arithmetic_on_fields_the_lookml_declares_text_is_the_lookmls(tmp_path: Path) -> None:
    """mozilla/looker-hub's nested views: ``${accounts_events.document_id}-${label}`` on two
    fields stated ``type: string`` (document_id through a field that is exactly that reference):
    BigQuery has no ``-`` for STRING either. The same ``-`` on fields without ``type:`` proves
    nothing (a number shown as a string is common) and stays the data's."""
    files = {
        "pyproject.toml": '[tool.pytest-looker]\nproject = "."\nseeds = "seeds"\ndialect = "bigquery"\n',
        "seeds/ds/events.csv": "document_id,label_key,other\nabc-1,web,x\n",
        "m.model.lkml": 'connection: "db"\ninclude: "*.view.lkml"\nexplore: events {}\n',
        "events.view.lkml": """
            view: events {
              sql_table_name: ds.events ;;
              dimension: document_id { primary_key: yes sql: ${TABLE}.document_id ;; }
              dimension: document { type: string sql: ${events.document_id} ;; }
              dimension: label { type: string sql: ${TABLE}.label_key ;; }
              dimension: document_label_id { type: string sql: ${events.document_id}-${label} ;; }
              dimension: other { sql: ${TABLE}.other ;; }
              dimension: difference { sql: ${document_id} - ${other} ;; }
            }
        """,
    }
    report = validate_json(write_files(tmp_path, files))
    causes = {c["kind"]: c for c in report["causes"]}  # type: ignore[union-attr]
    assert report["failed_fields"] == 2 and set(causes) == {"lookml", "data"}
    genuine = causes["lookml"]
    assert genuine["summary"].startswith("the warehouse rejects this SQL too: - of ${events.document_id} and ${label}")
    assert genuine["fields"] == 1 and "CONCAT" in genuine["fix"]
    assert causes["data"]["fields"] == 1  # difference: its fields state no type


def test_a_case_mixing_a_number_and_text_is_a_translation_limit_on_snowflake(tmp_path: Path) -> None:
    """Snowflake converts a CASE's results to one type (a number wins, as documented for
    COALESCE); DuckDB refuses to mix BIGINT and VARCHAR columns, whose types the translation
    cannot see: the translation's limit, not the data's. BigQuery has no such conversion."""
    view = """
        view: bottles {
          sql_table_name: s.bottles ;;
          dimension: id { primary_key: yes type: number }
          dimension: ref { sql: CASE WHEN ${TABLE}.id > 1 THEN ${TABLE}.id ELSE ${TABLE}.code END ;; }
        }
    """
    kinds = {}
    for dialect in ("snowflake", "bigquery"):
        files = {
            "pyproject.toml": f'[tool.pytest-looker]\nproject = "."\nseeds = "seeds"\ndialect = "{dialect}"\n',
            "seeds/s/bottles.csv": "id,code\n1,x12\n2,y7\n",
            "m.model.lkml": 'connection: "db"\ninclude: "*.view.lkml"\nexplore: bottles {}\n',
            "bottles.view.lkml": view,
        }
        [cause] = validate_json(write_files(tmp_path / dialect, files))["causes"]  # type: ignore[misc]
        kinds[dialect] = (cause["kind"], cause["summary"])
    assert kinds["snowflake"][0] == "translation"
    assert "DuckDB does not mix" in kinds["snowflake"][1] and "BIGINT" in kinds["snowflake"][1]
    assert kinds["bigquery"][0] == "data"


def test_what_a_missing_dependency_would_provide_is_not_blamed_on_the_lookml(tmp_path: Path) -> None:
    """bcgov's Snowplow block imports ``cmslite_metadata`` (a local_dependency that is not
    there): ``cmslite_themes`` extends its ``themes``, an explore joins its ``metadata``. The
    fields they would provide are the dependency's; a typo in a complete view stays the LookML's."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": '[tool.pytest-looker]\nproject = "."\nseeds = "seeds"\n',
            "manifest.lkml": 'project_name: "web"\nlocal_dependency: { project: "cmslite_metadata" }\n',
            "seeds/main/pages.csv": "id,node_id\n1,a\n",
            "seeds/main/themes.csv": "id\n1\n",
            "m.model.lkml": """
                connection: "db"
                include: "*.view.lkml"
                include: "//cmslite_metadata/*.view.lkml"
                explore: pages {
                  join: cmslite_themes {
                    sql_on: ${pages.node_id} = ${cmslite_themes.node_id} ;;
                    relationship: many_to_one
                  }
                }
                explore: forms { from: pages join: metadata { sql_on: 1 = 1 ;; relationship: many_to_one } }
            """,
            "v.view.lkml": """
                view: pages {
                  sql_table_name: main.pages ;;
                  dimension: id { primary_key: yes type: number }
                  dimension: node_id {}
                  dimension: typo { sql: ${pages.nod_id} ;; }
                }
                view: cmslite_themes {
                  extends: [themes]
                  sql_table_name: main.themes ;;
                  dimension: label { sql: ${TABLE}.id ;; }
                }
            """,
        },
    )
    report = validate_json(root)
    kinds = {cause["summary"]: cause["kind"] for cause in report["causes"]}  # type: ignore[union-attr]
    assert any(kind == "dependency" and "cmslite_themes" in summary for summary, kind in kinds.items()), kinds
    assert any(kind == "dependency" and "'metadata'" in summary for summary, kind in kinds.items()), kinds
    assert any(kind == "lookml" and "nod_id" in summary for summary, kind in kinds.items()), kinds


def test_one_typo_in_a_definition_many_views_share_is_one_cause() -> None:
    # llooker/data-block-census: nine geography views extend `gender`; a typo in its measure
    # breaks the measure in each of them, at the same file:line.
    def typo(view: str) -> Failure:
        message = (
            f"unknown field {view}.female_dum (referenced by {view}.female): view '{view}' has no field"
            " 'female_dum' (did you mean 'female_dim'?)"
        )
        return Failure("acs", view, f"{view}.female", "views/gender.view.lkml", 340, message)

    views = ["blockgroup", "cbsa", "puma", "zcta", "places"]
    other_typo = typo("zcta").message.replace("female_dum", "male_dum")
    elsewhere = Failure("acs", "zcta", "zcta.male", "views/gender.view.lkml", 400, other_typo)
    [shared, other] = group_failures([*(typo(v) for v in views), elsewhere])
    assert shared.fields == 5 and shared.locations == ("views/gender.view.lkml:340",)
    assert shared.summary.startswith("unknown field female_dum (referenced by female): the view has no field")
    assert "5 views sharing this definition: blockgroup, cbsa, places, puma, …" in shared.summary
    assert other.fields == 1 and "zcta.male_dum" in other.summary  # another definition stays apart


def test_validate_fails_on_lookml_errors_that_hide_fields(tmp_path: Path) -> None:
    # A view file that does not parse loses its fields: SQL validation alone passed without them.
    root = write_files(
        tmp_path / "p",
        {
            "m.model.lkml": 'connection: "db"\ninclude: "*.view.lkml"\nexplore: a {}\n',
            "a.view.lkml": "view: a {\n  sql_table_name: t ;;\n  dimension: x { sql: ${TABLE}.x ;; }\n}\n",
            "b.view.lkml": "view: b {\n  dimension: y {\n    type: number {\n    sql: 1 ;;\n  }\n}\n",
        },
    )
    result = CliRunner().invoke(main, ["validate", "--compile-only", "--project", str(root), "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["failures"] == []
    [error] = report["lookml_errors"]
    assert error["file"] == "b.view.lkml" and error["line"] == 3 and "one too many" in error["message"]
    text = CliRunner().invoke(main, ["validate", "--compile-only", "--project", str(root)])
    assert text.exit_code == 1 and "[lookml] b.view.lkml:3: error: syntax error" in text.output
    assert "1 LookML error (the fields they hide are not validated)" in text.output


def test_sql_breaking_bigquerys_rules_on_scaffolded_data_is_the_lookmls(tmp_path: Path) -> None:
    """atomfashion's ``DATEDIFF('day', first, latest)`` (another warehouse's order) and
    ``cast(a as varchar) + cast(b as varchar)``, bq_info_schema's ``${destination_table}.
    destination_table.dataset_id`` over ``TO_JSON_STRING(${TABLE}.destination_table)``: BigQuery
    rejects each whatever the data, so each is the LookML's, with what BigQuery rejects; the
    struct field read from the column itself validates on the scaffolded data."""
    files = {
        "pyproject.toml": '[tool.pytest-looker]\nproject = "."\nseeds = "seeds"\ndialect = "bigquery"\n',
        "m.model.lkml": 'connection: "db"\ninclude: "*.view.lkml"\nexplore: jobs {}\n',
        "jobs.view.lkml": """
            view: jobs {
              sql_table_name: ds.jobs ;;
              dimension: job_id { primary_key: yes }
              dimension_group: first_order { type: time timeframes: [raw] sql: ${TABLE}.first_order ;; }
              dimension_group: latest_order { type: time timeframes: [raw] sql: ${TABLE}.latest_order ;; }
              dimension: days_as_customer {
                type: number
                sql: DATEDIFF('day', ${TABLE}.first_order, ${TABLE}.latest_order)+1 ;;
              }
              dimension: rank { type: number }
              dimension: purchase_pk { sql: cast(${rank} as varchar) + cast(${job_id} as varchar) ;; }
              dimension: destination_table { type: string sql: TO_JSON_STRING(${TABLE}.destination_table) ;; }
              dimension: destination_project { sql: ${TABLE}.destination_table.project_id ;; }
              dimension: destination_dataset { sql: ${destination_table}.destination_table.dataset_id ;; }
            }
        """,
    }
    root = write_files(tmp_path, files)
    scaffold = CliRunner().invoke(main, ["scaffold", "data", "--project", str(root)])
    assert scaffold.exit_code == 0, scaffold.output
    report = validate_json(root)
    causes = {c["locations"][0].rpartition(":")[2]: c for c in report["causes"]}  # type: ignore[union-attr]
    assert report["failed_fields"] == 3, report["causes"]
    assert all(c["kind"] == "lookml" and c["summary"].startswith(REJECTED_TOO) for c in causes.values())
    by_text = {c["fix"]: c["summary"] for c in causes.values()}
    assert "date part keyword" in by_text["write DATE_DIFF(end, start, DAY) (TIMESTAMP_DIFF for timestamps)"]
    assert "no + for STRING" in by_text["join text with CONCAT(…), or cast the fields to numbers if they hold numbers"]
    assert (
        "reads fields of a STRUCT only"
        in by_text["read the field from the STRUCT column itself (${TABLE}.column.field)"]
    )
