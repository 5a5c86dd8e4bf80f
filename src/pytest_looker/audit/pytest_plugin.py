"""The audit trail as a pytest plugin: collect every item's result, append the run to the log,
post the webhook.

Only the process that owns the run writes: the xdist controller (or the only process). Workers
describe their items on the reports they send (:func:`annotate_report`, the ``looker_audit``
attribute travels with the report), and the controller receives every report through
``pytest_runtest_logreport`` — so one process appends one batch, and the chain cannot fork.

Order at the end of the session: the run is recorded first, in one transaction; only then is
the webhook posted, and its outcome recorded as a ``delivery`` record. A failing webhook — or a
failing log — is reported in the terminal summary and never changes the tests' exit status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_looker.workspace import Workspace

__all__ = ["pytest_looker_configure"]

_REGISTERED = "pytest-looker-audit"


def pytest_looker_configure(config: pytest.Config, workspace: Workspace) -> None:
    """Record this run, unless audit is off or this process is an xdist worker."""
    settings = workspace.settings
    if not settings.audit.enabled or hasattr(config, "workerinput"):
        return
    if config.pluginmanager.get_plugin(_REGISTERED) is not None:
        return  # the main workspace's run is the one recorded
    # Imported here: this plugin loads in every pytest run, most of which record nothing.
    from pytest_looker.audit.pytest_recorder import AuditRecorder
    from pytest_looker.audit.store import default_log_path

    path = settings.audit.log or default_log_path(config.rootpath)
    recorder = AuditRecorder(config, workspace, path)
    config.pluginmanager.register(recorder, _REGISTERED)
    config.add_cleanup(lambda: config.pluginmanager.unregister(recorder))
