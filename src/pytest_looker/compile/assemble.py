"""The final SQL text, in the layout Looker emits.

Kept separate from planning so that the planner deals in fragments and decisions, and this one
function is the only place that knows the order of clauses and the line layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

_INDENT = "    "


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
    lines = ["SELECT"]
    lines.append(",\n".join(_INDENT + item for item in parts.select) if parts.select else _INDENT + "1")
    lines.append(f"FROM {parts.from_}")
    lines.extend(join for join in parts.joins if join.strip())
    if parts.where:
        lines.append("WHERE " + "\n    AND ".join(parts.where))
    if parts.group_by:
        lines.append("GROUP BY " + ", ".join(str(item) for item in parts.group_by))
    if parts.having:
        lines.append("HAVING " + "\n    AND ".join(parts.having))
    if parts.order_by:
        lines.append("ORDER BY " + ", ".join(parts.order_by))
    if parts.limit:
        lines.append(parts.limit)
    return "\n".join(lines)


def with_ctes(ctes: Sequence[tuple[str, str]], body: str, preamble: str | None = None) -> str:
    """Prefix CTEs (``WITH name AS (…)``) and the explore's ``sql_preamble``."""
    text = body
    if ctes:
        rendered = ",\n".join(f"{name} AS (\n{sql.strip()}\n)" for name, sql in ctes)
        text = f"WITH {rendered}\n{body}"
    if preamble and preamble.strip():
        text = f"{preamble.strip()}\n{text}"
    return text
