"""A git repository holding a copy of the example project, for the change-impact tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from impact_helpers import EXAMPLE, git


@pytest.fixture
def repo(pytester: pytest.Pytester) -> Path:
    """pytester's directory as a git repository with the example project committed at HEAD."""
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".pytest-looker"))
    (pytester.path / ".gitignore").write_text(".pytest-looker/\n__pycache__/\n", encoding="utf-8")
    git(pytester.path, "init", "-q")
    git(pytester.path, "add", "-A")
    git(pytester.path, "commit", "-q", "-m", "base")
    return pytester.path
