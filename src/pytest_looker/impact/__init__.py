"""Test only what a change affects: fingerprints of compiled SQL at a git ref and now.

See :mod:`pytest_looker.impact.fingerprint`, :mod:`~pytest_looker.impact.changes` (the ref's
project and the comparison), :mod:`~pytest_looker.impact.pytest_plugin`
(``--looker-changed-since``) and :mod:`pytest_looker.cli.diff` (``pytest-looker diff REF``).
The package itself imports nothing, so loading the pytest plugin stays cheap.
"""
