"""pytest-xdist's scheduling by explore: one explore's items are one unit of work.

Its own module so that importing xdist's scheduler is paid only by runs that distribute
(``-n``), not by every collection with the plugin active.
"""

from __future__ import annotations

import re

from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

#: ``…::sql[model/explore]`` and ``…::relationships[model/explore]``: items of one explore.
_EXPLORE_ITEM = re.compile(r"::(?:sql|relationships)\[([^\]]+)\]$")


class ExploreScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist is untyped
    """xdist's scope scheduling, with one scope per explore (other items are their own)."""

    def _split_scope(self, nodeid: str) -> str:
        found = _EXPLORE_ITEM.search(nodeid)
        return f"looker explore {found.group(1)}" if found else nodeid
