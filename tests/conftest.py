"""Shared fixtures: small LookML projects written into a temporary directory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from helpers import ProjectFactory, write_files
from pytest_looker.lookml import Project, load_project


@pytest.fixture
def lookml(tmp_path: Path) -> ProjectFactory:
    """``lookml({"a.model.lkml": "..."}, **load_options)`` → the loaded project (no parse cache)."""

    def factory(files: Mapping[str, str], **options: object) -> Project:
        root = write_files(tmp_path / "project", files)
        return load_project(root, cache_dir=None, **options)  # type: ignore[arg-type]

    return factory
