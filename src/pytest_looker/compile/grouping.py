"""GROUP BY and ORDER BY as Looker writes them (issue-16 research, rules (b) and (c)).

* **No GROUP BY** when the query has no measures and selects the primary key of the explore's
  base view, or a field of the explore's ``cancel_grouping_fields`` (docs,
  param-explore-cancel-grouping-fields), unless a ``one_to_many``/``many_to_many`` join is in
  the query (the docs say grouping is then kept; we apply the same condition to the primary
  key). A query with measures only has no GROUP BY either: there is nothing to group by.
* **GROUP BY items**: ordinals; on Postgres and Snowflake a formatted timeframe is grouped by
  its unformatted expression (``GROUP BY (DATE_TRUNC('month', x))`` for a ``TO_CHAR(…)`` month),
  which the dialect extracts (:meth:`Dialect.group_by_expression`).
* **Default sort** (no sorts given): none for measures only; none for an ungrouped query whose
  only dimension is the primary key (Looker reports no added sort); else the first date-like
  dimension descending, else the first measure descending, else the first dimension.
* **ORDER BY items**: ordinals, except on MySQL, where Looker repeats the expression
  (``ORDER BY COUNT(*) DESC``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pytest_looker.compile.scope import Scope
from pytest_looker.lookml.model import Field

if TYPE_CHECKING:
    from pytest_looker.compile.planner import Rendered, Selected

#: Relationships that keep grouping even when a grouping-cancelling field is selected.
_FANNING = frozenset({"one_to_many", "many_to_many"})


def ungrouped(scope: Scope, selected: Sequence[Selected], relationships: Sequence[str]) -> bool:
    """Whether Looker writes this query without a GROUP BY."""
    if any(item.field.is_measure for item in selected):
        return False
    if any(relationship in _FANNING for relationship in relationships):
        return False
    return any(item.name in cancelling_fields(scope) for item in selected)


def cancelling_fields(scope: Scope) -> frozenset[str]:
    """``alias.field`` names whose selection cancels grouping: the base view's primary key and
    the explore's ``cancel_grouping_fields``."""
    return scope.once("cancelling_fields", lambda: _cancelling_fields(scope))


def _cancelling_fields(scope: Scope) -> frozenset[str]:
    names: set[str] = set()
    key = primary_key(scope)
    if key is not None:
        names.add(f"{scope.base_alias}.{key.name}")
    raw = scope.explore.raw.get("cancel_grouping_fields")
    if isinstance(raw, (list, tuple)):
        names.update(str(name).strip() for name in raw)
    return frozenset(names)


def primary_key(scope: Scope) -> Field | None:
    return scope.primary_key(scope.base_alias)


def default_order(rendered: Rendered, *, ungrouped: bool, pk_only: bool) -> list[tuple[str, bool]]:
    """Looker's default sort as ``(field, descending)`` pairs."""
    if rendered.first_dimension is None or (ungrouped and pk_only):
        return []
    if rendered.first_time is not None:
        return [(rendered.first_time, True)]
    if rendered.first_measure is not None:
        return [(rendered.first_measure, True)]
    return [(rendered.first_dimension, False)]


def order_item(rendered: Rendered, name: str, descending: bool, *, by_expression: bool) -> str:
    """One ORDER BY item: the column's ordinal (its expression on MySQL), or the expression of
    a measure that is sorted on without being selected."""
    suffix = " DESC" if descending else ""
    if name not in rendered.positions:
        return f"{rendered.sort_exprs[name]}{suffix}"
    position = rendered.sort_positions.get(name, rendered.positions[name])
    if by_expression:
        return f"{rendered.select_exprs[position - 1]}{suffix}"
    return f"{position}{suffix}"
