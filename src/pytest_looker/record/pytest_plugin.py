"""Record/replay as a pytest plugin: wraps the run's runner, and tells the recorder which test
(and so which cassette) is running.

Kept apart from :mod:`.recorder` so the wrapper stays free of pytest. Inert unless ``record``
is set; without it every query runs live.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_looker.errors import ConfigurationError

if TYPE_CHECKING:
    from pytest_looker.record.recorder import Recorder
    from pytest_looker.settings import Settings
    from pytest_looker.workspace import Workspace

__all__ = ["RecordHooks", "cassette_path", "pytest_looker_configure"]

_RECORDER = pytest.StashKey["Recorder"]()

#: The xdist ``workerinput`` key carrying the controller's start time to its workers.
_STARTED = "pytest_looker_record_started"


def cassette_path(test_file: Path, cassette_dir: Path | None, rootdir: Path) -> Path:
    """``<dir of test file>/cassettes/<stem>.yaml``; with ``cassette_dir``, the test file's
    path under the rootdir mirrored beneath it (two ``test_x.py`` in different folders never
    share a cassette)."""
    if cassette_dir is None:
        return test_file.parent / "cassettes" / f"{test_file.stem}.yaml"
    relative = Path(test_file.name)
    with contextlib.suppress(ValueError):
        relative = test_file.resolve().relative_to(rootdir.resolve())
    return cassette_dir / relative.parent / f"{relative.stem}.yaml"


def _secrets(settings: Settings) -> list[str]:
    """The configured URLs, whose passwords the recorder's scrubber must know."""
    urls = [settings.url, settings.looker.base_url, *(c.url for c in settings.connections.values())]
    return [u for u in urls if u]


class RecordHooks:
    """Tells the recorder which test runs; writes its recordings after each test."""

    def __init__(self, config: pytest.Config, recorder: Recorder) -> None:
        self.config = config
        self.recorder = recorder

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, Any, Any]:
        self.recorder.enter(item.path, item.nodeid)
        try:
            return (yield)
        finally:
            self.recorder.leave()

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """xdist controller: every worker judges ``once`` against the same start time."""
        node.workerinput[_STARTED] = self.recorder.started

    def pytest_report_header(self, config: pytest.Config) -> str:
        return f"looker: record={self.recorder.mode}"

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.recorder.flush()


@pytest.hookimpl(tryfirst=True)
def pytest_looker_configure(config: pytest.Config, workspace: Workspace) -> None:
    """Wrap every workspace's runner in a :class:`RecordingRunner` when ``record`` is set.

    One recorder per process serves every workspace of the run (a marker's other environment
    records into the same test file's cassette, under its own backend identity).
    """
    settings = workspace.settings
    if settings.record.mode is None:
        return
    from pytest_looker.record.recorder import RecordingRunner

    recorder = config.stash.get(_RECORDER, None)
    if recorder is None:
        recorder = _recorder(config, settings)
        config.stash[_RECORDER] = recorder
        config.pluginmanager.register(RecordHooks(config, recorder), "pytest-looker-record")
    workspace.wrap_runner(lambda inner: RecordingRunner(inner, recorder, workspace.fingerprint))


def _recorder(config: pytest.Config, settings: Settings) -> Recorder:
    from pytest_looker.record.recorder import Recorder

    mode = settings.record.mode
    assert mode is not None
    live_only = [
        f"--looker-{name.replace('_', '-')}"
        for name, on in (("native_tests", settings.looker.native_tests), ("compare_sql", settings.looker.compare_sql))
        if on
    ]
    if mode == "none" and live_only:
        raise ConfigurationError(
            f"{' and '.join(live_only)} run(s) live in Looker and cannot replay: drop it or record with "
            "--looker-record=new_episodes"
        )
    workerinput = getattr(config, "workerinput", None)
    started = workerinput.get(_STARTED) if isinstance(workerinput, dict) else None
    if not started:
        started = datetime.now(timezone.utc).isoformat()
    rootdir = config.rootpath
    cassette_dir = settings.record.cassette_dir
    return Recorder(
        mode=mode,
        cassette_for=lambda path: cassette_path(path, cassette_dir, rootdir),
        started=str(started),
        secrets=_secrets(settings),
    )
