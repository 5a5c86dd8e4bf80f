"""Record through the Looker backend (the emulator over real HTTP), then replay with no Looker
and no credentials: the same results, and not one request."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("looker_sdk")
pytest.importorskip("uvicorn")

from record_support import cassette

from pytest_looker.looker.emulator.testing import running_emulator

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecommerce"
CLIENT_ID = "record-client-id"
SECRET = "s3cr3t-RECORD-pytest-looker-71d0a9"

QUERIES = """
def test_complete_orders(looker):
    result = looker.query(
        "ecommerce/orders", fields=["orders.status", "orders.count"], filters={"orders.status": "complete"}
    )
    assert result.column("orders.count") == [358]


def test_statuses(looker):
    result = looker.query("ecommerce/orders", fields=["orders.status"], sorts=["orders.status"])
    assert len(result) >= 3
    assert result.rows == sorted(result.rows, key=lambda r: r["orders.status"])
"""


def _user_project(base: Path, url: str) -> Path:
    root = base / "user-side"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".pytest-looker", "__pycache__", ".pytest_cache"))
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    start = text.index("[tool.pytest-looker.environments.dev]")
    end = text.index("[tool.pytest.ini_options]")
    prod = f"""[tool.pytest-looker.environments.prod]
backend = "looker"
base_url = "{url}"
client_id = "{CLIENT_ID}"
client_secret_env = "PYTEST_LOOKER_RECORD_TEST_SECRET"
"""
    (root / "pyproject.toml").write_text(text[:start] + prod + "\n" + text[end:], encoding="utf-8")
    (root / "test_looker_queries.py").write_text(QUERIES, encoding="utf-8")
    return root


def _environ(cache: Path, *, secret: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOOKERSDK_", "PYTEST_LOOKER_", "PYTEST_XDIST"))}
    env.pop("PYTEST_ADDOPTS", None)
    env.update({"XDG_CACHE_HOME": str(cache), "NO_PROXY": "127.0.0.1,localhost"})
    if secret:
        env["PYTEST_LOOKER_RECORD_TEST_SECRET"] = SECRET
    return env


def _pytest(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:benchmark", "-p", "no:hypothesispytest",
         "--looker-env", "prod", "test_looker_queries.py", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _requests(url: str) -> int:
    with urllib.request.urlopen(f"{url}/__emulator/stats", timeout=10) as answer:
        data: dict[str, Any] = json.load(answer)
    return int(data["requests"])


@pytest.mark.slow
def test_record_through_looker_then_replay_with_looker_gone_and_no_credentials(tmp_path: Path) -> None:
    side = tmp_path / "looker-side"
    shutil.copytree(EXAMPLE, side, ignore=shutil.ignore_patterns(".pytest-looker", "__pycache__", ".pytest_cache"))
    with running_emulator(side, seeds=side / "seeds", client_id=CLIENT_ID, client_secret=SECRET) as url:
        root = _user_project(tmp_path, url)
        recorded = _pytest(root, _environ(tmp_path / "cache", secret=True), "--looker-record=all")
        assert recorded.returncode == 0, recorded.stdout + recorded.stderr
        before = _requests(url)
        # Replay while Looker is still up, without the secret: not a single request.
        replayed = _pytest(root, _environ(tmp_path / "cache2", secret=False), "--looker-record=none")
        assert replayed.returncode == 0, replayed.stdout + replayed.stderr
        assert _requests(url) == before

    book = cassette(root / "cassettes" / "test_looker_queries.yaml")
    assert len(book["entries"]) == 2
    assert {e["backend"]["kind"] for e in book["entries"]} == {"looker"}
    assert {e["backend"]["host"] for e in book["entries"]} == {"127.0.0.1"}
    complete = next(e for e in book["entries"] if e["query"]["filters"])
    assert complete["rows"] == [["complete", 358]] and len(complete["sql_sha256"]) == 64

    # Looker stopped and no credentials: the replay still gives the same results.
    offline = _pytest(root, _environ(tmp_path / "cache3", secret=False), "--looker-record=none", "-v")
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert "2 passed" in offline.stdout

    leaks = [p for p in root.rglob("*") if p.is_file() and SECRET in p.read_bytes().decode("utf-8", "replace")]
    assert leaks == []
