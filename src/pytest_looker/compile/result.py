"""What a compilation hands to the runners: the SQL and how to read its result.

Result columns are named by the dialect (``"orders.count"`` on Postgres, ``orders_count`` on
BigQuery); :attr:`CompiledQuery.columns` maps each back to its ``view.field`` so every runner can
present rows keyed the same way whatever the dialect. Post-SQL measures (percent of total,
running totals) are computed on those rows by :meth:`CompiledQuery.finish`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_looker.compile.posttable import PostSqlMeasure, apply_post_sql
from pytest_looker.compile.query import Query
from pytest_looker.errors import CompileError, Location

__all__ = ["Column", "CompiledQuery", "FieldsIgnored", "IgnoredField", "PostSqlMeasure"]


@dataclass(frozen=True)
class IgnoredField:
    """A selected field Looker leaves out of the query, with the warning it shows for it.

    Looker does this to a median or percentile whose view the query fans out when the dialect
    has no distinct percentile: the Explore warns "SQL dialect doesn't support Symmetric
    Aggregates with percentiles, field ignored." and runs the query without the field.
    """

    field: str
    message: str
    location: Location | None = None

    def text(self) -> str:
        """``message`` with where the field is defined."""
        return f"{self.message} (at {self.location})" if self.location is not None else self.message


class FieldsIgnored(CompileError):
    """Every field of the query was left out (see :class:`IgnoredField`): there is nothing to run.

    A warning, not a LookML error: each field would be dropped from a query that fans it out.
    """

    def __init__(self, ignored: Sequence[IgnoredField]) -> None:
        first = ignored[0]
        super().__init__("; ".join(i.message for i in ignored), first.location)
        self.ignored = tuple(ignored)


@dataclass(frozen=True)
class Column:
    """One result column.

    ``name`` is the column's name in the SQL result, ``field`` the ``view.field`` it holds,
    ``category`` ``"dimension"`` or ``"measure"`` and ``type`` the LookML type. ``hidden``
    marks helper columns (a tier's ``__sort_``) that a runner should drop.
    """

    name: str
    field: str
    category: str
    type: str
    hidden: bool = False


@dataclass(frozen=True, init=False)
class CompiledQuery:
    """A compiled query: SQL in ``dialect`` plus the description of its result."""

    sql: str
    dialect: str
    query: Query
    columns: tuple[Column, ...]
    post_sql_measures: tuple[PostSqlMeasure, ...]
    views: tuple[str, ...]
    joins: tuple[str, ...]
    fanned: Mapping[str, str]
    ignored: tuple[IgnoredField, ...] = ()

    def __init__(
        self,
        sql: str,
        dialect: str,
        query: Query,
        columns: tuple[Column, ...],
        post_sql_measures: tuple[PostSqlMeasure, ...],
        views: tuple[str, ...],
        joins: tuple[str, ...],
        fanned: Mapping[str, str],
        ignored: tuple[IgnoredField, ...] = (),
    ) -> None:
        """Written by hand, as :class:`.Query`'s: the generated one sets each field through
        ``object.__setattr__`` (every compile makes one, a query asked again is ~5 µs)."""
        self.__dict__.update(
            sql=sql,
            dialect=dialect,
            query=query,
            columns=columns,
            post_sql_measures=post_sql_measures,
            views=views,
            joins=joins,
            fanned=fanned,
            ignored=ignored,
        )

    @property
    def field_of_column(self) -> dict[str, str]:
        """Result column name → ``view.field`` (visible columns only)."""
        return {c.name: c.field for c in self.columns if not c.hidden}

    def finish(self, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Rows keyed ``view.field``, hidden columns dropped, post-SQL measures computed.

        ``rows`` are mappings keyed by result column name, as a database returns them.
        """
        renamed = [{column.field: row.get(column.name) for column in self.columns if not column.hidden} for row in rows]
        return apply_post_sql(renamed, self.post_sql_measures)
