"""Our :class:`~pytest_looker.compile.Query` as the Looker API's ``WriteQuery`` body."""

from __future__ import annotations

from looker_sdk.sdk.api40 import models as m

from pytest_looker.compile import Query

__all__ = ["write_query"]


def write_query(query: Query, *, limit: int | None = None) -> m.WriteQuery:
    """The API body for ``query`` (``view`` is the explore; ``limit`` is a string in the API).

    User attributes and ``now`` cannot be sent: Looker takes them from the API user and the
    clock. ``limit`` overrides the query's (validation runs with ``limit=1``).
    """
    chosen = query.limit if limit is None else limit
    return m.WriteQuery(
        model=query.model,
        view=query.explore,
        fields=list(query.fields),
        filters=dict(query.filters) or None,
        sorts=list(query.sorts) or None,
        limit=None if chosen is None else str(chosen),
        query_timezone=query.timezone,
    )
