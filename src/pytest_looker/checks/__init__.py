"""pytest-free checks of a LookML project; each returns an :class:`~.outcome.Outcome`.

:mod:`.datatests` (LookML ``test:`` blocks), :mod:`.specs` (given/expect unit tests),
:mod:`.validation` (every field compiles and runs), :mod:`.keys` (primary keys and join
relationships on the data), :mod:`.dashboards` (LookML dashboards), :mod:`.inspection` (what a
project holds), :mod:`.diff` (row comparison for tests). pytest, the CLI and the emulator render
the outcomes their own way.
"""
