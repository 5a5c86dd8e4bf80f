"""Every answer of every endpoint the emulator serves conforms to Looker's OpenAPI spec.

One emulator serves a git copy of the example project with one planted dimension whose SQL the
database rejects (``events.broken_sql``), so results, errors, branches and content all have
something to show. A scripted session (:data:`CASES`, in order: later calls use ids earlier ones
returned) calls every route over real HTTP; each answer is then checked for its status and
against the spec's schema for that status (:mod:`oas`). Query results, whose schema the spec
leaves open, are checked against ``JsonBi`` and against the ``json_detail`` shape recorded from
real Looker. A test fails when a route is added without a case, and the checks are shown to
catch wrong shapes (negative controls).
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

requests = pytest.importorskip("requests")
pytest.importorskip("uvicorn")
pytest.importorskip("openapi_schema_validator")

from client_support import EXAMPLE, git, tiny_project  # noqa: E402
from oas import component, response_violations, schema_violations, spec_path  # noqa: E402

from pytest_looker.looker.emulator.settings import SHAPE_PROFILES  # noqa: E402
from pytest_looker.looker.emulator.testing import running_emulator  # noqa: E402

CLIENT_ID, SECRET = "spec-id", "spec-secret"
BROKEN = "view: +events {\n  dimension: broken_sql {\n    type: number\n    sql: ${TABLE}.no_such_column ;;\n  }\n}\n"
A = "/api/4.0"
P = f"{A}/projects/{{project_id}}"
ORDERS = {"model": "ecommerce", "view": "orders", "fields": ["orders.status", "orders.count"], "limit": "5"}
BROKEN_QUERY = {"model": "ecommerce", "view": "events", "fields": ["events.broken_sql"], "limit": "0"}
EXPLORES = ["events", "monthly_sales", "order_items", "orders", "returns", "users"]
#: The route of a path Looker does not have: the answer must still be an ``Error``.
UNKNOWN = "*"
FORMATS = ["json", "json_bi", "json_detail", "csv", "txt", "html", "md", "sql", "xlsx"]

#: ``json_detail`` as recorded from Looker 22.x (Spectacles' cassettes); the spec leaves it open.
JSON_DETAIL = {
    "type": "object",
    "required": ["id", "runtime", "sql", "fields", "data"],
    "properties": {
        "id": {"type": "string"},
        "runtime": {"type": "string", "pattern": r"^\d+(\.\d+)?$"},
        "sql": {"type": "string", "nullable": True},
        "fields": {"type": "object", "required": ["dimensions", "measures", "table_calculations", "pivots"]},
        "data": {"type": "array", "items": {"type": "object"}},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["message", "message_details", "params", "level", "sql_error_loc"],
                "properties": {
                    "message": {"type": "string"},
                    "message_details": {"type": "string", "nullable": True},
                    "params": {"type": "string", "nullable": True},
                    "level": {"type": "string", "enum": ["error", "warning"]},
                    "sql_error_loc": {
                        "type": "object",
                        "nullable": True,
                        "properties": {"line": {"type": "integer"}, "column": {"type": "integer"}},
                    },
                },
            },
        },
    },
}
JSON_DETAIL_STRING_ERROR = {
    "type": "object",
    "required": ["id", "error"],
    "properties": {"id": {"type": "string"}, "error": {"type": "string"}},
    "not": {"anyOf": [{"required": ["runtime"]}, {"required": ["errors"]}]},
}


@dataclass(frozen=True)
class Case:
    """One call: ``route`` is the emulator's route template; ``path`` fills it from earlier answers."""

    id: str
    method: str
    route: str
    status: int
    path: str | None = None
    body: Any = None
    form: bool = False
    auth: bool = True
    query: str = ""
    keep: str | None = None  # remember the answer's "id" under this name
    second_token: bool = False  # use the session's second token (the first one is logged out)
    wait: bool = False  # first wait until every task created so far has finished

    @property
    def partial(self) -> bool:
        return "fields=" in self.query


def _cases() -> list[Case]:
    tasks = [(f, ORDERS) for f in ("json_bi", "json", "json_detail", "csv")]
    tasks += [(f"broken_{f}", BROKEN_QUERY) for f in ("json_bi", "json", "json_detail")]
    cases = [
        Case("bad login", "POST", f"{A}/login", 404, body={"client_id": "x", "client_secret": "y"}, form=True),
        Case("no token", "GET", f"{A}/user", 401, auth=False),
        Case("versions", "GET", f"{A}/versions", 200, auth=False),
        Case("versions at the root", "GET", "/versions", 200, auth=False),
        Case("me", "GET", f"{A}/user", 200),
        Case("me, some fields", "GET", f"{A}/user", 200, query="fields=id,email"),
        Case("session", "GET", f"{A}/session", 200),
        Case("bad workspace", "PATCH", f"{A}/session", 422, body={"workspace_id": "nope"}),
        Case("models", "GET", f"{A}/lookml_models", 200),
        Case("models, Spectacles' fields", "GET", f"{A}/lookml_models", 200, query="fields=name,project_name,explores"),
        Case("model", "GET", f"{A}/lookml_models/{{model}}", 200, path=f"{A}/lookml_models/ecommerce"),
        Case("unknown model", "GET", f"{A}/lookml_models/{{model}}", 404, path=f"{A}/lookml_models/nope"),
        *[
            Case(
                f"explore {e}",
                "GET",
                f"{A}/lookml_models/{{model}}/explores/{{explore}}",
                200,
                path=f"{A}/lookml_models/ecommerce/explores/{e}",
            )
            for e in EXPLORES
        ],
        Case(
            "unknown explore",
            "GET",
            f"{A}/lookml_models/{{model}}/explores/{{explore}}",
            404,
            path=f"{A}/lookml_models/ecommerce/explores/nope",
        ),
        Case("create query", "POST", f"{A}/queries", 200, body=ORDERS, keep="query"),
        Case(
            "create query, Spectacles' fields",
            "POST",
            f"{A}/queries",
            200,
            body=BROKEN_QUERY,
            query="fields=id,share_url",
            keep="broken",
        ),
        Case("create query without a model", "POST", f"{A}/queries", 422, body={"fields": ["orders.count"]}),
        Case("query", "GET", f"{A}/queries/{{query_id}}", 200, path=f"{A}/queries/{{query}}"),
        Case("unknown query", "GET", f"{A}/queries/{{query_id}}", 404, path=f"{A}/queries/99999"),
        *[
            Case(
                f"run {f}",
                "GET",
                f"{A}/queries/{{query_id}}/run/{{result_format}}",
                200,
                path=f"{A}/queries/{{query}}/run/{f}",
            )
            for f in FORMATS
        ],
        Case(
            "run png",
            "GET",
            f"{A}/queries/{{query_id}}/run/{{result_format}}",
            400,
            path=f"{A}/queries/{{query}}/run/png",
        ),
        Case(
            "inline json", "POST", f"{A}/queries/run/{{result_format}}", 200, path=f"{A}/queries/run/json", body=ORDERS
        ),
        Case(
            "inline, no known field",
            "POST",
            f"{A}/queries/run/{{result_format}}",
            400,
            path=f"{A}/queries/run/sql",
            body={**ORDERS, "fields": ["orders.nope"]},
        ),
        *[
            Case(
                f"inline {f}, database error",
                "POST",
                f"{A}/queries/run/{{result_format}}",
                status,
                path=f"{A}/queries/run/{f}",
                body=BROKEN_QUERY,
            )
            for f, status in (("json", 200), ("json_bi", 200), ("json_detail", 200), ("csv", 400))
        ],
        *[
            Case(
                f"task {name}",
                "POST",
                f"{A}/query_tasks",
                200,
                query="fields=id&cache=false",
                keep=f"task_{name}",
                body={
                    "query_id": "{broken}" if name.startswith("broken") else "{query}",
                    "result_format": name.removeprefix("broken_"),
                },
            )
            for name, _ in tasks
        ],
        Case("task, bad format", "POST", f"{A}/query_tasks", 422, body={"query_id": "{query}", "result_format": "x"}),
        Case(
            "task, unknown query", "POST", f"{A}/query_tasks", 404, body={"query_id": "99999", "result_format": "json"}
        ),
        *[
            Case(
                f"task {name} status",
                "GET",
                f"{A}/query_tasks/{{task_id}}",
                200,
                path=f"{A}/query_tasks/{{task_{name}}}",
                wait=True,
            )
            for name, _ in tasks
        ],
        *[
            Case(
                f"task {name} results",
                "GET",
                f"{A}/query_tasks/{{task_id}}/results",
                status,
                path=f"{A}/query_tasks/{{task_{name}}}/results",
            )
            for name, status in (
                ("json_bi", 200),
                ("json_detail", 200),
                ("csv", 200),
                ("broken_json_bi", 400),
                ("broken_json_detail", 200),
            )
        ],
        Case(
            "multi results",
            "GET",
            f"{A}/query_tasks/multi_results",
            200,
            query="query_task_ids=" + ",".join(f"{{task_{n}}}" for n, _ in tasks),
            keep="multi",
        ),
        Case("multi results without ids", "GET", f"{A}/query_tasks/multi_results", 400),
        Case("unknown task", "GET", f"{A}/query_tasks/{{task_id}}", 404, path=f"{A}/query_tasks/nope"),
        Case("running queries", "GET", f"{A}/running_queries", 200),
        Case(
            "kill a finished task",
            "DELETE",
            f"{A}/running_queries/{{task_id}}",
            404,
            path=f"{A}/running_queries/{{task_json}}",
        ),
        Case("projects", "GET", f"{A}/projects", 200),
        Case("project", "GET", P, 200),
        Case("unknown project", "GET", P, 404, path=f"{A}/projects/nope"),
        Case("manifest", "GET", f"{P}/manifest", 200),
        Case("no validation yet", "GET", f"{P}/validate", 204),
        Case("validate", "POST", f"{P}/validate", 200),
        Case("cached validation", "GET", f"{P}/validate", 200),
        Case("lookml tests", "GET", f"{P}/lookml_tests", 200),
        Case(
            "run a lookml test", "GET", f"{P}/lookml_tests/run", 200, query="model=ecommerce&test=orders_id_is_unique"
        ),
        Case("run an unknown lookml test", "GET", f"{P}/lookml_tests/run", 404, query="test=nope"),
        Case("content validation", "GET", f"{A}/content_validation", 200, query="project_names=ecommerce"),
        Case("content validation of a folder", "GET", f"{A}/content_validation", 200, query="space_ids=102"),
        Case("folders", "GET", f"{A}/folders", 200),
        Case("folder", "GET", f"{A}/folders/{{folder_id}}", 200, path=f"{A}/folders/102"),
        Case("unknown folder", "GET", f"{A}/folders/{{folder_id}}", 404, path=f"{A}/folders/999"),
        Case("folder children", "GET", f"{A}/folders/{{folder_id}}/children", 200, path=f"{A}/folders/1/children"),
        Case("folder looks", "GET", f"{A}/folders/{{folder_id}}/looks", 200, path=f"{A}/folders/1/looks"),
        Case(
            "folder dashboards", "GET", f"{A}/folders/{{folder_id}}/dashboards", 200, path=f"{A}/folders/102/dashboards"
        ),
        Case("looks", "GET", f"{A}/looks", 200),
        Case("look", "GET", f"{A}/looks/{{look_id}}", 200, path=f"{A}/looks/1"),
        Case("unknown look", "GET", f"{A}/looks/{{look_id}}", 404, path=f"{A}/looks/999"),
        Case("run a look", "GET", f"{A}/looks/{{look_id}}/run/{{result_format}}", 200, path=f"{A}/looks/1/run/json"),
        Case("dashboards", "GET", f"{A}/dashboards", 200),
        Case("dashboard", "GET", f"{A}/dashboards/{{dashboard_id}}", 200, path=f"{A}/dashboards/1"),
        Case("git branch in production", "GET", f"{P}/git_branch", 200),
        Case("git branches", "GET", f"{P}/git_branches", 200),
        Case("one git branch", "GET", f"{P}/git_branch/{{branch_name}}", 200, path=f"{P}/git_branch/main"),
        Case("unknown git branch", "GET", f"{P}/git_branch/{{branch_name}}", 404, path=f"{P}/git_branch/nope"),
        Case("branch change in production", "POST", f"{P}/git_branch", 400, body={"name": "tmp"}),
        Case("to dev", "PATCH", f"{A}/session", 200, body={"workspace_id": "dev"}),
        Case("create a branch", "POST", f"{P}/git_branch", 200, body={"name": "tmp_spec"}),
        Case("create it again", "POST", f"{P}/git_branch", 409, body={"name": "tmp_spec"}),
        Case("create without a name", "POST", f"{P}/git_branch", 422, body={}),
        Case("reset it to origin/main", "PUT", f"{P}/git_branch", 200, body={"name": "tmp_spec", "ref": "origin/main"}),
        Case("reset it to a missing ref", "PUT", f"{P}/git_branch", 422, body={"name": "tmp_spec", "ref": "origin/x"}),
        Case("dev branch", "GET", f"{P}/git_branch", 200),
        Case("reset to remote", "POST", f"{P}/reset_to_remote", 204),
        Case("reset to production", "POST", f"{P}/reset_to_production", 204),
        Case("check out main", "PUT", f"{P}/git_branch", 200, body={"name": "main"}),
        Case("delete the branch", "DELETE", f"{P}/git_branch/{{branch_name}}", 204, path=f"{P}/git_branch/tmp_spec"),
        Case(
            "delete the production branch",
            "DELETE",
            f"{P}/git_branch/{{branch_name}}",
            400,
            path=f"{P}/git_branch/main",
        ),
        Case("to production", "PATCH", f"{A}/session", 200, body={"workspace_id": "production"}),
        Case("unknown path", "GET", UNKNOWN, 404, path=f"{A}/lookml_models/ecommerce/nope/more"),
        Case("SDK logout", "DELETE", "/api/logout", 204, second_token=True),
        Case("logout", "DELETE", f"{A}/logout", 204),
        Case("after logout", "GET", f"{A}/user", 401),
    ]
    return cases


CASES = _cases()


@dataclass
class Exchange:
    status: int
    content_type: str
    body: bytes
    path: str
    violations: list[str] = field(default_factory=list)


def _fill(value: Any, context: dict[str, str]) -> Any:
    if isinstance(value, str):
        for key, found in context.items():
            value = value.replace("{" + key + "}", found)
        return value
    if isinstance(value, dict):
        return {k: _fill(v, context) for k, v in value.items()}
    return value


def _wait_for_tasks(session: Any, url: str, context: dict[str, str], token: str) -> None:
    ids = ",".join(v for k, v in context.items() if k.startswith("task_"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = session.get(
            f"{url}{A}/query_tasks/multi_results",
            params={"query_task_ids": ids},
            headers={"Authorization": f"token {token}"},
            timeout=30,
        ).json()
        if all(a["status"] in ("complete", "error") for a in answer.values()):
            return
        time.sleep(0.05)
    raise AssertionError("query tasks did not finish")


@pytest.fixture(scope="module")
def exchanges(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Exchange]]:
    root = tmp_path_factory.mktemp("spec") / "ecommerce"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".pytest-looker", "__pycache__", ".pytest_cache"))
    (root / "views" / "planted.view.lkml").write_text(BROKEN)
    git(root, "init", "--quiet", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "the example, one broken dimension")
    with running_emulator(root, client_id=CLIENT_ID, client_secret=SECRET) as url:
        session = requests.Session()
        session.trust_env = False
        login = session.post(f"{url}{A}/login", data={"client_id": CLIENT_ID, "client_secret": SECRET}, timeout=30)
        token = login.json()["access_token"]
        second = session.post(f"{url}{A}/login", data={"client_id": CLIENT_ID, "client_secret": SECRET}, timeout=30)
        context = {"project_id": "ecommerce"}
        found = {"login": Exchange(login.status_code, login.headers.get("content-type", ""), login.content, "login")}
        found["login"].violations = response_violations(
            "POST", f"{A}/login", login.status_code, found["login"].content_type, login.content
        )
        for case in CASES:
            if case.wait:
                _wait_for_tasks(session, url, context, token)
            path = _fill(case.path or case.route, context)
            query = _fill(case.query, context)
            used = second.json()["access_token"] if case.second_token else token
            headers = {"Authorization": f"token {used}"} if case.auth else {}
            body = _fill(case.body, context)
            sent = {"data": body} if case.form else ({"json": body} if body is not None else {})
            answer = session.request(
                case.method, f"{url}{path}{'?' + query if query else ''}", headers=headers, timeout=120, **sent
            )
            exchange = Exchange(answer.status_code, answer.headers.get("content-type", ""), answer.content, path)
            if case.route == UNKNOWN:
                exchange.violations = schema_violations(component("Error"), answer.json())
            else:
                exchange.violations = response_violations(
                    case.method, case.route, exchange.status, exchange.content_type, exchange.body, partial=case.partial
                )
            found[case.id] = exchange
            if case.keep and answer.status_code == 200:
                data = answer.json()
                context[case.keep] = data["id"] if isinstance(data, dict) and "id" in data else answer.text
        yield found


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_answer_conforms_to_the_spec(exchanges: dict[str, Exchange], case: Case) -> None:
    exchange = exchanges[case.id]
    detail = exchange.body[:300]
    assert exchange.status == case.status, f"{case.method} {exchange.path}: {exchange.status} {detail!r}"
    assert exchange.violations == [], f"{case.method} {exchange.path}: {detail!r}"


def test_login_conforms(exchanges: dict[str, Exchange]) -> None:
    assert exchanges["login"].status == 200 and exchanges["login"].violations == []


def test_every_route_has_a_case() -> None:
    from pytest_looker.looker.emulator.routes import auth, content, git, lookml, projects, queries

    routes = {
        (method, route.path)
        for module in (auth, content, git, lookml, projects, queries)
        for route in module.routes()
        for method in (route.methods or ()) - {"HEAD"}
    }
    assert {path for _, path in routes if spec_path(path) is None} == set()  # everything served is Looker's
    covered = {(c.method, c.route) for c in CASES if c.route != UNKNOWN} | {("POST", f"{A}/login")}
    normalised = {(m, p.replace(":path}", "}")) for m, p in routes}
    assert normalised - covered == set()


def test_query_results_conform(exchanges: dict[str, Exchange]) -> None:
    """``multi_results`` data: ``JsonBi`` for json_bi (errors included), Looker's json_detail shape."""
    answers = list(
        json.loads(exchanges["multi results"].body).values()
    )  # in the order the tasks were created (see _cases)
    complete_bi, plain, detail, _ = answers[:4]
    broken_bi, broken_json, broken_detail = answers[4:]
    assert [a["status"] for a in answers] == ["complete"] * 4 + ["error"] * 3, answers
    assert schema_violations(component("JsonBi"), complete_bi["data"]) == []
    assert schema_violations(component("JsonBi"), broken_bi["data"]) == []
    assert broken_bi["data"]["metadata"]["sql"] and "no_such_column" in broken_bi["data"]["metadata"]["sql"]
    assert "no_such_column" in broken_bi["data"]["rows"][0]["looker_error"]
    assert schema_violations(JSON_DETAIL, detail["data"]) == [] and "errors" not in detail["data"]
    assert schema_violations(JSON_DETAIL, broken_detail["data"]) == []
    error = broken_detail["data"]["errors"][0]
    assert error["sql_error_loc"]["line"] >= 1 and "no_such_column" in error["message_details"]
    assert isinstance(plain["data"], list) and set(broken_json["data"]) >= {"id", "error", "runtime", "sql"}
    inline = json.loads(exchanges["inline json, database error"].body)
    assert list(inline[0]) == ["looker_error"]


def test_the_checks_catch_wrong_shapes() -> None:
    """Negative controls: the emulator's old answers and plain mistakes are violations."""
    assert schema_violations(component("JsonBi"), {"metadata": {"sql": None}, "rows": [{"looker_error": "x"}]})
    assert schema_violations(component("Error"), {"documentation_url": "x"})  # no message
    assert schema_violations(component("GitBranch"), {"name": 7})
    assert schema_violations(component("ContentValidation"), {"content_with_errors": [{"look": "oops"}]})
    assert schema_violations(JSON_DETAIL, {"id": "1", "runtime": 0.5, "sql": None, "fields": {}, "data": []})
    assert response_violations("GET", f"{A}/lookml_models", 418, "application/json", b"{}")
    assert response_violations("DELETE", f"{A}/logout", 204, "", b"x")
    assert response_violations("GET", f"{A}/user", 200, "text/html", b"<p>")
    assert response_violations("GET", f"{A}/no_such_route", 200, "application/json", b"{}")


@pytest.mark.parametrize("profile", SHAPE_PROFILES)
def test_shape_profiles(profile: str, tmp_path: Path) -> None:
    """Each release's json_detail error shape, and json_bi with or without its SQL."""
    root, database = tiny_project(tmp_path)
    broken = {"model": "shop", "view": "items", "fields": ["items.broken"], "limit": "0"}
    with running_emulator(root, duckdb=database, client_id="i", client_secret="s", shape_profile=profile) as url:
        session = requests.Session()
        session.trust_env = False
        token = session.post(f"{url}{A}/login", data={"client_id": "i", "client_secret": "s"}, timeout=30).json()
        session.headers["Authorization"] = f"token {token['access_token']}"
        detail = session.post(f"{url}{A}/queries/run/json_detail", json=broken, timeout=30)
        bi = session.post(f"{url}{A}/queries/run/json_bi", json=broken, timeout=30)
    assert detail.status_code == bi.status_code == 200
    assert schema_violations(component("JsonBi"), bi.json()) == []
    shape = JSON_DETAIL_STRING_ERROR if profile == "string-error" else JSON_DETAIL
    assert schema_violations(shape, detail.json()) == []
    sql = None if profile == "string-error" else detail.json()["sql"]
    assert (sql is None) == (profile != "full") and (bi.json()["metadata"]["sql"] is None) == (profile == "null-sql")
