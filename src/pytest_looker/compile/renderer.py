"""The seam between the field compiler and the modules that render one kind of SQL.

:class:`~pytest_looker.compile.fields.FieldCompiler` expands ``${…}`` and caches every field of
one query; :mod:`.dimensions`, :mod:`.measures` and :mod:`.templating` render a dimension, a
measure or the Liquid of a text, and need to call back into it (a measure's SQL references
other fields). They depend on this protocol instead of on the compiler, so the dependency runs
one way: ``fields`` → ``dimensions``/``measures``/``templating`` → ``renderer``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pytest_looker.compile.context import CompileState
from pytest_looker.compile.dialects import Dialect
from pytest_looker.compile.scope import Scope
from pytest_looker.compile.sqltext import Sql
from pytest_looker.lookml.model import Field

if TYPE_CHECKING:  # python-liquid is imported only when a query meets Liquid (it costs ~80 ms)
    from pytest_looker.compile.liquid import ParameterInfo


@dataclass(frozen=True)
class FilterTarget:
    """What a filter on a field compares: the SQL, the grammar, and date-typing hints."""

    sql: Sql
    kind: str
    column_is_date: bool = False
    convert_tz: bool = True
    pair: tuple[str, str] | None = None

    @property
    def column(self) -> str | tuple[str, str]:
        """What the filter module compares: the SQL, or (latitude, longitude) for locations."""
        return self.pair if self.pair is not None else self.sql.text


class FieldRenderer(Protocol):
    """What rendering one field needs from the compiler of the query."""

    @property
    def state(self) -> CompileState: ...

    @property
    def scope(self) -> Scope: ...

    @property
    def dialect(self) -> Dialect: ...

    @property
    def fanned(self) -> Mapping[str, str]:
        """Alias → the join that fans it out in this query."""
        ...

    liquid_parameters: dict[str, ParameterInfo] | None

    def reference(self, alias: str, name: str, *, context: str) -> Sql:
        """What ``${alias.name}`` expands to (``name`` may carry a ``::type`` suffix)."""
        ...

    def own_sql(self, alias: str, target: Field, text: str | None = None) -> Sql:
        """The field's own ``sql`` (or ``text``), Liquid rendered and references expanded."""
        ...

    def lookup(self, alias: str, name: str, *, context: str) -> Field:
        """A field by name; a bare dimension-group name means its ``raw`` timeframe."""
        ...

    def alias_for(self, scope_name: str, alias: str | None) -> str | None:
        """The alias ``${scope_name.f}`` written in the view under ``alias`` refers to."""
        ...

    def filter_target(self, alias: str, target: Field) -> FilterTarget:
        """The SQL and grammar a filter on ``target`` uses."""
        ...
