"""The pytest side of recording: which test (and so which cassette) is running, and when.

Kept apart from :mod:`.recorder` so the wrapper stays free of pytest. Registered by the plugin
only when ``record`` is set; without it the plugin behaves exactly as before (live queries).
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_looker.errors import ConfigurationError
from pytest_looker.record.recorder import Recorder

if TYPE_CHECKING:
    from pytest_looker.settings import Settings

__all__ = ["RecordHooks", "cassette_path", "configure_recording"]

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
    from pytest_looker.audit.context import secret_urls

    return secret_urls(settings)


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


def configure_recording(config: pytest.Config, settings: Settings) -> Recorder | None:
    """The run's :class:`Recorder` (registered with its hooks), or ``None`` when recording is off."""
    if settings.record.mode is None:
        return None
    live_only = [
        f"--looker-{name.replace('_', '-')}"
        for name, on in (("native_tests", settings.looker.native_tests), ("compare_sql", settings.looker.compare_sql))
        if on
    ]
    if settings.record.mode == "none" and live_only:
        raise ConfigurationError(
            f"{' and '.join(live_only)} run(s) live in Looker and cannot replay: drop it or record with "
            "--looker-record=new_episodes"
        )
    workerinput = getattr(config, "workerinput", None)
    started = workerinput.get(_STARTED) if isinstance(workerinput, dict) else None
    if not started:
        started = datetime.now(timezone.utc).isoformat()
    rootdir = config.rootpath
    recorder = Recorder(
        mode=settings.record.mode,
        cassette_for=lambda path: cassette_path(path, settings.record.cassette_dir, rootdir),
        started=str(started),
        secrets=_secrets(settings),
    )
    config.pluginmanager.register(RecordHooks(config, recorder), "pytest-looker-record")
    return recorder
