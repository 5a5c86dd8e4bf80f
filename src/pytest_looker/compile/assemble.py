"""The final SQL text, in the layout Looker emits.

Kept separate from planning so that the planner deals in fragments and decisions, and this one
function is the only place that knows the order of clauses and the line layout — but for the
fields-only shortcut (:mod:`.fastpath`), which writes the same layout from pieces it makes once
per field and per join set (its tests compare the two on random queries).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

INDENT = "    "


@dataclass(frozen=True)
class SelectParts:
    """The clauses of one SELECT, already rendered."""

    select: Sequence[str]
    from_: str
    joins: Sequence[str] = ()
    where: Sequence[str] = ()
    group_by: Sequence[int | str] = ()
    having: Sequence[str] = ()
    order_by: Sequence[str] = ()
    limit: str | None = None


def select_sql(parts: SelectParts) -> str:
    """``SELECT … FROM … JOIN … WHERE … GROUP BY … HAVING … ORDER BY … LIMIT``."""
    return select_text(
        parts.select, parts.from_, parts.joins, parts.where, parts.group_by, parts.having, parts.order_by, parts.limit
    )


def select_text(
    select: Sequence[str],
    from_: str,
    joins: Sequence[str] = (),
    where: Sequence[str] = (),
    group_by: Sequence[int | str] = (),
    having: Sequence[str] = (),
    order_by: Sequence[str] = (),
    limit: str | None = None,
) -> str:
    """:func:`select_sql` from the clauses themselves (the fields-only shortcut's per-query path)."""
    lines = ["SELECT"]
    lines.append(",\n".join(INDENT + item for item in select) if select else INDENT + "1")
    lines.append(f"FROM {from_}")
    lines.extend(join for join in joins if join.strip())
    if where:
        lines.append("WHERE " + "\n    AND ".join(where))
    if group_by:
        lines.append("GROUP BY " + ", ".join(str(item) for item in group_by))
    if having:
        lines.append("HAVING " + "\n    AND ".join(having))
    if order_by:
        lines.append("ORDER BY " + ", ".join(order_by))
    if limit:
        lines.append(limit)
    return "\n".join(lines)


def with_ctes(ctes: Sequence[tuple[str, str]], body: str, preamble: str | None = None) -> str:
    """Prefix CTEs (``WITH name AS (…)``) and the explore's ``sql_preamble``."""
    return sql_prefix(ctes, preamble) + body


def sql_prefix(ctes: Sequence[tuple[str, str]], preamble: str | None = None) -> str:
    """What :func:`with_ctes` writes before the body (the fields-only shortcut keeps it per list
    of CTEs: the same derived tables' SQL was joined again query after query)."""
    text = ""
    if ctes:
        rendered = ",\n".join(f"{name} AS (\n{sql.strip()}\n)" for name, sql in ctes)
        text = f"WITH {rendered}\n"
    if preamble and preamble.strip():
        text = f"{preamble.strip()}\n{text}"
    return text
