"""The pytest plugin (entry point ``pytest11: looker``): options, collection, header, summary.

Inert unless a LookML project is configured (``[tool.pytest-looker] project``,
``PYTEST_LOOKER_PROJECT`` or ``--looker-project``): then no items, no header line, no cost —
the plugin loads in every pytest run wherever the package is installed. When active it collects:

* ``*.lkml`` files of the project: each LookML ``test:`` → ``[lookml-test] model/test``; each
  model file → ``[sql] model/explore`` per selected explore and, with key checks on,
  ``[keys] model/view`` and ``[relationships] model/explore``;
* ``*.lkmltest.yml`` files anywhere → ``[unit] name`` per test.

Shared state (settings and workspaces) lives in one :class:`~.state.LookerState` in
``config.stash``; it is built per process, so each xdist worker has its own. The features
(record/replay, the Looker environment, change impact, the audit trail) are plugins of their
own, listed in :data:`FEATURE_PLUGINS`; they talk to this one through :mod:`.hookspecs`.
"""

from __future__ import annotations

import argparse
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from pytest_looker.errors import ConfigurationError, LookerError
from pytest_looker.settings import SETTINGS, load_settings
from pytest_looker.testing.fixtures import looker, lookml_project
from pytest_looker.testing.state import STATE_KEY, LookerState, looker_state

__all__ = ["FEATURE_PLUGINS", "looker", "lookml_project"]

FEATURE_PLUGINS = (
    "pytest_looker.record.pytest_plugin",
    "pytest_looker.looker.pytest_plugin",
    "pytest_looker.impact.pytest_plugin",
    "pytest_looker.audit.pytest_plugin",
)
#: The features are pytest plugins of their own, loaded with this one (in this order: record
#: wraps the runner before anything else sees it).
pytest_plugins = FEATURE_PLUGINS


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from pytest_looker.testing import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    """One ``--looker-<key>`` option per setting that declares one (:mod:`pytest_looker.settings.table`)."""
    group = parser.getgroup("looker", "pytest-looker (settings: [tool.pytest-looker] in pyproject.toml)")
    for setting in SETTINGS:
        if not setting.option:
            continue
        dest = f"looker_{setting.key}"
        if setting.flag:
            group.addoption(setting.option_name, dest=dest, action="store_true", default=None, help=setting.help)
            if setting.off_option:
                group.addoption(
                    setting.off_option, dest=dest, action="store_false", default=None, help=argparse.SUPPRESS
                )
        elif setting.key == "explores":
            group.addoption(
                setting.option_name,
                dest=dest,
                action="append",
                default=None,
                metavar=setting.metavar,
                help=setting.help,
            )
        else:
            group.addoption(setting.option_name, dest=dest, default=None, metavar=setting.metavar, help=setting.help)
    group.addoption(
        "--looker-env", dest="looker_env", default=None, help="Environment: [tool.pytest-looker.environments.NAME]."
    )


def _options(config: pytest.Config) -> dict[str, Any]:
    return {s.key: config.getoption(f"looker_{s.key}") for s in SETTINGS if s.option}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "looker(env=None, backend=None): run this test's `looker` fixture on another environment or backend.",
    )
    if config.option.help:
        return  # pytest --help shows the options; it must work whatever the settings say
    cwd = config.invocation_params.dir
    options = _options(config)
    environment = config.getoption("looker_env")
    try:
        settings = load_settings(cwd, options=options, environment=environment, cwd=cwd)
    except ConfigurationError as exc:
        raise pytest.UsageError(f"pytest-looker: {exc}") from None
    if settings.project is None:
        return
    if not settings.project.is_dir():
        raise pytest.UsageError(f"pytest-looker: project directory {settings.project} does not exist")
    state = LookerState(config, settings, options, environment)
    config.stash[STATE_KEY] = state
    from pytest_looker.testing.reporting import Reporting

    config.pluginmanager.register(Reporting(state), "pytest-looker-reporting")
    if config.pluginmanager.hasplugin("xdist"):
        from pytest_looker.testing.xdist import XdistPlugin

        config.pluginmanager.register(XdistPlugin(), "pytest-looker-xdist")
    try:
        config.hook.pytest_looker_configure.call_historic(kwargs={"config": config, "workspace": state.workspace})
    except ConfigurationError as exc:
        raise pytest.UsageError(f"pytest-looker: {exc}") from None
    if settings.explores:
        _check_selectors(state)


def _check_selectors(state: LookerState) -> None:
    """A ``--looker-explores`` selector that matches nothing is a usage error, before anything runs
    (else a typo silently deselects the explore's items and the run passes)."""
    from pytest_looker.checks.validation import select_explores

    try:
        select_explores(state.workspace.project, state.settings.explores)
    except LookerError as exc:
        raise pytest.UsageError(f"pytest-looker: {exc}") from None


def pytest_unconfigure(config: pytest.Config) -> None:
    state = looker_state(config)
    if state is not None:
        state.close()


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    state = looker_state(config)
    if state is None:
        return None
    s = state.settings
    backend = s.backend
    if s.record.mode == "none":
        backend = f"replay (record=none: recordings of {s.backend}, nothing live)"
    elif s.record.mode is not None:
        backend += f" (record={s.record.mode})"
    if s.backend == "duckdb" and s.record.mode != "none":
        backend += f" ({s.duckdb})" if s.duckdb else " (in memory)"
        if s.seeds:
            backend += f", seeds {s.seeds}"
    connections = "".join(f", {c.name}={c.dialect}" for c in s.connections.values() if c.dialect)
    parts = [
        f"project={s.project}",
        f"dialect={s.dialect}{connections}",
        f"backend={backend}",
        f"environment={s.environment or '-'}",
    ]
    if s.now is not None:
        parts.append(f"now={s.now.isoformat()}")
    if s.check_keys:
        parts.append("check-keys")
    return ["looker: " + ", ".join(parts)]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    state = looker_state(parent.config)
    if state is None:
        return None
    from pytest_looker.testing.collection import collect_file  # the checks load with the first file

    return collect_file(file_path, parent, state)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    target = getattr(item, "looker_target", None)
    if target is not None:
        report.looker_target = target.as_dict()
    outcome = getattr(item, "looker_outcome", None)
    state = looker_state(item.config)
    if (
        report.when == "call"
        and target is not None
        and outcome is not None
        and state is not None
        and (report.failed or outcome.warnings)
    ):
        from pytest_looker.testing.reporting import PROBLEMS_ATTR, describe_problems

        setattr(report, PROBLEMS_ATTR, describe_problems(outcome, target, state.workspace.root))
    if report.when == "call" and not report.failed:
        sql = [str(value) for name, value in item.user_properties if name == "sql"]
        if sql:
            report.sections.append(("looker SQL", "\n\n".join(sql)))
    return report
