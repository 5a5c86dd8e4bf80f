"""Shared test helpers: small LookML projects written into a temporary directory."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from pytest_looker.lookml import Project, load_project

ProjectFactory = Callable[..., Project]


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root`` (text is dedented)."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def lookml(tmp_path: Path) -> ProjectFactory:
    """``lookml({"a.model.lkml": "..."}, **load_options)`` → the loaded project (no parse cache)."""

    def factory(files: Mapping[str, str], **options: object) -> Project:
        root = write_files(tmp_path / "project", files)
        return load_project(root, cache_dir=None, **options)  # type: ignore[arg-type]

    return factory
