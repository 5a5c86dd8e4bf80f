"""The plugin with ``--looker-backend looker`` against the emulator, in real pytest processes:
the whole suite through Looker with ``-n 2`` (one login, zero leaked secrets) and an interrupted
dev-branch run that still restores the user's branch and workspace."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("looker_sdk")
pytest.importorskip("uvicorn")
pytest.importorskip("xdist")

from client_support import CLIENT_ID, SECRET, dev_branches, environ, looker_side_project, stats, user_project

from pytest_looker.looker.client.api import LookerAPI
from pytest_looker.looker.client.sdk import connect_client
from pytest_looker.looker.emulator.testing import running_emulator
from pytest_looker.settings import LookerSettings

FAILING_PYTHON_TEST = """
def test_fixture_query_through_looker(looker):
    result = looker.query(
        "ecommerce/orders", fields=["orders.status", "orders.count"], filters={"orders.status": "complete"}
    )
    assert result.column("orders.count") == [358]


def test_unknown_field_fails_readably(looker):
    looker.query("ecommerce/orders", fields=["orders.no_such_field"])
"""

SLEEPER = """
import os, time
from pathlib import Path

def test_sleeps_until_interrupted(looker):
    Path(os.environ["SLEEP_MARKER"]).write_text("started")
    time.sleep(60)
"""


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    side = looker_side_project(tmp_path_factory.mktemp("looker"))
    with running_emulator(side, seeds=side / "seeds", client_id=CLIENT_ID, client_secret=SECRET) as url:
        yield url, side


def run_pytest(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip


def test_whole_suite_through_looker_with_two_workers_one_login_and_no_leak(
    emulator: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = emulator
    root = user_project(tmp_path, url)
    (root / "test_python_queries.py").write_text(FAILING_PYTHON_TEST)
    cache = tmp_path / "cache"
    before = stats(url)
    done = run_pytest(
        root, environ(cache), "--looker-env", "prod", "-n", "2", "--looker-compare-sql", "-rA", "-v",
        "--junitxml", str(tmp_path / "junit.xml"), "--log-level", "DEBUG", "--log-file", str(tmp_path / "run.log"),
        "--log-file-level", "DEBUG",
    )  # fmt: skip
    after = stats(url)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output  # exactly the deliberately failing test
    assert "1 failed, 37 passed" in output.splitlines()[-1], output[-3000:]
    assert "test_unknown_field_fails_readably" in output and "Looker could not run the query" in output
    assert after["logins"] - before["logins"] == 1  # controller and both workers share one login
    assert after["requests"] - before["requests"] > 40  # every item went through Looker

    # The secret leak scan: every output of the run, every file it left, the cache directory.
    token_files = list((cache / "pytest-looker" / "tokens").glob("*.json"))
    assert len(token_files) == 1
    token = json.loads(token_files[0].read_text())["access_token"]
    texts = {"stdout+stderr": output}
    for base in (tmp_path, cache):
        for path in base.rglob("*"):
            if path.is_file() and path not in token_files:
                texts[str(path)] = path.read_bytes().decode("utf-8", errors="replace")
    assert str(tmp_path / "junit.xml") in texts and str(tmp_path / "run.log") in texts
    assert "looker_sdk" in texts[str(tmp_path / "run.log")] or "pytest_looker" in texts[str(tmp_path / "run.log")]
    leaks = [name for name, text in texts.items() if SECRET in text or token in text]
    assert leaks == []


def test_an_interrupted_dev_branch_run_restores_branch_and_workspace(
    emulator: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = emulator
    root = user_project(tmp_path, url)
    (root / "zz").mkdir()
    (root / "zz" / "test_sleep.py").write_text(SLEEPER)
    marker = tmp_path / "marker"
    cache = tmp_path / "cache"
    assert dev_branches(url)[0] == "main"
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--looker-env", "dev", "--looker-native-tests",
         str(root / "tests"), str(root / "zz")],
        cwd=root, env=environ(cache, SLEEP_MARKER=str(marker)), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        assert marker.exists(), process.communicate(timeout=30)[0]
        assert dev_branches(url)[0] == "feature"  # the run is on the dev branch
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert "KeyboardInterrupt" in output and process.returncode == 2, output
    assert re.search(r"lookml-test +\d+ passed", output), output  # natively, in Looker, before the interrupt
    assert dev_branches(url)[0] == "main"
    options = LookerSettings(base_url=url, client_id=CLIENT_ID, client_secret_env="S")
    same_session = LookerAPI(
        connect_client(options, environ={"S": SECRET}, cache_dir=cache / "pytest-looker" / "tokens")
    )
    assert same_session.workspace() == "production"
    assert not list((cache / "pytest-looker" / "state").glob("*.json"))  # journal removed: restore completed
