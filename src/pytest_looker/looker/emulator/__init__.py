"""A local emulator of the Looker API 4.0, backed by the loader, the compiler and DuckDB.

``pytest-looker serve`` runs it; :func:`~pytest_looker.looker.emulator.testing.running_emulator`
starts one in a test. It lets the Looker backend (and users' own looker-sdk scripts) be tested
over real HTTP with the real ``looker-sdk``, offline, including the failures a real instance
produces: expiring tokens, rate limits, server errors and dropped connections.

It answers in the shapes of Looker's OpenAPI spec (the test suite validates every answer against
the official spec, and runs Spectacles against it): metadata, queries in every result format
(errors answered as Looker does), query tasks, validation, data tests, content validation, git
branches (dev mode in a clone of its own, see :mod:`.git`), the manifest, and user-defined Looks
and dashboards declared in a folder (:mod:`.content`).

The web stack (Starlette, uvicorn) is the optional ``serve`` extra and is imported only by
the modules that serve; this package and its settings import without it.

Not part of Looker's API: ``GET /__emulator/stats`` (login and request counters for tests) and
``POST /__emulator/expire_tokens`` (revoke every token, as a server-side expiry would).
"""

from pytest_looker.looker.emulator.settings import DEFAULT_TOKEN_LIFETIME, EmulatorSettings, Faults

__all__ = ["DEFAULT_TOKEN_LIFETIME", "EmulatorSettings", "Faults"]
