"""Record and replay query results (``--looker-record=none|once|new_episodes|all``).

CI can then run offline and reproducibly on results recorded once from the live warehouse or
Looker: :mod:`.cassette` (the reviewable YAML format and the xdist-safe store), :mod:`.keys`
(what identifies a recording), :mod:`.values` (exact round-trip of result values),
:mod:`.recorder` (:class:`~.recorder.RecordingRunner`, the replay wrapper every query goes
through) and :mod:`.pytest_plugin` (pytest). The package itself imports nothing, so loading the
pytest plugin stays cheap.
"""
