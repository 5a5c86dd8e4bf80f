"""Hooks the pytest-looker plugin offers to its features (and to users' conftest.py files).

The features — record/replay, the audit trail, change impact, the Looker environment — are
pytest plugins of their own (``<feature>/pytest_plugin.py``). They never import the core's
items: they receive the workspace through :func:`pytest_looker_configure` and read what they
need from the items and reports, which carry a plain
:class:`~pytest_looker.checks.outcome.Target`:

* every item of ours has ``looker_target`` (a ``Target``); a unit-test item also has ``spec``;
* every report of such an item has ``looker_target`` (``Target.as_dict()``, so it travels from
  xdist workers) and the ``looker_kind``, ``looker_rows`` and ``sql`` user properties.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_looker.workspace import Workspace

hookspec = pytest.hookspec


@hookspec(historic=True)
def pytest_looker_configure(config: pytest.Config, workspace: Workspace) -> None:
    """A LookML project is configured and the run's workspace exists (nothing is loaded or
    connected yet). Features register their state here; record/replay wraps the runner."""
