"""The emulator through the real looker-sdk over real HTTP: auth, metadata, queries, tasks, checks.

One emulator serves a tiny project (orders joined to customers, two LookML data tests, a
LookML dashboard with one broken tile) on a DuckDB file whose rows are known, for the module.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

looker_sdk = pytest.importorskip("looker_sdk")
pytest.importorskip("uvicorn")

from looker_sdk import error as sdk_error  # noqa: E402
from looker_sdk import models40 as models  # noqa: E402

from pytest_looker.looker.emulator.testing import running_emulator  # noqa: E402

CLIENT_ID, CLIENT_SECRET = "tiny-id", "tiny-secret-4f1c"

FILES = {
    "manifest.lkml": 'project_name: "tiny"\n',
    "tiny.model.lkml": """connection: "warehouse"
include: "/views/*.view.lkml"
include: "/tests/*.lkml"
include: "/dashboards/*.dashboard.lookml"

explore: orders {
  join: customers {
    relationship: many_to_one
    sql_on: ${orders.customer_id} = ${customers.id} ;;
  }
}
""",
    "views/orders.view.lkml": """view: orders {
  sql_table_name: main.orders ;;
  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }
  dimension: customer_id {
    hidden: yes
    type: number
    sql: ${TABLE}.customer_id ;;
  }
  dimension: status {
    label: "Order Status"
    sql: ${TABLE}.status ;;
  }
  dimension_group: created {
    type: time
    timeframes: [date, month]
    sql: ${TABLE}.created_at ;;
  }
  filter: status_filter {
    type: string
  }
  parameter: currency {
    type: unquoted
    allowed_value: { value: "usd" }
  }
  measure: count {
    type: count
  }
  measure: total_amount {
    type: sum
    sql: ${TABLE}.amount ;;
  }
}
""",
    "views/customers.view.lkml": """view: customers {
  sql_table_name: main.customers ;;
  dimension: id {
    primary_key: yes
    type: number
    sql: ${TABLE}.id ;;
  }
  dimension: region {
    sql: ${TABLE}.region ;;
  }
}
""",
    "tests/tiny_tests.lkml": """test: three_orders {
  explore_source: orders {
    column: count { field: orders.count }
  }
  assert: count_is_three {
    expression: ${orders.count} = 3 ;;
  }
}

test: no_big_orders {
  explore_source: orders {
    column: id { field: orders.id }
    column: total { field: orders.total_amount }
  }
  assert: small {
    expression: ${orders.total_amount} < 8 ;;
  }
}
""",
    "dashboards/overview.dashboard.lookml": """- dashboard: overview
  title: Overview
  elements:
  - name: revenue
    title: Revenue
    model: tiny
    explore: orders
    type: single_value
    fields: [orders.total_amount]
  - name: broken
    title: Broken tile
    model: tiny
    explore: orders
    type: looker_grid
    fields: [orders.status, orders.no_such_field]
""",
}

DATA = """
CREATE TABLE main.customers(id INTEGER, region VARCHAR);
INSERT INTO main.customers VALUES (1, 'north'), (2, 'south');
CREATE TABLE main.orders(id INTEGER, customer_id INTEGER, status VARCHAR, amount DOUBLE, created_at TIMESTAMP);
INSERT INTO main.orders VALUES
  (1, 1, 'complete', 10.0, '2024-01-05 10:00:00'),
  (2, 1, 'pending', 5.0, '2024-02-01 08:30:00'),
  (3, 2, 'complete', 7.5, '2024-02-03 12:00:00');
"""


def write_project(root: Path) -> Path:
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("emulator-sdk")
    project = write_project(base / "tiny")
    database = base / "tiny.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(DATA)
    return project, database


@pytest.fixture(scope="module")
def base_url(tiny: tuple[Path, Path]) -> Iterator[str]:
    project, database = tiny
    with running_emulator(project, duckdb=database, client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as url:
        yield url


def make_sdk(directory: Path, base_url: str, secret: str = CLIENT_SECRET) -> looker_sdk.methods40.Looker40SDK:
    """An SDK configured by an ini file, as a user would; ``LOOKERSDK_*`` variables are cleared."""
    ini = directory / "looker.ini"
    ini.write_text(
        f"[Looker]\nbase_url={base_url}\nclient_id={CLIENT_ID}\nclient_secret={secret}\nverify_ssl=false\ntimeout=30\n"
    )
    return looker_sdk.init40(config_file=str(ini))


@pytest.fixture(scope="module")
def sdk(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[looker_sdk.methods40.Looker40SDK]:
    with pytest.MonkeyPatch.context() as patch:
        for name in ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET", "VERIFY_SSL", "TIMEOUT"):
            patch.delenv(f"LOOKERSDK_{name}", raising=False)
        patch.setenv("NO_PROXY", "127.0.0.1,localhost")
        yield make_sdk(tmp_path_factory.mktemp("sdk"), base_url)


ORDERS_BY_STATUS = models.WriteQuery(
    model="tiny",
    view="orders",
    fields=["orders.status", "orders.count", "orders.total_amount"],
    sorts=["orders.status"],
)


def test_login_me_versions_and_session(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    me = sdk.me()
    assert me.id == "1"
    assert me.credentials_api3[0].client_id == CLIENT_ID
    assert sdk.versions().current_version.version == "4.0"
    assert sdk.session().workspace_id == "production"
    assert sdk.update_session(models.WriteApiSession(workspace_id="dev")).workspace_id == "dev"
    assert sdk.session().workspace_id == "dev"
    sdk.update_session(models.WriteApiSession(workspace_id="production"))


def test_models_and_explore_fields(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    (model,) = sdk.all_lookml_models()
    assert (model.name, model.project_name, [e.name for e in model.explores]) == ("tiny", "tiny", ["orders"])
    explore = sdk.lookml_model_explore("tiny", "orders")
    assert explore.id == "tiny::orders" and explore.model_name == "tiny" and explore.view_name == "orders"
    assert [j.name for j in explore.joins] == ["customers"]
    dimensions = {f.name: f for f in explore.fields.dimensions}
    assert {"orders.status", "orders.created_date", "orders.created_month", "customers.region"} <= set(dimensions)
    status = dimensions["orders.status"]
    assert (status.label_short, status.label, status.view) == ("Order Status", "Orders Order Status", "orders")
    assert status.category == models.Category.dimension
    assert status.source_file_path == "tiny/views/orders.view.lkml"
    assert dimensions["orders.created_date"].type == "date_date"
    assert dimensions["orders.created_date"].dimension_group == "orders.created"
    assert dimensions["orders.customer_id"].hidden is True
    measures = {f.name: f for f in explore.fields.measures}
    assert measures["orders.total_amount"].type == "sum" and measures["orders.total_amount"].measure is True
    assert [f.name for f in explore.fields.filters] == ["orders.status_filter"]
    (parameter,) = explore.fields.parameters
    assert parameter.name == "orders.currency" and parameter.enumerations[0].value == "usd"
    with pytest.raises(sdk_error.SDKError):
        sdk.lookml_model_explore("tiny", "nope")


def test_create_query_and_run_in_each_format(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    query = sdk.create_query(ORDERS_BY_STATUS)
    assert query.id and query.model == "tiny" and query.view == "orders" and query.slug
    assert sdk.create_query(ORDERS_BY_STATUS).id == query.id  # identical bodies share one query
    assert sdk.query(query.id).fields == ORDERS_BY_STATUS.fields

    rows = json.loads(sdk.run_query(query.id, "json"))
    assert rows == [
        {"orders.status": "complete", "orders.count": 2, "orders.total_amount": 17.5},
        {"orders.status": "pending", "orders.count": 1, "orders.total_amount": 5.0},
    ]
    assert "SELECT" in sdk.run_query(query.id, "sql").upper()
    bi = json.loads(sdk.run_query(query.id, "json_bi"))
    assert bi["rows"] == rows
    metadata = bi["metadata"]
    assert [f["name"] for f in metadata["fields"]["dimensions"]] == ["orders.status"]
    assert [f["name"] for f in metadata["fields"]["measures"]] == ["orders.count", "orders.total_amount"]
    assert {"big_query_metadata", "pivots", "has_totals", "filters", "sql"} <= set(metadata)
    table = list(csv.reader(io.StringIO(sdk.run_query(query.id, "csv"))))
    assert table == [["Orders Order Status", "Orders Count", "Orders Total Amount"], ["complete", "2", "17.5"],
                     ["pending", "1", "5.0"]]  # fmt: skip
    assert len(json.loads(sdk.run_query(query.id, "json", limit=1))) == 1


def test_inline_query_with_filters_and_join(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    body = models.WriteQuery(
        model="tiny",
        view="orders",
        fields=["customers.region", "orders.count"],
        filters={"orders.status": "complete"},
        sorts=["customers.region desc"],
        limit="10",
    )
    rows = json.loads(sdk.run_inline_query("json", body))
    assert rows == [{"customers.region": "south", "orders.count": 1}, {"customers.region": "north", "orders.count": 1}]
    dates = models.WriteQuery(
        model="tiny", view="orders", fields=["orders.created_date"], sorts=["orders.created_date"]
    )
    assert json.loads(sdk.run_inline_query("json", dates))[0] == {"orders.created_date": "2024-01-05"}


def test_query_errors_are_looker_shaped(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    with pytest.raises(sdk_error.SDKError) as unknown_field:
        sdk.run_inline_query("json", models.WriteQuery(model="tiny", view="orders", fields=["orders.nope"]))
    assert unknown_field.value.message == "Must query at least one dimension or measure"  # Looker's words
    assert "/docs/err/4.0/400/post/queries/run/:result_format" in unknown_field.value.documentation_url
    # Looker drops fields the explore does not have and answers for the rest.
    partly = models.WriteQuery(model="tiny", view="orders", fields=["orders.nope", "orders.count"])
    assert json.loads(sdk.run_inline_query("json", partly)) == [{"orders.count": 3}]
    with pytest.raises(sdk_error.SDKError) as unknown_model:
        sdk.run_inline_query("json", models.WriteQuery(model="nope", view="orders", fields=["orders.count"]))
    assert "/404/" in unknown_model.value.documentation_url
    with pytest.raises(sdk_error.SDKError) as unknown_query:
        sdk.query("99999")
    assert unknown_query.value.message == "Not found"


def test_query_tasks_and_multi_results(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    query = sdk.create_query(ORDERS_BY_STATUS)
    tasks = [
        sdk.create_query_task(models.WriteCreateQueryTask(query_id=query.id, result_format=fmt), cache=False)
        for fmt in (models.ResultFormat.json_bi, models.ResultFormat.json)
    ]
    assert all(t.id and t.query_id == query.id for t in tasks)
    ids = [t.id for t in tasks]
    deadline = time.monotonic() + 10
    while True:
        results = sdk.query_task_multi_results(",".join(ids))
        if all(results[i]["status"] == "complete" for i in ids) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    bi, plain = results[ids[0]]["data"], results[ids[1]]["data"]
    assert bi["rows"][0] == {"orders.status": "complete", "orders.count": 2, "orders.total_amount": 17.5}
    assert plain[1]["orders.status"] == "pending"
    assert sdk.query_task(ids[0]).status == "complete"
    assert json.loads(sdk.query_task_results(ids[1])) == plain
    with pytest.raises(sdk_error.SDKError):
        sdk.kill_query(ids[0])  # finished tasks cannot be cancelled: 404


def test_validate_project(sdk: looker_sdk.methods40.Looker40SDK, tiny: tuple[Path, Path]) -> None:
    project, _ = tiny
    assert sdk.validate_project("tiny").errors == []
    broken = project / "views" / "broken.view.lkml"
    broken.write_text("view: +orders {\n  dimension: bad {\n    sql: ${no_such_dimension} + 1 ;;\n  }\n}\n")
    try:
        result = sdk.validate_project("tiny")
    finally:
        broken.unlink()
        sdk.validate_project("tiny")
    (error,) = result.errors
    assert error.severity == "error" and error.file_path == "tiny/views/broken.view.lkml"
    assert error.line_number == 2 and error.model_id == "tiny" and "no_such_dimension" in error.message
    assert sdk.project_validation_results("tiny").errors == []
    with pytest.raises(sdk_error.SDKError):
        sdk.validate_project("other_project")


def test_lookml_tests_list_and_run(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    tests = {t.name: t for t in sdk.all_lookml_tests("tiny")}
    assert set(tests) == {"three_orders", "no_big_orders"}
    assert tests["three_orders"].file == "tiny/tests/tiny_tests.lkml" and tests["three_orders"].line == 1
    assert tests["three_orders"].explore_name == "orders" and "orders.count" in tests["three_orders"].query_url_params
    (passed,) = sdk.run_lookml_test("tiny", test="three_orders")
    assert (passed.success, passed.assertions_count, passed.assertions_failed) == (True, 1, 0)
    (failed,) = sdk.run_lookml_test("tiny", test="no_big_orders", model="tiny")
    assert (failed.success, failed.assertions_failed) == (False, 1)
    assert failed.errors[0].model_id == "tiny" and 'Assertion "small" failed' in failed.errors[0].message
    assert len(sdk.run_lookml_test("tiny", file_id="tests/tiny_tests.lkml")) == 2


def test_content_validation_of_lookml_dashboards(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    result = sdk.content_validation()
    assert result.total_dashboard_elements_validated == 2
    (item,) = result.content_with_errors
    assert item.lookml_dashboard.id == "tiny::overview" and item.lookml_dashboard.title == "Overview"
    assert item.lookml_dashboard_element.title == "Broken tile"
    (error,) = item.errors
    assert (error.field_name, error.model_name, error.explore_name) == ("orders.no_such_field", "tiny", "orders")


def test_wrong_secret_is_refused(base_url: str, tmp_path: Path) -> None:
    wrong = make_sdk(tmp_path, base_url, secret="not-the-secret")
    with pytest.raises(sdk_error.SDKError) as refused:
        wrong.me()
    assert "Not found" in str(refused.value)
    assert "not-the-secret" not in str(refused.value)


def test_logout_revokes_the_token(base_url: str, tmp_path: Path) -> None:
    own = make_sdk(tmp_path, base_url)
    own.me()
    token = own.auth.token.access_token
    own.auth.logout()  # DELETE /api/logout, as the SDK sends it
    import requests

    answer = requests.get(f"{base_url}/api/4.0/user", headers={"Authorization": f"token {token}"}, timeout=10)
    assert answer.status_code == 401 and answer.json()["message"] == "Requires authentication."
    own.me()  # a new login
    own.logout()  # DELETE /api/4.0/logout, the generated method


def test_json_bodies_sent_as_form_data_are_accepted(base_url: str, tmp_path: Path) -> None:
    # The SDK quirk: per-call transport_options on the first call make it send that call's JSON
    # body with a form content type (looker-api.md §1.9).
    fresh = make_sdk(tmp_path, base_url)
    query = fresh.create_query(ORDERS_BY_STATUS, transport_options={"headers": {"X-Trace": "1"}})
    assert query.model == "tiny" and query.fields == ORDERS_BY_STATUS.fields
