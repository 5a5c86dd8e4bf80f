"""The pytest plugin (entry point ``pytest11: looker``): options, collection, header, summary.

Inert unless a LookML project is configured (``[tool.pytest-looker] project``,
``PYTEST_LOOKER_PROJECT`` or ``--looker-project``): then no items, no header line, no cost —
the plugin loads in every pytest run wherever the package is installed. When active it collects:

* ``*.lkml`` files of the project: each LookML ``test:`` → ``[lookml-test] model/test``; each
  model file → ``[sql] model/explore`` per selected explore and, with key checks on,
  ``[keys] model/view`` and ``[relationships] model/explore``;
* ``*.lkmltest.yml`` files anywhere → ``[unit] name`` per test.

Shared state (settings, the loaded project, the backend) lives in one :class:`LookerPlugin` in
``config.stash``; it is built per process, so each xdist worker has its own.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from pytest_looker.audit.hooks import annotate_report, configure_audit
from pytest_looker.errors import ConfigurationError
from pytest_looker.record.hooks import configure_recording
from pytest_looker.record.recorder import Recorder
from pytest_looker.settings import SETTINGS, Settings, load_settings
from pytest_looker.testing.dashboards import DASHBOARD_SUFFIXES, collect_dashboards
from pytest_looker.testing.fixtures import looker, lookml_project
from pytest_looker.testing.items import KIND_PROPERTY, LookMLFile, SpecFile
from pytest_looker.testing.session import LookerSession
from pytest_looker.testing.unit import is_spec_file

__all__ = ["PLUGIN_KEY", "LookerPlugin", "looker", "lookml_project"]

KIND_ORDER = ("lookml-test", "unit", "sql", "keys", "relationships", "dashboard", "python")


class LookerPlugin:
    """Per-process state: the settings and one :class:`LookerSession` per (environment, backend)."""

    def __init__(self, settings: Settings, options: dict[str, Any], environment: str | None, cwd: Path) -> None:
        self.settings = settings
        self.options = options
        self.environment = environment
        self.cwd = cwd
        self.counts: dict[str, Counter[str]] = {}
        self._sessions: dict[tuple[str | None, str | None], LookerSession] = {}
        self.recorder: Recorder | None = None

    def session(self, environment: str | None = None, backend: str | None = None) -> LookerSession:
        """The session for the active settings, or for a marker's ``env``/``backend``."""
        key = (environment, backend)
        if key not in self._sessions:
            settings = self.settings
            if environment is not None or backend is not None:
                options = {**self.options, **({"backend": backend} if backend else {})}
                settings = load_settings(
                    self.cwd, options=options, environment=environment or self.environment, cwd=self.cwd
                )
            self._sessions[key] = LookerSession(settings)
            self._sessions[key].recorder = self.recorder
        return self._sessions[key]

    # Hooks: this object is registered as a plugin of its own while a project is configured.

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count outcomes per item kind (on the xdist controller too: reports carry the kind)."""
        kind = next((str(v) for k, v in report.user_properties if k == KIND_PROPERTY), None)
        if kind is not None and (report.when == "call" or (report.when == "setup" and not report.passed)):
            self.counts.setdefault(kind, Counter())[report.outcome] += 1

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.counts:
            return
        terminalreporter.section("pytest-looker")
        for kind in sorted(self.counts, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else 99):
            counts = self.counts[kind]
            text = ", ".join(f"{counts[o]} {o}" for o in ("passed", "failed", "skipped") if counts[o])
            terminalreporter.write_line(f"{kind:<14} {text}")

    def close(self) -> None:
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()


PLUGIN_KEY = pytest.StashKey[LookerPlugin]()


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
    group.addoption(
        "--looker-changed-since", dest="looker_changed_since", default=None, metavar="REF",
        help="Run only the LookML items whose compiled SQL or inputs changed since this git ref.",
    )  # fmt: skip


def _options(config: pytest.Config) -> dict[str, Any]:
    return {s.key: config.getoption(f"looker_{s.key}") for s in SETTINGS if s.option}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "looker(env=None, backend=None): run this test's `looker` fixture on another environment or backend.",
    )
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
    plugin = LookerPlugin(settings, options, environment, cwd)
    config.stash[PLUGIN_KEY] = plugin
    config.pluginmanager.register(plugin, "pytest-looker-state")
    plugin.recorder = configure_recording(config, settings)
    # Environment (dev mode, branch) entered and always restored; never in pure replay, which
    # must not contact Looker at all.
    if settings.backend == "looker" and settings.record.mode != "none":
        from pytest_looker.looker.client.pytest_support import LookerRunHooks

        config.pluginmanager.register(LookerRunHooks(config, plugin.session), "pytest-looker-looker")
    configure_audit(config, plugin)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--looker-changed-since REF``: deselect the items a change since REF cannot affect."""
    plugin = config.stash.get(PLUGIN_KEY, None)
    ref = config.getoption("looker_changed_since", None)
    if plugin is not None and ref:
        from pytest_looker.impact.select import deselect_unchanged

        deselect_unchanged(config, items, plugin.session(), ref)


def pytest_unconfigure(config: pytest.Config) -> None:
    plugin = config.stash.get(PLUGIN_KEY, None)
    if plugin is not None:
        plugin.close()
        config.pluginmanager.unregister(plugin)


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    plugin = config.stash.get(PLUGIN_KEY, None)
    if plugin is None:
        return None
    s = plugin.settings
    backend = s.backend
    if s.backend == "duckdb":
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
    plugin = parent.config.stash.get(PLUGIN_KEY, None)
    if plugin is None:
        return None
    if is_spec_file(file_path):
        return SpecFile.from_parent(parent, path=file_path)
    if file_path.name.endswith(DASHBOARD_SUFFIXES):
        return collect_dashboards(file_path, parent, plugin.session().root)
    if file_path.suffix != ".lkml":
        return None
    session = plugin.session()
    try:
        relative = file_path.resolve().relative_to(session.root).as_posix()
    except ValueError:
        return None
    project = session.project
    relevant = {m.location.file for m in project.models.values()}
    relevant |= {t.location.file for m in project.models.values() for t in m.tests.values()}
    return LookMLFile.from_parent(parent, path=file_path) if relative in relevant else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    annotate_report(item, report)
    if report.when == "call" and not report.failed:
        sql = [str(value) for name, value in item.user_properties if name == "sql"]
        if sql:
            report.sections.append(("looker SQL", "\n\n".join(sql)))
    return report
