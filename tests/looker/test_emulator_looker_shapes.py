"""What issue 17 found the emulator answering differently from Looker, through the real looker-sdk.

One emulator serves a small project for the module: an explore with an ``access_filter`` on a
user attribute, a duration dimension group, a ``type: location`` dimension, a dimension whose SQL
the database rejects, and declared content (a Look, a dashboard). The API user has the
``region`` attribute (as ``serve --user-attribute region=north`` gives it) but not ``tier``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

looker_sdk = pytest.importorskip("looker_sdk")
pytest.importorskip("uvicorn")

from looker_sdk import error as sdk_error  # noqa: E402
from looker_sdk import models40 as models  # noqa: E402

from helpers import write_files  # noqa: E402
from pytest_looker.looker.emulator.testing import running_emulator  # noqa: E402

FILES = {
    "manifest.lkml": 'project_name: "depot"\n',
    "depot.model.lkml": """connection: "warehouse"
include: "/*.view.lkml"
explore: shipments {
  access_filter: { field: shipments.region user_attribute: region }
}
explore: restricted_shipments {
  from: shipments
  access_filter: { field: restricted_shipments.tier user_attribute: tier }
}
explore: sites {}
explore: crates {
  always_join: [shipments]
  join: shipments { sql_on: ${crates.site_id} = ${shipments.tier} ;; relationship: one_to_many }
}
""",
    "shipments.view.lkml": """view: shipments {
  sql_table_name: main.shipments ;;
  dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
  dimension: region { sql: ${TABLE}.region ;; }
  dimension: tier { type: number sql: ${TABLE}.tier ;; }
  dimension: broken { type: number sql: ${TABLE}.no_such_column ;; }
  dimension_group: transit {
    type: duration
    intervals: [day, hour]
    sql_start: ${TABLE}.sent_at ;;
    sql_end: ${TABLE}.received_at ;;
  }
  measure: count { type: count }
}
""",
    "sites.view.lkml": """view: sites {
  sql_table_name: main.sites ;;
  dimension: id { primary_key: yes type: number sql: ${TABLE}.id ;; }
  dimension: location { type: location sql_latitude: ${TABLE}.lat ;; sql_longitude: ${TABLE}.lon ;; }
}
view: crates {
  sql_table_name: main.crates ;;
  dimension: site_id { type: number sql: ${TABLE}.site_id ;; }
  measure: count { type: count }
}
""",
}
CONTENT = {
    "fine.yaml": """id: "7"
title: Shipments by region
query: {model: depot, view: shipments, fields: [shipments.region, shipments.count]}
""",
    "Ops/board.json": json.dumps(
        {
            "title": "Ops board",
            "dashboard_elements": [
                {
                    "title": "Days in transit",
                    "query": {"model": "depot", "view": "shipments", "fields": ["shipments.days_transit"]},
                },
                {"title": "Gone", "query": {"model": "depot", "view": "shipments", "fields": ["shipments.weight"]}},
                {"title": "The Look", "look_id": "7"},
            ],
            "dashboard_filters": [{"title": "Site", "model": "depot", "explore": "sites", "dimension": "sites.name"}],
        }
    ),
}
DATA = """
CREATE TABLE main.shipments(id INTEGER, region VARCHAR, tier INTEGER, sent_at TIMESTAMP, received_at TIMESTAMP);
INSERT INTO main.shipments VALUES
  (1, 'north', 1, '2024-01-01 00:00', '2024-01-03 12:00'),
  (2, 'south', 2, '2024-01-01 00:00', '2024-01-02 00:00'),
  (3, 'north', 2, '2024-02-01 00:00', '2024-02-01 06:00');
CREATE TABLE main.sites(id INTEGER, lat DOUBLE, lon DOUBLE);
INSERT INTO main.sites VALUES (1, 52.5, 13.4);
CREATE TABLE main.crates(site_id INTEGER);
INSERT INTO main.crates VALUES (1), (1);
"""


@pytest.fixture(scope="module")
def depot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    base = tmp_path_factory.mktemp("depot")
    root = write_files(base / "depot", FILES)
    content = write_files(base / "content", CONTENT)
    database = base / "depot.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(DATA)
    return root, database, content


@pytest.fixture(scope="module")
def emulator_url(depot: tuple[Path, Path, Path]) -> Iterator[str]:
    root, database, content = depot
    with running_emulator(
        root, duckdb=database, content=content, user_attributes={"region": "north"}, client_id="d", client_secret="s"
    ) as url:
        yield url


@pytest.fixture(scope="module")
def sdk(emulator_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[looker_sdk.methods40.Looker40SDK]:
    ini = tmp_path_factory.mktemp("depot-sdk") / "looker.ini"
    ini.write_text(f"[Looker]\nbase_url={emulator_url}\nclient_id=d\nclient_secret=s\n")
    with pytest.MonkeyPatch.context() as patch:
        for name in ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET"):
            patch.delenv(f"LOOKERSDK_{name}", raising=False)
        yield looker_sdk.init40(config_file=str(ini))


def query(*fields: str, explore: str = "shipments", **extra: object) -> models.WriteQuery:
    return models.WriteQuery(model="depot", view=explore, fields=list(fields), **extra)  # type: ignore[arg-type]


def test_every_dimension_has_its_sql_and_a_link(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    dimensions = {f.name: f for f in sdk.lookml_model_explore("depot", "shipments").fields.dimensions}
    assert dimensions["shipments.region"].sql == "${TABLE}.region"
    transit = dimensions["shipments.days_transit"].sql or ""
    assert "sent_at" in transit and "received_at" in transit  # the compiler's expression for the interval
    location = {f.name: f for f in sdk.lookml_model_explore("depot", "sites").fields.dimensions}["sites.location"]
    assert "lat" in (location.sql or "") and "lon" in (location.sql or "")
    assert dimensions["shipments.region"].lookml_link == "/projects/depot/files/shipments.view.lkml?line=4"
    # Looker leaves count measures without SQL
    assert {f.name: f.sql for f in sdk.lookml_model_explore("depot", "shipments").fields.measures} == {
        "shipments.count": None
    }


def test_the_api_user_attributes_apply_to_queries(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    rows = json.loads(sdk.run_inline_query("json", query("shipments.region", "shipments.count")))
    assert rows == [{"shipments.region": "north", "shipments.count": 2}]
    # The user lacks "tier": the query cannot run, and says why in its error row.
    refused = json.loads(sdk.run_inline_query("json", query("restricted_shipments.id", explore="restricted_shipments")))
    assert "'tier'" in refused[0]["looker_error"]


def test_lookml_validation_does_not_evaluate_user_attributes(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    validation = sdk.validate_project("depot")
    assert validation.errors == [], [e.message for e in validation.errors or []]
    assert re.fullmatch(r"[0-9a-f]{40}", validation.project_digest or "")


def test_a_view_without_primary_key_fails_its_queries_not_the_validation(
    sdk: looker_sdk.methods40.Looker40SDK,
) -> None:
    # Looker's validator is silent about a fanned-out view without primary_key (pytest-looker's
    # own lint warns, but a warning fails `spectacles lookml` by default), even where every query
    # of its measures fans out (always_join); Looker refuses those queries instead: "cannot be
    # calculated because of a one_to_many … join" (mozilla/lookml-generator#139).
    messages = [e.message or "" for e in sdk.validate_project("depot").errors or []]
    assert not [m for m in messages if "crates" in m], messages
    rows = json.loads(sdk.run_inline_query("json", query("crates.site_id", explore="crates")))
    assert rows == [{"crates.site_id": 1}]
    refused = json.loads(sdk.run_inline_query("json", query("crates.count", explore="crates")))
    assert "primary_key" in refused[0]["looker_error"], refused


def test_a_cached_validation_turns_stale_when_files_change(
    sdk: looker_sdk.methods40.Looker40SDK, depot: tuple[Path, Path, Path]
) -> None:
    root = depot[0]
    sdk.validate_project("depot")
    assert sdk.project_validation_results("depot").stale is False
    extra = root / "extra.view.lkml"
    extra.write_text("view: +shipments {\n  dimension: oops { sql: ${nothing_here} ;; }\n}\n")
    try:
        assert sdk.project_validation_results("depot").stale is True
        errors = sdk.validate_project("depot").errors or []
        found = [e for e in errors if e.file_path == "depot/extra.view.lkml"]
        assert found and found[0].kind == "error" and found[0].params == {"level": "error"}
        assert found[0].field_name == "shipments.oops"
    finally:
        extra.unlink()
    assert sdk.validate_project("depot").errors == []


def test_query_errors_are_answered_in_the_formats_that_carry_them(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    broken = query("shipments.id", "shipments.broken")
    rows = json.loads(sdk.run_inline_query("json", broken))
    assert list(rows[0]) == ["looker_error"] and "no_such_column" in rows[0]["looker_error"]
    bi = json.loads(sdk.run_inline_query("json_bi", broken))
    assert "no_such_column" in bi["metadata"]["sql"] and [
        f["name"] for f in bi["metadata"]["fields"]["dimensions"]
    ] == [
        "shipments.id",
        "shipments.broken",
    ]
    detail = json.loads(sdk.run_inline_query("json_detail", broken))
    assert detail["errors"][0]["sql_error_loc"]["line"] >= 1 and detail["data"] == []
    with pytest.raises(sdk_error.SDKError, match="no_such_column"):
        sdk.run_inline_query("csv", broken)


def test_text_formats_equal_the_json_rows(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    body = query("shipments.region", "shipments.count", sorts=["shipments.region"])
    rows = json.loads(sdk.run_inline_query("json", body))
    expected = [[str(r["shipments.region"]), str(r["shipments.count"])] for r in rows]
    header = ["Shipments Region", "Shipments Count"]
    assert list(csv.reader(io.StringIO(sdk.run_inline_query("txt", body)), delimiter="\t")) == [header, *expected]
    markdown = sdk.run_inline_query("md", body).splitlines()
    assert markdown[0] == "| Shipments Region | Shipments Count |" and markdown[2:] == [
        f"| {a} | {b} |" for a, b in expected
    ]
    html = sdk.run_inline_query("html", body)
    assert html.count("<tr>") == len(rows) + 1 and "<th>Shipments Region</th>" in html
    detail = json.loads(sdk.run_inline_query("json_detail", body))
    assert [{k: v["value"] for k, v in r.items()} for r in detail["data"]] == rows
    workbook = zipfile.ZipFile(io.BytesIO(sdk.run_inline_query("xlsx", body)))  # type: ignore[arg-type]
    sheet = ET.fromstring(workbook.read("xl/worksheets/sheet1.xml"))
    cells = [[c.findtext(".//{*}t") or c.findtext("{*}v") for c in row] for row in sheet.findall(".//{*}row")]
    assert cells == [header, *expected]


def test_a_custom_filter_is_written_into_the_sql(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    spectacles_probe = query("shipments.id", "shipments.region", limit="0", filter_expression="1=2")
    sql = sdk.run_inline_query("sql", spectacles_probe)
    where = sql[sql.index("WHERE") :]
    assert "(1 = 2)" in where.split("ORDER BY")[0], sql  # ANDed into WHERE by the compiler, as Looker does
    assert json.loads(sdk.run_inline_query("json", query("shipments.id", filter_expression="1=2"))) == []
    assert len(json.loads(sdk.run_inline_query("json", query("shipments.id", filter_expression="1=1")))) == 2


def test_queries_have_a_share_url(sdk: looker_sdk.methods40.Looker40SDK, emulator_url: str) -> None:
    created = sdk.create_query(query("shipments.count"))
    assert created.share_url == f"{emulator_url}/x/{created.slug}"


def test_declared_content_is_served_and_validated(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    folders = {f.name: f for f in sdk.all_folders()}
    assert {"Shared", "Ops"} <= set(folders) and folders["Ops"].parent_id == folders["Shared"].id
    look = sdk.look("7")
    assert look.title == "Shipments by region" and look.query is not None and look.query.view == "shipments"
    assert json.loads(sdk.run_look("7", "json")) == [{"shipments.region": "north", "shipments.count": 2}]
    board = sdk.dashboard("1")
    assert board.folder is not None and board.folder.name == "Ops"
    assert [e.title for e in board.dashboard_elements or []] == ["Days in transit", "Gone", "The Look"]
    validation = sdk.content_validation()
    broken = {
        (item.dashboard.title if item.dashboard else None, e.field_name)
        for item in validation.content_with_errors or []
        for e in item.errors or []
        if item.dashboard is not None
    }
    assert broken == {("Ops board", "shipments.weight"), ("Ops board", "sites.name")}
    assert validation.total_looks_validated == 1
    only_shared_root = sdk.content_validation(space_ids=folders["Shared"].id)
    assert len(only_shared_root.content_with_errors or []) == 2  # subfolders are included
    assert sdk.manifest("depot").name == "depot" and sdk.manifest("depot").imports == []
