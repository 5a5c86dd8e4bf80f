"""Cross-reference checks of a resolved model, reported as diagnostics.

Looker's validator catches a reference to a view or field that does not exist before anyone
queries it; so do we, with the file and line of the object that holds the bad reference. The
checks are deliberately conservative: a reference we cannot prove wrong (Liquid around it, an
alias only some explores define) is not reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from pytest_looker.errors import Location
from pytest_looker.lookml.jointree import explore_join_tree
from pytest_looker.lookml.model import Explore, Field, Model, View, _did_you_mean
from pytest_looker.lookml.refs import SPECIAL_NAMES, field_references

#: Measure types whose results a fan-out inflates unless symmetric aggregates apply.
FANOUT_SENSITIVE = frozenset({"count", "sum", "average", "median", "percentile", "sum_distinct", "average_distinct"})

Emit = Callable[[str, str, Location], None]


def _field_sqls(field: Field) -> tuple[str | None, ...]:
    sqls = (field.sql, field.sql_start, field.sql_end, field.sql_distinct_key, field.sql_latitude, field.sql_longitude)
    return sqls + tuple(case.sql for case in field.cases) if field.cases else sqls


class CheckCache:
    """Facts about fields and views that do not depend on the model, computed once per load.

    Models that include the same files share their :class:`View` and :class:`Field` objects
    (see the loader), so what a field references, which dimension groups a view declares and
    whether it has a primary key and fan-out-sensitive measures are computed once, not once per
    model. Keys are object ids: every object stays alive for the whole load.
    """

    def __init__(self) -> None:
        self.field_references: dict[int, tuple[tuple[str | None, str], ...]] = {}
        # Per SQL text: views that extend one another hold the same texts in many fields
        # (app-marketing-analytics: 3,768 texts with a reference, 264 distinct).
        self.text_references: dict[str, tuple[tuple[str | None, str], ...]] = {}
        self.groups: dict[int, frozenset[str]] = {}
        self.fanout_facts: dict[int, tuple[bool, bool]] = {}
        self.open_refs: dict[int, list[tuple[Field, str | None, str, str | None]]] = {}

    def references_of(self, field: Field) -> tuple[tuple[str | None, str], ...]:
        found = self.field_references.get(id(field))
        if found is None:
            texts = [self._text_references(sql) for sql in _field_sqls(field) if sql and "${" in sql]
            # Mostly one text (the field's sql): its tuple is then shared with the fields holding it.
            found = texts[0] if len(texts) == 1 else tuple(ref for refs in texts for ref in refs)
            self.field_references[id(field)] = found
        return found

    def _text_references(self, sql: str) -> tuple[tuple[str | None, str], ...]:
        found = self.text_references.get(sql)
        if found is None:
            found = self.text_references[sql] = tuple(field_references(sql))
        return found

    def open_references(self, view: View) -> list[tuple[Field, str | None, str, str | None]]:
        """The references of ``view``'s fields that its own fields do not settle.

        ``(field, view or None, field name, filter condition or None)``: ``${x}`` naming one of
        the view's own fields (or ``${TABLE}``) is known in every model, so only the rest needs
        checking per model — usually nothing, which makes the check of a shared view free.
        """
        found = self.open_refs.get(id(view))
        if found is None:
            found = []
            own_fields = view.fields
            for field in own_fields.values():
                for ref_view, ref_field in self.references_of(field):
                    if ref_view is None and (ref_field in own_fields or ref_field in SPECIAL_NAMES):
                        continue
                    found.append((field, ref_view, ref_field, None))
                for condition in field.filters:
                    target_view, _, target_field = condition.field.rpartition(".")
                    if not target_view and target_field in own_fields:
                        continue
                    found.append((field, target_view or None, target_field, condition.field))
            self.open_refs[id(view)] = found
        return found

    def groups_of(self, view: View) -> frozenset[str]:
        found = self.groups.get(id(view))
        if found is None:
            found = frozenset(f.group for f in view.fields.values() if f.group is not None)
            self.groups[id(view)] = found
        return found

    def fanout_of(self, view: View) -> tuple[bool, bool]:
        """(has a primary key, has a count/sum/average-like measure)."""
        found = self.fanout_facts.get(id(view))
        if found is None:
            found = (
                view.primary_key is not None,
                any(m.type in FANOUT_SENSITIVE for m in view.measures()),
            )
            self.fanout_facts[id(view)] = found
        return found


def check_model(model: Model, emit: Emit, cache: CheckCache | None = None) -> None:
    """Report unknown views and fields referenced by the model's views, explores and tests."""
    cache = cache or CheckCache()
    aliases: dict[str, set[str]] = {}
    for explore in model.explores.values():
        for alias, view_name in explore.aliases().items():
            aliases.setdefault(alias, set()).add(view_name)
    # An object with ``extension: required`` is a template: Looker validates its references only
    # in the objects that extend it, where the fields and joins it names may be defined.
    for view in model.views.values():
        if not view.extension_required:
            _check_view(view, model.views, aliases, emit, cache)
    for explore in model.explores.values():
        if not explore.extension_required:
            _check_explore(explore, model, emit, cache)
    for test in model.tests.values():
        source = test.explore_source
        tested = model.explores.get(source.explore)
        if tested is None:
            emit("error", f"test {test.name!r} uses unknown explore {source.explore!r}", test.location)
            continue
        for column in source.columns:
            if _lookup(column.field, tested, model) is None and _provably_missing(column.field, tested, model, cache):
                emit(
                    "error",
                    f"test {test.name!r}: unknown field {column.field!r} in explore {tested.name!r}",
                    column.location,
                )


def _known(view: View, name: str, views: Mapping[str, View], cache: CheckCache) -> bool:
    if name in view.fields or name in SPECIAL_NAMES:
        return True
    if any(parent not in views for parent in view.extends):
        return True  # a parent is missing (already reported): its fields cannot be proved absent
    return name in cache.groups_of(view)


def _check_view(
    view: View, views: Mapping[str, View], aliases: Mapping[str, set[str]], emit: Emit, cache: CheckCache
) -> None:
    for field, ref_view, ref_field, condition in cache.open_references(view):
        if condition is None:
            message = _reference_problem(view, ref_view, ref_field, views, aliases, cache)
            if message:
                emit("error", f"{field.full_name}: {message}", field.location)
        else:
            message = _reference_problem(view, ref_view, ref_field, views, aliases, cache)
            if message:
                emit("error", f"{field.full_name}: filter on {condition!r}: {message}", field.location)


def _reference_problem(
    view: View,
    ref_view: str | None,
    ref_field: str,
    views: Mapping[str, View],
    aliases: Mapping[str, set[str]],
    cache: CheckCache,
) -> str | None:
    if ref_view is None:
        return None if _known(view, ref_field, views, cache) else f"unknown field {ref_field!r} in view {view.name!r}"
    # ``${name.field}`` names a join alias of the explore the query runs in, and an alias may
    # stand for another view (``join: sessions { from: sessions_webanalytics }``): aliases first.
    if ref_view in aliases:
        targets = [views[v] for v in aliases[ref_view] if v in views]
        if not targets or any(_known(t, ref_field, views, cache) for t in targets):
            return None  # no target view is defined (reported at the explore), or one has the field
        return f"unknown field {ref_view}.{ref_field}"
    if ref_view in views:
        target = views[ref_view]
        return None if _known(target, ref_field, views, cache) else f"unknown field {ref_view}.{ref_field}"
    return f"unknown view {ref_view!r} in reference ${{{ref_view}.{ref_field}}}"


def _lookup(name: str, explore: Explore, model: Model, aliases: Mapping[str, str] | None = None) -> Field | None:
    alias, _, field = name.partition(".")
    view_name = (aliases if aliases is not None else explore.aliases()).get(alias)
    view = model.views.get(view_name) if view_name else None
    return view.fields.get(field) if view else None


def _provably_missing(name: str, explore: Explore, model: Model, cache: CheckCache) -> bool:
    """Whether ``alias.field`` is surely absent (not merely unknowable: its view is undefined)."""
    alias, _, field = name.partition(".")
    view_name = explore.aliases().get(alias)
    if view_name is None:
        return True
    view = model.views.get(view_name)
    return view is not None and not _known(view, field, model.views, cache)


def _check_explore(explore: Explore, model: Model, emit: Emit, cache: CheckCache) -> None:
    base = model.views.get(explore.view)
    if base is None:
        emit("error", f"explore {explore.name!r} is based on unknown view {explore.view!r}", explore.location)
    elif base.extension_required:
        emit(
            "error",
            f"explore {explore.name!r} is based on view {base.name!r}, which has extension: required",
            explore.location,
        )
    aliases = explore.aliases()
    for join in explore.joins:
        view = model.views.get(join.view)
        if view is None:
            emit("error", f"explore {explore.name!r} joins unknown view {join.view!r}", join.location)
            continue
        if view.extension_required:
            emit(
                "error",
                f"explore {explore.name!r} joins view {view.name!r}, which has extension: required",
                join.location,
            )
        for required in join.required_joins:
            if required not in aliases:
                emit("error", f"join {join.name!r} requires unknown join {required!r}", join.location)
        for sql in (join.sql_on, join.sql_where, join.sql):
            for ref_view, ref_field in field_references(sql):
                if ref_view is None:
                    emit("error", f"join {join.name!r}: ${{{ref_field}}} needs a view name", join.location)
                elif ref_view not in aliases:
                    emit(
                        "error",
                        f"join {join.name!r} references {ref_view!r}, which is not in explore {explore.name!r}",
                        join.location,
                    )
                elif (
                    ref_field not in SPECIAL_NAMES
                    and _lookup(f"{ref_view}.{ref_field}", explore, model, aliases) is None
                ):
                    target = model.views.get(aliases[ref_view])
                    if target is not None and not _known(target, ref_field, model.views, cache):
                        emit(
                            "error",
                            f"join {join.name!r}: unknown field {ref_view}.{ref_field}",
                            join.location,
                        )
    for name in explore.always_join:
        if name not in aliases:
            emit(
                "error",
                f"explore {explore.name!r}: always_join names unknown join {name!r}",
                explore.location,
            )
    for parameter, index, name in _filtered_fields(explore):
        context = "access_filter" if parameter == "access_filter" else f"the explore's {parameter}"
        if parameter != "access_filter" and "." not in name:
            name = f"{explore.view_name}.{name}"  # Looker: a bare name in default filters is the base view's
        message = _filter_field_problem(name, explore, model, cache, context)
        if message:
            emit("error", message, explore.parameter_location(parameter, index))
    _check_fanout_keys(explore, model, emit, cache)


def _filtered_fields(explore: Explore) -> Iterator[tuple[str, int, str]]:
    """``(parameter, index, view.field)`` for every field the explore's default filters name."""
    for condition in explore.always_filter:
        yield "always_filter", 0, condition.field
    conditional = explore.conditionally_filter
    if conditional is not None:
        for condition in conditional.filters:
            yield "conditionally_filter", 0, condition.field
        for name in conditional.unless:
            yield "conditionally_filter", 0, name
    for index, access in enumerate(explore.access_filters):
        yield "access_filter", index, access.field


def _filter_field_problem(name: str, explore: Explore, model: Model, cache: CheckCache, context: str) -> str | None:
    """The compiler's sentence for a filter on a field the explore does not have (same words in
    ``inspect``, ``validate``, ``sql`` and pytest), or ``None`` when it may exist."""
    alias, dot, field = name.partition(".")
    aliases = explore.aliases()
    if not dot or not alias or not field:
        return f"field {name!r} must be written as 'view.field' (referenced by {context})"
    if alias not in aliases:
        hint = _did_you_mean(alias, aliases)
        return f"unknown view {alias!r} in explore {explore.name!r} (referenced by {context}){hint}"
    view = model.views.get(aliases[alias])
    if view is None or _known(view, field, model.views, cache):
        return None
    return (
        f"unknown field {alias}.{field} (referenced by {context}): view {view.name!r} has no field {field!r}"
        f"{_did_you_mean(field, view.fields)}"
    )


#: The end of the warning about a view without ``primary_key`` that a join fans out. It is a
#: lint of pytest-looker: Looker's validator says nothing, Looker refuses the query instead ("Field
#: … cannot be calculated because of a one_to_many or many_to_many join. Add a primary key",
#: seen in mozilla/lookml-generator#139), so the API emulator leaves it out of its validation.
FANOUT_WITHOUT_KEY = "has no primary_key; its count/sum/average measures cannot use symmetric aggregates"


def is_fanout_lint(message: str) -> bool:
    """Whether a diagnostic is the fan-out lint above (a warning Looker's validator does not give)."""
    return message.endswith(FANOUT_WITHOUT_KEY)


def _check_fanout_keys(explore: Explore, model: Model, emit: Emit, cache: CheckCache) -> None:
    aliases = explore.aliases()
    at_risk = {
        alias
        for alias, name in aliases.items()
        if name in model.views and cache.fanout_of(model.views[name]) == (False, True)
    }
    if not at_risk or not explore.joins:
        return  # every view has a primary key or nothing to inflate: no need for the tree
    for alias, join_name in explore_join_tree(explore, model.views).fanned().items():
        if alias in at_risk:
            view = model.views[aliases[alias]]
            join = explore.join(join_name)
            emit(
                "warning",
                f"explore {explore.name!r}: join {join_name!r} can fan out view {view.name!r} (as {alias!r}), which "
                + FANOUT_WITHOUT_KEY,
                join.location if join else explore.location,
            )
