"""``pytest --looker-changed-since REF`` as a pytest plugin: keep only the items a change can affect.

Items that are not ours (plain Python tests) are always kept: we cannot know what they read;
nor are the LookML problems of a file ever deselected (they cost nothing and a broken project
must stay red).
The rest are kept when their fingerprint changed (see :mod:`pytest_looker.impact.changes`) and
otherwise reported to pytest as deselected, so the summary says how many were skipped and why
nothing is silently lost. Items are recognised by their ``looker_target`` (see
:mod:`pytest_looker.testing.hookspecs`), never by class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_looker.checks.outcome import Target
from pytest_looker.errors import LookerError

if TYPE_CHECKING:
    from pytest_looker.workspace import Workspace

__all__ = ["deselect_unchanged", "pytest_addoption", "pytest_collection_modifyitems", "pytest_looker_configure"]

_WORKSPACE = pytest.StashKey["Workspace"]()
_DATA_KINDS = ("sql", "keys", "relationships", "lookml-test")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("looker").addoption(
        "--looker-changed-since", dest="looker_changed_since", default=None, metavar="REF",
        help="Run only the LookML items whose compiled SQL or inputs changed since this git ref.",
    )  # fmt: skip


def pytest_looker_configure(config: pytest.Config, workspace: Workspace) -> None:
    if _WORKSPACE not in config.stash:
        config.stash[_WORKSPACE] = workspace


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    ref = config.getoption("looker_changed_since", None)
    workspace = config.stash.get(_WORKSPACE, None)
    if ref and workspace is not None:
        deselect_unchanged(config, items, workspace, ref)


def deselect_unchanged(config: pytest.Config, items: list[pytest.Item], workspace: Workspace, ref: str) -> None:
    """Deselect the items whose inputs are the same at ``ref`` as in the working tree."""
    from pytest_looker.impact.changes import compute_impact, spec_changed

    try:
        impact = compute_impact(workspace.project, workspace.settings, ref, workspace.root)
    except LookerError as exc:
        raise pytest.UsageError(f"pytest-looker: --looker-changed-since {ref}: {exc}") from None
    changed = impact.changed_items()
    selected: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        target = getattr(item, "looker_target", None)
        spec = getattr(item, "spec", None)
        if not isinstance(target, Target):
            keep = True
        elif target.kind == "unit" and spec is not None:
            keep = spec_changed(impact, spec, item.path, workspace.project, workspace.dialect_for) or (
                bool(impact.seeds_changed) and spec.given is None
            )
        elif impact.seeds_changed and target.kind in _DATA_KINDS:
            keep = True
        else:
            keep = target.kind == "lookml" or (target.kind, target.label) in changed
        (selected if keep else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
