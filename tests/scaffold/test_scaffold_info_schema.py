"""Nested columns of BigQuery's INFORMATION_SCHEMA.JOBS as llooker/bigquery_information_schema_block
reads them: ``error_result.reason`` of the one source, ``(SELECT value FROM UNNEST(labels) …)``,
UNNEST of a column a derived table passes on. Each test scaffolds the data, runs an explore
query through the CLI (compiled, translated to DuckDB, executed on the seeds) and compares its
values with SQL written independently over the seed files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scaffold_helpers import Cli, query, scaffold, seed_sql

from helpers import write_files

BIGQUERY_SEEDS = '[tool.pytest-looker]\nproject = "."\ndialect = "bigquery"\nseeds = "seeds"\n'
#: bq_info_schema's jobs explore: the stages of a job, the steps of a stage (both arrays)
STAGES_MODEL = """
    connection: "c"
    include: "*.view.lkml"
    explore: jobs {
      join: job_stages { type: left_outer relationship: one_to_many sql_on: TRUE ;; }
      join: job_stage_steps {
        relationship: one_to_many
        sql: LEFT JOIN UNNEST(job_stages.steps) AS job_stage_steps WITH OFFSET job_stage_steps_offset ;;
        required_joins: [job_stages]
      }
    }
"""
STAGES_VIEWS = """
    view: jobs {
      derived_table: { sql: SELECT * FROM `region-us.INFORMATION_SCHEMA.JOBS` ;; }
      dimension: job_id { primary_key: yes }
    }
    view: job_stages {
      sql_table_name: UNNEST(${jobs.SQL_TABLE_NAME}.job_stages) ;;
      dimension: stage_id { type: number sql: ${TABLE}.id ;; }
    }
    view: job_stage_steps {
      dimension: kind {}
      measure: steps { type: count_distinct sql: ${jobs.job_id} || ${kind} ;; }
      dimension: join_type {
        sql: (SELECT STRING_AGG(REGEXP_REPLACE(substep, r" ON .*", ""), "; ") FROM ${TABLE}.substeps AS substep) ;;
      }
    }
"""
JOBS_SEED = Path("seeds") / "region-us" / "INFORMATION_SCHEMA" / "JOBS.parquet"


def scaffold_and_query(cli: Cli, root: Path, explore: str, *fields: str) -> list[dict[str, Any]]:
    scaffold(cli, root)
    return query(cli, root, explore, *fields)


def seed_types(seed: Path) -> dict[str, str]:
    return {str(name): str(kind) for name, kind, *_ in seed_sql(f"DESCRIBE SELECT * FROM read_parquet('{seed}')")}


def test_a_struct_field_read_bare_from_the_one_source_makes_the_column_a_struct(tmp_path: Path, cli: Cli) -> None:
    """reservations_threshold: ``SUM(CASE WHEN error_result.reason = 'stopped' …) FROM
    `region-us.INFORMATION_SCHEMA.JOBS_BY_ORGANIZATION` jbo``: error_result is not an alias, so
    BigQuery reads it as a column of jbo and ``reason`` as its field; another view reads the
    same column whole with TO_JSON_STRING."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: errors {}\nexplore: jobs {}\n',
            "errors.view.lkml": """
                view: errors {
                  derived_table: {
                    sql: SELECT reservation_id,
                           SUM(CASE WHEN error_result.reason = 'stopped' THEN 1 ELSE 0 END) AS stopped,
                           SUM(CASE WHEN error_result.reason NOT IN ('stopped', 'timeout') THEN 1 ELSE 0 END) AS other
                         FROM `region-us.INFORMATION_SCHEMA.JOBS` jbo
                         GROUP BY reservation_id ;;
                  }
                  dimension: reservation_id { primary_key: yes }
                  measure: stopped { type: sum sql: ${TABLE}.stopped ;; }
                  measure: other { type: sum sql: ${TABLE}.other ;; }
                }
            """,
            "jobs.view.lkml": """
                view: jobs {
                  sql_table_name: `region-us.INFORMATION_SCHEMA.JOBS` ;;
                  dimension: job_id { primary_key: yes }
                  dimension: error_result { sql: TO_JSON_STRING(${TABLE}.error_result) ;; }
                }
            """,
        },
    )
    rows = scaffold_and_query(cli, root, "m/errors", "errors.stopped", "errors.other")
    seed = root / JOBS_SEED
    assert seed_types(seed)["error_result"].startswith("STRUCT(reason VARCHAR")
    expected = seed_sql(
        "SELECT COALESCE(SUM(CASE WHEN error_result.reason = 'stopped' THEN 1 ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN error_result.reason NOT IN ('stopped', 'timeout') THEN 1 ELSE 0 END), 0)"
        f" FROM read_parquet('{seed}')"
    )
    assert [(r["errors.stopped"], r["errors.other"]) for r in rows] == expected
    assert expected[0][1] > 0  # the struct holds values, not only NULLs


def test_a_bare_field_of_an_unnested_element_is_in_the_elements_struct(tmp_path: Path, cli: Cli) -> None:
    """jobs.looker_user_id: ``(SELECT value FROM UNNEST(${TABLE}.labels) AS label WHERE label.key
    = 'looker-context-user_id')``: the UNNEST is the subquery's one source, so BigQuery reads the
    bare ``value`` as a field of the element, as it reads ``label.key``."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: jobs {}\n',
            "jobs.view.lkml": """
                view: jobs {
                  sql_table_name: `region-us.INFORMATION_SCHEMA.JOBS` ;;
                  dimension: job_id { primary_key: yes }
                  dimension: looker_user_id {
                    sql: (SELECT value FROM UNNEST(${TABLE}.labels) as label
                          WHERE label.key = 'looker-context-user_id') ;;
                  }
                  measure: count { type: count }
                }
            """,
        },
    )
    rows = scaffold_and_query(cli, root, "m/jobs", "jobs.looker_user_id", "jobs.count")
    seed = root / JOBS_SEED
    assert seed_types(seed)["labels"] in (
        'STRUCT("key" VARCHAR, "value" VARCHAR)[]',
        'STRUCT("value" VARCHAR, "key" VARCHAR)[]',
    )
    expected = seed_sql(
        "SELECT (SELECT l.value FROM (SELECT UNNEST(labels) AS l) WHERE l.key = 'looker-context-user_id') AS v,"
        f" COUNT(*) FROM read_parquet('{seed}') GROUP BY 1"
    )
    got = [(r["jobs.looker_user_id"], r["jobs.count"]) for r in rows]
    assert sorted(got, key=repr) == sorted(expected, key=repr)
    assert any(value is not None for value, _ in expected)  # the key looked up is among the labels


def test_an_unnest_join_over_a_plain_alias_column_of_an_element_makes_it_an_array(tmp_path: Path, cli: Cli) -> None:
    """jobs explore: job_stages is ``UNNEST(${jobs.SQL_TABLE_NAME}.job_stages)``, and job_stage_steps
    is joined ``LEFT JOIN UNNEST(job_stages.steps) AS job_stage_steps WITH OFFSET …`` (no ``${}``):
    steps is an array in the element of job_stages, not text."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": STAGES_MODEL,
            "jobs.view.lkml": STAGES_VIEWS,
        },
    )
    rows = scaffold_and_query(cli, root, "m/jobs", "job_stage_steps.kind", "job_stage_steps.steps")
    seed = root / JOBS_SEED
    assert "steps STRUCT(kind VARCHAR, substeps VARCHAR[])[]" in seed_types(seed)["job_stages"]
    expected = seed_sql(
        "SELECT step.kind, COUNT(DISTINCT j.job_id || step.kind)"
        f" FROM read_parquet('{seed}') AS j, UNNEST(j.job_stages) AS t(stage), UNNEST(stage.steps) AS u(step)"
        " GROUP BY 1"
    )
    got = [(r["job_stage_steps.kind"], r["job_stage_steps.steps"]) for r in rows if r["job_stage_steps.kind"]]
    assert sorted(got, key=repr) == sorted(((k, n) for k, n in expected if k is not None), key=repr)
    assert got


def test_an_array_path_in_from_of_an_elements_field_is_an_array(tmp_path: Path, cli: Cli) -> None:
    """job_stage_steps.join_type: ``(SELECT STRING_AGG(REGEXP_REPLACE(substep, r" ON .*", ""), "; ")
    FROM ${TABLE}.substeps AS substep)``: BigQuery's implicit UNNEST of the element's substeps,
    an array of text."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": STAGES_MODEL,
            "jobs.view.lkml": STAGES_VIEWS,
        },
    )
    rows = scaffold_and_query(cli, root, "m/jobs", "jobs.job_id", "job_stage_steps.kind", "job_stage_steps.join_type")
    seed = root / JOBS_SEED
    assert "substeps VARCHAR[]" in seed_types(seed)["job_stages"]
    expected = seed_sql(
        "SELECT j.job_id, step.kind,"
        " (SELECT STRING_AGG(REGEXP_REPLACE(s, ' ON .*', ''), '; ') FROM UNNEST(step.substeps) AS u(s))"
        f" FROM read_parquet('{seed}') AS j, UNNEST(j.job_stages) AS t(stage), UNNEST(stage.steps) AS v(step)"
    )
    got = [tuple(r.values()) for r in rows if r["job_stage_steps.kind"] is not None]
    assert sorted(got, key=repr) == sorted(set(expected), key=repr)
    assert any(joined for _, _, joined in expected)


def test_an_output_name_grouped_by_is_not_a_column_of_the_source(tmp_path: Path, cli: Cli) -> None:
    """reservations_threshold: ``SELECT reservation_id, EXTRACT(DATE FROM jbo.creation_time) AS day …
    GROUP BY reservation_id, day``: ``day`` is the SELECT's output. Seeded as a column of JOBS too,
    DuckDB would group by that column instead (creation_time then not grouped)."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: daily {}\n',
            "daily.view.lkml": """
                view: daily {
                  derived_table: {
                    sql: SELECT reservation_id, day, jobs FROM (
                           SELECT reservation_id, EXTRACT(DATE FROM jbo.creation_time) AS day, COUNT(*) AS jobs
                           FROM `region-us.INFORMATION_SCHEMA.JOBS` jbo
                           GROUP BY reservation_id, day)
                         WHERE day > DATE '2000-01-01' ;;
                  }
                  dimension: reservation_id { primary_key: yes }
                  measure: days { type: count_distinct sql: ${TABLE}.day ;; }
                  measure: jobs { type: sum sql: ${TABLE}.jobs ;; }
                }
            """,
        },
    )
    rows = scaffold_and_query(cli, root, "m/daily", "daily.days", "daily.jobs")
    seed = root / Path(str(JOBS_SEED).replace(".parquet", ".csv"))
    columns = [name for name, *_ in seed_sql(f"DESCRIBE SELECT * FROM read_csv_auto('{seed}')")]
    assert "day" not in columns and "creation_time" in columns
    expected = seed_sql(
        f"SELECT COUNT(DISTINCT CAST(creation_time AS DATE)), COUNT(*) FROM read_csv_auto('{seed}')"
        " WHERE CAST(creation_time AS DATE) > DATE '2000-01-01'"
    )
    assert [(r["daily.days"], r["daily.jobs"]) for r in rows] == expected
