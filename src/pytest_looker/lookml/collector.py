"""When the cyclic garbage collector resumes after a load paused it.

Its own module so that a load without the project cache (``inspect`` with caching off) does not
import :mod:`.projectcache`, its pickler and hashing, only to resume the collector.
"""

from __future__ import annotations

import gc

__all__ = ["resume_collector"]

#: Objects allocated while the collector was paused beyond which they are frozen (see below).
_FREEZE_AFTER = 50_000


def resume_collector(was_enabled: bool) -> None:
    """Re-enable the cyclic garbage collector after a load or a decoding batch paused it.

    When the pause allocated very many objects (a large project: looker-hub's views and
    explores are millions), they are moved out of the collector's reach (``gc.freeze``): all
    live as long as the project, and the collector would otherwise scan them in the young, then
    the full collections that follow — half the CPU of a warm ``inspect`` of looker-hub —
    without finding garbage. Small loads (a test's project) are left to the collector.
    """
    if not was_enabled:
        return
    if gc.get_count()[0] > _FREEZE_AFTER:
        gc.freeze()
    gc.enable()
