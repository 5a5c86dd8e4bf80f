"""What a SQL text reads: tables, columns and the type each use of a column implies."""

from __future__ import annotations

import pytest

from pytest_looker.compile.sqlreads import ColumnUse, Passed, UnreadableSql, read_fragment, read_select, read_unnests


def test_fragment_columns_by_qualifier_with_the_type_each_use_implies() -> None:
    fragment = read_fragment("CASE WHEN t.status = 'done' THEN SUM(t.amount) ELSE LOWER(r.name) END", "duckdb")
    assert fragment is not None
    assert set(fragment.columns) == {
        ColumnUse("t", "status", "string", ("done",)),
        ColumnUse("t", "amount", "number"),
        ColumnUse("r", "name", "string"),
    }
    assert fragment.has_predicate


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("t.x + 1", "number"),
        ("t.x + INTERVAL 1 DAY", "timestamp"),
        ("DATE_TRUNC('month', t.x)", "timestamp"),
        ("t.x IN ('a', 'b')", "string"),
        ("COALESCE(t.x, 0)", "number"),
        ("NOT t.x", "boolean"),
        ("t.x", None),
    ],
)
def test_each_kind_of_use(sql: str, expected: str | None) -> None:
    fragment = read_fragment(sql, "duckdb")
    assert fragment is not None
    assert fragment.columns[0].type == expected


def test_in_list_literals_are_kept_and_a_plain_value_has_no_predicate() -> None:
    fragment = read_fragment("t.x IN ('a', 'b')", "duckdb")
    assert fragment is not None and fragment.columns[0].literals == ("a", "b")
    plain = read_fragment("IFNULL(t.x, 0)", "duckdb")
    assert plain is not None and not plain.has_predicate


def test_a_fragment_that_does_not_parse_reads_nothing() -> None:
    assert read_fragment("SELECT FROM WHERE (", "duckdb") is None


def test_select_reads_tables_through_ctes_and_attributes_columns() -> None:
    reads = read_select(
        """
        WITH recent AS (SELECT user_id, amount FROM shop.orders WHERE status = 'complete')
        SELECT u.id, MAX(u.name) AS name, SUM(r.amount) AS total
        FROM shop.users AS u JOIN recent AS r ON r.user_id = u.id
        GROUP BY 1
        """,
        "duckdb",
    )
    assert reads.tables == ("shop.orders", "shop.users")
    assert ColumnUse("shop.orders", "status", "string", ("complete",)) in reads.columns
    assert ColumnUse("shop.orders", "amount", None) in reads.columns
    assert ColumnUse("shop.users", "id", None) in reads.columns
    assert reads.outputs == {
        "id": (Passed("shop.users", "id", True),),
        "name": (Passed("shop.users", "name", False),),
    }
    assert reads.aggregated


def test_union_branches_each_feed_the_output_columns() -> None:
    reads = read_select(
        "SELECT c.id, 1 AS n, c.ts FROM ios.clicks c UNION SELECT a.id, a.n, a.created AS ts FROM android.clicks a",
        "snowflake",
    )
    assert reads.outputs["ts"] == (Passed("ios.clicks", "ts", True), Passed("android.clicks", "created", True))
    assert [p.table for p in reads.outputs["id"]] == ["ios.clicks", "android.clicks"]
    assert reads.outputs["n"] == (Passed("android.clicks", "n", True),)  # positions, not names
    assert reads.aggregated  # UNION (distinct)


def test_opaque_tables_are_read_but_report_no_column() -> None:
    reads = read_select("SELECT x.a, x.b FROM __unresolved AS x", "duckdb", opaque=lambda name: name.startswith("__"))
    assert reads.tables == () and reads.columns == () and reads.outputs == {}
    assert not reads.aggregated


def test_dialect_decides_what_parses() -> None:
    reads = read_select("SELECT `p-1`.d.t.x FROM `p-1.d.t`", "bigquery")
    assert reads.tables == ("p-1.d.t",)
    with pytest.raises(UnreadableSql) as info:
        read_select("SELECT FROM WHERE (", "duckdb")
    assert info.value.reason == "parse"


def test_star_projections_name_the_tables_they_pass_on() -> None:
    reads = read_select("SELECT *, MIN(ts) OVER () AS first_ts FROM analytics.tasks", "bigquery")
    assert reads.star_sources == ("analytics.tasks",)
    through_cte = read_select("WITH a AS (SELECT * EXCEPT (x) FROM p.d.t) SELECT a.*, 1 AS z FROM a", "bigquery")
    assert through_cte.star_sources == ("p.d.t",)
    assert read_select("SELECT t.id FROM s.t AS t", "duckdb").star_sources == ()


def test_struct_paths_and_unnests_are_traced_through_ctes() -> None:
    sql = """
        WITH sl AS (SELECT e.device, e.event_params FROM p.ga.events AS e)
        SELECT sl.device.category, (SELECT value.string_value FROM UNNEST(sl.event_params) WHERE key = 'x')
        FROM sl
    """
    reads = read_select(sql, "bigquery")
    assert ("p.ga.events", "device", ("category",)) in reads.struct_paths
    [unnested] = read_unnests(sql, "bigquery")
    assert (unnested.table, unnested.path[1]) == ("p.ga.events", "event_params")
    assert (("value", "string_value"), None, ()) in unnested.fields


def test_a_case_result_takes_the_type_of_its_sibling_branches() -> None:
    reads = read_select("SELECT CASE WHEN i.g IS NULL THEN i.l / 2 ELSE i.g END FROM s.inv AS i", "bigquery")
    assert ColumnUse("s.inv", "g", "number") in reads.columns


def test_select_cte_star_passes_the_ctes_columns_on() -> None:
    reads = read_select(
        "WITH s AS (SELECT e.query, e.nodeid FROM stl_explain AS e) SELECT s.*, 1 AS z FROM s", "redshift"
    )
    assert reads.outputs["query"] == (Passed("stl_explain", "query", True),)


@pytest.mark.parametrize("dialect", ["bigquery", "snowflake", "duckdb"])
def test_compared_field_references_stay_references_in_every_dialect(dialect: str) -> None:
    # BigQuery reads a quoted dotted name as a path (__ref.events.user_id): it is still one field.
    from pytest_looker.compile.sqlreads import compared_columns

    sql = '__ref."events.user_id" = COALESCE(__ref."users.id", o.uid)'
    assert compared_columns(sql, dialect) == [((("__ref", "events.user_id"),), (("__ref", "users.id"), ("o", "uid")))]


def test_compared_columns_of_a_case_are_its_results_not_its_conditions() -> None:
    from pytest_looker.compile.sqlreads import compared_columns

    sql = "a.x = CASE WHEN a.src = 'd' THEN b.id WHEN c.k = 1 THEN IFF(a.flag, c.id, NULL) ELSE FALSE END"
    assert compared_columns(sql, "snowflake") == [((("a", "x"),), (("b", "id"), ("c", "id")))]


def test_an_unqualified_column_of_a_join_is_the_from_tables_when_the_joined_ones_are_qualified() -> None:
    """Mozilla's ``FROM users_services_daily AS e JOIN fxa_oauth_clients AS c ON service = c.id``:
    ``service`` is the FROM table's; with an unqualified column of the joined table too, nobody
    can tell: each is guessed to be the first table's, the others kept as alternatives (the
    scaffold seeds it there only if no alternative has it)."""
    reads = read_select("SELECT c.name, day FROM p.d.daily AS e JOIN p.d.clients AS c ON service = c.id", "bigquery")
    assert {(u.table, u.column) for u in reads.columns} == {
        ("p.d.daily", "service"),
        ("p.d.daily", "day"),
        ("p.d.clients", "name"),
        ("p.d.clients", "id"),
    }
    unsure = read_select("SELECT name FROM p.d.daily AS e JOIN p.d.clients AS c ON service = id", "bigquery")
    assert {(u.table, u.column, u.alternatives) for u in unsure.columns} == {
        ("p.d.daily", "name", ("p.d.clients",)),
        ("p.d.daily", "service", ("p.d.clients",)),
        ("p.d.daily", "id", ("p.d.clients",)),
    }


def test_a_bare_output_beside_a_cte_is_not_the_joined_tables() -> None:
    """bcgov's Snowplow block: ``SELECT wp.id, action FROM chatbot_combined AS cb JOIN
    atomic.web_page AS wp …``: ``action`` is the CTE's. Giving it to ``web_page`` too made
    every query over the seeds fail as an ambiguous column."""
    reads = read_select(
        "WITH cb AS (SELECT root_id, action FROM atomic.chatbot_1)"
        " SELECT wp.id, action FROM cb JOIN atomic.web_page AS wp ON cb.root_id = wp.root_id",
        "redshift",
    )
    assert reads.outputs["id"] == (Passed("atomic.web_page", "id", True),)
    assert "action" not in reads.outputs or all(p.table != "atomic.web_page" for p in reads.outputs["action"])
    assert ("atomic.chatbot_1", "action") in {(u.table, u.column) for u in reads.columns}
    alone = read_select("SELECT action FROM atomic.web_page", "redshift")
    assert alone.outputs["action"] == (Passed("atomic.web_page", "action", True),)


def test_columns_are_traced_through_a_union_cte_by_position() -> None:
    """bcgov's chatbot: ``SPLIT_PART(session_id, '_', 1)`` over a CTE that UNIONs three versioned
    tables (the first of which has no such column: ``NULL AS session_id``) reads text from the
    other two; the output ``session_id`` passes theirs on."""
    reads = read_select(
        "WITH cb AS (SELECT root_id, NULL AS session_id FROM atomic.chat_1"
        " UNION SELECT root_id, sid FROM atomic.chat_2 UNION SELECT root_id, session_id FROM atomic.chat_3)"
        " SELECT wp.id, session_id, SPLIT_PART(session_id, '_', 1) AS bot"
        " FROM cb JOIN atomic.web_page AS wp ON cb.root_id = wp.root_id",
        "redshift",
    )
    uses = {(u.table, u.column, u.type) for u in reads.columns}
    assert {("atomic.chat_2", "sid", "string"), ("atomic.chat_3", "session_id", "string")} <= uses
    assert {(p.table, p.column) for p in reads.outputs["session_id"]} == {
        ("atomic.chat_2", "sid"),
        ("atomic.chat_3", "session_id"),
    }
    assert not any(u.table == "atomic.web_page" and u.column == "session_id" for u in reads.columns)


def test_a_lateral_column_alias_is_not_guessed_to_be_a_joined_tables_column() -> None:
    """bcgov's feedbc_search (Redshift): ``domain_sessionid AS session_id, CASE … THEN
    session_id …`` reads the alias, not a column of the joined ``web_page``."""
    reads = read_select(
        "WITH b AS (SELECT root_id, q FROM atomic.search_1)"
        " SELECT domain_sessionid AS session_id, CASE WHEN q IS NOT NULL THEN session_id END AS n"
        " FROM b JOIN atomic.web_page AS wp ON b.root_id = wp.root_id LEFT JOIN atomic.events ON b.root_id = events.id",
        "redshift",
    )
    assert not any(u.column == "session_id" for u in reads.columns)
    assert {u.table for u in reads.columns if u.column == "domain_sessionid"} == {"atomic.web_page"}


def test_text_parsed_as_a_date_is_text() -> None:
    """``TO_DATE("filters.from_date", 'YYYY-MM-DD')``: the column is text, whatever its name says."""
    reads = read_select("SELECT TO_DATE(t.from_date, 'YYYY-MM-DD') AS d FROM atomic.search AS t", "redshift")
    assert reads.columns == (ColumnUse("atomic.search", "from_date", "string"),)


def test_columns_one_coalesce_returns_in_turn_are_grouped() -> None:
    reads = read_select(
        "SELECT COALESCE(wp.id, ra.page_view_id) AS pv, COALESCE(wp.x, 'none') AS y"
        " FROM atomic.web_page AS wp FULL JOIN test.restored AS ra ON wp.root_id = ra.root_id",
        "redshift",
    )
    assert reads.coalesced == ((("atomic.web_page", "id"), ("test.restored", "page_view_id")),)


def test_a_column_a_joined_cte_names_is_not_guessed_onto_the_from_table() -> None:
    """llooker/atomfashion_bq's session_purchase_facts: ``SUM(sessions_till_purchase)`` over
    ``atom_events JOIN atom_order_items … JOIN session_purchase`` (a CTE that computes the column,
    beside ``*``). Guessed onto ``atom_events``, the seeds gave that table the column too and the
    query became ambiguous on DuckDB (on BigQuery it is the CTE's)."""
    reads = read_select(
        "WITH sp AS (SELECT rank_now - 1 AS sessions_till_purchase, * FROM p.d.sessions)"
        " SELECT e.session_id, order_id, SUM(sessions_till_purchase) AS n"
        " FROM p.d.events AS e JOIN p.d.items ON items.created_at = e.created_at"
        " JOIN sp ON sp.session_id = e.session_id GROUP BY 1, 2",
        "bigquery",
    )
    assert not any(u.column == "sessions_till_purchase" and u.table != "p.d.sessions" for u in reads.columns)
    assert ("p.d.events", "order_id") in {(u.table, u.column) for u in reads.columns}


def test_columns_in_arithmetic_of_timestamp_millis_are_integers() -> None:
    """GA360: ``TIMESTAMP_MILLIS(visitStartTime * 1000 + hits.time)``: BigQuery takes INT64 only;
    seeded as DOUBLE, DuckDB's EPOCH_MS refused the sum."""
    sql = "SELECT TIMESTAMP_MILLIS(s.visitStartTime * 1000 + s.hit_time) AS t FROM p.d.s AS s"
    reads = read_select(sql, "bigquery")
    assert {(u.column, u.type) for u in reads.columns} == {("visitStartTime", "integer"), ("hit_time", "integer")}
    plain = read_select("SELECT s.a * 1000 + s.b AS n FROM p.d.s AS s", "bigquery")
    assert {u.type for u in plain.columns} == {"number"}
