"""Shared fixtures: small LookML projects, the shop project and in-process inner pytest runs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import duckdb  # noqa: F401  (see below)
import pytest

import pytest_looker.compile.planner  # noqa: F401  (see below)
from helpers import FAST, ProjectFactory, Run, Shop, write_files, write_shop
from pytest_looker.lookml import Project, load_project

pytest_plugins = ["pytester"]

# pytester's in-process runs put sys.modules back as they found it. DuckDB's extension module
# cannot be initialised twice in one process (nanobind aborts the interpreter), so it is
# imported here, once, before any inner run could be the first to import it. The compiler
# (and sqlglot) is imported on the first compile, not with pytest_looker.compile: imported here
# too, so that an inner run does not import a second generation of sqlglot whose expressions
# the outer process's compiler cannot generate.

#: Environment variables of the outer run that must not leak into inner runs: our settings, the
#: record tests' switches, and the CI markers the audit trail's identity detection reads.
_LEAKING_PREFIXES = ("PYTEST_LOOKER_", "RECORD_")
CI_MARKERS = (
    "CI", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE", "GITLAB_CI", "CIRCLECI", "JENKINS_URL",
    "JENKINS_HOME", "BUILDKITE", "TF_BUILD",
)  # fmt: skip
_PROXIES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")


@pytest.fixture
def lookml(tmp_path: Path) -> ProjectFactory:
    """``lookml({"a.model.lkml": "..."}, **load_options)`` → the loaded project (no parse cache)."""

    def factory(files: Mapping[str, str], **options: object) -> Project:
        root = write_files(tmp_path / "project", files)
        return load_project(root, cache_dir=None, **options)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No pytest-looker setting, CI marker or proxy of the outer run reaches an inner run."""
    for name in [n for n in os.environ if n.startswith(_LEAKING_PREFIXES) or n in CI_MARKERS]:
        monkeypatch.delenv(name)
    for name in _PROXIES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTEST_LOOKER_CACHE_DIR", "")


@pytest.fixture
def shop(pytester: pytest.Pytester, clean_env: None) -> Shop:
    """``shop(**options)`` → pytester's directory holding the shop project (:func:`helpers.write_shop`)."""

    def make(**options: object) -> Path:
        return write_shop(pytester.path, **options)  # type: ignore[arg-type]

    return make


@pytest.fixture
def run(pytester: pytest.Pytester) -> Run:
    """``run(*args)``: an in-process inner pytest run without the heavy plugins.

    ``run(*args, cache=True)`` keeps pytest's cache provider (``--lf``, ``--ff``).
    """

    def runner(*args: str, cache: bool = False) -> pytest.RunResult:
        return pytester.runpytest(*(FAST[:4] if cache else FAST), *args)

    return runner
