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

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar, cast

from pytest_looker.compile import bridge, dimensions, measures, plain, templating
from pytest_looker.compile.context import CompileState
from pytest_looker.compile.devmode import environment_lines, table_text
from pytest_looker.compile.dialects import Dialect
from pytest_looker.compile.renderer import FilterTarget
from pytest_looker.compile.scope import Scope, suggest
from pytest_looker.compile.sqltext import Sql, wrap
from pytest_looker.errors import CompileError, Location, LookerError, in_context
from pytest_looker.lookml.model import Field, FieldCategory, View
from pytest_looker.lookml.refs import Ref, RefKind, scanned

if TYPE_CHECKING:  # python-liquid is imported only when a query meets Liquid (it costs ~80 ms)
    from pytest_looker.compile.liquid import ParameterInfo

__all__ = ["FieldCompiler", "FilterTarget"]

#: Looker's type suffixes (``${field::number}``, ``${view.field::date}``, seen in public blocks) →
#: the rendering mode of the field. ``number`` asks for the value as it is; ``date``/``datetime``
#: turn a time dimension group's text timeframes (``'YYYY-MM'``) into the DATE/timestamp of the
#: period start (see :meth:`Dialect.typed_timeframe`); other fields keep their value.
_TYPE_SUFFIXES = {"number": "ref", "date": "date", "datetime": "datetime"}

_T = TypeVar("_T")
#: A remembered rendering: the value, the derived views it named (in order), whether it is the
#: same in every query of the same context (no Liquid was rendered to make it), and whether it
#: is the same whatever the fan-out (no measure was rendered to make it).
_Entry = tuple[object, tuple[str, ...], bool, bool]


def context_key(state: CompileState, fanned: Mapping[str, str]) -> tuple[object, ...]:
    """What, besides the LookML, a field's SQL can depend on when no Liquid is involved.

    Liquid reads the query itself (filters, parameters, ``_is_selected``); a rendering that ran
    Liquid is never shared between queries. Everything else a field, measure or join renders
    from is here: the dialect, the fanned views, the clock and time zones (date filters of
    filtered measures, time conversions), development mode (``-- if dev --`` table names), user
    attributes (in filter values) and portable symmetric aggregates. Worked out once per query.
    """
    base = state.render_context
    if base is None:
        query = state.query
        base = state.render_context = (
            state.dialect_name,
            state.timezone,
            state.database_timezone,
            state.timezone_given,
            state.now,
            query.dev_mode,
            state.portable_aggregates,
            tuple(sorted(query.user_attributes.items())),
            state.time_shift,
        )
    return (base, tuple(sorted(fanned.items()))) if fanned else base


class FieldCompiler:
    """Renders fields of one explore for one query (``fanned``: alias → join that fans it)."""

    def __init__(self, state: CompileState, fanned: Mapping[str, str], *, after: FieldCompiler | None = None) -> None:
        """``after``: the query's first pass (no view fanned), whose renderings that read no
        measure this compiler reuses — only measures depend on the fan-out."""
        self.state = state
        self.scope: Scope = state.scope
        self.dialect: Dialect = state.dialect
        self.fanned = fanned
        self.derived_views: list[str] = []
        self._cache: dict[tuple[str, ...], _Entry] = {}
        #: Renderings shared with the other queries of the explore in the same context: a
        #: single-field query on an explore re-rendered its joins and the fields its field
        #: references, query after query.
        self._shared: dict[tuple[str, ...], _Entry] = state.scope.render_cache(context_key(state, fanned))
        self._stack: list[tuple[str, str]] = []
        self._liquid_renders = 0
        self._measure_renders = 0
        self._earlier: dict[tuple[str, ...], _Entry] | None = None if after is None else after._cache
        self._derived_log: list[str] = []
        self.liquid_parameters: dict[str, ParameterInfo] | None = None

    @property
    def liquid_renders(self) -> int:
        """How many renderings ran Liquid (or were taken from memory made with it) so far: what
        makes a rendering depend on the query itself rather than on its context alone."""
        return self._liquid_renders

    @property
    def measure_renders(self) -> int:
        """How many measures were rendered (or taken from memory) so far: the renderings that
        depend on the fan-out."""
        return self._measure_renders

    def remembered(self, key: tuple[str, ...], render: Callable[[], _T]) -> _T:
        """``render()``, once per query — and once per context for what renders no Liquid.

        A remembered value brings back its side effects: the derived views it named are added
        to :attr:`derived_views` as rendering would have, and a value made with Liquid marks
        whatever is being rendered around it as made with Liquid too.
        """
        entry = self._cache.get(key)
        if entry is None:
            entry = self._shared.get(key)
            if entry is None and self._earlier is not None:
                entry = self._earlier.get(key)
                if entry is not None and not entry[3]:
                    entry = None
            if entry is not None:
                self._cache[key] = entry
        if entry is not None:
            value, touched, pure, fan_free = entry
            for name in touched:
                self._derived_log.append(name)
                if name not in self.derived_views:
                    self.derived_views.append(name)
            if not pure:
                self._liquid_renders += 1
            if not fan_free:
                self._measure_renders += 1
            return cast(_T, value)
        start, liquid_before, measures_before = len(self._derived_log), self._liquid_renders, self._measure_renders
        result = render()
        touched = tuple(dict.fromkeys(self._derived_log[start:])) if len(self._derived_log) > start else ()
        pure = self._liquid_renders == liquid_before
        entry = (result, touched, pure, self._measure_renders == measures_before)
        self._cache[key] = entry
        if pure:
            self._shared[key] = entry
        return result

    # -- public entry points -------------------------------------------------------------------

    def reference(self, alias: str, name: str, *, context: str) -> Sql:
        """What ``${alias.name}`` expands to; ``name`` may end with a type suffix (``::date``)."""
        name, _, suffix = name.partition("::")
        return self._reference(alias, name.strip(), suffix.strip().lower() or None, context=context)

    def _reference(
        self, alias: str, name: str, suffix: str | None, *, context: str, location: Location | None = None
    ) -> Sql:
        mode = _TYPE_SUFFIXES.get(suffix, "") if suffix else "ref"
        if not mode:
            known = ", ".join("::" + s for s in _TYPE_SUFFIXES)
            raise CompileError(f"{context}: unknown type suffix '::{suffix}' after {name!r} (known: {known})", location)
        target = self.lookup(alias, name, context=context, location=location)
        return self._field(alias, target, mode)

    def select(self, alias: str, target: Field) -> Sql:
        """The SELECT expression of a field (yesno as 'Yes'/'No')."""
        if target.is_dimension:
            return dimensions.select(self, alias, target)
        return self._field(alias, target, "select")

    def filter_target(self, alias: str, target: Field) -> FilterTarget:
        """The SQL and grammar a filter on ``target`` uses (the raw timestamp for dates)."""
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
        self._liquid_renders += 1
        return templating.render(self, text, alias, where=where, location=location, field=field)

    def expand(self, text: str, alias: str | None, *, where: str, location: Location | None) -> Sql:
        """Replace every ``${...}`` of ``text``; ``alias`` is the view the text belongs to."""
        if "${" not in text:
            return Sql(text)
        aliases: set[str] = set()
        parts: list[str] = []
        last = 0
        for ref in scanned(text):
            result = self._substitute(ref, alias, where=where, location=location)
            aliases.update(result.aliases)
            parts.append(text[last : ref.start])
            parts.append(result.text)
            last = ref.end
        parts.append(text[last:])
        return Sql("".join(parts), frozenset(aliases))

    def lookup(self, alias: str, name: str, *, context: str, location: Location | None = None) -> Field:
        """A field by name, where a bare dimension-group name means its ``raw`` timeframe."""
        view = self.scope.view(alias)
        found = view.fields.get(name)
        if found is not None:
            return found
        group = [f for f in view.fields.values() if f.group == name]
        if group:
            raw = next((f for f in group if f.timeframe == "raw"), None)
            return raw or group[0]
        return self.scope.field(alias, name, context=context, location=location)

    # -- internals -----------------------------------------------------------------------------

    def _substitute(self, ref: Ref, alias: str | None, *, where: str, location: Location | None) -> Sql:
        kind = ref.kind
        if kind is RefKind.TABLE:
            if alias is None:
                raise CompileError(f"{where}: ${{TABLE}} is not allowed here", location)
            return Sql(alias, frozenset({alias}))
        if kind is RefKind.FIELD:
            assert ref.field is not None
            if alias is None:
                raise CompileError(f"{where}: ${{{ref.inner}}} must name its view (view.field)", location)
            return self._reference(alias, ref.field, ref.type_suffix, context=where, location=location)
        if kind is RefKind.SQL_TABLE_NAME:
            assert ref.view is not None
            return Sql(self.table_name_of(ref.view, where=where, location=location))
        if kind is RefKind.VIEW_FIELD:
            assert ref.view is not None and ref.field is not None
            target_alias = self.alias_for(ref.view, alias)
            if target_alias is None:
                self.scope.check_alias(ref.view, context=where)
                raise AssertionError("unreachable")  # check_alias raised
            return self._reference(target_alias, ref.field, ref.type_suffix, context=where, location=location)
        if kind is RefKind.EXTENDED:
            raise CompileError(f"{where}: ${{EXTENDED}} is only allowed in an object that extends another", location)
        raise CompileError(
            f"{where}: ${{{ref.inner}}} is not a reference: expected ${{field}}, ${{view.field}}, ${{TABLE}} "
            "or ${view.SQL_TABLE_NAME}",
            location,
        )

    def alias_for(self, scope_name: str, alias: str | None) -> str | None:
        """``${v.f}``: an explore alias, or the own view's name when it is joined under another."""
        if scope_name in self.scope.views:
            return scope_name
        if alias is not None and self.scope.view(alias).name == scope_name:
            return alias
        return None

    def table_name_of(self, name: str, *, where: str, location: Location | None) -> str:
        """``${v.SQL_TABLE_NAME}``: the table, or the CTE of a derived table, of the *view* ``v``.

        A view's table is a property of the view (in a persistent derived table's SQL there is no
        explore to take an alias from), so the model's view of that name comes first; only a name
        no view has is read as an alias of the explore (``from:``).
        """
        view: View | None = self.scope.model.views.get(name)
        if view is None and name in self.scope.views:
            view = self.scope.view(name)
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
            self._derived_log.append(view.name)
            if view.name not in self.derived_views:
                self.derived_views.append(view.name)
            return view.name
        text = (override or view.sql_table_name or view.name).strip()
        if "${" in text or bridge.has_liquid(text):
            where = f"sql_table_name of view {view.name}"
            rendered = self.template(text, view.name, where=where, location=view.location)
            text = rendered.text.strip()
        return table_text(environment_lines(text, dev=self.state.query.dev_mode))

    def _field(self, alias: str, target: Field, mode: str) -> Sql:
        return self.remembered((alias, target.name, mode), lambda: self._render_field(alias, target, mode))

    def _render_field(self, alias: str, target: Field, mode: str) -> Sql:
        if mode == "ref" and plain.ENABLED and target.category is FieldCategory.DIMENSION and not self.state.time_shift:
            # A column of the view, or a timeframe of one: written without the general path's
            # bookkeeping (see :mod:`.plain`); anything else, errors included, goes on below.
            try:
                quick = plain.plain_value(self.state, alias, target, nested=False)
            except LookerError:
                quick = None
            if quick is not None:
                return quick
        marker = (alias, target.name)
        if marker in self._stack:
            cycle = [*self._stack[self._stack.index(marker) :], marker]
            path = " -> ".join(f"{a}.{n}" for a, n in cycle)
            raise CompileError(f"circular reference: {path}", target.location)
        self._stack.append(marker)
        try:
            if target.category is FieldCategory.MEASURE:
                self._measure_renders += 1  # the one rendering that reads the fan-out
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
            raise CompileError(in_context(f"{alias}.{target.name}", error.message), target.location) from error
        finally:
            self._stack.pop()
        if mode != "select":
            result = result.map(wrap(result.text))
        # A field needs its own view in FROM even when its SQL does not say ${TABLE}: Looker's
        # UNNEST pattern (join: x__y { sql: LEFT JOIN UNNEST(${x.y}) AS x__y ;; } with
        # dimension: x__y { sql: x__y ;; }), or a column left unqualified (sql: size).
        # A join with no clause at all only exposes its view's fields (their SQL reads other
        # views): it is never written, so it is not needed.
        join = self.scope.joins.get(alias)
        if join is None or join.sql_on or join.foreign_key or join.sql:
            result = Sql(result.text, result.aliases | {alias})
        return result

    def own_sql(self, alias: str, target: Field, text: str | None = None) -> Sql:
        """The field's own ``sql`` (or ``text``), Liquid rendered and references expanded."""
        raw = target.sql if text is None else text
        if raw is None:
            raw = "${TABLE}." + (target.group or target.name)
        where = f"{alias}.{target.name}"
        return self.template(raw, alias, where=where, location=target.location, field=target.name)
