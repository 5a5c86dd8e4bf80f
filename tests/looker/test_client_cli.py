"""``pytest-looker connect | lookml-validate | content-validate`` as a new user meets them:
success says who and where; wrong credentials, an unreachable host and an unknown environment
are each one clear sentence, with no traceback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

pytest.importorskip("looker_sdk")
pytest.importorskip("uvicorn")

from client_support import CLIENT_ID, SECRET, tiny_project

from pytest_looker.cli import main
from pytest_looker.looker.emulator.testing import running_emulator


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root, database = tiny_project(tmp_path_factory.mktemp("cli"))
    with running_emulator(root, duckdb=database, client_id=CLIENT_ID, client_secret=SECRET) as url:
        yield root, url


@pytest.fixture
def user_dir(shop: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root, url = shop
    section = (
        f'base_url = "{{url}}"\nclient_id = "{CLIENT_ID}"\nclient_secret_env = "{{var}}"\nlooker_project = "shop"\n'
    )
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.pytest-looker]\nproject = "{root}"\n\n'
        "[tool.pytest-looker.environments.prod]\n" + section.format(url=url, var="GOOD_SECRET") + "\n"
        "[tool.pytest-looker.environments.dev]\n" + section.format(url=url, var="GOOD_SECRET")
        + 'workspace = "dev"\nbranch = "feature"\n\n'
        "[tool.pytest-looker.environments.wrong]\n" + section.format(url=url, var="BAD_SECRET") + "\n"
        "[tool.pytest-looker.environments.down]\n"
        + section.format(url=f"http://127.0.0.1:{closed_port()}", var="GOOD_SECRET")
    )  # fmt: skip
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GOOD_SECRET", SECRET)
    monkeypatch.setenv("BAD_SECRET", "not-the-secret-at-all")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in ("LOOKERSDK_CLIENT_ID", "LOOKERSDK_CLIENT_SECRET", "LOOKERSDK_BASE_URL", "PYTEST_LOOKER_ENV"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def one_sentence(result: Result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert isinstance(result.exception, SystemExit)
    return lines[0]


def test_connect_says_who_where_and_how_old(user_dir: Path, shop: tuple[Path, str]) -> None:
    result = invoke("connect", "--looker-env", "prod")
    assert result.exit_code == 0, result.output
    assert f"Connected to {shop[1]} as pytest-looker emulator (user id 1" in result.output
    assert "Looker 26." in result.output and "API 4.0" in result.output
    assert f"client id {CLIENT_ID} from configuration (client_secret_env=GOOD_SECRET)" in result.output
    assert "secret age: unknown" in result.output and "workspace: production" in result.output
    assert SECRET not in result.output


def test_connect_with_wrong_credentials(user_dir: Path, shop: tuple[Path, str]) -> None:
    invoke("connect", "--looker-env", "prod")  # a valid token is cached for this client id...
    result = invoke("connect", "--looker-env", "wrong")  # ...but connect proves the secret itself
    assert result.exit_code == 1
    assert one_sentence(result) == (
        f"pytest-looker: error: Looker at {shop[1]} rejected the API credentials (client id '{CLIENT_ID}'"
        " from configuration (client_secret_env=BAD_SECRET); HTTP 404): check the client id and secret"
    )


def test_connect_to_an_unreachable_host(user_dir: Path) -> None:
    result = invoke("connect", "--looker-env", "down")
    assert result.exit_code == 1
    sentence = one_sentence(result)
    assert sentence.startswith("pytest-looker: error: cannot reach Looker at http://127.0.0.1:")
    assert sentence.endswith("the connection was refused (nothing listens there) after 2 tries")


def test_connect_to_an_unknown_environment(user_dir: Path) -> None:
    result = invoke("connect", "--looker-env", "staging")
    assert result.exit_code == 2
    assert one_sentence(result) == (
        "pytest-looker: error: --looker-env: unknown environment 'staging' (environments: dev, down, prod, wrong)"
    )


def test_lookml_and_content_validation_on_a_branch(user_dir: Path, shop: tuple[Path, str]) -> None:
    from client_support import git

    result = invoke("lookml-validate", "--looker-env", "dev")
    assert result.exit_code == 0, result.output
    assert "Looker's LookML validator:" in result.output
    assert git(shop[0], "rev-parse", "--abbrev-ref", "HEAD") == "main"  # restored after validating "feature"
    result = invoke("content-validate", "--looker-env", "prod", "--format", "json")
    assert result.exit_code == 0 and '"errors": []' in result.output
