"""What a runner returns for an explore query: rows keyed ``view.field``, and the SQL that ran.

It is also what ``looker.query(...)`` gives a Python test, so its ``repr`` is a readable table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pytest_looker.present import render_table

__all__ = ["QueryResult"]


@dataclass(frozen=True)
class QueryResult:
    """The rows of one explore query, in result order, with the SQL that produced them.

    ``rows`` are plain dicts so tests can compare them with ``==``; ``repr()`` is a table, which
    is what pytest prints when an assertion on a result fails.
    """

    rows: list[dict[str, Any]]
    columns: tuple[str, ...]
    sql: str
    model: str = ""
    explore: str = ""

    def column(self, name: str) -> list[Any]:
        """Every value of one column, in row order; an unknown column is a ``KeyError`` naming the known ones."""
        if name not in self.columns:
            raise KeyError(f"{name!r} is not a column of this result (columns: {', '.join(self.columns)})")
        return [row.get(name) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Any:
        return iter(self.rows)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.rows[index]

    def __repr__(self) -> str:
        where = f" {self.model}/{self.explore}" if self.model else ""
        plural = "s" if len(self.rows) != 1 else ""
        return f"<QueryResult{where}: {len(self.rows)} row{plural}>\n{render_table(self.columns, self.rows, limit=20)}"

    def as_table(self, limit: int = 50) -> str:
        """The rows as a text table (at most ``limit`` rows)."""
        return render_table(self.columns, self.rows, limit=limit)
