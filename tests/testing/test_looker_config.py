"""Settings: layers, precedence, connections, environments and clear errors."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from pytest_looker.errors import ConfigurationError
from pytest_looker.settings import load_settings

BASE = """
[tool.pytest-looker]
project = "lookml"
dialect = "bigquery"
backend = "duckdb"
seeds = "seeds"
timezone = "Europe/Paris"
now = "2024-06-01T12:00:00"
user_attributes = { region = "emea", tier = 3 }
check_keys = false

[tool.pytest-looker.connections.warehouse]
dialect = "snowflake"
url = "snowflake://x"

[tool.pytest-looker.environments.prod]
backend = "sqlalchemy"
url = "postgresql://prod/db"
base_url = "https://example.looker.com"
workspace = "production"
user_attributes = { region = "us" }

[tool.pytest-looker.environments.dev]
branch = "dev-me"
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_base_table_is_read_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, BASE), environ={}, cwd=tmp_path)
    assert settings.project == tmp_path / "lookml" and settings.seeds == tmp_path / "seeds"
    assert settings.dialect == "bigquery" and settings.dialect_for("warehouse") == "snowflake"
    assert settings.dialect_for("other") == "bigquery" and settings.url_for("warehouse") == "snowflake://x"
    assert dict(settings.user_attributes) == {"region": "emea", "tier": "3"}
    assert settings.now is not None and settings.now.utcoffset() is not None
    assert settings.now.astimezone(timezone.utc) == datetime(2024, 6, 1, 10, 0, tzinfo=timezone.utc)  # Paris, summer
    assert settings.local_now() == datetime(2024, 6, 1, 12, 0)


def test_precedence_option_over_env_over_environment_over_base(tmp_path: Path) -> None:
    root = write(tmp_path, BASE)
    prod = load_settings(root, environ={"PYTEST_LOOKER_ENV": "prod"}, cwd=root)
    assert prod.environment == "prod" and prod.backend == "sqlalchemy" and prod.url == "postgresql://prod/db"
    assert prod.looker.base_url == "https://example.looker.com" and prod.looker.workspace == "production"
    assert dict(prod.user_attributes) == {"region": "us", "tier": "3"}  # tables merge key by key
    env = {"PYTEST_LOOKER_ENV": "prod", "PYTEST_LOOKER_BACKEND": "duckdb", "PYTEST_LOOKER_NOW": "2020-01-01T00:00:00Z"}
    by_env = load_settings(root, environ=env, cwd=root)
    assert by_env.backend == "duckdb" and by_env.now == datetime(2020, 1, 1, tzinfo=timezone.utc)
    by_option = load_settings(root, environ=env, options={"backend": "sqlalchemy", "now": None}, cwd=root)
    assert by_option.backend == "sqlalchemy" and by_option.now == datetime(2020, 1, 1, tzinfo=timezone.utc)
    dev = load_settings(root, environ={"PYTEST_LOOKER_ENV": "prod"}, environment="dev", cwd=root)
    assert dev.environment == "dev" and dev.looker.branch == "dev-me" and dev.backend == "duckdb"


def test_options_resolve_paths_against_the_working_directory(tmp_path: Path) -> None:
    root = write(tmp_path, BASE)
    elsewhere = tmp_path / "cwd"
    settings = load_settings(root, environ={}, options={"project": "p", "check_keys": True}, cwd=elsewhere)
    assert settings.project == elsewhere / "p" and settings.check_keys is True


@pytest.mark.parametrize(
    ("text", "environ", "options", "needle"),
    [
        ('[tool.pytest-looker]\nprojct = "."\n', {}, {}, "unknown setting(s) projct"),
        ('[tool.pytest-looker]\nbackend = "oracle"\n', {}, {}, "backend must be one of duckdb, sqlalchemy, looker"),
        ('[tool.pytest-looker]\ndialect = "sqlserver"\n', {}, {}, "dialect 'sqlserver' is not a supported dialect"),
        ('[tool.pytest-looker]\nnow = "yesterday"\n', {}, {}, "now must be an ISO datetime"),
        ('[tool.pytest-looker]\ntimezone = "Mars/Olympus"\n', {}, {}, "is not a known IANA time zone"),
        ('[tool.pytest-looker]\ncheck_keys = "maybe"\n', {}, {}, "check_keys must be true or false"),
        (
            '[tool.pytest-looker.connections.w]\ndialect = "duckdb"\nuri = "x"\n',
            {},
            {},
            "connections.w: unknown setting(s) uri",
        ),
        ("[tool.pytest-looker.environments.dev]\nenvironments = {}\n", {}, {}, "environments.dev]: unknown setting(s)"),
        ("[tool.pytest-looker]\n", {"PYTEST_LOOKER_ENV": "qa"}, {}, "PYTEST_LOOKER_ENV: unknown environment 'qa'"),
        ("[tool.pytest-looker]\n", {"PYTEST_LOOKER_BACKEND": "x"}, {}, "environment variable PYTEST_LOOKER_BACKEND"),
        ("[tool.pytest-looker]\n", {}, {"explores": ["orders"]}, "option --looker-explores: explore selector 'orders'"),
    ],
)
def test_bad_settings_are_errors_naming_the_key_and_the_source(
    tmp_path: Path, text: str, environ: dict[str, str], options: dict[str, object], needle: str
) -> None:
    root = write(tmp_path, text)
    with pytest.raises(ConfigurationError) as raised:
        load_settings(root, environ=environ, options=options, cwd=root)
    assert needle in str(raised.value)
    if not environ and not options:
        assert str(root / "pyproject.toml") in str(raised.value)


def test_no_section_means_no_project(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[project]\nname = "x"\n'), environ={}, cwd=tmp_path)
    assert settings.project is None and settings.backend == "duckdb"


def test_a_bad_setting_stops_pytest_with_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTEST_LOOKER_PROJECT", raising=False)
    pytester.makepyprojecttoml('[tool.pytest-looker]\nproject = "."\nbakend = "duckdb"\n')
    result = pytester.runpytest("-p", "no:benchmark", "-p", "no:hypothesispytest")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "pytest-looker:" in result.stderr.str() and "unknown setting(s) bakend" in result.stderr.str()
