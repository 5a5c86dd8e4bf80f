"""Deciding which request gets which fault, reproducibly, and counting what happened.

One :class:`random.Random` seeded from :class:`~.settings.Faults` draws once per faultable
request, under a lock, so the same seed and the same sequence of requests give the same
faults. The counters back ``GET /__emulator/stats``, which tests use to prove, for example,
that two pytest-xdist workers shared one login.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Literal

from pytest_looker.looker.emulator.settings import Faults

FaultKind = Literal["drop", "rate_limit", "error"]


@dataclass
class Stats:
    """Counters since start (``faults`` by kind)."""

    requests: int = 0
    faults: dict[str, int] = field(default_factory=lambda: {"drop": 0, "rate_limit": 0, "error": 0})


class FaultInjector:
    """Draws the fault, if any, for each request."""

    def __init__(self, faults: Faults) -> None:
        self.faults = faults
        self.stats = Stats()
        self._random = random.Random(faults.seed)
        self._lock = threading.Lock()
        self._injected = 0

    def applies_to(self, path: str) -> bool:
        """Faults hit API paths (``/api/...``, ``/versions``), optionally only some prefixes."""
        if not (path.startswith("/api/") or path == "/versions"):
            return False
        return not self.faults.paths or any(path.startswith(prefix) for prefix in self.faults.paths)

    def count_request(self) -> None:
        with self._lock:
            self.stats.requests += 1

    def draw(self) -> FaultKind | None:
        """The fault for the next request (at most one), respecting ``max_faults``."""
        f = self.faults
        with self._lock:
            if f.max_faults is not None and self._injected >= f.max_faults:
                return None
            roll = self._random.random()
            kind: FaultKind | None = None
            if roll < f.drop_rate:
                kind = "drop"
            elif roll < f.drop_rate + f.rate_limit_rate:
                kind = "rate_limit"
            elif roll < f.drop_rate + f.rate_limit_rate + f.error_rate:
                kind = "error"
            if kind is not None:
                self._injected += 1
                self.stats.faults[kind] += 1
            return kind
