"""Seeds for sources that are not a plain ``schema.table``: BigQuery's region-qualified
INFORMATION_SCHEMA views, a subquery as ``sql_table_name``, a union with a ``SELECT *`` branch,
Liquid that names a table after the explore. Each test scaffolds the data, runs an explore
query through the CLI (compiled, translated to DuckDB, executed on the seeds) and compares its
values with SQL written independently over the seed files."""

from __future__ import annotations

import re
from pathlib import Path

from scaffold_helpers import Cli, query, scaffold, seed_sql, unordered

from helpers import write_files

BIGQUERY_SEEDS = '[tool.pytest-looker]\nproject = "."\ndialect = "bigquery"\nseeds = "seeds"\n'


def test_region_qualified_information_schema_views_are_seeded_where_the_query_reads_them(
    tmp_path: Path, cli: Cli
) -> None:
    """llooker/bq_info_schema: ``region-us.INFORMATION_SCHEMA.JOBS_BY_PROJECT`` is a view of the
    region; offline it is table JOBS_BY_PROJECT of schema INFORMATION_SCHEMA in catalog region-us,
    beside DuckDB's own information_schema."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: jobs {}\n',
            "jobs.view.lkml": """
                view: jobs {
                  sql_table_name: `region-us.INFORMATION_SCHEMA.JOBS_BY_PROJECT` ;;
                  dimension: job_id { primary_key: yes }
                  dimension: user_email {}
                  measure: count { type: count }
                  measure: bytes { type: sum sql: ${TABLE}.total_bytes_processed ;; }
                }
            """,
        },
    )
    scaffold(cli, root)
    seed = root / "seeds" / "region-us" / "INFORMATION_SCHEMA" / "JOBS_BY_PROJECT.csv"
    assert seed.is_file()
    rows = query(cli, root, "m/jobs", "jobs.user_email", "jobs.count", "jobs.bytes")
    expected = seed_sql(
        f"SELECT user_email, COUNT(*), COALESCE(SUM(total_bytes_processed), 0) FROM read_csv_auto('{seed}') GROUP BY 1"
    )
    assert unordered((r["jobs.user_email"], r["jobs.count"], r["jobs.bytes"]) for r in rows) == unordered(expected)
    assert sum(r["jobs.count"] for r in rows) > 0


def test_project_qualified_information_schema_views_are_seeded_where_the_query_reads_them(
    tmp_path: Path, cli: Cli
) -> None:
    """llooker/bq_info_schema: ``@{BILLING_PROJECT_ID}.region-@{REGION}.INFORMATION_SCHEMA.
    ASSIGNMENTS_BY_PROJECT`` has four parts; offline it is table ASSIGNMENTS_BY_PROJECT of schema
    "region-us.INFORMATION_SCHEMA" in catalog my-billing-project, seeded from
    my-billing-project/region-us/INFORMATION_SCHEMA/. Joined with the three-part JOBS view."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "manifest.lkml": 'constant: BILLING_PROJECT_ID { value: "my-billing-project" }\n',
            "m.model.lkml": """
                connection: "c"
                include: "*.view.lkml"
                explore: assignments {
                  join: jobs {
                    sql_on: ${jobs.reservation_id} = ${assignments.reservation_name} ;;
                    relationship: one_to_many
                  }
                }
            """,
            "assignments.view.lkml": """
                view: assignments {
                  sql_table_name: `@{BILLING_PROJECT_ID}.region-us.INFORMATION_SCHEMA.ASSIGNMENTS_BY_PROJECT` ;;
                  dimension: assignment_id { primary_key: yes }
                  dimension: reservation_name {}
                  dimension: job_type {}
                  measure: count { type: count }
                }
            """,
            "jobs.view.lkml": """
                view: jobs {
                  sql_table_name: `region-us.INFORMATION_SCHEMA.JOBS_BY_PROJECT` ;;
                  dimension: job_id { primary_key: yes }
                  dimension: reservation_id {}
                  measure: count { type: count }
                }
            """,
        },
    )
    scaffold(cli, root)
    seed = root / "seeds" / "my-billing-project" / "region-us" / "INFORMATION_SCHEMA" / "ASSIGNMENTS_BY_PROJECT.csv"
    jobs = root / "seeds" / "region-us" / "INFORMATION_SCHEMA" / "JOBS_BY_PROJECT.csv"
    assert seed.is_file() and jobs.is_file()
    rows = query(cli, root, "m/assignments", "assignments.job_type", "assignments.count", "jobs.count")
    expected = seed_sql(
        f"""SELECT a.job_type, COUNT(DISTINCT a.assignment_id), COUNT(DISTINCT j.job_id)
            FROM read_csv_auto('{seed}') AS a LEFT JOIN read_csv_auto('{jobs}') AS j
              ON j.reservation_id = a.reservation_name
            GROUP BY 1"""
    )
    got = [(r["assignments.job_type"], r["assignments.count"], r["jobs.count"]) for r in rows]
    assert unordered(got) == unordered(expected)
    assert sum(r["jobs.count"] for r in rows) > 0


def test_a_table_no_seed_can_name_is_reported_and_the_others_are_seeded(tmp_path: Path, cli: Cli) -> None:
    """A constant left blank (the block ships ``BILLING_PROJECT_ID: " "``) makes the table name
    `` .region-us.INFORMATION_SCHEMA.T``: it is not seeded under another name, the note names the
    view's file and line, and the other tables are still written."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "manifest.lkml": 'constant: BILLING_PROJECT_ID { value: " " }\n',
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: assignments {}\nexplore: jobs {}\n',
            "assignments.view.lkml": """
                view: assignments {
                  sql_table_name: `@{BILLING_PROJECT_ID}.region-us.INFORMATION_SCHEMA.ASSIGNMENTS_BY_PROJECT` ;;
                  dimension: assignment_id {}
                }
            """,
            "jobs.view.lkml": """
                view: jobs {
                  sql_table_name: `region-us.INFORMATION_SCHEMA.JOBS_BY_PROJECT` ;;
                  dimension: job_id {}
                }
            """,
        },
    )
    output = scaffold(cli, root)
    assert re.search(
        r"assignments\.view\.lkml:\d+: view assignments: table"
        r" '\.region-us\.INFORMATION_SCHEMA\.ASSIGNMENTS_BY_PROJECT' is not seeded: it has an empty part",
        output,
    )
    assert (root / "seeds" / "region-us" / "INFORMATION_SCHEMA" / "JOBS_BY_PROJECT.csv").is_file()
    assert not (root / "seeds" / "region-us" / "INFORMATION_SCHEMA" / "ASSIGNMENTS_BY_PROJECT.csv").exists()


def test_a_duckdb_file_holds_four_part_names_and_no_table_without_columns(tmp_path: Path, cli: Cli) -> None:
    """``scaffold data --duckdb FILE`` for bq_info_schema's reservations: the four-part table is kept
    in the file's schema "my-billing-project.region-us.INFORMATION_SCHEMA" and read back by the
    query; a view of ``${TABLE}`` alone (left from a commented-out UNNEST join) reads no column, so
    its default table is not created (DuckDB has no table without columns), with a note."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": '[tool.pytest-looker]\nproject = "."\ndialect = "bigquery"\nduckdb = "w.duckdb"\n',
            "manifest.lkml": 'constant: BILLING_PROJECT_ID { value: "my-billing-project" }\n',
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: assignments {}\n',
            "assignments.view.lkml": """
                view: assignments {
                  sql_table_name: `@{BILLING_PROJECT_ID}.region-us.INFORMATION_SCHEMA.ASSIGNMENTS_BY_PROJECT` ;;
                  dimension: job_type {}
                  measure: count { type: count }
                }
                view: jobs_raw__labels {
                  dimension: labels { sql: ${TABLE} ;; }
                }
            """,
        },
    )
    database = root / "w.duckdb"
    output = cli("scaffold", "data", "--project", str(root), "--duckdb", str(database)).output
    assert "view jobs_raw__labels: table 'jobs_raw__labels' is not seeded: the LookML reads no column of it" in output
    rows = query(cli, root, "m/assignments", "assignments.job_type", "assignments.count")
    table = '"my-billing-project.region-us.INFORMATION_SCHEMA".ASSIGNMENTS_BY_PROJECT'
    expected = seed_sql(f"ATTACH '{database}' AS w (READ_ONLY); SELECT job_type, COUNT(*) FROM w.{table} GROUP BY 1")
    assert unordered((r["assignments.job_type"], r["assignments.count"]) for r in rows) == unordered(expected)
    assert sum(r["assignments.count"] for r in rows) > 0


def test_a_subquery_as_sql_table_name_is_seeded_like_a_derived_table(tmp_path: Path, cli: Cli) -> None:
    """llooker/block-google-campaign-manager-dts: ``sql_table_name: (select * from `p.d.t` where
    _LATEST_DATE = _DATA_DATE) ;;``. The inner table gets the view's columns (through ``*``) and
    those the subquery filters on; the join key has one type on both sides."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": """
                connection: "c"
                include: "*.view.lkml"
                explore: click {
                  join: campaigns {
                    sql_on: ${click.campaign_id} = ${campaigns.campaign_id} ;;
                    relationship: many_to_one
                  }
                }
            """,
            "click.view.lkml": """
                view: click {
                  sql_table_name: `p.cm.p_click` ;;
                  dimension: click_id { primary_key: yes type: number }
                  dimension: campaign_id { type: number }
                  measure: count { type: count }
                }
            """,
            "campaigns.view.lkml": """
                view: campaigns {
                  sql_table_name: (select * from `p.cm.match_table_campaigns` where _LATEST_DATE = _DATA_DATE) ;;
                  dimension: campaign_id { primary_key: yes type: number sql: ${TABLE}.campaign_id ;; }
                  dimension: campaign { sql: ${TABLE}.campaign ;; }
                  measure: count { type: count }
                }
            """,
        },
    )
    scaffold(cli, root)
    seeds = root / "seeds" / "p" / "cm"
    campaigns, clicks = seeds / "match_table_campaigns.csv", seeds / "p_click.csv"
    columns = [row[0] for row in seed_sql(f"DESCRIBE SELECT * FROM read_csv_auto('{campaigns}')")]
    assert {c.lower() for c in columns} >= {"campaign_id", "campaign", "_latest_date", "_data_date"}
    rows = query(cli, root, "m/click", "campaigns.campaign", "click.count")
    expected = seed_sql(
        f"SELECT c.campaign, COUNT(*) FROM read_csv_auto('{clicks}') AS k"
        f" LEFT JOIN (SELECT * FROM read_csv_auto('{campaigns}')"
        "  WHERE _LATEST_DATE = _DATA_DATE) AS c ON k.campaign_id = c.campaign_id GROUP BY 1"
    )
    assert unordered((r["campaigns.campaign"], r["click.count"]) for r in rows) == unordered(expected)
    assert seed_sql(f"SELECT COUNT(*) FROM read_csv_auto('{clicks}')")[0][0] == sum(r["click.count"] for r in rows)


def test_a_select_star_branch_of_a_union_gets_the_other_branchs_columns_in_order(tmp_path: Path, cli: Cli) -> None:
    """llooker/atomfashion_bq: ``SELECT * FROM t UNION ALL SELECT 9999 AS id, NULL AS channel,
    'Total' AS name, '60' AS period, DATE_SUB(current_date(), INTERVAL 1 DAY) AS created_at``.
    A set operation matches columns by position: t has exactly these, in this order, typed so the
    branches unite (period is text though a field calls it a number)."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: campaigns {}\n',
            "campaigns.view.lkml": """
                view: campaigns {
                  derived_table: {
                    sql: SELECT * FROM looker-private-demo.ecomm.atom_campaigns
                      UNION ALL
                      SELECT 9999 AS id, NULL AS channel, 'Total' AS name, '60' AS period,
                        DATE_SUB(current_date(), INTERVAL 1 DAY) AS created_at ;;
                  }
                  dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
                  dimension: name { sql: ${TABLE}.name ;; }
                  dimension: period { type: number sql: ${TABLE}.period ;; }
                  dimension_group: created { type: time timeframes: [date] datatype: date sql: ${TABLE}.created_at ;; }
                  measure: count { type: count }
                }
            """,
        },
    )
    scaffold(cli, root)
    seed = root / "seeds" / "looker-private-demo" / "ecomm" / "atom_campaigns.csv"
    described = seed_sql(f"DESCRIBE SELECT * FROM read_csv_auto('{seed}')")
    assert [row[0].lower() for row in described] == ["id", "channel", "name", "period", "created_at"]
    rows = query(cli, root, "m/campaigns", "campaigns.name", "campaigns.count")
    expected = seed_sql(
        f"SELECT name, COUNT(*) FROM (SELECT id, name FROM read_csv_auto('{seed}') UNION ALL SELECT 9999, 'Total')"
        " GROUP BY 1"
    )
    assert unordered((r["campaigns.name"], r["campaigns.count"]) for r in rows) == unordered(expected)
    assert ("Total", 1) in unordered((r["campaigns.name"], r["campaigns.count"]) for r in rows)


def test_a_derived_table_naming_a_table_after_the_explore_is_seeded_per_explore(tmp_path: Path, cli: Cli) -> None:
    """looker-open-source/block-cortex-sap: ``{% assign t = _explore._name | replace: … %} … FROM
    `p.d.{{ t }}``` reads BalanceSheet in one explore and ProfitAndLoss in the other; both are
    seeded, and no table named after a placeholder is invented."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": """
                connection: "c"
                include: "*.view.lkml"
                explore: balance_sheet {
                  join: langs { sql_on: ${balance_sheet.lang} = ${langs.lang} ;; relationship: many_to_one }
                }
                explore: profit_and_loss {
                  join: langs { sql_on: ${profit_and_loss.lang} = ${langs.lang} ;; relationship: many_to_one }
                }
            """,
            "facts.view.lkml": """
                view: balance_sheet {
                  sql_table_name: `p.d.BalanceSheet` ;;
                  dimension: id { primary_key: yes type: number }
                  dimension: lang {}
                  measure: count { type: count }
                }
                view: profit_and_loss {
                  sql_table_name: `p.d.ProfitAndLoss` ;;
                  dimension: id { primary_key: yes type: number }
                  dimension: lang {}
                  measure: count { type: count }
                }
            """,
            "langs.view.lkml": """
                view: langs {
                  derived_table: {
                    sql: {% assign t = _explore._name | replace: 'balance_sheet','BalanceSheet'
                                                      | replace: 'profit_and_loss','ProfitAndLoss' %}
                      SELECT DISTINCT lang, '{{ _user_attributes['locale'] }}' AS locale FROM `p.d.{{t}}` ;;
                  }
                  dimension: lang { primary_key: yes sql: ${TABLE}.lang ;; }
                  measure: count { type: count }
                }
            """,
        },
    )
    output = scaffold(cli, root)
    seeds = root / "seeds" / "p" / "d"
    assert sorted(p.name for p in seeds.iterdir()) == ["BalanceSheet.csv", "ProfitAndLoss.csv"], output
    for explore, table in (("balance_sheet", "BalanceSheet"), ("profit_and_loss", "ProfitAndLoss")):
        rows = query(cli, root, f"m/{explore}", "langs.count", **{"user-attribute": "locale=en"})
        expected = seed_sql(f"SELECT COUNT(DISTINCT lang) FROM read_csv_auto('{seeds / f'{table}.csv'}')")
        assert [r["langs.count"] for r in rows] == [expected[0][0]]


def test_struct_fields_summed_or_divided_are_numbers_and_bare_names_of_a_star_cte_are_seeded(
    tmp_path: Path, cli: Cli
) -> None:
    """llooker/ga_360_new: ``dimension: time_on_site { sql: ${TABLE}.totals.timeonsite ;; }`` has
    no type, but a sum and a tier read it; ``(${TABLE}.totals.revenue/1000000)`` divides it: both
    struct fields are numbers. user_facts reads a bare ``date`` in a CTE joining ``filtered_base``
    (``SELECT *`` of the sessions) with a CTE that names its columns: the sessions have it."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: sessions {}\nexplore: user_facts {}\n',
            "sessions.view.lkml": """
                view: sessions {
                  sql_table_name: `p.ga.sessions` ;;
                  dimension: id { primary_key: yes type: number }
                  dimension: time_on_site { hidden: yes sql: ${TABLE}.totals.timeonsite ;; }
                  dimension: time_tier { type: tier tiers: [10, 60] style: integer sql: ${time_on_site} ;; }
                  measure: time_total { type: sum sql: ${time_on_site} ;; }
                  measure: revenue { type: sum sql: (${TABLE}.totals.revenue/1000000) ;; }
                }
            """,
            "user_facts.view.lkml": """
                view: user_facts {
                  derived_table: {
                    sql: WITH filtered_base AS (SELECT * FROM `p.ga.sessions`),
                      user_label AS (SELECT clientId, MAX(visitStartTime) AS last_start FROM filtered_base GROUP BY 1),
                      agg AS (
                        SELECT s.clientId, COUNT(DISTINCT PARSE_DATE('%Y%m%d', date)) AS days
                        FROM filtered_base AS s LEFT JOIN user_label ON s.clientId = user_label.clientId
                        GROUP BY 1)
                      SELECT user_label.clientId, days
                      FROM user_label LEFT JOIN agg ON agg.clientId = user_label.clientId ;;
                  }
                  dimension: client_id { primary_key: yes sql: ${TABLE}.clientId ;; }
                  measure: days { type: sum sql: ${TABLE}.days ;; }
                }
            """,
        },
    )
    scaffold(cli, root)
    seed = root / "seeds" / "p" / "ga" / "sessions.parquet"
    rows = query(cli, root, "m/sessions", "sessions.time_total", "sessions.revenue")
    expected = seed_sql(
        "SELECT COALESCE(SUM(totals.timeonsite), 0), COALESCE(SUM(totals.revenue / 1000000), 0)"
        f" FROM read_parquet('{seed}')"
    )
    assert unordered((r["sessions.time_total"], r["sessions.revenue"]) for r in rows) == unordered(expected)
    tiers = query(cli, root, "m/sessions", "sessions.time_tier", "sessions.time_total")
    assert len(tiers) > 1
    described = dict(seed_sql(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{seed}'))"))
    assert "date" in {name.lower() for name in described}
    days = query(cli, root, "m/user_facts", "user_facts.days")
    expected_days = seed_sql(
        f"WITH s AS (SELECT * FROM read_parquet('{seed}')),"
        " a AS (SELECT clientId, COUNT(DISTINCT strptime(date, '%Y%m%d')) AS days FROM s GROUP BY 1)"
        " SELECT COALESCE(SUM(days), 0) FROM (SELECT DISTINCT clientId FROM s) AS u LEFT JOIN a USING (clientId)"
    )
    assert [r["user_facts.days"] for r in days] == [expected_days[0][0]]


def test_a_view_whose_table_is_an_unnested_array_makes_that_column_an_array(tmp_path: Path, cli: Cli) -> None:
    """llooker/bq_info_schema: ``sql_table_name: UNNEST(jobs.timeline) ;;`` and ``UNNEST(${jobs.
    SQL_TABLE_NAME}.job_stages)``, jobs being ``SELECT * FROM region-us.INFORMATION_SCHEMA.JOBS``:
    timeline and job_stages are arrays of structs with the views' fields, and neither view gets
    a table of its own name."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": """
                connection: "c"
                include: "*.view.lkml"
                explore: jobs {
                  join: job_timeline_entries { type: cross relationship: one_to_many }
                  join: job_stages { type: cross relationship: one_to_many }
                }
            """,
            "jobs.view.lkml": """
                view: jobs {
                  derived_table: { sql: SELECT * FROM `region-us.INFORMATION_SCHEMA.JOBS` ;; }
                  dimension: job_id { primary_key: yes }
                  measure: count { type: count }
                }
                view: job_timeline_entries {
                  sql_table_name: UNNEST(jobs.timeline) ;;
                  dimension: elapsed_ms { type: number sql: ${TABLE}.elapsed_ms ;; }
                  measure: total_elapsed { type: sum sql: ${elapsed_ms} ;; }
                }
                view: job_stages {
                  sql_table_name: UNNEST(${jobs.SQL_TABLE_NAME}.job_stages) ;;
                  dimension: stage_id { type: number sql: ${TABLE}.id ;; }
                  measure: stages { type: count_distinct sql: ${jobs.job_id} || CAST(${stage_id} AS STRING) ;; }
                }
            """,
        },
    )
    scaffold(cli, root)
    seeds = root / "seeds"
    assert sorted(str(p.relative_to(seeds)) for p in seeds.rglob("*.*") if p.name[0] != ".") == [
        "region-us/INFORMATION_SCHEMA/JOBS.parquet"
    ]
    seed = seeds / "region-us" / "INFORMATION_SCHEMA" / "JOBS.parquet"
    rows = query(cli, root, "m/jobs", "job_timeline_entries.total_elapsed")
    expected = seed_sql(
        f"SELECT COALESCE(SUM(e.elapsed_ms), 0) FROM (SELECT UNNEST(timeline) AS e FROM read_parquet('{seed}'))"
    )
    assert [r["job_timeline_entries.total_elapsed"] for r in rows] == [expected[0][0]]
    # The query over job_stages meets the translation's ambiguity of a value table named like its
    # array column (being fixed apart); the seed's column is what this test is about.
    described = dict(seed_sql(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{seed}'))"))
    assert described["job_stages"].startswith("STRUCT(id ") and described["job_stages"].endswith("[]")


def test_a_field_only_view_reading_another_views_table_alias_gets_its_columns(tmp_path: Path, cli: Cli) -> None:
    """bq_info_schema's jobs_timeline_job (joined with ``sql: ;;``) reads
    ``${jobs_timeline.sql_table_name}.job_end_time``, that dimension being ``${TABLE}``: the
    columns belong to the table jobs_timeline's ``SELECT *`` passes on."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": """
                connection: "c"
                include: "*.view.lkml"
                explore: jobs_timeline {
                  join: jobs_timeline_job { sql: ;; relationship: many_to_one }
                }
            """,
            "jobs_timeline.view.lkml": """
                view: jobs_timeline {
                  derived_table: { sql: SELECT * FROM `region-us.INFORMATION_SCHEMA.JOBS_TIMELINE` ;; }
                  dimension: sql_table_name { hidden: yes sql: ${TABLE} ;; }
                  dimension: period_slot_ms { type: number sql: ${TABLE}.period_slot_ms ;; }
                  measure: slot_ms { type: sum sql: ${period_slot_ms} ;; }
                }
                view: jobs_timeline_job {
                  dimension: job_id { primary_key: yes sql: ${jobs_timeline.sql_table_name}.job_id ;; }
                  dimension: total_bytes { type: number sql: ${jobs_timeline.sql_table_name}.total_bytes_processed ;; }
                }
            """,
        },
    )
    scaffold(cli, root)
    seed = root / "seeds" / "region-us" / "INFORMATION_SCHEMA" / "JOBS_TIMELINE.csv"
    rows = query(cli, root, "m/jobs_timeline", "jobs_timeline_job.total_bytes", "jobs_timeline.slot_ms")
    expected = seed_sql(
        f"SELECT total_bytes_processed, COALESCE(SUM(period_slot_ms), 0) FROM read_csv_auto('{seed}') GROUP BY 1"
    )
    assert unordered((r["jobs_timeline_job.total_bytes"], r["jobs_timeline.slot_ms"]) for r in rows) == unordered(
        expected
    )


def test_structs_and_arrays_read_through_a_star_derived_table_are_nested(tmp_path: Path, cli: Cli) -> None:
    """bq_info_schema's jobs: ``SELECT * FROM …JOBS WHERE …`` and fields reading
    ``${TABLE}.destination_table.project_id`` and ``ARRAY_LENGTH(${TABLE}.referenced_tables)``:
    the source table's columns are a struct and an array."""
    root = write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "m.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: jobs {}\n',
            "jobs.view.lkml": """
                view: jobs {
                  derived_table: { sql: SELECT * FROM `region-us.INFORMATION_SCHEMA.JOBS` WHERE state = 'DONE' ;; }
                  dimension: job_id { primary_key: yes }
                  dimension: destination_project { sql: ${TABLE}.destination_table.project_id ;; }
                  dimension: tables_read { type: number sql: ARRAY_LENGTH(${TABLE}.referenced_tables) ;; }
                  measure: count { type: count }
                }
            """,
        },
    )
    scaffold(cli, root)
    seed = root / "seeds" / "region-us" / "INFORMATION_SCHEMA" / "JOBS.parquet"
    rows = query(cli, root, "m/jobs", "jobs.destination_project", "jobs.tables_read", "jobs.count")
    expected = seed_sql(
        "SELECT destination_table.project_id, len(referenced_tables), COUNT(*)"
        f" FROM read_parquet('{seed}') WHERE state = 'DONE' GROUP BY 1, 2"
    )
    got = [(r["jobs.destination_project"], r["jobs.tables_read"], r["jobs.count"]) for r in rows]
    assert unordered(got) == unordered(expected)
    assert sum(r[2] for r in expected) > 0


def test_a_domain_scoped_bigquery_project_is_one_catalog(tmp_path: Path, cli: Cli) -> None:
    """``example.com:proj.sales.orders``: the project id has a dot, which is not a name's part.
    The seed is ``example.com:proj/sales/orders.csv`` and the explore reads it on DuckDB."""
    write_files(
        tmp_path,
        {
            "pyproject.toml": BIGQUERY_SEEDS,
            "shop.model.lkml": 'connection: "c"\ninclude: "*.view.lkml"\nexplore: orders {}\n',
            "orders.view.lkml": """
                view: orders {
                  sql_table_name: `example.com:proj.sales.orders` ;;
                  dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
                  dimension: status { sql: ${TABLE}.status ;; }
                  measure: count { type: count }
                }
            """,
        },
    )
    scaffold(cli, tmp_path)
    seed = tmp_path / "seeds" / "example.com:proj" / "sales" / "orders.csv"
    assert seed.is_file()
    rows = query(cli, tmp_path, "shop/orders", "orders.status", "orders.count", limit="-1")
    expected = seed_sql(f"SELECT status, COUNT(*) FROM read_csv('{seed}') GROUP BY 1")
    assert unordered((r["orders.status"], r["orders.count"]) for r in rows) == unordered(expected)
