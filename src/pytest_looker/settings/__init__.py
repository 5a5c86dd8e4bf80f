"""Settings: ``[tool.pytest-looker]`` in pyproject.toml, environments, env variables, options.

One :class:`Settings` object describes a run: which LookML project, which SQL dialect each
connection speaks, which backend executes the SQL, the clock and time zone that make relative
date filters reproducible, and the Looker environment (dev/prod...) that is active. Every
setting is declared once in :mod:`.table`; :mod:`.load` resolves the layers.
"""

from __future__ import annotations

from pytest_looker.settings.kinds import DIALECTS
from pytest_looker.settings.load import ENV_VAR_ENVIRONMENT, SECTION, find_pyproject, load_settings, read_table
from pytest_looker.settings.model import (
    AuditSettings,
    Connection,
    LookerSettings,
    RecordSettings,
    Settings,
)
from pytest_looker.settings.table import BACKENDS, RECORD_MODES, SETTINGS, WEBHOOK_FORMATS, Setting

__all__ = [
    "BACKENDS",
    "DIALECTS",
    "ENV_VAR_ENVIRONMENT",
    "RECORD_MODES",
    "SECTION",
    "SETTINGS",
    "WEBHOOK_FORMATS",
    "AuditSettings",
    "Connection",
    "LookerSettings",
    "RecordSettings",
    "Setting",
    "Settings",
    "find_pyproject",
    "load_settings",
    "read_table",
]
