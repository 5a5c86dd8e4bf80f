"""Fault injection, token expiry and secret hygiene of the emulator, over real HTTP."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

looker_sdk = pytest.importorskip("looker_sdk")
pytest.importorskip("uvicorn")
requests = pytest.importorskip("requests")

from looker_sdk import error as sdk_error  # noqa: E402

from pytest_looker.looker.emulator import Faults  # noqa: E402
from pytest_looker.looker.emulator.faults import FaultInjector  # noqa: E402
from pytest_looker.looker.emulator.testing import running_emulator  # noqa: E402

CLIENT_ID, SECRET = "fault-id", "s3cr3t-never-logged"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("emulator-faults") / "mini"
    root.mkdir()
    (root / "one.view.lkml").write_text(
        "view: one {\n  sql_table_name: (SELECT 1 AS x) ;;\n  measure: count {type: count}\n}\n"
    )
    (root / "mini.model.lkml").write_text('connection: "db"\ninclude: "/*.view.lkml"\nexplore: one {}\n')
    return root


def login(url: str, secret: str = SECRET) -> requests.Response:
    return requests.post(f"{url}/api/4.0/login", data={"client_id": CLIENT_ID, "client_secret": secret}, timeout=10)


def stats(url: str) -> dict[str, object]:
    answer: dict[str, object] = requests.get(f"{url}/__emulator/stats", timeout=10).json()
    return answer


def make_sdk(url: str, directory: Path) -> looker_sdk.methods40.Looker40SDK:
    ini = directory / "looker.ini"
    ini.write_text(f"[Looker]\nbase_url={url}\nclient_id={CLIENT_ID}\nclient_secret={SECRET}\n")
    return looker_sdk.init40(config_file=str(ini))


@pytest.fixture(autouse=True)
def _no_sdk_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET"):
        monkeypatch.delenv(f"LOOKERSDK_{name}", raising=False)


def test_rate_limit_answers_429_with_retry_after(project: Path, tmp_path: Path) -> None:
    faults = Faults(rate_limit_rate=1.0, retry_after=2, max_faults=2, paths=("/api/4.0/user",))
    with running_emulator(project, client_id=CLIENT_ID, client_secret=SECRET, faults=faults) as url:
        token = login(url).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        first = requests.get(f"{url}/api/4.0/user", headers=headers, timeout=10)
        assert first.status_code == 429 and first.headers["Retry-After"] == "2"
        assert first.json()["message"] == "Too Many Requests"
        assert "/docs/err/4.0/429/get/user" in first.json()["documentation_url"]
        sdk = make_sdk(url, tmp_path)
        with pytest.raises(sdk_error.SDKError, match="Too Many Requests"):
            sdk.me()  # the SDK has no retries: the second injected 429 reaches the caller
        assert sdk.me().id == "1"  # max_faults reached: the emulator behaves again
        assert stats(url)["faults"] == {"drop": 0, "rate_limit": 2, "error": 0}


def test_server_errors_and_dropped_connections(project: Path) -> None:
    faults = Faults(drop_rate=0.5, error_rate=0.5, error_status=502, max_faults=4, seed=7)
    with running_emulator(project, client_id=CLIENT_ID, client_secret=SECRET, faults=faults) as url:
        outcomes = []
        for _ in range(6):
            try:
                outcomes.append(requests.get(f"{url}/api/4.0/versions", timeout=10).status_code)
            except requests.ConnectionError:
                outcomes.append("dropped")
        assert outcomes[4:] == [200, 200]
        assert set(outcomes[:4]) <= {502, "dropped"} and "dropped" in outcomes and 502 in outcomes
        counted = stats(url)
        assert counted["requests"] == 6 and counted["faults"] == {
            "drop": outcomes.count("dropped"),
            "rate_limit": 0,
            "error": 4 - outcomes.count("dropped"),
        }


def test_faults_are_reproducible_from_the_seed() -> None:
    faults = Faults(drop_rate=0.2, rate_limit_rate=0.2, error_rate=0.2, seed=42)
    first, second = FaultInjector(faults), FaultInjector(faults)
    draws = [first.draw() for _ in range(50)]
    assert draws == [second.draw() for _ in range(50)]
    assert {"drop", "rate_limit", "error", None} == set(draws)
    with pytest.raises(ValueError, match="error_rate"):
        Faults(error_rate=1.5)


def test_latency_is_added(project: Path) -> None:
    with running_emulator(project, client_id=CLIENT_ID, client_secret=SECRET, faults=Faults(latency_ms=300)) as url:
        started = time.perf_counter()
        assert requests.get(f"{url}/api/4.0/versions", timeout=10).status_code == 200
        assert time.perf_counter() - started >= 0.3


def test_expired_token_is_renewed_by_the_sdk(project: Path, tmp_path: Path) -> None:
    # expires_in 11 s: the SDK renews 10 s early, so its token is stale after one second.
    faults = Faults(token_lifetime=11)
    with running_emulator(project, client_id=CLIENT_ID, client_secret=SECRET, faults=faults) as url:
        assert login(url).json()["expires_in"] == 11
        sdk = make_sdk(url, tmp_path)
        sdk.me()
        assert stats(url)["logins"] == 2
        time.sleep(1.1)
        sdk.me()
        assert stats(url)["logins"] == 3
        # A token the server expired is refused (the SDK itself does not re-login on 401).
        token = sdk.auth.token.access_token
        requests.post(f"{url}/__emulator/expire_tokens", headers={"Authorization": f"token {token}"}, timeout=10)
        with pytest.raises(sdk_error.SDKError, match="Requires authentication"):
            sdk.me()


def test_server_side_token_expiry(project: Path) -> None:
    with running_emulator(project, client_id=CLIENT_ID, client_secret=SECRET, faults=Faults(token_lifetime=1)) as url:
        token = login(url).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert requests.get(f"{url}/api/4.0/session", headers=headers, timeout=10).status_code == 200
        time.sleep(1.05)
        expired = requests.get(f"{url}/api/4.0/session", headers=headers, timeout=10)
        assert expired.status_code == 401 and expired.json()["message"] == "Requires authentication."


def test_secrets_never_reach_logs_or_errors(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pytest_looker.emulator")
    with running_emulator(project, client_id=CLIENT_ID, client_secret=SECRET, log_requests=True) as url:
        wrong = login(url, secret="wrong-" + SECRET)
        assert wrong.status_code == 404 and wrong.json()["message"] == "Not found" and SECRET not in wrong.text
        # The deprecated query-parameter login and an ?access_token= call must be masked in the log.
        token = requests.post(
            f"{url}/api/4.0/login", params={"client_id": CLIENT_ID, "client_secret": SECRET}, timeout=10
        ).json()["access_token"]
        assert requests.get(f"{url}/api/4.0/user", params={"access_token": token}, timeout=10).status_code == 200
        assert requests.get(f"{url}//api/4.0/versions/", timeout=10).status_code == 200  # quirks: // and trailing /
    logged = caplog.text
    assert "/api/4.0/login" in logged and "/api/4.0/user" in logged
    assert SECRET not in logged and token not in logged
    assert "access_token=***" in logged and "client_secret=***" in logged


def test_running_task_answers_202_and_can_be_cancelled(project: Path, tmp_path: Path) -> None:
    from looker_sdk import models40 as models

    with running_emulator(
        project, client_id=CLIENT_ID, client_secret=SECRET, faults=Faults(query_delay_ms=5000)
    ) as url:
        sdk = make_sdk(url, tmp_path)
        query = sdk.create_query(models.WriteQuery(model="mini", view="one", fields=["one.count"]))
        task = sdk.create_query_task(
            models.WriteCreateQueryTask(query_id=query.id, result_format=models.ResultFormat.json)
        )
        token = sdk.auth.token.access_token
        still = requests.get(
            f"{url}/api/4.0/query_tasks/{task.id}/results", headers={"Authorization": f"token {token}"}
        )
        assert still.status_code == 202
        assert [q.query_task_id for q in sdk.all_running_queries()] == [task.id]
        sdk.kill_query(task.id)
        assert sdk.query_task_multi_results(task.id)[task.id]["status"] == "killed"
        assert sdk.query_task(task.id).status == "killed"
