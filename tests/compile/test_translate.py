"""Warehouse SQL translated to DuckDB: each construct executed and compared with the value the
source warehouse documents for it (the source and the expected value are cited per case).

Timeframes and durations of every dialect are covered by ``test_dialects_timeframes.py``; this
file covers what Looker's SQL and public LookML lean on beyond them: implicit casts, names,
format elements and functions whose meaning differs between the source and DuckDB.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from pytest_looker.compile.transpile import TRANSLATION_LIMIT, transpile
from pytest_looker.errors import CompileError
from pytest_looker.run.duckdb import DuckDBBackend


@pytest.fixture(scope="module")
def db() -> Iterator[DuckDBBackend]:
    backend = DuckDBBackend()
    backend.create_tables(
        {
            "t": [
                {"id": 1237, "ts": dt.datetime(2024, 2, 29, 13, 45, 30), "d": dt.date(2024, 2, 29)},
                {"id": 40, "ts": dt.datetime(2021, 1, 3, 23, 59), "d": dt.date(2021, 1, 3)},
            ],
            "s": [{"id": 1, "label": "scan tbl=1234 x", "ep": 1_700_000_000, "txt": "2024-01-02 03:04:05"}],
            "svv": [{"id": 1, "size": "42"}],
        },
        column_types={"t": {"id": "BIGINT", "ts": "TIMESTAMP", "d": "DATE"}, "s": {"ep": "BIGINT"}},
    )
    yield backend
    backend.close()


def values(db: DuckDBBackend, sql: str, dialect: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in db.execute(transpile(sql, source=dialect, target="duckdb")).rows]


# -- Snowflake: implicit casts (docs.snowflake.com/en/sql-reference/data-type-conversion) ----------


def test_snowflake_number_in_a_string_function_is_coerced_to_text(db: DuckDBBackend) -> None:
    # "coercion … when a function requires a data type that is different from, but compatible
    # with, the arguments": RIGHT(1237, 1) = '7'; the doc's example, 17 || '25' = '1725'.
    got = values(db, "SELECT RIGHT(t.id, 1), t.id || 'x', LEFT(t.id, 2) FROM t ORDER BY t.id", "snowflake")
    assert got == [("0", "40x", "40"), ("7", "1237x", "12")]
    # nested: the Spectacles demo's image URL, '…/' || RIGHT(${id}, 1) || '.jpg'
    got = values(db, "SELECT 'p/' || RIGHT(t.id, 1) || '.jpg' FROM t ORDER BY t.id", "snowflake")
    assert got == [("p/0.jpg",), ("p/7.jpg",)]


def test_snowflake_case_results_are_converted_to_one_type(db: DuckDBBackend) -> None:
    # llooker/bridge_snowflake_lookml joins on `source = CASE … THEN 'drync' … ELSE false END`:
    # Snowflake converts FALSE to 'false' (BOOLEAN to text is implicit), so the CASE is text and
    # a source other than drync/tipsi simply does not match.
    sql = (
        "SELECT svv.size = CASE WHEN svv.id = 1 THEN '42' ELSE FALSE END,"
        " svv.size = CASE WHEN svv.id = 2 THEN '42' ELSE FALSE END,"
        " CASE WHEN svv.id = 2 THEN 'web' ELSE FALSE END FROM svv"
    )
    assert values(db, sql, "snowflake") == [(True, False, "false")]
    # a number among the results makes the CASE numeric, text becoming NUMBER(18,5) (the rule
    # documented for COALESCE/NVL: SELECT COALESCE('17', 1) converts '17' to 17)
    sql = "SELECT CASE WHEN svv.id = 1 THEN svv.size || '.5' ELSE 0 END + 1 FROM svv"
    assert [float(v) for (v,) in values(db, sql, "snowflake")] == [43.5]


def test_snowflake_text_in_a_date_function_is_coerced_to_timestamp(db: DuckDBBackend) -> None:
    # Looker's Snowflake `_date` is TO_CHAR(TO_DATE(x), 'YYYY-MM-DD') (text); DATEDIFF over it
    # works on Snowflake (VARCHAR is coercible to TIMESTAMP).
    sql = "SELECT DATEDIFF('day', TO_CHAR(TO_DATE(t.ts), 'YYYY-MM-DD'), DATE '2024-03-10') FROM t ORDER BY t.id"
    assert values(db, sql, "snowflake") == [(1162,), (10,)]


def test_snowflake_text_passed_on_by_a_derived_table_is_read_as_a_timestamp(db: DuckDBBackend) -> None:
    # Looker's Snowflake `_time` is TO_CHAR(…) text; a derived table passes it on, and a date
    # function or a comparison with a date reads it as a timestamp (VARCHAR is coercible to
    # TIMESTAMP). 2024-02-29 is a Thursday (ISO 4), 2021-01-03 a Sunday (ISO 7).
    derived = "(SELECT t.id, TO_CHAR(t.ts, 'YYYY-MM-DD HH24:MI:SS') AS at FROM t) AS d"
    sql = f"SELECT DATE_TRUNC('month', d.at), DAYOFWEEKISO(d.at), DATE_PART('year', d.at) FROM {derived} ORDER BY d.id"
    assert values(db, sql, "snowflake") == [
        (dt.datetime(2021, 1, 1), 7, 2021),
        (dt.datetime(2024, 2, 1), 4, 2024),
    ]
    sql = f"SELECT d.id FROM {derived} WHERE d.at >= DATEADD('day', -1, TO_DATE('2024-03-01'))"
    assert values(db, sql, "snowflake") == [(1237,)]


def test_snowflake_to_char_with_a_date_format_on_an_untyped_column(db: DuckDBBackend) -> None:
    sql = "SELECT TO_CHAR(DATE_TRUNC('month', t.ts), 'YYYY-MM'), TO_CHAR(t.ts, 'HH24:MI') FROM t ORDER BY t.id"
    assert values(db, sql, "snowflake") == [("2021-01", "23:59"), ("2024-02", "13:45")]


def test_snowflake_to_char_reads_text_a_derived_table_passes_on_as_a_timestamp(db: DuckDBBackend) -> None:
    # Looker's Snowflake `_millisecond` is TO_CHAR(x, 'YYYY-MM-DD HH24:MI:SS.FF3') with no
    # DATE_TRUNC in between; over a `_time` text column (llooker/bridge_snowflake_lookml's
    # order_created_time) Snowflake converts the text to a timestamp, as for any date function.
    derived = "(SELECT t.id, TO_CHAR(t.ts, 'YYYY-MM-DD HH24:MI:SS') AS at FROM t) AS d"
    sql = f"SELECT TO_CHAR(d.at, 'YYYY-MM-DD HH24:MI:SS.FF3'), TO_CHAR(d.at, 'HH24') FROM {derived} ORDER BY d.id"
    assert values(db, sql, "snowflake") == [("2021-01-03 23:59:00.000", "23"), ("2024-02-29 13:45:30.000", "13")]
    # a DATE formatted with a time format reads midnight, as Snowflake's TO_CHAR of a DATE does
    sql = "SELECT TO_CHAR(t.d, 'YYYY-MM-DD HH24:MI') FROM t ORDER BY t.id"
    assert values(db, sql, "snowflake") == [("2021-01-03 00:00",), ("2024-02-29 00:00",)]


def test_snowflake_one_argument_to_timestamp_converts_by_type(db: DuckDBBackend) -> None:
    # TO_TIMESTAMP docs: a number is seconds since the epoch, a string is parsed.
    sql = "SELECT TO_TIMESTAMP_NTZ(s.ep), TO_TIMESTAMP(s.txt) FROM s"
    assert values(db, sql, "snowflake") == [(dt.datetime(2023, 11, 14, 22, 13, 20), dt.datetime(2024, 1, 2, 3, 4, 5))]


# -- BigQuery -------------------------------------------------------------------------------------


def test_bigquery_hyphenated_project_is_a_name(db: DuckDBBackend) -> None:
    # BigQuery table paths allow dashes in the project (lexical structure, "Table names").
    db.execute("ATTACH ':memory:' AS \"ra-development\"")
    db.execute('CREATE SCHEMA "ra-development".analytics')
    db.execute('CREATE TABLE "ra-development".analytics.deals AS SELECT 7 AS id')
    assert values(db, "SELECT t.id FROM ra-development.analytics.deals AS t", "bigquery") == [(7,)]


def test_bigquery_quarter_format_element(db: DuckDBBackend) -> None:
    # Format elements: %Q is the quarter as a decimal number (1-4).
    sql = "SELECT FORMAT_DATE('%Y-Q%Q', t.d), FORMAT_TIMESTAMP('%Q', t.ts) FROM t ORDER BY t.id"
    assert values(db, sql, "bigquery") == [("2021-Q1", "1"), ("2024-Q1", "1")]


def test_bigquery_dayofweek_and_isoweek(db: DuckDBBackend) -> None:
    # EXTRACT: DAYOFWEEK is 1 (Sunday) … 7 (Saturday); ISOWEEK is the ISO 8601 week.
    sql = "SELECT EXTRACT(DAYOFWEEK FROM t.d), EXTRACT(ISOWEEK FROM t.ts) FROM t ORDER BY t.id"
    assert values(db, sql, "bigquery") == [(1, 53), (5, 9)]  # 2021-01-03 Sunday, 2024-02-29 Thursday


def test_bigquery_extract_from_a_timestamp_reads_utc(db: DuckDBBackend) -> None:
    # EXTRACT without AT TIME ZONE uses UTC (BigQuery's default time zone).
    sql = (
        "SELECT EXTRACT(HOUR FROM CAST(t.ts AS TIMESTAMP)), EXTRACT(YEAR FROM CAST(DATE(t.d) AS TIMESTAMP))"
        " FROM t ORDER BY t.id"
    )
    assert values(db, sql, "bigquery") == [(23, 2021), (13, 2024)]


def test_empty_liquid_date_bound_is_a_typed_null(db: DuckDBBackend) -> None:
    # {% date_end f %} without a filter renders NULL; BigQuery types it from DATE_TRUNC.
    assert values(db, "SELECT DATE_TRUNC(NULL, YEAR) FROM t", "bigquery") == [(None,), (None,)]


# -- Redshift / PostgreSQL -------------------------------------------------------------------------


def test_redshift_plus_of_two_strings_concatenates(db: DuckDBBackend) -> None:
    # Looker's Redshift admin block: ('0' + COALESCE(SUBSTRING(REGEXP_SUBSTR(...), 5), ''))::int.
    sql = "SELECT ('0' + COALESCE(SUBSTRING(REGEXP_SUBSTR(s.label, 'tbl=([0-9]+)'), 5), ''))::int FROM s"
    assert values(db, sql, "redshift") == [(1234,)]


def test_redshift_plus_of_text_and_an_untyped_column_concatenates(db: DuckDBBackend) -> None:
    # bcgov's Snowplow block: ON page_urlquery LIKE 'id=' + t.id + '%' (t.id is text; were it a
    # number, Redshift would reject 'id='). A numeric literal plus a column stays arithmetic.
    assert values(db, "SELECT 'id=' + s.label + '%', '1' + s.ep FROM s", "redshift") == [
        ("id=scan tbl=1234 x%", 1_700_000_001)
    ]


def test_redshift_regexp_substr_parameters(db: DuckDBBackend) -> None:
    # REGEXP_SUBSTR parameters: 'e' returns the first subexpression, 'p' reads the pattern as
    # PCRE (the same as RE2 here). bcgov's FOI record ids.
    sql = (
        "SELECT REGEXP_SUBSTR(s.label, 'tbl=([0-9]+)', 1, 1, 'pe'), REGEXP_SUBSTR(s.label, 'tbl=([0-9]+)', 1, 1, 'e'),"
        " REGEXP_SUBSTR(s.label, 'tbl=[0-9]+', 1, 1, 'p') FROM s"
    )
    assert values(db, sql, "redshift") == [("1234", "1234", "tbl=1234")]


def test_redshift_pcre_only_pattern_is_a_translation_limit() -> None:
    with pytest.raises(CompileError) as caught:
        transpile("SELECT REGEXP_SUBSTR(q, '(?<=id=)[0-9]+', 1, 1, 'p') FROM t", source="redshift", target="duckdb")
    assert caught.value.message.startswith(TRANSLATION_LIMIT)


def test_bigquery_json_keys_at_the_top_level(db: DuckDBBackend) -> None:
    # JSON_KEYS(json, 1): the top-level keys, unique and sorted alphabetically (mozilla's
    # events_stream.experiments). Deeper levels (dotted paths) are a translation limit.
    sql = """SELECT JSON_KEYS(JSON '{"b": {"c": 1}, "a": 2}', 1)"""
    assert values(db, sql, "bigquery") == [(["a", "b"],)]
    with pytest.raises(CompileError) as caught:
        transpile("SELECT JSON_KEYS(t.j) FROM t", source="bigquery", target="duckdb")
    assert caught.value.message.startswith(TRANSLATION_LIMIT) and "JSON_KEYS" in caught.value.message


def test_bigquery_to_json_string_pretty_print(db: DuckDBBackend) -> None:
    # bq_info_schema's job_stages.steps_json: TO_JSON_STRING(x, true) is one element per line,
    # two spaces per level (BigQuery's JSON functions reference); false or none: compact.
    value = "STRUCT(1 AS id, [10, 20] AS coordinates)"
    sql = f"SELECT TO_JSON_STRING({value}, true), TO_JSON_STRING({value}, false), TO_JSON_STRING({value})"
    pretty = '{\n  "id": 1,\n  "coordinates": [\n    10,\n    20\n  ]\n}'
    compact = '{"id":1,"coordinates":[10,20]}'
    assert values(db, sql, "bigquery") == [(pretty, compact, compact)]
    assert values(db, f"SELECT TO_JSON_STRING({value}, t.id > 100) FROM t ORDER BY t.id", "bigquery") == [
        (compact,),
        (pretty,),
    ]


def test_bigquery_aggregates_with_order_by_and_limit(db: DuckDBBackend) -> None:
    # Google's Workspace audit-log block: STRING_AGG(ou ORDER BY time DESC LIMIT 1), the latest
    # value per group. BigQuery: STRING_AGG ignores NULLs and its default separator is ',';
    # ARRAY_AGG keeps them unless IGNORE NULLS; LIMIT keeps the first n in the aggregate's
    # order (docs: aggregate_functions#string_agg, #array_agg). DuckDB has no LIMIT there.
    rows = (
        "SELECT * FROM UNNEST([STRUCT(1 AS g, 'a' AS v, 1 AS k), (1, NULL, 5), (1, 'c', 3), (1, 'b', 2), (2, NULL, 1)])"
    )
    sql = f"""
        SELECT g,
               STRING_AGG(v ORDER BY k DESC LIMIT 1),
               STRING_AGG(v, '|' ORDER BY k LIMIT 2),
               STRING_AGG(DISTINCT v ORDER BY v DESC LIMIT 2),
               ARRAY_AGG(v ORDER BY k DESC LIMIT 2),
               ARRAY_AGG(v IGNORE NULLS ORDER BY k DESC LIMIT 2)
        FROM ({rows}) GROUP BY g ORDER BY g"""
    assert values(db, sql, "bigquery") == [
        (1, "c", "a|b", "c,b", [None, "c"], ["c", "b"]),
        (2, None, None, None, [None], None),
    ]


def test_redshift_lateral_column_alias_in_a_grouped_select(db: DuckDBBackend) -> None:
    # Looker's Redshift admin block: cost_hi_numeric uses the alias cost_hi_raw of the same SELECT,
    # then a window sums it, under GROUP BY ordinals (Redshift: lateral column alias reference).
    sql = (
        "SELECT q, SUBSTRING(p, 3) AS raw, CASE WHEN raw != '' THEN raw::DECIMAL(38,0) END AS num,"
        " SUM(num) OVER (PARTITION BY q) AS total"
        " FROM (SELECT 1 AS q, 'xx12' AS p UNION ALL SELECT 1, 'xx30') AS stl GROUP BY 1, 2, 3 ORDER BY 3"
    )
    assert values(db, sql, "redshift") == [(1, "12", 12, 42), (1, "30", 30, 42)]


@pytest.mark.parametrize("dialect", ["redshift", "postgres"])
def test_a_cast_projection_keeps_its_column_name(db: DuckDBBackend, dialect: str) -> None:
    # PostgreSQL names the output column of x::t after x; a derived table relies on it.
    sql = 'SELECT q.size + 1 FROM (SELECT "size"::bigint FROM svv) AS q'
    assert values(db, sql, dialect) == [(43,)]


@pytest.mark.parametrize(
    ("dialect", "pattern"),
    [("bigquery", r"'%100\\%%'"), ("postgres", r"'%100\%%'"), ("redshift", r"'%100\\%%'"), ("mysql", r"'%100\\%%'")],
)
def test_a_backslash_escapes_in_like_by_default(db: DuckDBBackend, dialect: str, pattern: str) -> None:
    # Each source's LIKE treats a backslash as the escape character without an ESCAPE clause
    # (BigQuery operators#like_operator, PostgreSQL functions-matching, Redshift LIKE, MySQL LIKE),
    # so the pattern means "contains 100%": '100% wool' matches, '1000 wool' does not.
    sql = f"SELECT v FROM (SELECT '100% wool' AS v UNION ALL SELECT '1000 wool' AS v) AS x WHERE v LIKE {pattern}"
    assert values(db, sql, dialect) == [("100% wool",)]


# -- MySQL ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "code"), [("0", "%U"), ("3", "%V"), ("5", "%W")])
def test_mysql_week_modes(db: DuckDBBackend, mode: str, code: str) -> None:
    # WEEK() modes (MySQL manual): 0 = Sunday-first 0-53, 3 = ISO, 5 = Monday-first 0-53;
    # Python's strftime numbers weeks the same way.
    got = values(db, f"SELECT WEEK(t.d, {mode}) FROM t ORDER BY t.id", "mysql")
    assert got == [(int(dt.date(2021, 1, 3).strftime(code)),), (int(dt.date(2024, 2, 29).strftime(code)),)]


def test_mysql_week_mode_without_equivalent_is_a_translation_limit() -> None:
    with pytest.raises(CompileError, match=TRANSLATION_LIMIT) as caught:
        transpile("SELECT WEEK(d, 2) FROM t", source="mysql", target="duckdb")
    assert "mode" in caught.value.message


def test_untranslatable_construct_is_reported_as_a_limit() -> None:
    with pytest.raises(CompileError) as caught:
        transpile("SELECT TO_CHAR(amount, '999,999') FROM t", source="snowflake", target="duckdb")
    assert caught.value.message.startswith(TRANSLATION_LIMIT)


def test_readers_are_used_only_for_duckdb() -> None:
    """Other targets get sqlglot's own dialects: the readers encode DuckDB's side."""
    sql = "SELECT EXTRACT(DAYOFWEEK FROM d) FROM t"
    assert "+ 1" not in transpile(sql, source="bigquery", target="postgres")
    assert "+ 1" in transpile(sql, source="bigquery", target="duckdb")


def test_duckdb_session_runs_in_utc(db: DuckDBBackend) -> None:
    assert db.execute("SELECT current_setting('TimeZone')").rows == (("UTC",),)


def test_bigquery_unnest_of_structs_exposes_their_fields(db: DuckDBBackend) -> None:
    # UNNEST operator: "for an ARRAY of STRUCTs, … a row for each STRUCT, with a column for each field".
    db.execute(
        "CREATE TABLE ga AS SELECT 1 AS id, [{'key': 'sid', 'value': {'int_value': 5}},"
        " {'key': 'n', 'value': {'int_value': 7}}] AS params"
    )
    sql = "SELECT (SELECT value.int_value FROM UNNEST(g.params) WHERE key = 'n') FROM ga AS g"
    assert values(db, sql, "bigquery") == [(7,)]


def test_bigquery_unnest_join_is_a_value_table(db: DuckDBBackend) -> None:
    # Value tables: a join of UNNEST(array of STRUCTs) AS e gives e, the struct, and its fields as
    # columns (GA4's UNNEST(event_params) over Looker's UNNEST join of event_data). A scalar array
    # gives its values; an empty array under LEFT JOIN keeps its row with NULLs.
    db.execute(
        "CREATE TABLE sessions AS SELECT * FROM (VALUES"
        " (1, [{'event_name': 'view', 'event_params': [{'key': 'n', 'value': {'int_value': 5}}]},"
        "      {'event_name': 'buy', 'event_params': []}], [10, 20]),"
        " (2, [], [])) AS v(id, event_data, nums)"
    )
    sql = (
        "SELECT s.id, events.event_name, event_name,"
        " (SELECT value.int_value FROM UNNEST(event_params) WHERE key = 'n')"
        " FROM sessions AS s LEFT JOIN UNNEST(s.event_data) AS events ORDER BY 1, 2"
    )
    assert values(db, sql, "bigquery") == [(1, "buy", "buy", None), (1, "view", "view", 5), (2, None, None, None)]
    sql = "SELECT s.id, n FROM sessions AS s CROSS JOIN UNNEST(s.nums) AS n ORDER BY 1, 2"
    assert values(db, sql, "bigquery") == [(1, 10), (1, 20)]
    # WITH OFFSET counts from 0 (GA4's `UNNEST(${sessions.event_data}) as events with offset as event_row`).
    sql = (
        "SELECT s.id, event_row, event_name FROM sessions AS s"
        " LEFT JOIN UNNEST(s.event_data) AS events WITH OFFSET AS event_row ORDER BY 1, 2"
    )
    assert values(db, sql, "bigquery") == [(1, 0, "view"), (1, 1, "buy"), (2, None, None)]


def test_bigquery_correlated_array_paths_read_the_range_variable(db: DuckDBBackend) -> None:
    # bq_info_schema: job_stages is `LEFT JOIN UNNEST(jobs.job_stages) AS job_stages` over a table
    # with a job_stages column too; its steps field reads `(… FROM UNNEST(job_stages.steps) AS step
    # WITH OFFSET s)` (the range variable, not the column), and job_stage_steps.join_type reads
    # `FROM job_stage_steps.substeps AS substep`: an array path in FROM is an implicit UNNEST.
    db.execute(
        "CREATE TABLE stage_jobs AS SELECT * FROM (VALUES ('j1', [{'id': 1, 'steps': ["
        " {'kind': 'READ', 'substeps': ['a ON x', 'b']}, {'kind': 'JOIN', 'substeps': ['t1 ON k = 1', 't2 ON z']}]}]),"
        " ('j2', [])) AS v(job_id, job_stages)"
    )
    sql = """SELECT jobs.job_id, job_stage_steps.kind,
        (SELECT STRING_AGG(step.kind, '; ' ORDER BY s) FROM UNNEST(job_stages.steps) AS step WITH OFFSET s),
        CASE WHEN job_stage_steps.kind = 'JOIN' THEN
          (SELECT STRING_AGG(REGEXP_REPLACE(substep, r" ON .*", ""), "; ") FROM job_stage_steps.substeps AS substep)
        END
      FROM stage_jobs AS jobs
      LEFT JOIN UNNEST(jobs.job_stages) AS job_stages
      LEFT JOIN UNNEST(job_stages.steps) AS job_stage_steps WITH OFFSET job_stage_steps_offset
      ORDER BY 1, 2"""
    assert values(db, sql, "bigquery") == [
        ("j1", "JOIN", "READ; JOIN", "t1; t2"),
        ("j1", "READ", "READ; JOIN", None),
        ("j2", None, None, None),
    ]
    comma = "SELECT jobs.job_id, stage.id FROM stage_jobs AS jobs, jobs.job_stages AS stage ORDER BY 1"
    assert values(db, comma, "bigquery") == [("j1", 1)]


def test_bigquery_range_variable_of_a_cte_is_its_own(db: DuckDBBackend) -> None:
    # ga_360: Looker's `LEFT JOIN UNNEST(ga_sessions.hits) AS hits` in the query and in a native
    # derived table's CTE, whose `hits.eventInfo.eventAction` is the CTE's own range variable (a
    # CTE sees none of the query's).
    db.execute(
        "CREATE TABLE ga_hits AS SELECT * FROM (VALUES (1, [{'n': 1, 'info': {'action': 'a'}},"
        " {'n': 2, 'info': {'action': NULL}}])) AS v(id, hits)"
    )
    sql = """WITH facts AS (
          SELECT s.id, hits.n AS n, hits.info.action AS action FROM ga_hits AS s
          LEFT JOIN UNNEST(s.hits) AS hits WHERE hits.info.action IS NOT NULL)
        SELECT s.id, hits.n, facts.action FROM ga_hits AS s
        LEFT JOIN UNNEST(s.hits) AS hits
        LEFT JOIN facts ON facts.id = s.id AND facts.n = hits.n
        ORDER BY 2"""
    assert values(db, sql, "bigquery") == [(1, 1, "a"), (1, 2, None)]


def test_bigquery_from_unnest_with_an_alias_is_a_value_table(db: DuckDBBackend) -> None:
    # GA4's landing_page: `(SELECT … (SELECT value.string_value FROM UNNEST(event_params) …)
    # FROM UNNEST(sessions.event_data) AS event_history WHERE event_history.page_view_rank = 1)`:
    # in FROM too, the alias is the struct and its fields (event_params) are columns.
    db.execute(
        "CREATE TABLE visits AS SELECT * FROM (VALUES"
        " (1, [{'rank': 2, 'event_params': [{'key': 'page', 'value': {'string_value': '/b'}}]},"
        "      {'rank': 1, 'event_params': [{'key': 'page', 'value': {'string_value': '/a'}}]}]),"
        " (2, [])) AS v(id, event_data)"
    )
    sql = (
        "SELECT s.id, (SELECT (SELECT value.string_value FROM UNNEST(event_params) WHERE key = 'page')"
        " FROM UNNEST(s.event_data) AS event_history WHERE event_history.rank = 1 LIMIT 1)"
        " FROM visits AS s ORDER BY 1"
    )
    assert values(db, sql, "bigquery") == [(1, "/a"), (2, None)]


def test_a_bare_range_variable_is_the_element_even_when_a_column_has_its_name(db: DuckDBBackend) -> None:
    # Mozilla's multi-service DAU: `LEFT JOIN UNNEST(dau.service_names) AS service_names` and a
    # field `${TABLE}` of the join, so a bare `service_names` next to the table's column of that
    # name: BigQuery reads the range variable (one element per row; grouping by the array itself
    # would be refused), DuckDB would call it ambiguous.
    db.execute("CREATE TABLE dau AS SELECT * FROM (VALUES (1, ['a', 'b']), (2, ['b'])) AS v(id, service_names)")
    sql = (
        "SELECT service_names, COUNT(*) FROM dau AS dau"
        " LEFT JOIN UNNEST(dau.service_names) AS service_names ON TRUE GROUP BY 1 ORDER BY 1"
    )
    assert values(db, sql, "bigquery") == [("a", 1), ("b", 2)]


# -- A string literal in a UNION takes the other branches' type -----------------------------------
# PostgreSQL "UNION, CASE, and related constructs": an unknown-type literal is resolved to the type
# of the other inputs (Redshift follows it; BigQuery coerces string literals to DATE/TIMESTAMP).
# DuckDB makes the column text, and every date function over it fails.


@pytest.mark.parametrize("dialect", ["redshift", "postgres", "bigquery", "snowflake"])
def test_a_date_literal_in_a_union_with_timestamps_is_a_timestamp(db: DuckDBBackend, dialect: str) -> None:
    sql = (
        "SELECT EXTRACT(YEAR FROM q.x), EXTRACT(MONTH FROM q.x) FROM"
        " (SELECT t.ts AS x FROM t UNION ALL SELECT '9999-01-01' AS x UNION ALL SELECT '2000-03-04 05:06:07') AS q"
        " ORDER BY 1"
    )
    assert values(db, sql, dialect) == [(2000, 3), (2021, 1), (2024, 2), (9999, 1)]


def test_a_date_literal_in_a_union_with_text_stays_the_same_text(db: DuckDBBackend) -> None:
    sql = "SELECT q.x FROM (SELECT s.label AS x FROM s UNION ALL SELECT '2020-01-01') AS q ORDER BY 1"
    assert values(db, sql, "redshift") == [("2020-01-01",), ("scan tbl=1234 x",)]


def test_a_union_of_literals_only_is_text(db: DuckDBBackend) -> None:
    sql = "SELECT q.x || '!' FROM (SELECT '2020-01-01' AS x UNION ALL SELECT '2021-1-1') AS q ORDER BY 1"
    assert values(db, sql, "postgres") == [("2020-01-01!",), ("2021-1-1!",)]


@pytest.mark.parametrize(
    ("url", "host"),
    [
        # BigQuery's documented examples of NET.HOST (net_functions#nethost)
        ("", None),
        ("http://abc.xyz", "abc.xyz"),
        ("//user:password@a.b:80/path?query", "a.b"),
        ("https://[::1]:80", "[::1]"),
        ("http://例子.卷筒纸.中国", "例子.卷筒纸.中国"),
        ("    www.Example.Co.UK    ", "www.Example.Co.UK"),
        ("mailto:?to=&subject=&body=", "mailto"),
        ("https://www.example.com/page?x=1#top", "www.example.com"),
        ("http://", None),
    ],
)
def test_bigquery_net_host(db: DuckDBBackend, url: str, host: str | None) -> None:
    # GA4's event_param_host: NET.HOST of the page_location parameter.
    literal = "'" + url.replace("'", "''") + "'"
    assert values(db, f"SELECT NET.HOST({literal})", "bigquery") == [(host,)]
    assert values(db, "SELECT NET.HOST(CAST(NULL AS STRING))", "bigquery") == [(None,)]


def test_bigquery_net_functions_without_equivalent_are_named_limits() -> None:
    for function, needs in [("REG_DOMAIN", "public suffix list"), ("IP_FROM_STRING", "BYTES")]:
        with pytest.raises(CompileError) as caught:
            transpile(f"SELECT NET.{function}(u) FROM t", source="bigquery", target="duckdb")
        assert caught.value.message.startswith(TRANSLATION_LIMIT)
        assert f"NET.{function}" in caught.value.message and needs in caught.value.message


@pytest.mark.parametrize(
    ("json", "text", "flag"),
    [
        # LAX_STRING / LAX_BOOL of each JSON type (json_functions#lax_string, #lax_bool)
        ('"purple"', "purple", None),
        ('"TRUE"', "TRUE", True),
        ('"false"', "false", False),
        ("true", "true", True),
        ("false", "false", False),
        ("10", "10", True),
        ("0", "0", False),
        ("-1.5", "-1.5", True),
        ("null", None, None),
        ("[1, 2]", None, None),
        ('{"a": 1}', None, None),
    ],
)
def test_bigquery_lax_converters(db: DuckDBBackend, json: str, text: str | None, flag: bool | None) -> None:
    # mozilla's events_stream_with_extras: LAX_STRING(${TABLE}.event_extra.linking), JSON fields.
    document = '{"k": ' + json + "}"
    sql = f"SELECT LAX_STRING(t.j.k), LAX_BOOL(t.j.k) FROM (SELECT PARSE_JSON('{document}') AS j) AS t"
    assert values(db, sql, "bigquery") == [(text, flag)]
    missing = "SELECT LAX_STRING(t.j.nothing) FROM (SELECT PARSE_JSON('{}') AS j) AS t"
    assert values(db, missing, "bigquery") == [(None,)]


def test_postgres_pg_is_in_recovery_is_false_offline(db: DuckDBBackend) -> None:
    # AlloyDB's observability block: the offline database is a primary, never a standby.
    sql = "SELECT CASE WHEN pg_is_in_recovery() THEN 'Read Pool' ELSE 'Primary' END"
    assert values(db, sql, "postgres") == [("Primary",)]


def test_bigquery_current_datetime_is_the_wall_clock_now(db: DuckDBBackend) -> None:
    # Cortex Salesforce's case_age: DATE_DIFF(CURRENT_DATETIME(), created, DAY). UTC by default.
    sql = (
        "SELECT DATETIME_DIFF(CURRENT_DATETIME(), DATETIME(CURRENT_TIMESTAMP(), 'UTC'), MINUTE),"
        " DATETIME_DIFF(CURRENT_DATETIME('Asia/Kolkata'), CURRENT_DATETIME(), MINUTE)"
    )
    assert values(db, sql, "bigquery") == [(0, 330)]  # India is UTC+5:30 all year


def test_fields_of_an_unnest_range_variable_named_like_a_column(db: DuckDBBackend) -> None:
    # GA360: `LEFT JOIN UNNEST(ga_sessions.hits) AS hits` then `hits.hitNumber`,
    # `hits.eventInfo.eventAction`: the element's fields, though ga_sessions has a column `hits`.
    sql = (
        "SELECT s.id, hits.hitNumber, hits.eventInfo.eventAction FROM (SELECT 1 AS id,"
        " [STRUCT(1 AS hitNumber, STRUCT('click' AS eventAction) AS eventInfo),"
        " STRUCT(2 AS hitNumber, STRUCT('view' AS eventAction) AS eventInfo)] AS hits) AS s"
        " LEFT JOIN UNNEST(s.hits) AS hits ORDER BY 2"
    )
    assert values(db, sql, "bigquery") == [(1, 1, "click"), (1, 2, "view")]


def test_snowflake_variant_element_cast_to_a_scalar_is_its_value(db: DuckDBBackend) -> None:
    # `attributes:channel::string` is 'web', not '"web"'; a number element casts as its value.
    sql = (
        "SELECT v:channel::string, v:n::int, v:a.b::varchar, v:channel::string = 'web'"
        ' FROM (SELECT PARSE_JSON(\'{"channel": "web", "n": 5, "a": {"b": "x"}}\') AS v) AS t'
    )
    assert values(db, sql, "snowflake") == [("web", 5, "x", True)]


def test_bigquery_timestamp_millis_of_a_whole_double(db: DuckDBBackend) -> None:
    # GA360's hit time: TIMESTAMP_MILLIS(visitStartTime * 1000 + hits.time) over `type: number`
    # columns, seeded as DOUBLE offline; BigQuery's INT64 values are whole, so the cast keeps them.
    sql = (
        "SELECT TIMESTAMP_MILLIS(s * 1000 + t), TIMESTAMP_MICROS(u)"
        " FROM (SELECT CAST(1700000000 AS FLOAT64) AS s, CAST(1500 AS FLOAT64) AS t, CAST(2 AS FLOAT64) AS u) AS x"
    )
    assert values(db, sql, "bigquery") == [
        (dt.datetime(2023, 11, 14, 22, 13, 21, 500000), dt.datetime(1970, 1, 1, 0, 0, 0, 2)),
    ]


def test_bigquery_parse_numeric(db: DuckDBBackend) -> None:
    # Cortex SAP's hierarchy levels: PARSE_NUMERIC(level); BigQuery's documented examples allow
    # spaces around the number and between the sign and the digits.
    sql = "SELECT PARSE_NUMERIC('  -  12.34 '), PARSE_NUMERIC('1e2'), PARSE_NUMERIC(CAST(NULL AS STRING))"
    assert values(db, sql, "bigquery") == [(Decimal("-12.340000000"), Decimal("100.000000000"), None)]


def test_bigquery_extract_date_time_and_datetime(db: DuckDBBackend) -> None:
    # The information schema block: EXTRACT(DATE FROM period_start); with AT TIME ZONE, the
    # date on that zone's wall clock (UTC 2024-03-02 03:00 is 2024-03-01 in New York).
    t = "TIMESTAMP '2024-03-02 03:04:05'"
    sql = (
        f"SELECT EXTRACT(DATE FROM {t}), EXTRACT(TIME FROM {t}), EXTRACT(DATETIME FROM {t}),"
        f" EXTRACT(DATE FROM {t} AT TIME ZONE 'America/New_York')"
    )
    assert values(db, sql, "bigquery") == [
        (dt.date(2024, 3, 2), dt.time(3, 4, 5), dt.datetime(2024, 3, 2, 3, 4, 5), dt.date(2024, 3, 1)),
    ]
