"""What a query on one explore can see: its base view, its join tree, and nothing else.

Looker resolves every ``view.field`` of a query against the *explore*, never against a global
graph of views: a view that is not the explore's base view or one of its joins does not exist
for the query, even if the model includes it. :class:`Scope` is that table of aliases, and it
answers "which field is ``x``?" with errors that name the unknown thing and suggest the closest
known name, as Looker's IDE does.

It also applies the explore's and the joins' ``fields:`` restrictions, which only limit what a
*user* may select, filter or sort on — LookML may still reference hidden-from-the-explore fields
through ``${}``.
"""

from __future__ import annotations

import difflib
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pytest_looker.errors import CompileError, Location
from pytest_looker.lookml.model import Explore, Field, FieldCategory, Join, Model, Project, View

if TYPE_CHECKING:  # python-liquid is imported only when a query meets Liquid (it costs ~80 ms)
    from pytest_looker.compile.liquid import ParameterInfo


def suggest(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class HintedCompileError(CompileError):
    """A :class:`CompileError` whose "did you mean" hint is worked out when its message is read.

    Validation compiles thousands of fields that fail the same way, and most of those errors
    are caught and retried or summarised unread; ``difflib`` over an explore's thousands of
    field names, per failing field, was 90% of validating the looker-hub namespaces. ``hint``
    is called at most once, and :class:`Scope` memoises it per unknown name.
    """

    def __init__(self, message: str, location: Location | None, hint: Callable[[], str]) -> None:
        self._hint: Callable[[], str] | None = hint
        super().__init__(message, location)

    @property
    def message(self) -> str:
        if self._hint is not None:
            self._text += self._hint()
            self._hint = None
        return self._text

    @message.setter
    def message(self, value: str) -> None:
        self._text = value

    def __reduce__(self) -> tuple[Any, ...]:
        return CompileError, (self.message, self.location)


_F = TypeVar("_F")

#: Renderings kept per scope and context, and contexts per scope (see ``Scope.render_cache``).
_MAX_RENDERS = 20_000
_MAX_CONTEXTS = 32
_MAX_RENDERING_SCOPES = 32
#: Scopes holding renderings, least recently used first.
_RENDERING_SCOPES: OrderedDict[int, weakref.ref[Scope]] = OrderedDict()


class Scope:
    """The explore's aliases and the views they read, for one compilation."""

    def __init__(self, project: Project, model: Model, explore: Explore) -> None:
        self.project = project
        self.model = model
        self.explore = explore
        self.base_alias = explore.view_name
        self.views: dict[str, View] = {}
        self.joins: dict[str, Join] = {}
        self._add(explore.view_name, explore.view, None)
        for join in explore.joins:
            self._add(join.name, join.view, join)
            self.joins[join.name] = join
        self._allowed: dict[str, frozenset[str]] | None = None
        #: Every alias in declaration order (base first) and its position: read by every query.
        self.aliases: tuple[str, ...] = tuple(self.views)
        self.order: dict[str, int] = {alias: index for index, alias in enumerate(self.aliases)}
        #: Liquid's description of the explore's parameters and filter-only fields (built once).
        self.liquid_parameters: dict[str, ParameterInfo] | None = None
        self._hints: dict[tuple[str, ...], str] = {}
        self._renders: dict[tuple[object, ...], dict[Any, Any]] = {}
        self._facts: dict[object, Any] = {}

    def once(self, key: object, make: Callable[[], _F]) -> _F:
        """``make()``, computed once per scope for ``key``: facts of the explore that every query
        would otherwise work out again (its base view's primary key, a join tree). Bounded like
        the renderings."""
        try:
            return cast(_F, self._facts[key])
        except KeyError:
            pass
        if len(self._facts) > _MAX_RENDERS:
            self._facts.clear()
        value = self._facts[key] = make()
        return value

    def primary_key(self, alias: str) -> Field | None:
        """The primary key of the view under ``alias`` (every fanned measure asks for it)."""
        return self.once(("primary key", alias), lambda: self.views[alias].primary_key)

    def render_cache(self, context: tuple[object, ...]) -> dict[Any, Any]:
        """The compiler's renderings for queries in ``context`` (see ``fields.context_key``).

        Bounded: beyond :data:`_MAX_RENDERS` entries (or contexts), it starts over; and only the
        :data:`_MAX_RENDERING_SCOPES` scopes used last keep theirs (validating looker-hub's 681
        explores one after the other kept ~70 MiB of renderings no later query would read).
        """
        key = id(self)
        held = _RENDERING_SCOPES.get(key)
        if held is not None and held() is self:
            _RENDERING_SCOPES.move_to_end(key)
        else:
            _RENDERING_SCOPES[key] = weakref.ref(self)
            _RENDERING_SCOPES.move_to_end(key)
            while len(_RENDERING_SCOPES) > _MAX_RENDERING_SCOPES:
                _, oldest = _RENDERING_SCOPES.popitem(last=False)
                scope = oldest()
                if scope is not None:
                    scope._renders.clear()
        cache = self._renders.get(context)
        if cache is None or len(cache) > _MAX_RENDERS:
            if len(self._renders) >= _MAX_CONTEXTS:
                self._renders.clear()
            cache = self._renders[context] = {}
        return cache

    def _hint(self, key: tuple[str, ...], name: str, candidates: Callable[[], Iterable[str]]) -> Callable[[], str]:
        """The "did you mean" of ``name`` among ``candidates()``, computed on first read, once per key."""

        def hint() -> str:
            found = self._hints.get(key)
            if found is None:
                found = self._hints[key] = suggest(name, candidates())
            return found

        return hint

    def _add(self, alias: str, view_name: str, join: Join | None) -> None:
        view = self.model.views.get(view_name)
        if view is None:
            where = join.location if join is not None else self.explore.location
            raise CompileError(
                f"explore {self.explore.name!r} uses view {view_name!r}, which model "
                f"{self.model.name!r} does not include{suggest(view_name, self.model.views)}",
                where,
            )
        self.views[alias] = view

    def view(self, alias: str) -> View:
        return self.views[alias]

    def field(self, alias: str, name: str, *, context: str | None = None, location: Location | None = None) -> Field:
        """The field ``name`` of the view under ``alias``; a CompileError naming it otherwise, at
        ``location`` (the reference) when given, else at the view that lacks it."""
        view = self.views[alias]
        found = view.fields.get(name)
        if found is None:
            where = f" (referenced by {context})" if context else ""
            raise HintedCompileError(
                f"unknown field {alias}.{name}{where}: view {view.name!r} has no field {name!r}",
                location or view.location,
                self._hint(("field", alias, name), name, lambda: view.fields),
            )
        return found

    def check_alias(self, alias: str, *, context: str | None = None) -> None:
        """Fail clearly when ``alias`` is not part of this explore."""
        if alias in self.views:
            return
        where = f" (referenced by {context})" if context else ""
        hint = self._hint(("alias", alias), alias, lambda: self.views)
        if alias in self.model.views and not hint():
            raise CompileError(
                f"view {alias!r} is not part of explore {self.explore.name!r}{where}; its views are: "
                f"{', '.join(self.views)}",
                self.explore.location,
            )
        raise HintedCompileError(
            f"unknown view {alias!r} in explore {self.explore.name!r}{where}", self.explore.location, hint
        )

    def resolve(self, full_name: str, *, context: str | None = None, bare: bool = False) -> tuple[str, Field]:
        """``view.field`` as a user writes it (queries, filters, sorts) → (alias, field).

        ``bare``: a name without its view is a field of the explore's base view, Looker's rule for
        the fields a filter names (docs, always_filter: "If you need to reference a dimension or
        measure that is part of a joined view … use view_name.field_name").
        """
        alias, dot, name = full_name.partition(".")
        if bare and not dot and alias:
            alias, dot, name = self.base_alias, ".", full_name
        if not dot or not alias or not name:
            raise HintedCompileError(
                f"field {full_name!r} must be written as 'view.field'",
                self.explore.location,
                self._hint(("full", full_name), full_name, self._qualified_names),
            )
        self.check_alias(alias, context=context)
        return alias, self.field(alias, name, context=context)

    def _qualified_names(self) -> list[str]:
        return [f"{a}.{f}" for a, v in self.views.items() for f in v.fields]

    # -- fields: restrictions ------------------------------------------------------------------

    def check_selectable(self, alias: str, field: Field) -> None:
        """A CompileError when the explore's or the join's ``fields:`` exclude this field."""
        allowed = self._allowed_fields()
        if field.name not in allowed.get(alias, frozenset()):
            raise CompileError(
                f"field {alias}.{field.name} is not available in explore {self.explore.name!r}: "
                "it is excluded by a 'fields:' parameter",
                self.explore.location,
            )

    def selectable_names(self, alias: str) -> frozenset[str]:
        """The fields of ``alias`` a query may select (see :meth:`check_selectable`)."""
        return self._allowed_fields().get(alias, frozenset())

    def _allowed_fields(self) -> dict[str, frozenset[str]]:
        if self._allowed is None:
            self._allowed = self._compute_allowed()
        return self._allowed

    def _compute_allowed(self) -> dict[str, frozenset[str]]:
        per_alias: dict[str, set[str]] = {}
        for alias, view in self.views.items():
            join = self.joins.get(alias)
            if join is not None and join.fields is not None:
                per_alias[alias] = self._expand_items(alias, join.fields, relative=True)
            else:
                per_alias[alias] = set(view.fields)
        if self.explore.fields is None:
            return {alias: frozenset(names) for alias, names in per_alias.items()}
        included: dict[str, set[str]] = {alias: set() for alias in self.views}
        excluded: dict[str, set[str]] = {alias: set() for alias in self.views}
        positives = [item for item in self.explore.fields if not item.startswith("-")]
        if not positives or any(item.strip() == "ALL_FIELDS*" for item in positives):
            included = {alias: set(names) for alias, names in per_alias.items()}
        for item in self.explore.fields:
            item = item.strip()
            if item == "ALL_FIELDS*":
                continue
            negative = item.startswith("-")
            target = excluded if negative else included
            body = item[1:] if negative else item
            alias, _, rest = body.partition(".")
            if alias not in self.views or not rest:
                continue  # Looker reports these as LookML warnings; the loader's job, not ours.
            target[alias] |= self._expand_items(alias, (rest,), relative=True)
        return {alias: frozenset((included[alias] & per_alias[alias]) - excluded[alias]) for alias in self.views}

    def _expand_items(self, alias: str, items: Iterable[str], *, relative: bool) -> set[str]:
        """Names of ``fields:``/``set`` items of one view: ``f``, ``set*``, ``view.f``, ``*``."""
        view = self.views[alias]
        result: set[str] = set()
        removed: set[str] = set()
        pending = list(items)
        seen_sets: set[str] = set()
        while pending:
            item = pending.pop().strip()
            negative = item.startswith("-")
            body = item[1:] if negative else item
            if "." in body:
                prefix, _, body = body.partition(".")
                if prefix not in (alias, view.name):
                    continue
            target = removed if negative else result
            if body in ("*", "ALL_FIELDS*"):
                target |= set(view.fields)
            elif body.endswith("*"):
                set_name = body[:-1]
                if set_name in seen_sets:
                    continue
                seen_sets.add(set_name)
                members = view.sets.get(set_name)
                if members is not None:
                    pending.extend(("-" + m) if negative and not m.startswith("-") else m for m in members)
            elif body in view.fields:
                target.add(body)
            else:
                # A dimension group name stands for all its timeframes.
                target |= {name for name, f in view.fields.items() if f.group == body}
        return result - removed


#: Scopes kept per project; beyond this many, the cache starts over (ad-hoc explores).
_MAX_SCOPES = 4096


def scope_for(project: Project, model: Model, explore: Explore) -> Scope:
    """The :class:`Scope` of ``explore``, built once per project and reused by every query.

    A scope depends only on the (immutable) project, model and explore, and building it costs
    time proportional to the explore's size: its join table, and the ``fields:`` restrictions
    expanded over every field of every joined view. Compiling each field of an explore with 600
    joins as its own query made that quadratic. The cache lives on the project object itself,
    so it disappears with the project; entries hold their model and explore, so an id can
    never be reused while its entry exists.
    """
    cache: dict[tuple[int, int], Scope] | None = project.__dict__.get("_compile_scopes")
    if cache is None or len(cache) > _MAX_SCOPES:
        cache = {}
        object.__setattr__(project, "_compile_scopes", cache)
    key = (id(model), id(explore))
    scope = cache.get(key)
    if scope is None or scope.model is not model or scope.explore is not explore:
        scope = Scope(project, model, explore)
        cache[key] = scope
    return scope


def is_selectable_category(field: Field) -> bool:
    """Dimensions and measures become columns; filter-only fields and parameters do not."""
    return field.category in (FieldCategory.DIMENSION, FieldCategory.MEASURE)
