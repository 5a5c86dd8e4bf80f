"""``pytest-looker test``: run pytest with the plugin on the configured project."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from pytest_looker.settings import Settings

__all__ = ["pytest_arguments", "run_pytest"]


def pytest_arguments(args: Sequence[str], settings: Settings, cwd: Path) -> list[str]:
    """``args``, plus the directories to collect when the user named none.

    pytest collects the working directory by default; when the project lives elsewhere it is
    added so its LookML tests and checks are collected too.
    """
    result = list(args)
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        result[:0] = ["-p", "pytest_looker.testing.plugin"]
    named = [a for a in args if not a.startswith("-") and Path(a.split("::")[0]).exists()]
    if named or settings.project is None:
        return result
    project = settings.project
    if project == cwd or cwd in project.parents:
        return result
    return [*result, str(cwd), str(project)]


def run_pytest(args: Sequence[str], settings: Settings, cwd: Path) -> int:
    """Run pytest in a fresh interpreter and return its exit code.

    A child process, not ``pytest.main``: the CLI has already imported pytest_looker, which
    pytest would then warn it cannot assert-rewrite, and a clean process is what CI runs anyway.
    """
    import subprocess
    import sys

    return subprocess.call([sys.executable, "-m", "pytest", *pytest_arguments(args, settings, cwd)], cwd=cwd)
