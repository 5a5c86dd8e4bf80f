"""The audit trail: every pytest run with the plugin leaves tamper-evident evidence.

Who ran which tests on which version of the LookML, against which backend, with what result —
appended to a hash-chained, append-only SQLite log (``.pytest-looker/audit.db`` under the
pytest rootdir by default), optionally HMAC-signed, checked by ``pytest-looker audit verify``,
summarised by ``audit show``, exported as JSON or a self-contained HTML report, and optionally
posted to a webhook.

Modules: :mod:`.records` (what a record holds), :mod:`.chain` (hashing, HMAC, verification),
:mod:`.store` (SQLite), :mod:`.scrub` (secrets out), :mod:`.identity` (who), :mod:`.gitinfo`
(which version), :mod:`.context` (backend, versions), :mod:`.summary` (runs read back),
:mod:`.export` (JSON, HTML), :mod:`.webhook`, :mod:`.hooks` (pytest glue), :mod:`.cli`.
"""
