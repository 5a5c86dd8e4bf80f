"""``${}`` reference expansion: every field's SQL, fully inlined, with cycle detection.

Looker never references a SELECT alias: ``${amount}`` in another field becomes the *expanded*
SQL of ``amount``, recursively, and ``${yesno_field}`` becomes its boolean condition (not
'Yes'/'No'). Each field's own SQL has its Liquid rendered first, then its references expanded,
which is the order Looker documents (Liquid may produce ``${}``; ``${}`` never produces Liquid).

:class:`FieldCompiler` is created per query with the set of fanned views already decided (the
measure renderer needs it), and caches each field's expansion for the duration of the query.
Dimension- and measure-specific rendering lives in :mod:`.dimensions` and :mod:`.measures`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_looker.compile import bridge
from pytest_looker.compile.context import CompileState
from pytest_looker.compile.scope import suggest
from pytest_looker.compile.sqltext import Sql, wrap
from pytest_looker.errors import CompileError, Location
from pytest_looker.lookml.model import Field, FieldCategory, View

_REFERENCE = re.compile(r"\$\{\s*([^{}]*?)\s*\}")
#: Looker's type suffixes (``${field::number}``, ``${view.field::date}``, seen in public blocks) →
#: the rendering mode of the field. ``number`` asks for the value as it is; ``date``/``datetime``
#: turn a time dimension group's text timeframes (``'YYYY-MM'``) into the DATE/timestamp of the
#: period start (see :meth:`Dialect.typed_timeframe`); other fields keep their value.
_TYPE_SUFFIXES = {"number": "ref", "date": "date", "datetime": "datetime"}


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


class FieldCompiler:
    """Renders fields of one explore for one query (``fanned``: alias → join that fans it)."""

    def __init__(self, state: CompileState, fanned: Mapping[str, str]) -> None:
        self.state = state
        self.scope = state.scope
        self.dialect: Any = state.dialect
        self.fanned = fanned
        self.derived_views: list[str] = []
        self._cache: dict[tuple[str, str, str], Sql] = {}
        self._stack: list[tuple[str, str]] = []
        self.liquid_parameters: dict[str, Any] | None = None

    # -- public entry points -------------------------------------------------------------------

    def reference(self, alias: str, name: str, *, context: str) -> Sql:
        """What ``${alias.name}`` expands to; ``name`` may end with a type suffix (``::date``)."""
        name, _, suffix = name.partition("::")
        mode = _TYPE_SUFFIXES.get(suffix.strip().lower(), "") if suffix else "ref"
        if not mode:
            known = ", ".join("::" + s for s in _TYPE_SUFFIXES)
            raise CompileError(f"{context}: unknown type suffix '::{suffix}' after {name!r} (known: {known})")
        target = self.lookup(alias, name.strip(), context=context)
        return self._field(alias, target, mode)

    def select(self, alias: str, target: Field) -> Sql:
        """The SELECT expression of a field (yesno as 'Yes'/'No')."""
        from pytest_looker.compile import dimensions

        if target.is_dimension:
            return dimensions.select(self, alias, target)
        return self._field(alias, target, "select")

    def filter_target(self, alias: str, target: Field) -> FilterTarget:
        """The SQL and grammar a filter on ``target`` uses (the raw timestamp for dates)."""
        from pytest_looker.compile import dimensions, measures

        if target.is_measure:
            return FilterTarget(self._field(alias, target, "ref"), measures.filter_kind(target))
        return dimensions.filter_target(self, alias, target)

    def template(
        self, text: str, alias: str, *, where: str, location: Location | None, field: str | None = None
    ) -> Sql:
        """Render Liquid in ``text`` (written in view ``alias``), then expand its ``${}``.

        ``field`` names the field whose own SQL ``text`` is, for a bare ``{% condition %}``.
        """
        if bridge.has_liquid(text):
            text = self.liquid(text, alias, where=where, location=location, field=field)
        return self.expand(text, alias, where=where, location=location)

    def liquid(self, text: str, alias: str, *, where: str, location: Location | None, field: str | None = None) -> str:
        from pytest_looker.compile.templating import render

        return render(self, text, alias, where=where, location=location, field=field)

    def expand(self, text: str, alias: str | None, *, where: str, location: Location | None) -> Sql:
        """Replace every ``${...}`` of ``text``; ``alias`` is the view the text belongs to."""
        aliases: set[str] = set()

        def replace(match: re.Match[str]) -> str:
            inner = match.group(1)
            result = self._substitute(inner, alias, where=where, location=location)
            aliases.update(result.aliases)
            return result.text

        expanded = _REFERENCE.sub(replace, text)
        return Sql(expanded, frozenset(aliases))

    def lookup(self, alias: str, name: str, *, context: str) -> Field:
        """A field by name, where a bare dimension-group name means its ``raw`` timeframe."""
        view = self.scope.view(alias)
        found = view.fields.get(name)
        if found is not None:
            return found
        group = [f for f in view.fields.values() if f.group == name]
        if group:
            raw = next((f for f in group if f.timeframe == "raw"), None)
            return raw or group[0]
        return self.scope.field(alias, name, context=context)

    # -- internals -----------------------------------------------------------------------------

    def _substitute(self, inner: str, alias: str | None, *, where: str, location: Location | None) -> Sql:
        if inner == "TABLE":
            if alias is None:
                raise CompileError(f"{where}: ${{TABLE}} is not allowed here", location)
            return Sql(alias, frozenset({alias}))
        if "." not in inner:
            if alias is None:
                raise CompileError(f"{where}: ${{{inner}}} must name its view (view.field)", location)
            return self.reference(alias, inner, context=where)
        scope_name, _, name = inner.partition(".")
        if name == "SQL_TABLE_NAME":
            return Sql(self.table_name_of(scope_name, where=where, location=location))
        target_alias = self.alias_for(scope_name, alias)
        if target_alias is None:
            self.scope.check_alias(scope_name, context=where)
            raise AssertionError("unreachable")  # check_alias raised
        return self.reference(target_alias, name, context=where)

    def alias_for(self, scope_name: str, alias: str | None) -> str | None:
        """``${v.f}``: an explore alias, or the own view's name when it is joined under another."""
        if scope_name in self.scope.views:
            return scope_name
        if alias is not None and self.scope.view(alias).name == scope_name:
            return alias
        return None

    def table_name_of(self, name: str, *, where: str, location: Location | None) -> str:
        """``${v.SQL_TABLE_NAME}``: the table, or the CTE of a derived table."""
        view: View | None = None
        view = self.scope.view(name) if name in self.scope.views else self.scope.model.views.get(name)
        if view is None:
            raise CompileError(
                f"{where}: unknown view {name!r} in ${{{name}.SQL_TABLE_NAME}}{suggest(name, self.scope.model.views)}",
                location,
            )
        return self.table_of(view)

    def table_of(self, view: View, override: str | None = None) -> str:
        """The FROM text of a view: ``sql_table_name`` or its derived table's CTE name.

        ``sql_table_name`` may hold Liquid (``{% parameter schema %}``) and ``${x.SQL_TABLE_NAME}``;
        both are rendered here, in the context of the view.
        """
        if view.derived_table is not None and not override:
            if view.name not in self.derived_views:
                self.derived_views.append(view.name)
            return view.name
        text = (override or view.sql_table_name or view.name).strip()
        if "${" in text or bridge.has_liquid(text):
            where = f"sql_table_name of view {view.name}"
            rendered = self.template(text, view.name, where=where, location=view.location)
            text = rendered.text.strip()
        return text

    def _field(self, alias: str, target: Field, mode: str) -> Sql:
        from pytest_looker.compile import dimensions, measures

        key = (alias, target.name, mode)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        marker = (alias, target.name)
        if marker in self._stack:
            cycle = [*self._stack[self._stack.index(marker) :], marker]
            path = " -> ".join(f"{a}.{n}" for a, n in cycle)
            raise CompileError(f"circular reference: {path}", target.location)
        self._stack.append(marker)
        try:
            if target.category is FieldCategory.MEASURE:
                result = measures.render(self, alias, target, select=mode == "select")
            elif target.category is FieldCategory.DIMENSION:
                result = dimensions.reference(self, alias, target, as_type=mode)
            else:
                kind = "parameter" if target.category is FieldCategory.PARAMETER else "filter-only field"
                raise CompileError(
                    f"{alias}.{target.name} is a {kind}: use it in filters or Liquid, not as SQL",
                    target.location,
                )
        except CompileError as error:
            if error.location is not None:
                raise
            # Errors from the dialect module know the construct, not the field: add it.
            raise CompileError(f"{alias}.{target.name}: {error.message}", target.location) from error
        finally:
            self._stack.pop()
        if mode != "select":
            result = result.map(wrap(result.text))
        self._cache[key] = result
        return result

    def own_sql(self, alias: str, target: Field, text: str | None = None) -> Sql:
        """The field's own ``sql`` (or ``text``), Liquid rendered and references expanded."""
        raw = target.sql if text is None else text
        if raw is None:
            raw = "${TABLE}." + (target.group or target.name)
        where = f"{alias}.{target.name}"
        return self.template(raw, alias, where=where, location=target.location, field=target.name)
