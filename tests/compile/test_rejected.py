"""Which DuckDB type failures the warehouse would report too: values the SQL itself makes text."""

from __future__ import annotations

import pytest

from pytest_looker.compile.rejected import REJECTED_TOO, rejected_too

DATE_DIFF = (
    "Binder Error: No function matches the given name and argument types 'date_diff(STRING_LITERAL, VARCHAR, VARCHAR)'."
)
# A native derived table passing on Looker's BigQuery `_time` (FORMAT_TIMESTAMP: a STRING),
# a LAG over it, and the outer query's TIMESTAMP_DIFF of both.
NDT = """
WITH prev AS (
  SELECT *, LAG(end_time) OVER (PARTITION BY user_id ORDER BY end_time) AS prev_end_time
  FROM (SELECT s.user_id AS user_id, (FORMAT_TIMESTAMP('%F %T', s.ended_at)) AS end_time FROM s) AS src
)
SELECT TIMESTAMP_DIFF(prev.end_time, prev.prev_end_time, HOUR) FROM prev
"""


def test_text_made_by_the_sql_through_ctes_star_and_lag_is_rejected_too() -> None:
    reason = rejected_too(NDT, "bigquery", DATE_DIFF)
    assert reason is not None and reason.startswith(REJECTED_TOO)
    assert "TIMESTAMP_DIFF reads prev.end_time" in reason and "FORMAT_TIMESTAMP('%F %T', s.ended_at)" in reason


@pytest.mark.parametrize(
    ("sql", "dialect"),
    [
        ("SELECT TIMESTAMP_DIFF(t.a, t.b, HOUR) FROM t", "bigquery"),  # a table's column: the seeds' type
        (  # COALESCE may pass a timestamp column on: not certainly text
            "WITH c AS (SELECT COALESCE(t.ts, 'none') AS v FROM t) SELECT TIMESTAMP_DIFF(c.v, c.v, HOUR) FROM c",
            "bigquery",
        ),
        (NDT, "snowflake"),  # Snowflake converts text to a timestamp in date functions
    ],
)
def test_what_the_sql_does_not_make_text_stays_ours(sql: str, dialect: str) -> None:
    assert rejected_too(sql, dialect, DATE_DIFF) is None


def test_day_of_week_of_text_the_sql_makes_is_rejected_too() -> None:
    # GA360's funnels: EXTRACT(DAYOFWEEK FROM event1_time), a `_time` the NDT passes on as text.
    diff = "TIMESTAMP_DIFF(prev.end_time, prev.prev_end_time, HOUR)"
    sql = NDT.replace(diff, "EXTRACT(DAYOFWEEK FROM prev.end_time)")
    message = "Binder Error: No function matches the given name and argument types 'dayofweek(VARCHAR)'."
    reason = rejected_too(sql, "bigquery", message)
    assert reason is not None and reason.startswith(REJECTED_TOO) and "prev.end_time" in reason


NOT_A_STRUCT = (
    "Binder Error: Cannot extract field 'destination_table' from expression \"CAST(to_json(destination_table) AS"
    ' VARCHAR)" because it is not a struct, union, map, json or geometry'
)


@pytest.mark.parametrize(
    ("sql", "message", "said"),
    [
        (  # atomfashion: Redshift's DATEDIFF order in a BigQuery project
            "SELECT DATEDIFF('day', t.first_order, t.latest_order) + 1 FROM t",
            "Binder Error: No function matches the given name and argument types 'date_diff(TIMESTAMP, TIMESTAMP,"
            " DATE)'.",
            "DATE_DIFF has t.latest_order third, where bigquery takes a date part keyword",
        ),
        (  # atomfashion: cast(… as varchar) + cast(… as varchar)
            "SELECT CAST(t.rank AS varchar) + CAST(t.user_id AS varchar) FROM t",
            "Binder Error: No function matches the given name and argument types '+(VARCHAR, VARCHAR)'.",
            "adds two STRING values; bigquery has no + for STRING",
        ),
        (  # bq_info_schema: a field of the JSON text of a struct
            "SELECT TO_JSON_STRING(jobs.destination_table).destination_table.dataset_id FROM jobs",
            NOT_A_STRUCT,
            "reads a field of TO_JSON_STRING(jobs.destination_table), a STRING",
        ),
    ],
)
def test_sql_breaking_a_rule_of_bigquery_is_rejected_too(sql: str, message: str, said: str) -> None:
    reason = rejected_too(sql, "bigquery", message)
    assert reason is not None and reason.startswith(REJECTED_TOO) and said in reason
    assert rejected_too(sql, "snowflake", message) is None  # the rules are BigQuery's


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "SELECT DATE_DIFF(t.a, t.b, DAY) + 1 FROM t",
            "Binder Error: No function matches the given name and argument types 'date_diff(VARCHAR, DATE, DATE)'.",
        ),
        (
            "SELECT CAST(t.a AS STRING) + t.b FROM t",  # t.b: a column, its type the seeds' guess
            "Binder Error: No function matches the given name and argument types '+(VARCHAR, VARCHAR)'.",
        ),
        ("SELECT jobs.error_result.reason FROM jobs", NOT_A_STRUCT),  # a column: the seeds' type
    ],
)
def test_sql_within_bigquerys_rules_stays_ours(sql: str, message: str) -> None:
    assert rejected_too(sql, "bigquery", message) is None
