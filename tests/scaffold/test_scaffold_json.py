"""JSON columns: what SQL reads out of a JSON value says the seed column is JSON and which keys
its objects must have (BigQuery JSON, Snowflake VARIANT, JSON text in a string column), and the
seeds serve the translated queries on DuckDB with the values the source warehouse would return."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import Result

from helpers import write_files
from pytest_looker.compile.sqlreads import JsonRead, read_fragment, read_select
from pytest_looker.lookml import load_project
from pytest_looker.scaffold import infer_schema
from pytest_looker.scaffold.data import generate
from pytest_looker.scaffold.schema import OBJECT, ColumnInfo, Schema

Cli = Callable[..., Result]


# -- what SQL reads as JSON ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialect", "sql", "expected"),
    [
        # BigQuery: a subscript by an expression is some key; `.branch` a key below it
        (
            "bigquery",
            "JSON_VALUE(e.experiments[__t].branch)",
            (("e", "experiments"), ("*", "branch"), "document", "string"),
        ),
        ("bigquery", 'JSON_KEYS(__t."experiments", 1)', (("__t", "experiments"), ("*",), "document", "string")),
        # a field access inside LAX_*: written like a struct's, only JSON has it; the names past
        # the column are the caller's to split (it knows the qualifiers)
        ("bigquery", 'LAX_INT64(__t."extra".n) > 3', (("__t", "extra", "n"), (), "document", "integer")),
        # JSON_VALUE takes JSON or a STRING of JSON text alike
        (
            "bigquery",
            "JSON_VALUE(__t.payload, '$.page.path') = '/home'",
            (("__t", "payload"), ("page", "path"), "either", "string"),
        ),
        (
            "bigquery",
            "CAST(JSON_VALUE(__t.payload, '$.clicks') AS INT64)",
            (("__t", "payload"), ("clicks",), "either", "integer"),
        ),
        ("bigquery", "JSON_QUERY_ARRAY(__t.payload, '$.items')", (("__t", "payload"), ("items", "[]"), "either", None)),
        ("bigquery", "__t.j['k']", (("__t", "j"), ("k",), "document", None)),
        # Snowflake: `:` and GET read a VARIANT; PARSE_JSON's argument is text
        ("snowflake", "__t.v:totals.amount::number(10,2)", (("__t", "v"), ("totals", "amount"), "document", "number")),
        ("snowflake", "GET(__t.v, 'k')", (("__t", "v"), ("k",), "document", None)),
        ("snowflake", "PARSE_JSON(__t.raw):coupon::string", (("__t", "raw"), ("coupon",), "text", "string")),
        ("snowflake", "JSON_EXTRACT_PATH_TEXT(__t.raw, 'a.b')", (("__t", "raw"), ("a", "b"), "text", "string")),
        # Redshift keeps JSON as VARCHAR text; PostgreSQL's ->> needs json(b), unless cast
        ("redshift", "JSON_EXTRACT_PATH_TEXT(__t.s, 'a', 'b')", (("__t", "s"), ("a", "b"), "text", "string")),
        ("postgres", "__t.j -> 'a' ->> 'b'", (("__t", "j"), ("a", "b"), "document", "string")),
        ("postgres", "__t.s::json ->> 'a'", (("__t", "s"), ("a",), "text", "string")),
    ],
)
def test_json_reads_name_the_column_the_keys_and_how_the_warehouse_stores_it(
    dialect: str, sql: str, expected: tuple[tuple[str, ...], tuple[str, ...], str, str | None]
) -> None:
    fragment = read_fragment(sql, dialect)
    assert fragment is not None
    [read] = fragment.json
    assert (read.names, read.path, read.stored, read.type) == expected


@pytest.mark.parametrize(
    "sql",
    [
        "__t.device.browser",  # a struct's field
        "__t.arr[OFFSET(0)]",  # an array's element
        "UPPER(__t.name)",
    ],
)
def test_struct_fields_and_array_elements_are_not_json(sql: str) -> None:
    fragment = read_fragment(sql, "bigquery")
    assert fragment is not None and fragment.json == ()


def test_a_string_subscript_is_json_only_where_structs_and_maps_have_none() -> None:
    for dialect, is_json in (("bigquery", True), ("snowflake", True), ("duckdb", False), ("postgres", False)):
        fragment = read_fragment("__t.s['k']", dialect)
        assert fragment is not None and bool(fragment.json) is is_json, dialect


def test_literals_compared_with_a_json_value_are_kept() -> None:
    fragment = read_fragment("__t.v:channel::string = 'web'", "snowflake")
    assert fragment is not None
    assert fragment.json[0].literals == ("web",)


def test_derived_sql_reads_json_of_source_columns_through_ctes_and_flatten() -> None:
    reads = read_select(
        """
        WITH o AS (SELECT id, v FROM shop.public.orders)
        SELECT o.id, f.value:sku::string AS sku, o.v:totals.amount::float AS amount
        FROM o, LATERAL FLATTEN(input => o.v:items) f
        """,
        "snowflake",
    )
    found = {(table, read.names, read.path, read.type) for table, read in reads.json_reads}
    assert ("shop.public.orders", ("v",), ("items", "[]", "sku"), "string") in found
    assert ("shop.public.orders", ("v",), ("totals", "amount"), "number") in found
    # BigQuery: a bare dotted name past the column is a JSON field access (a document)
    bare = read_select("SELECT JSON_VALUE(payload.page.path) FROM p.d.t", "bigquery")
    assert bare.json_reads == (("p.d.t", JsonRead(("payload",), ("page", "path"), "document", "string")),)


# -- the inferred schema ---------------------------------------------------------------------------

BIGQUERY = {
    "pyproject.toml": '[tool.pytest-looker]\nproject = "."\ndialect = "bigquery"\nseeds = "seeds"\n',
    "m.model.lkml": """
        connection: "bq"
        include: "*.view.lkml"
        explore: events {
          join: events__experiments {
            sql: LEFT JOIN UNNEST(${events.experiments}) AS events__experiments ;;
            relationship: one_to_many
          }
        }
    """,
    "events.view.lkml": """
        view: events {
          sql_table_name: `proj.ds.events` ;;
          dimension: event_id { primary_key: yes type: number }
          # mozilla/looker-hub's events_stream: the experiments a client is enrolled in, a JSON
          # object keyed by experiment; each key is a row of the UNNEST join below
          dimension: experiments { hidden: yes sql: JSON_KEYS(${TABLE}.experiments, 1) ;; }
          dimension: page { type: string sql: JSON_VALUE(${TABLE}.payload, '$.page.path') ;; }
          dimension: clicks { type: number sql: CAST(JSON_VALUE(${TABLE}.payload, '$.clicks') AS INT64) ;; }
          dimension: is_home { type: yesno sql: JSON_VALUE(${TABLE}.payload, '$.page.path') = '/home' ;; }
          dimension: source { type: string sql: JSON_VALUE(${TABLE}.context['source']) ;; }
          measure: count { type: count }
          measure: total_clicks { type: sum sql: ${clicks} ;; }
        }
        view: events__experiments {
          dimension: id { type: string sql: ${TABLE} ;; }
          dimension: branch { type: string sql: JSON_VALUE(events.experiments[${TABLE}].branch) ;; }
          dimension: enrollment { type: string sql: JSON_VALUE(events.experiments[${TABLE}].extra.enrollment_id) ;; }
        }
    """,
}

SNOWFLAKE = {
    "pyproject.toml": '[tool.pytest-looker]\nproject = "."\ndialect = "snowflake"\nseeds = "seeds"\n',
    "m.model.lkml": """
        connection: "sf"
        include: "*.view.lkml"
        explore: orders {}
    """,
    "orders.view.lkml": """
        view: orders {
          sql_table_name: SHOP.PUBLIC.ORDERS ;;
          dimension: id { primary_key: yes type: number }
          dimension: channel { type: string sql: ${TABLE}.attributes:channel::string ;; }
          dimension: amount { type: number sql: ${TABLE}.attributes:totals.amount::number(10,2) ;; }
          dimension: first_sku { type: string sql: ${TABLE}.attributes:items[0].sku::string ;; }
          dimension: coupon { type: string sql: PARSE_JSON(${TABLE}.raw_payload):coupon::string ;; }
          measure: total_amount { type: sum sql: ${amount} ;; }
          measure: count { type: count }
        }
    """,
}


def schema_of(root: Path, dialect: str) -> Schema:
    return infer_schema(load_project(root, cache_dir=None), dialect)


def shape(value: ColumnInfo | None) -> Any:
    """A JSON value's inferred shape as plain data: {key: shape}, [element], or the scalar type."""
    if value is None:
        return None
    if value.type == OBJECT:
        return {name: shape(child) for name, child in value.children.items()}
    if value.type == "array":
        return [shape(value.element)]
    return value.type


def test_bigquery_json_columns_hold_the_keys_their_readers_read(tmp_path: Path) -> None:
    table = schema_of(write_files(tmp_path, BIGQUERY), "bigquery").tables["proj.ds.events"]
    experiments = table.columns["experiments"]
    # JSON_KEYS lists its keys and another view subscripts it by one: a document
    assert experiments.type == "json"
    assert shape(experiments.holds) == {"*": {"branch": "string", "extra": {"enrollment_id": "string"}}}
    # JSON_VALUE(x, '$.…') takes a STRING too, and payload is compared with '/home': JSON text
    payload = table.columns["payload"]
    assert payload.type == "string"
    assert shape(payload.holds) == {"page": {"path": "string"}, "clicks": "integer"}
    assert payload.holds is not None and payload.holds.children["page"].children["path"].values == ["/home"]
    assert table.columns["context"].type == "json"  # a subscript by a key: only a JSON value has one


def test_json_evidence_turns_a_struct_guess_into_json_keys(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "m.model.lkml": 'connection: "bq"\ninclude: "*.view.lkml"\nexplore: e {}\n',
            "e.view.lkml": """
                view: e {
                  sql_table_name: p.d.e ;;
                  dimension: reason_raw { type: string sql: ${TABLE}.event_extra.reason ;; }
                  dimension: linking { type: string sql: LAX_STRING(${TABLE}.event_extra.linking) ;; }
                  dimension: tries { type: number sql: LAX_INT64(${TABLE}.event_extra.tries) ;; }
                  dimension: browser { type: string sql: ${TABLE}.device.browser ;; }
                }
            """,
        },
    )
    columns = schema_of(root, "bigquery").tables["p.d.e"].columns
    column = columns["event_extra"]
    assert column.type == "json" and column.children == {}
    assert shape(column.holds) == {"reason": "string", "linking": "string", "tries": "integer"}
    assert columns["device"].type == "struct"  # a field access and nothing JSON: a STRUCT still


def test_redshift_and_snowflake_text_stays_text(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "m.model.lkml": 'connection: "rs"\ninclude: "*.view.lkml"\nexplore: e {}\n',
            "e.view.lkml": """
                view: e {
                  sql_table_name: public.e ;;
                  dimension: page { sql: JSON_EXTRACT_PATH_TEXT(${TABLE}.properties, 'page', 'path') ;; }
                }
            """,
        },
    )
    column = schema_of(root, "redshift").tables["public.e"].columns["properties"]
    assert column.type == "string" and shape(column.holds) == {"page": {"path": "string"}}
    sf = schema_of(write_files(tmp_path / "sf", SNOWFLAKE), "snowflake").tables["shop.public.orders"].columns
    assert sf["attributes"].type == "json"  # a VARIANT read with `:`
    assert shape(sf["attributes"].holds) == {
        "channel": "string",
        "totals": {"amount": "number"},
        "items": [{"sku": "string"}],
    }
    assert sf["raw_payload"].type == "string" and shape(sf["raw_payload"].holds) == {"coupon": "string"}


def test_generated_json_has_every_key_read(tmp_path: Path) -> None:
    schema = schema_of(write_files(tmp_path, BIGQUERY), "bigquery")
    data = generate(schema, rows=12, seed=3)
    assert data.types["proj.ds.events"]["experiments"] == "json"
    rows = data.tables["proj.ds.events"]
    experiments = [json.loads(r["experiments"]) for r in rows if r["experiments"] is not None]
    assert experiments and all(1 <= len(value) <= 3 for value in experiments)
    for value in experiments:
        for enrolment in value.values():
            assert isinstance(enrolment["branch"], str) and isinstance(enrolment["extra"]["enrollment_id"], str)
    payloads = [json.loads(r["payload"]) for r in rows if r["payload"] is not None]
    assert all(isinstance(p["clicks"], int) and isinstance(p["page"]["path"], str) for p in payloads)
    assert any(p["page"]["path"] == "/home" for p in payloads)  # the literal the LookML compares with


# -- seeds serve the translated queries ------------------------------------------------------------


def seed_rows(path: Path) -> list[dict[str, Any]]:
    """The seed's rows, JSON columns parsed in Python (independently of the SQL under test)."""
    connection = duckdb.connect()
    try:
        described = connection.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
        names = [str(row[0]) for row in described]
        kinds = {str(row[0]): str(row[1]) for row in described}
        assert kinds.get("experiments", "JSON") == "JSON" and kinds.get("attributes", "JSON") == "JSON"
        rows = connection.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
    finally:
        connection.close()
    return [dict(zip(names, row, strict=True)) for row in rows]


def query(cli: Cli, root: Path, explore: str, fields: list[str], *args: str) -> list[dict[str, Any]]:
    result = cli("query", explore, "--project", str(root), "--fields", ",".join(fields), "--format", "json", *args)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.output)
    return rows


def test_bigquery_json_seeds_serve_subscripts_keys_and_json_value(tmp_path: Path, cli: Cli) -> None:
    root = write_files(tmp_path, BIGQUERY)
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    seed = root / "seeds" / "proj" / "ds" / "events.parquet"  # JSON columns: Parquet, not CSV
    expected = []
    for row in seed_rows(seed):
        payload = json.loads(row["payload"]) if row["payload"] is not None else {}
        page = payload.get("page", {}).get("path")
        base = (row["event_id"], page, payload.get("clicks"), "Yes" if page == "/home" else "No")
        experiments = json.loads(row["experiments"]) if row["experiments"] is not None else {}
        # BigQuery: JSON_KEYS lists the keys, JSON_VALUE(experiments[key].branch) is the string at it
        for key, value in experiments.items():
            expected.append((*base, key, value["branch"], value["extra"]["enrollment_id"]))
        if not experiments:  # LEFT JOIN UNNEST of no keys: one row, NULLs
            expected.append((*base, None, None, None))
    fields = ["events.event_id", "events.page", "events.clicks", "events.is_home", "events__experiments.id",
              "events__experiments.branch", "events__experiments.enrollment"]  # fmt: skip
    got = [tuple(row[f] for f in fields) for row in query(cli, root, "m/events", fields)]
    assert sorted(got, key=repr) == sorted(expected, key=repr)
    assert any(row[4] is not None for row in got)
    totals = query(cli, root, "m/events", ["events.total_clicks"])
    assert totals[0]["events.total_clicks"] == sum(r[2] for r in {r[:4] for r in expected} if r[2] is not None)
    check = cli("scaffold", "data", "--project", str(root), "--check")
    assert check.exit_code == 0, check.output


def test_bigquery_json_in_a_duckdb_file_validates_and_round_trips(tmp_path: Path, cli: Cli) -> None:
    root = write_files(tmp_path, BIGQUERY)
    database = root / "warehouse.duckdb"
    assert cli("scaffold", "data", "--project", str(root), "--duckdb", str(database)).exit_code == 0
    result = cli("validate", "--project", str(root), "--duckdb", str(database), "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 0 and report["failures"] == [], report
    check = cli("scaffold", "data", "--project", str(root), "--duckdb", str(database), "--check")
    assert check.exit_code == 0, check.output


def test_a_json_column_retyped_in_the_seeds_is_drift(tmp_path: Path, cli: Cli) -> None:
    root = write_files(tmp_path, BIGQUERY)
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    seed = root / "seeds" / "proj" / "ds" / "events.parquet"
    connection = duckdb.connect()
    try:  # a person rewrites the seed with experiments as plain text
        connection.execute(
            f"COPY (SELECT * REPLACE (CAST(experiments AS VARCHAR) AS experiments) FROM read_parquet('{seed}'))"
            f" TO '{seed}.tmp' (FORMAT PARQUET)"
        )
    finally:
        connection.close()
    Path(f"{seed}.tmp").replace(seed)
    check = cli("scaffold", "data", "--project", str(root), "--check")
    assert check.exit_code == 1 and "retyped column proj.ds.events.experiments" in check.output


def test_snowflake_variant_seeds_serve_paths_and_number_casts(tmp_path: Path, cli: Cli) -> None:
    root = write_files(tmp_path, SNOWFLAKE)
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    rows = seed_rows(root / "seeds" / "SHOP" / "PUBLIC" / "ORDERS.parquet")
    amounts = {}
    for row in rows:
        attributes = json.loads(row["attributes"]) if row["attributes"] is not None else None
        # Snowflake: attributes:totals.amount::number(10,2) rounds to two decimals
        amounts[row["id"]] = round(attributes["totals"]["amount"], 2) if attributes is not None else None
    got = query(cli, root, "m/orders", ["orders.id", "orders.amount"])
    assert {r["orders.id"]: (None if r["orders.amount"] is None else float(r["orders.amount"])) for r in got} == amounts
    [total] = query(cli, root, "m/orders", ["orders.total_amount"])
    assert float(total["orders.total_amount"]) == pytest.approx(sum(a for a in amounts.values() if a is not None))
    report = json.loads(cli("validate", "--project", str(root), "--format", "json").output)
    assert report["failures"] == [], report
    assert cli("scaffold", "data", "--project", str(root), "--check").exit_code == 0


def test_snowflake_variant_string_casts_read_unquoted_strings(tmp_path: Path, cli: Cli) -> None:
    root = write_files(tmp_path, SNOWFLAKE)
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    rows = seed_rows(root / "seeds" / "SHOP" / "PUBLIC" / "ORDERS.parquet")
    expected = {}
    for row in rows:
        attributes = json.loads(row["attributes"]) if row["attributes"] is not None else {}
        payload = json.loads(row["raw_payload"]) if row["raw_payload"] is not None else {}
        expected[row["id"]] = (attributes.get("channel"), payload.get("coupon"))
    got = query(cli, root, "m/orders", ["orders.id", "orders.channel", "orders.coupon"])
    assert {r["orders.id"]: (r["orders.channel"], r["orders.coupon"]) for r in got} == expected


def test_derived_tables_and_subqueries_pass_json_reads_to_their_source_columns(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "m.model.lkml": 'connection: "bq"\ninclude: "*.view.lkml"\nexplore: sessions {}\nexplore: orders {}\n',
            "v.view.lkml": """
                view: sessions {
                  derived_table: { sql: SELECT session_id, payload FROM `p.d.raw_sessions` ;; }
                  dimension: session_id { primary_key: yes }
                  dimension: landing { sql: JSON_VALUE(${TABLE}.payload, '$.landing.path') ;; }
                }
                view: orders {
                  sql_table_name: p.d.orders ;;
                  dimension: id { primary_key: yes type: number }
                  dimension: campaign {
                    sql: (SELECT LAX_STRING(c.attrs.campaign) FROM p.d.carts c WHERE c.order_id = ${TABLE}.id) ;;
                  }
                }
            """,
        },
    )
    tables = schema_of(root, "bigquery").tables
    payload = tables["p.d.raw_sessions"].columns["payload"]
    assert (payload.type, shape(payload.holds)) == ("string", {"landing": {"path": "string"}})
    attrs = tables["p.d.carts"].columns["attrs"]
    assert (attrs.type, shape(attrs.holds)) == ("json", {"campaign": "string"})


REDSHIFT = {
    "pyproject.toml": '[tool.pytest-looker]\nproject = "."\ndialect = "redshift"\nseeds = "seeds"\n',
    "m.model.lkml": 'connection: "rs"\ninclude: "*.view.lkml"\nexplore: tracks {}\n',
    "tracks.view.lkml": """
        view: tracks {
          sql_table_name: segment.tracks ;;
          dimension: id { primary_key: yes type: number }
          dimension: page_path { type: string sql: JSON_EXTRACT_PATH_TEXT(${TABLE}.context, 'page', 'path') ;; }
          dimension: is_mobile { type: yesno sql: JSON_EXTRACT_PATH_TEXT(${TABLE}.context, 'device') = 'mobile' ;; }
          measure: count { type: count }
        }
    """,
}


def test_redshift_json_text_seeds_a_csv_column_the_path_functions_read(tmp_path: Path, cli: Cli) -> None:
    root = write_files(tmp_path, REDSHIFT)
    assert cli("scaffold", "data", "--project", str(root)).exit_code == 0
    seed = root / "seeds" / "segment" / "tracks.csv"  # text, so CSV holds it
    connection = duckdb.connect()
    try:
        rows = connection.execute(f"SELECT id, context FROM read_csv_auto('{seed}', header=true)").fetchall()
    finally:
        connection.close()
    expected = {}
    for key, context in rows:
        value = json.loads(context) if context is not None else {}
        path = value.get("page", {}).get("path")
        expected[key] = (path, "Yes" if value.get("device") == "mobile" else "No")
    got = query(cli, root, "m/tracks", ["tracks.id", "tracks.page_path", "tracks.is_mobile"])
    assert {r["tracks.id"]: (r["tracks.page_path"], r["tracks.is_mobile"]) for r in got} == expected
    assert any(path is not None for path, _ in expected.values())
    assert cli("scaffold", "data", "--project", str(root), "--check").exit_code == 0


def test_struct_array_and_json_columns_go_into_a_duckdb_file(tmp_path: Path, cli: Cli) -> None:
    files = dict(BIGQUERY)
    files["more.view.lkml"] = """
        view: +events {
          dimension: browser { type: string sql: ${TABLE}.device.browser ;; }
          dimension: tag_count { type: number sql: ARRAY_LENGTH(${TABLE}.tags) ;; }
        }
    """
    root = write_files(tmp_path, files)
    database = root / "warehouse.duckdb"
    result = cli("scaffold", "data", "--project", str(root), "--duckdb", str(database))
    assert result.exit_code == 0, result.output
    connection = duckdb.connect(str(database), read_only=True)
    try:
        kinds = dict(
            connection.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'events'"
            ).fetchall()
        )
        browsers = connection.execute('SELECT count(device.browser) FROM "proj.ds".events').fetchone()
    finally:
        connection.close()
    assert kinds["device"] == "STRUCT(browser VARCHAR)" and kinds["tags"] == "VARCHAR[]"
    assert kinds["experiments"] == "JSON"
    assert browsers is not None and browsers[0] > 0
    report = json.loads(cli("validate", "--project", str(root), "--duckdb", str(database), "--format", "json").output)
    assert report["failures"] == [], report
    check = cli("scaffold", "data", "--project", str(root), "--duckdb", str(database), "--check")
    assert check.exit_code == 0, check.output
