"""Helpers for the Looker client tests (``test_client_*.py``): projects, emulators, settings.

Every test talks to a real emulator on 127.0.0.1 (a free port) through the real looker-sdk
over real HTTP; nothing in the SDK is patched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecommerce"
CLIENT_ID = "client-test-id"
#: A distinctive secret so the leak scan cannot confuse it with anything else.
SECRET = "s3cr3t-KNOWN-pytest-looker-9f1c2b7e"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@t.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@t.invalid",
}


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, env={**os.environ, **GIT_ENV}
    )
    return done.stdout.strip()


def looker_side_project(base: Path) -> Path:
    """A git checkout of the example project for the emulator (branch ``feature`` exists)."""
    root = base / "looker-side"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".pytest-looker", "__pycache__", ".pytest_cache"))
    git(root, "init", "--quiet", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "base")
    git(root, "branch", "feature")
    return root


def user_project(base: Path, url: str, extra: str = "") -> Path:
    """A copy of the example project whose pyproject has Looker environments for ``url``."""
    root = base / "user-side"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".pytest-looker", "__pycache__", ".pytest_cache"))
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    start = text.index("[tool.pytest-looker.environments.dev]")
    end = text.index("[tool.pytest.ini_options]")
    environments = f"""[tool.pytest-looker.environments.prod]
backend = "looker"
base_url = "{url}"
client_id = "{CLIENT_ID}"
client_secret_env = "PYTEST_LOOKER_TEST_SECRET"

[tool.pytest-looker.environments.dev]
backend = "looker"
base_url = "{url}"
client_id = "{CLIENT_ID}"
client_secret_env = "PYTEST_LOOKER_TEST_SECRET"
workspace = "dev"
branch = "feature"
{extra}
"""
    (root / "pyproject.toml").write_text(text[:start] + environments + "\n" + text[end:], encoding="utf-8")
    return root


def stats(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/__emulator/stats", timeout=10) as answer:
        data: dict[str, Any] = json.load(answer)
    return data


def _api(url: str, method: str, path: str, token: str | None = None, body: bytes | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(f"{url}/api/4.0/{path}", data=body, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)


def dev_branches(url: str) -> tuple[str, list[str]]:
    """The emulator's dev-mode branch and every branch name, asked through the API (the dev
    workspace works in a clone of its own: the project directory's checkout never moves)."""
    login = f"client_id={CLIENT_ID}&client_secret={SECRET}".encode()
    token = _api(url, "POST", "login", body=login)["access_token"]
    _api(url, "PATCH", "session", token, json.dumps({"workspace_id": "dev"}).encode())
    project = _api(url, "GET", "projects", token)[0]["id"]
    current = _api(url, "GET", f"projects/{project}/git_branch", token)["name"]
    names = [b["name"] for b in _api(url, "GET", f"projects/{project}/git_branches", token)]
    return current, names


def environ(cache: Path, **extra: str) -> dict[str, str]:
    """A clean environment for a child process: our secret, a private token cache, no proxies."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOOKERSDK_", "PYTEST_LOOKER_", "PYTEST_XDIST"))}
    env.pop("PYTEST_ADDOPTS", None)
    env.update({"PYTEST_LOOKER_TEST_SECRET": SECRET, "XDG_CACHE_HOME": str(cache), "NO_PROXY": "127.0.0.1,localhost"})
    env.update(extra)
    return env


TINY_MODEL = 'connection: "warehouse"\ninclude: "/views/*.view.lkml"\nexplore: items {}\n'
TINY_VIEW = (
    "view: items {\n  sql_table_name: main.items ;;\n"
    "  dimension: id {\n    primary_key: yes\n    type: number\n    sql: ${TABLE}.id ;;\n  }\n"
    "  dimension: broken {\n    type: number\n    sql: ${TABLE}.no_such_column ;;\n  }\n"
    "  measure: count {\n    type: count\n  }\n}\n"
)


def tiny_project(base: Path) -> tuple[Path, Path]:
    """A one-view project ``shop`` in git (branches main, feature) and its DuckDB file."""
    import duckdb

    root = base / "shop"
    (root / "views").mkdir(parents=True)
    (root / "manifest.lkml").write_text('project_name: "shop"\n')
    (root / "shop.model.lkml").write_text(TINY_MODEL)
    (root / "views" / "items.view.lkml").write_text(TINY_VIEW)
    git(root, "init", "--quiet", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "base")
    git(root, "branch", "feature")
    database = base / "shop.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("CREATE TABLE main.items AS SELECT * FROM range(1, 4) t(id)")
    return root, database
