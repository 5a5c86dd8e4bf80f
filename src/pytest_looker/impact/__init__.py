"""Test only what a change affects: fingerprints of compiled SQL at a git ref and now.

See :mod:`pytest_looker.impact.fingerprint`, :mod:`~pytest_looker.impact.changes` (the ref's
project and the comparison), :mod:`~pytest_looker.impact.select` (``--looker-changed-since``)
and :mod:`~pytest_looker.impact.cli` (``pytest-looker diff REF``).
"""

from pytest_looker.impact.changes import Impact, compute_impact
from pytest_looker.impact.fingerprint import Fingerprints, fingerprint_project

__all__ = ["Fingerprints", "Impact", "compute_impact", "fingerprint_project"]
