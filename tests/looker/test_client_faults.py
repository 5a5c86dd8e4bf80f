"""Retries against injected faults: 429/5xx and dropped connections survived within bounds,
mutations never retried blindly, unreachable hosts reported in one sentence."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("looker_sdk")
pytest.importorskip("uvicorn")

from client_support import CLIENT_ID, SECRET, stats, tiny_project
from looker_sdk.sdk.api40 import models as m

from pytest_looker.looker.client.errors import LookerAPIError, LookerUnreachableError
from pytest_looker.looker.client.sdk import LookerClient, connect_client
from pytest_looker.looker.client.transport import RetryPolicy, is_idempotent
from pytest_looker.looker.emulator.settings import Faults
from pytest_looker.looker.emulator.testing import running_emulator
from pytest_looker.settings import LookerSettings

FAST = RetryPolicy(attempts=5, base_delay=0.01, max_delay=0.05)
BRANCH = "/api/4.0/projects/shop/git_branch"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return tiny_project(tmp_path_factory.mktemp("faults"))


@contextmanager
def looker(shop: tuple[Path, Path], tmp_path: Path, faults: Faults) -> Iterator[tuple[str, LookerClient]]:
    root, database = shop
    with running_emulator(root, duckdb=database, client_id=CLIENT_ID, client_secret=SECRET, faults=faults) as url:
        options = LookerSettings(base_url=url, client_id=CLIENT_ID, client_secret_env="S", workspace="dev")
        yield url, connect_client(options, environ={"S": SECRET}, cache_dir=tmp_path, policy=FAST)


def test_server_errors_are_retried_until_they_stop(shop: tuple[Path, Path], tmp_path: Path) -> None:
    faults = Faults(error_rate=1.0, error_status=503, max_faults=3, paths=("/api/4.0/user",))
    with looker(shop, tmp_path, faults) as (url, client):
        assert client.sdk.me().id == "1"
        assert stats(url)["faults"]["error"] == 3 and client.transport.stats.retries == 3


def test_rate_limits_honour_retry_after(shop: tuple[Path, Path], tmp_path: Path) -> None:
    faults = Faults(rate_limit_rate=1.0, retry_after=1, max_faults=1, paths=("/api/4.0/versions",))
    with looker(shop, tmp_path, faults) as (url, client):
        started = time.monotonic()
        assert client.sdk.versions().looker_release_version
        assert time.monotonic() - started >= 0.95  # waited Retry-After, not the 10 ms backoff
        assert stats(url)["faults"]["rate_limit"] == 1


def test_dropped_connections_are_retried_for_reads_only(shop: tuple[Path, Path], tmp_path: Path) -> None:
    faults = Faults(drop_rate=1.0, paths=(BRANCH,))
    with looker(shop, tmp_path, faults) as (_, client):
        client.sdk.me()  # log in, dev workspace (not faulted)
        sent = client.transport.stats.requests
        with pytest.raises(LookerUnreachableError, match="the connection was dropped after 5 tries"):
            client.sdk.git_branch("shop")  # GET: retried, but bounded
        assert client.transport.stats.requests - sent == FAST.attempts
        sent = client.transport.stats.requests
        with pytest.raises(LookerUnreachableError, match=r"the connection was dropped$"):
            client.sdk.update_git_branch("shop", m.WriteGitBranch(name="feature"))  # PUT: once
        assert client.transport.stats.requests - sent == 1


def test_server_errors_on_mutations_are_not_retried(shop: tuple[Path, Path], tmp_path: Path) -> None:
    faults = Faults(error_rate=1.0, error_status=502, paths=(BRANCH,))
    with looker(shop, tmp_path, faults) as (url, client):
        client.sdk.me()
        sent = client.transport.stats.requests
        with pytest.raises(LookerAPIError) as caught:
            client.sdk.create_git_branch("shop", m.WriteGitBranch(name="tmp_x"))
        assert caught.value.status == 502 and client.transport.stats.requests - sent == 1
        assert stats(url)["faults"]["error"] == 1


def test_dropped_connections_then_recovery_within_bounds(shop: tuple[Path, Path], tmp_path: Path) -> None:
    faults = Faults(drop_rate=1.0, max_faults=2, paths=("/api/4.0/user",))
    with looker(shop, tmp_path, faults) as (url, client):
        assert client.sdk.me().id == "1"
        assert stats(url)["faults"]["drop"] == 2


def test_an_unreachable_host_fails_fast_in_one_sentence(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = LookerSettings(base_url=f"http://127.0.0.1:{port}", client_id=CLIENT_ID, client_secret_env="S")
    client = connect_client(options, environ={"S": SECRET}, cache_dir=tmp_path, policy=FAST)
    with pytest.raises(LookerUnreachableError) as caught:
        client.sdk.me()
    assert str(caught.value) == (
        f"cannot reach Looker at http://127.0.0.1:{port}:"
        " the connection was refused (nothing listens there) after 2 tries"
    )


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "http://h/api/4.0/user", True),
        ("POST", "http://h/api/4.0/login", True),
        ("POST", "http://h/api/4.0/queries/run/json?cache=false", True),
        ("POST", "http://h/api/4.0/query_tasks", True),
        ("PATCH", "http://h/api/4.0/session", True),
        ("PUT", "http://h/api/4.0/projects/p/git_branch", False),
        ("POST", "http://h/api/4.0/projects/p/git_branch", False),
        ("DELETE", "http://h/api/4.0/projects/p/git_branch/b", False),
        ("POST", "http://h/api/4.0/projects/p/deploy_ref_to_production", False),
        ("POST", "http://h/api/4.0/projects/p/reset_to_remote", False),
    ],
)
def test_idempotency_classification(method: str, path: str, expected: bool) -> None:
    assert is_idempotent(method, path) is expected
