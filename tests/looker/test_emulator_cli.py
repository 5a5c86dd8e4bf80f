"""``pytest-looker serve``: credentials are required and never printed; the server really serves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pytest_looker.cli import main

SECRET = "cli-secret-9d2e"


def test_missing_credentials_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_LOOKER_SERVE_CLIENT_ID", raising=False)
    monkeypatch.setenv("PYTEST_LOOKER_SERVE_CLIENT_SECRET", SECRET)
    result = CliRunner().invoke(main, ["serve", "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert "--client-id" in result.output and "PYTEST_LOOKER_SERVE_CLIENT_ID" in result.output
    assert SECRET not in result.output
    assert SECRET not in CliRunner().invoke(main, ["serve", "--help"]).output


def test_serve_runs_with_credentials_from_the_environment(tmp_path: Path) -> None:
    pytest.importorskip("uvicorn")
    requests = pytest.importorskip("requests")
    (tmp_path / "m.model.lkml").write_text('connection: "db"\ninclude: "/*.view.lkml"\nexplore: v {}\n')
    (tmp_path / "v.view.lkml").write_text(
        "view: v {\n  sql_table_name: (SELECT 1 AS x) ;;\n  measure: count {type: count}\n}\n"
    )
    (tmp_path / "manifest.lkml").write_text('project_name: "block-shop"\n')
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTEST_LOOKER_SERVE_CLIENT_ID": "cid", "PYTEST_LOOKER_SERVE_CLIENT_SECRET": SECRET}
    server = subprocess.Popen(
        [sys.executable, "-m", "pytest_looker.cli", "serve", "--project", str(tmp_path), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/versions", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)
        token = requests.post(f"{url}/api/4.0/login", data={"client_id": "cid", "client_secret": SECRET}, timeout=10)
        query = {"model": "m", "view": "v", "fields": ["v.count"]}
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        rows = requests.post(f"{url}/api/4.0/queries/run/json", json=query, headers=headers, timeout=10)
        assert rows.json() == [{"v.count": 1}]
    finally:
        server.terminate()
        out, err = server.communicate(timeout=15)
    assert "Looker API emulator" in err and "POST /api/4.0/login 200" in err
    # Clients name the project by the manifest's project_name, not the directory: say which.
    assert "project 'block-shop'" in err
    assert SECRET not in out + err and token.json()["access_token"] not in out + err


def test_a_missing_database_fails_at_startup_in_one_sentence(tmp_path: Path) -> None:
    pytest.importorskip("uvicorn")
    (tmp_path / "m.model.lkml").write_text('connection: "db"\nexplore: v {}\n')
    args = ["serve", "--project", str(tmp_path), "--duckdb", str(tmp_path / "missing.duckdb")]
    result = CliRunner().invoke(main, [*args, "--client-id", "cid", "--client-secret", SECRET])
    assert result.exit_code == 1
    assert "missing.duckdb" in result.output and "does not exist" in result.output
    assert "Traceback" not in result.output and SECRET not in result.output


def test_serve_options_are_checked_before_serving(tmp_path: Path) -> None:
    pytest.importorskip("uvicorn")
    (tmp_path / "m.model.lkml").write_text('connection: "db"\nexplore: v {}\n')
    credentials = ["--client-id", "cid", "--client-secret", SECRET, "--project", str(tmp_path)]
    bad_attribute = CliRunner().invoke(main, ["serve", *credentials, "--user-attribute", "region"])
    assert bad_attribute.exit_code == 2 and "NAME=VALUE" in bad_attribute.output
    bad_profile = CliRunner().invoke(main, ["serve", *credentials, "--shape-profile", "looker-9"])
    assert bad_profile.exit_code == 2 and "full" in bad_profile.output
    content = tmp_path / "content"
    content.mkdir()
    (content / "look.yaml").write_text("title: no query here\n")
    bad_content = CliRunner().invoke(main, ["serve", *credentials, "--content", str(content)])
    assert bad_content.exit_code == 2 and "look.yaml" in bad_content.output and "Traceback" not in bad_content.output
    assert SECRET not in bad_attribute.output + bad_profile.output + bad_content.output
