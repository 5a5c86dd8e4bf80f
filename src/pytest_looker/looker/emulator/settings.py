"""What an emulator serves and how it misbehaves: plain dataclasses, no web framework.

Kept free of Starlette and uvicorn so that the CLI, the pytest helper and the client-side tests
can describe an emulator without importing the ``serve`` extra.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: Looker's access-token lifetime ("Access tokens expire after 1 hour").
DEFAULT_TOKEN_LIFETIME = 3600

#: ``json_detail`` (and ``json_bi``) error shapes of Looker releases, for ``--shape-profile``:
#: ``full`` — what Looker 22.x and later answer: ``id``, ``runtime`` (a string), ``sql`` and an
#: ``errors`` list; ``string-error`` — some errors since mid-2023: ``{"id", "error"}`` with no
#: ``runtime``, ``sql`` or ``errors``; ``null-sql`` — since late 2023: ``sql`` is ``null`` (also
#: ``metadata.sql`` of ``json_bi``). Client authors regression-test against each.
SHAPE_PROFILES = ("full", "string-error", "null-sql")


@dataclass(frozen=True)
class Faults:
    """Injected misbehaviour, drawn from one seeded RNG so a failing run can be replayed.

    Rates are probabilities per request in ``[0, 1]``; each request draws once and gets at most
    one fault, checked in the order drop, rate limit, server error. ``max_faults`` caps how many
    faults are injected in total (then the emulator behaves), which makes "a client survives N
    failures" tests deterministic. ``paths`` limits faults to request paths starting with one of
    the prefixes (default: every ``/api/`` path). ``token_lifetime`` is the ``expires_in`` of new
    tokens in seconds (the SDK renews ten seconds before it; ``<= 10`` makes it log in before
    every call, as with real Looker). ``query_delay_ms`` is how long each query *task* stays
    ``running`` before its SQL runs, so polling, ``202`` answers and cancelling can be tested.
    """

    latency_ms: int = 0
    error_rate: float = 0.0
    error_status: int = 503
    rate_limit_rate: float = 0.0
    retry_after: int = 1
    drop_rate: float = 0.0
    max_faults: int | None = None
    paths: tuple[str, ...] = ()
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME
    query_delay_ms: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("error_rate", "rate_limit_rate", "drop_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if self.latency_ms < 0 or self.query_delay_ms < 0:
            raise ValueError("latency_ms and query_delay_ms must not be negative")
        if self.token_lifetime < 1:
            raise ValueError("token_lifetime must be at least 1 second")
        if not 500 <= self.error_status <= 599:
            raise ValueError(f"error_status must be a 5xx status, not {self.error_status}")

    @property
    def active(self) -> bool:
        """Whether any per-request fault can happen (the middleware skips its work otherwise)."""
        return bool(self.latency_ms or self.error_rate or self.rate_limit_rate or self.drop_rate)


@dataclass(frozen=True)
class EmulatorSettings:
    """One emulator: the project, the data, the one API user's credentials and the faults.

    ``duckdb``/``seeds`` choose the database as for ``pytest-looker query``; without either the
    project's ``[tool.pytest-looker]`` backend is used (``looker`` there is replaced by DuckDB:
    the emulator *is* the Looker side). ``client_secret`` is never logged nor echoed.
    ``user_attributes`` are the API user's (over the project's ``user_attributes``); ``content``
    is the directory of user-defined Looks and dashboards (default: ``looker-content`` in the
    project, if present); ``shape_profile`` one of :data:`SHAPE_PROFILES`.
    """

    project: Path
    client_id: str
    client_secret: str = field(repr=False)
    duckdb: Path | None = None
    seeds: Path | None = None
    faults: Faults = field(default_factory=Faults)
    user_attributes: dict[str, str] = field(default_factory=dict)
    log_requests: bool = False
    content: Path | None = None
    shape_profile: str = "full"

    def __post_init__(self) -> None:
        if not self.client_id or not self.client_secret:
            raise ValueError("the emulator needs a client id and a client secret")
        if self.shape_profile not in SHAPE_PROFILES:
            raise ValueError(f"shape_profile must be one of {', '.join(SHAPE_PROFILES)}, not {self.shape_profile!r}")


def parse_paths(values: Sequence[str]) -> tuple[str, ...]:
    """``--fault-path`` values as normalised prefixes (``api/4.0/queries`` → ``/api/4.0/queries``)."""
    return tuple("/" + v.strip().lstrip("/") for v in values if v.strip())
