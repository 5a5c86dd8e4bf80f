"""``pytest --looker-changed-since REF``: keep only the items a change since ``REF`` can affect.

Called from the plugin's ``pytest_collection_modifyitems``. Items that are not ours (plain
Python tests) are always kept: we cannot know what they read. The rest are kept when their
fingerprint changed (see :mod:`pytest_looker.impact.changes`) and otherwise reported to pytest
as deselected, so the summary says how many were skipped and why nothing is silently lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_looker.errors import LookerError

if TYPE_CHECKING:
    from pytest_looker.testing.session import LookerSession

__all__ = ["deselect_unchanged"]


def deselect_unchanged(config: pytest.Config, items: list[pytest.Item], session: LookerSession, ref: str) -> None:
    """Deselect the items whose inputs are the same at ``ref`` as in the working tree."""
    from pytest_looker.impact.changes import compute_impact, spec_changed
    from pytest_looker.testing.items import LookerItem, SpecItem

    try:
        impact = compute_impact(session.project, session.settings, ref, session.root)
    except LookerError as exc:
        raise pytest.UsageError(f"pytest-looker: --looker-changed-since {ref}: {exc}") from None
    changed = impact.changed_items()
    selected: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        if not isinstance(item, LookerItem):
            keep = True
        elif isinstance(item, SpecItem):
            keep = spec_changed(impact, item.spec, item.path, session.project, session.dialect_for) or (
                bool(impact.seeds_changed) and item.spec.given is None
            )
        elif impact.seeds_changed and item.kind in ("sql", "keys", "relationships", "lookml-test"):
            keep = True
        else:
            keep = (item.kind, item.label) in changed or getattr(item, "load_error", None) is not None
        (selected if keep else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
