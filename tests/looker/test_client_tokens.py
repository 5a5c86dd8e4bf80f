"""The shared token cache: private file, one login across processes, refresh, 401 renewal."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("looker_sdk")
pytest.importorskip("uvicorn")

from client_support import CLIENT_ID, EXAMPLE, SECRET, environ, stats

from pytest_looker.looker.client.sdk import LookerClient, connect_client
from pytest_looker.looker.emulator.settings import Faults
from pytest_looker.looker.emulator.testing import running_emulator
from pytest_looker.settings import LookerSettings

CHILD = """
import sys
from pathlib import Path
from pytest_looker.settings import LookerSettings
from pytest_looker.looker.client.sdk import connect_client
options = LookerSettings(base_url=sys.argv[1], client_id=sys.argv[2], client_secret_env="PYTEST_LOOKER_TEST_SECRET")
client = connect_client(options)
print(client.sdk.me().id, client.auth.logins)
"""


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with running_emulator(EXAMPLE, seeds=EXAMPLE / "seeds", client_id=CLIENT_ID, client_secret=SECRET) as base:
        yield base


def client(url: str, cache: Path) -> LookerClient:
    options = LookerSettings(base_url=url, client_id=CLIENT_ID, client_secret_env="S")
    return connect_client(options, environ={"S": SECRET}, cache_dir=cache)


def test_two_processes_share_one_login_through_a_private_file(url: str, tmp_path: Path) -> None:
    before = stats(url)["logins"]
    env = environ(tmp_path / "cache")
    outputs = [
        subprocess.run(
            [sys.executable, "-c", CHILD, url, CLIENT_ID], env=env, capture_output=True, text=True, check=True
        )
        for _ in range(2)
    ]
    assert [o.stdout.split() for o in outputs] == [["1", "1"], ["1", "0"]]  # the second process logged in 0 times
    assert stats(url)["logins"] == before + 1
    files = list((tmp_path / "cache" / "pytest-looker" / "tokens").glob("*.json"))
    assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(files[0].parent.stat().st_mode) == 0o700
    assert SECRET not in files[0].read_text()  # the token is there, never the client secret


def test_a_cache_file_readable_by_others_is_not_trusted(url: str, tmp_path: Path) -> None:
    first = client(url, tmp_path)
    first.sdk.me()
    assert first.cache is not None
    os.chmod(first.cache.path, 0o644)
    before = stats(url)["logins"]
    second = client(url, tmp_path)
    second.sdk.me()
    assert stats(url)["logins"] == before + 1
    assert stat.S_IMODE(first.cache.path.stat().st_mode) == 0o600  # replaced by a private file


def test_a_revoked_token_is_renewed_once_on_401(url: str, tmp_path: Path) -> None:
    holder, revoker = client(url, tmp_path), client(url, tmp_path)
    holder.sdk.me()
    revoker.auth.logout()  # revokes the shared token at Looker and drops it from the cache
    before = stats(url)["logins"]
    assert holder.sdk.me().id == "1"  # 401 → forget the token → log in → retry
    assert stats(url)["logins"] == before + 1 and holder.transport.stats.renewals == 1


def test_an_expiring_token_is_refreshed_before_it_dies(tmp_path: Path) -> None:
    faults = Faults(token_lifetime=2)
    with running_emulator(EXAMPLE, client_id=CLIENT_ID, client_secret=SECRET, faults=faults) as base:
        looker = client(base, tmp_path)
        for _ in range(3):
            looker.sdk.me()  # within the first 1.5 s: one login (the SDK alone would log in each time)
        assert stats(base)["logins"] == 1
        time.sleep(1.7)  # past the refresh margin (a quarter of the lifetime)
        looker.sdk.me()
        assert stats(base)["logins"] == 2 and looker.transport.stats.renewals == 0
        other = client(base, tmp_path)  # a second process-like client reads the refreshed token
        other.sdk.me()
        assert stats(base)["logins"] == 2
