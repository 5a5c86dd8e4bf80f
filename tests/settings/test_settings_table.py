"""The declarative settings table: every key, variable and option comes from one row."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_looker.compile.dialects import SUPPORTED_DIALECTS
from pytest_looker.errors import ConfigurationError
from pytest_looker.settings import DIALECTS, SETTINGS, load_settings
from pytest_looker.settings.model import AuditSettings, LookerSettings, RecordSettings, Settings

SECTIONS = {"": Settings, "looker": LookerSettings, "audit": AuditSettings, "record": RecordSettings}


def test_every_row_lands_on_a_field_of_its_section() -> None:
    for setting in SETTINGS:
        fields = SECTIONS[setting.section].__dataclass_fields__
        assert setting.field in fields, f"{setting.key} → {setting.section or 'core'}.{setting.field} has no field"


def test_the_settings_dialects_are_the_compilers() -> None:
    assert set(DIALECTS) == set(SUPPORTED_DIALECTS)


def test_every_variable_of_the_table_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.pytest-looker]\n")
    settings = load_settings(tmp_path, environ={"PYTEST_LOOKER_AUDIT_WEBHOOK_FORMAT": "slack"}, cwd=tmp_path)
    assert settings.audit.webhook_format == "slack"


def test_a_misspelt_key_names_the_closest_setting(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pytest-looker]\nsead_tables = { a = "a.csv" }\n')
    with pytest.raises(ConfigurationError, match=r"sead_tables \(did you mean seed_tables\?\)"):
        load_settings(tmp_path, environ={}, cwd=tmp_path)


def test_settings_come_from_the_nearest_pyproject_that_has_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pytest-looker]\nproject = "lookml"\n')
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "unrelated"\n')
    assert load_settings(inner, environ={}, cwd=inner).project == tmp_path / "lookml"


def test_options_without_a_file_layer_are_named_once(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_settings(tmp_path, environ={}, options={"backend": "oracle"}, cwd=tmp_path)
    assert str(caught.value).count("--looker-backend") == 1 and "backend:" not in str(caught.value)
