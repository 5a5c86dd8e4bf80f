"""Record and replay query results (``--looker-record=none|once|new_episodes|all``).

CI can then run offline and reproducibly on results recorded once from the live warehouse or
Looker: :mod:`.cassette` (the reviewable YAML format and the xdist-safe store), :mod:`.keys`
(what identifies a recording), :mod:`.values` (exact round-trip of result values),
:mod:`.recorder` (the replay wrapper every query goes through) and :mod:`.hooks` (pytest).
"""

from __future__ import annotations

from pytest_looker.record.cassette import Cassette, CassetteError, Entry, load_cassette, merge_into
from pytest_looker.record.recorder import (
    MODES,
    MissingRecordingError,
    Recorder,
    RecordingError,
    StaleRecordingError,
)

__all__ = [
    "MODES",
    "Cassette",
    "CassetteError",
    "Entry",
    "MissingRecordingError",
    "Recorder",
    "RecordingError",
    "StaleRecordingError",
    "load_cassette",
    "merge_into",
]
