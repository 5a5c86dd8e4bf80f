"""The audit settings: keys, environment variables and options, validated like every setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_looker.errors import ConfigurationError
from pytest_looker.settings import load_settings


def settings_file(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f'[tool.pytest-looker]\nproject = "."\n{body}\n', encoding="utf-8")
    return tmp_path


def test_defaults_and_file_values(tmp_path: Path) -> None:
    default = load_settings(settings_file(tmp_path, ""), environ={})
    assert (default.audit.enabled, default.audit.log, default.audit.webhook, default.audit.webhook_format) == (
        True, None, None, "json",
    )  # fmt: skip
    root = settings_file(
        tmp_path,
        'audit = false\naudit_log = "logs/a.db"\naudit_webhook = "https://hooks.example.com/x"\n'
        'audit_webhook_format = "Slack"',
    )
    s = load_settings(root, environ={})
    assert s.audit.enabled is False and s.audit.log == (tmp_path / "logs" / "a.db").resolve()
    assert s.audit.webhook == "https://hooks.example.com/x" and s.audit.webhook_format == "slack"


def test_environment_variables_and_options_win(tmp_path: Path) -> None:
    root = settings_file(tmp_path, "audit = true")
    env = {"PYTEST_LOOKER_AUDIT": "off", "PYTEST_LOOKER_AUDIT_WEBHOOK": "http://127.0.0.1:9/h"}
    s = load_settings(root, environ=env, options={"audit_log": "x.db"}, cwd=tmp_path)
    assert s.audit.enabled is False and s.audit.webhook == "http://127.0.0.1:9/h" and s.audit.log == tmp_path / "x.db"
    assert load_settings(root, environ={}, options={"audit": "off"}).audit.enabled is False


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('audit_webhook_format = "xml"', "audit_webhook_format must be one of json, slack"),
        ('audit = "sometimes"', "audit must be true or false"),
        ('audit_logfile = "x.db"', "unknown setting(s) audit_logfile"),
        ('audit_webhook = "ftp://files.example.com/tok3n"', "audit_webhook must be an http:// or https:// URL"),
    ],
)
def test_bad_values_are_errors(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        load_settings(settings_file(tmp_path, body), environ={})
    assert "tok3n" not in str(caught.value)  # a webhook URL is never echoed
