"""The join tree of an explore: what each join depends on, the view it hangs from, and fan-out.

One implementation for everything that reasons about joins — the loader's fan-out warnings,
the compiler's join order and symmetric aggregates, scaffold's key tests — so they cannot
disagree about which join duplicates which view.

**Dependencies.** A join depends on every view its ``sql_on`` / ``foreign_key`` / ``sql`` /
``sql_where`` names through ``${view.field}`` (followed through the SQL of the fields named, as
the compiler expands them) and on its ``required_joins``. Looker's docs (param-explore-join-
required-joins): "sql_on does not need required_joins when it is used with
${view_name.looker_dimension_name} syntax"; ``required_joins`` exists for ``sql_on`` written with
raw ``view.column`` text, and "a view must be joined to an Explore before it can be referenced
in required_joins". A query includes a join's dependencies whenever it includes the join.

**Parent.** ``relationship`` is stated relative to the view the join goes through (docs,
param-explore-join-relationship: "When a view is joined to an Explore through another view —
such as how user_facts joins through user to order — the relationship being defined is from the
intermediate view (user) to the final view (user_facts)"). The docs do not say which view is the
intermediate one when a ``sql_on`` names several. We take the *deepest* of the views its ON
clause (``sql_on``/``foreign_key``/``sql``) names — the one furthest from the base in this tree,
the latest declared on a tie — and the ``required_joins`` when the ON clause names none (the
raw-SQL case above), else the base view. The deepest view is the finest grain among the rows
the join is matched against: in ``a ⋈ b (one_to_many) ⋈ c ON ${a.id} = ${c.a_id} AND
${b.k} = ${c.k}`` each ``c`` row is matched against rows of ``b`` (which ``b``'s join already
repeated per ``a`` row), so ``c``'s relationship is to ``b`` and ``b``'s one_to_many join does
not duplicate ``c``. ``sql_where`` does not change the grain, so it never chooses the parent.

**Fan-out** (reference §1b; docs, "Understanding symmetric aggregates": a measure needs them when
"the measure is from the 'one' view of a many-to-one or one-to-many join", or "from either view
of a many-to-many join"). Each included edge parent → child:

* ``one_to_one`` duplicates nothing;
* ``many_to_one`` duplicates the child and everything hanging from it;
* ``one_to_many`` duplicates every view *outside* the child's subtree;
* ``many_to_many`` duplicates every view.

Not settled: Looker's Help Center article "Why do we recommend many_to_one joins over
one_to_many joins" (community, last tested 2019) says that for ``users →one_to_many orders
→one_to_many order_items`` Looker "has no way to know whether the join to orders causes
order_items to be fanned out" and applies symmetric aggregates to ``order_items`` too, i.e.
Looker did not exempt a one_to_many child's subtree then. Both give the same numbers when the
declared relationships hold; only the SQL differs (and a view without ``primary_key`` fails
with the conservative rule).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pytest_looker.immutable import record
from pytest_looker.lookml.model import Explore, Field, Join, View
from pytest_looker.lookml.refs import RefKind, scan

__all__ = ["RELATIONSHIPS", "JoinEdge", "JoinTree", "explore_join_tree", "join_edge"]

RELATIONSHIPS = frozenset({"one_to_one", "many_to_one", "one_to_many", "many_to_many"})


@record
class JoinEdge:
    """What one join reads: the aliases of its ON clause and of its ``sql_where``, its
    ``required_joins`` and its ``relationship`` (to its parent)."""

    alias: str
    relationship: str = "many_to_one"
    on: frozenset[str] = frozenset()
    required: tuple[str, ...] = ()
    where: frozenset[str] = frozenset()

    @property
    def dependencies(self) -> frozenset[str]:
        """Every alias the join needs in the query (itself excluded)."""
        return (self.on | self.where | frozenset(self.required)) - {self.alias}


class JoinTree:
    """The joins of an explore (or of one query) as a tree rooted at the base alias.

    ``edges`` are given in declaration order. An alias an edge names that is neither the base
    nor another edge is ignored (the checks report unknown aliases; the compiler never
    includes one).

    ``declared`` (the explore's aliases → their declaration position) lets the tree grow
    (:meth:`extend`) as the compiler meets joins, in any order: a join's parent depends only on
    its edge and on its candidates' (which every query including the join includes too), so
    the tree of the joins met so far answers :meth:`fanned` and :meth:`dependency_order` for
    any set of them closed over their dependencies exactly as the tree of that set alone does
    — unless a dependency cycle was cut (:attr:`cut`), where the parent depends on which join
    was placed first.
    """

    def __init__(self, base: str, edges: Sequence[JoinEdge], *, declared: Mapping[str, int] | None = None) -> None:
        self.base = base
        self.edges: dict[str, JoinEdge] = {}
        #: Every alias → its position in declaration order (base first).
        self.order: dict[str, int] = {base: 0}
        self._declared = declared
        self._depth: dict[str, int] = {base: 0}
        self.parents: dict[str, str] = {}
        self._children: dict[str, list[str]] = {}
        self._dependencies: dict[str, frozenset[str]] = {}
        self._needs: dict[str, frozenset[str]] = {}
        self._lineage: dict[str, frozenset[str]] = {}
        #: Whether placing a join cut a dependency cycle (malformed LookML).
        self.cut = False
        self.extend(edges)

    def extend(self, edges: Sequence[JoinEdge]) -> None:
        """Add joins not in the tree yet (an alias already in it keeps its edge)."""
        base, declared, order, known = self.base, self._declared, self.order, self.edges
        fresh: dict[str, JoinEdge] = {}
        for edge in edges:
            alias = edge.alias
            if alias != base and alias not in known:
                fresh[alias] = edge
            if alias not in order:
                order[alias] = declared[alias] if declared is not None else len(order)
        known.update(fresh)
        added = list(fresh)
        for alias in added:
            self._place(alias, ())
        for alias in added:
            self._children.setdefault(self.parents[alias], []).append(alias)

    # -- structure -------------------------------------------------------------------------------

    def parent(self, alias: str) -> str:
        """The alias a join hangs from (the base for the base itself)."""
        return self.parents.get(alias, self.base)

    def depth(self, alias: str) -> int:
        """Edges between the base and ``alias``."""
        return self._depth.get(alias, 0)

    def children(self, alias: str) -> tuple[str, ...]:
        return tuple(self._children.get(alias, ()))

    def subtree(self, alias: str) -> frozenset[str]:
        """``alias`` and every join that hangs from it, directly or not."""
        found: set[str] = set()
        pending = [alias]
        while pending:
            node = pending.pop()
            if node not in found:
                found.add(node)
                pending.extend(self._children.get(node, ()))
        return frozenset(found)

    def path(self, alias: str) -> tuple[str, ...]:
        """The aliases from the base down to ``alias``."""
        chain = [alias]
        while chain[-1] != self.base and chain[-1] in self.parents:
            chain.append(self.parents[chain[-1]])
        return tuple(reversed(chain))

    def on_aliases(self, alias: str) -> tuple[str, ...]:
        """The other aliases a join's ON clause reads (known ones, in declaration order): the views
        a check of its keys compares it with. Empty for the base."""
        edge = self.edges.get(alias)
        if edge is None:
            return ()
        return tuple(sorted((a for a in edge.on if a != alias and a in self.order), key=self.order.__getitem__))

    def dependencies(self, alias: str) -> frozenset[str]:
        """The aliases a join needs (known ones only)."""
        found = self._dependencies.get(alias)
        if found is not None:
            return found
        edge = self.edges.get(alias)
        if edge is None:
            return frozenset()
        found = frozenset(a for a in edge.dependencies if a in self.order)
        if self._declared is None:  # a growing tree learns aliases later: work it out each time
            self._dependencies[alias] = found
        return found

    def _needed(self, alias: str) -> frozenset[str]:
        """Every alias the join's edge names but its own (known or not), kept per join."""
        found = self._needs.get(alias)
        if found is None:
            found = self._needs[alias] = self.edges[alias].dependencies
        return found

    def _ancestry(self, alias: str) -> frozenset[str]:
        """``alias`` and the aliases above it: a join's subtree is the aliases whose ancestry holds
        it. Kept per alias (a placed join keeps its parent)."""
        found = self._lineage.get(alias)
        if found is None:
            found = self._lineage[alias] = frozenset(self.path(alias))
        return found

    # -- queries ---------------------------------------------------------------------------------

    def fanned(self, included: Iterable[str] | None = None) -> dict[str, str]:
        """Fanned alias → the join that fans it (the first in declaration order).

        ``included`` restricts the joins to those a query includes (all joins by default); an
        excluded join neither fans nor is fanned.
        """
        if included is None:
            chosen = sorted(self.edges, key=self.order.__getitem__)
        else:
            chosen = sorted({alias for alias in included if alias in self.edges}, key=self.order.__getitem__)
        nodes = [self.base, *chosen]  # in declaration order
        fanned: dict[str, str] = {}
        for join in chosen:
            relationship = self.edges[join].relationship
            if relationship == "one_to_one":
                continue
            if relationship == "many_to_many":
                duplicated = nodes
            else:
                inside = relationship == "many_to_one"  # one_to_many: everything outside the subtree
                duplicated = [node for node in nodes if (join in self._ancestry(node)) == inside]
            for node in duplicated:
                fanned.setdefault(node, join)
        return fanned

    def dependency_order(self, aliases: Iterable[str]) -> list[str]:
        """``aliases`` (joins) in declaration order, except that a join comes after the joins it
        depends on: Looker expects dependencies to be declared first; when a LookML author did
        not, emitting them first still gives valid SQL with the same meaning."""
        chosen = {a for a in aliases if a in self.edges}
        declared = sorted(chosen, key=self.order.__getitem__)
        seen: set[str] = set()
        for alias in declared:  # dependencies declared first (the usual case): that order
            if not self._needed(alias) & chosen <= seen:
                break
            seen.add(alias)
        else:
            return declared
        result: list[str] = []
        placed: set[str] = set()
        visiting: set[str] = set()

        def place(alias: str) -> None:
            if alias in placed or alias in visiting:
                return
            visiting.add(alias)
            for dependency in sorted(self._needed(alias) & chosen, key=self.order.__getitem__):
                place(dependency)
            visiting.discard(alias)
            placed.add(alias)
            result.append(alias)

        for alias in declared:
            place(alias)
        return result

    # -- construction ----------------------------------------------------------------------------

    def _place(self, alias: str, stack: tuple[str, ...]) -> int:
        """Decide ``alias``'s parent (and depth), deciding its candidates' first."""
        if alias in self._depth:
            return self._depth[alias]
        edge = self.edges[alias]
        stack = (*stack, alias)
        candidates = [a for a in edge.on if a != alias and a in self.order]
        if not candidates:
            candidates = [a for a in edge.required if a != alias and a in self.order]
        best, best_key = self.base, (0, 0)
        for candidate in candidates:
            if candidate in stack:
                self.cut = True
                continue  # a dependency cycle (malformed LookML) is cut where it closes
            key = (self._place(candidate, stack), self.order[candidate])
            if key > best_key:
                best, best_key = candidate, key
        self.parents[alias] = best
        self._depth[alias] = best_key[0] + 1 if best != self.base else 1
        return self._depth[alias]


# -- the tree of an explore, from its LookML ---------------------------------------------------------


def explore_join_tree(explore: Explore, views: Mapping[str, View]) -> JoinTree:
    """The join tree of ``explore`` as written (every join), ``views`` being the model's views."""
    resolver = _Resolver(explore, views)
    return JoinTree(explore.view_name, [join_edge(explore, join, views, resolver) for join in explore.joins])


def join_edge(explore: Explore, join: Join, views: Mapping[str, View], resolver: _Resolver | None = None) -> JoinEdge:
    """The aliases one join of ``explore`` reads, found in its LookML (Liquid is not rendered:
    a reference in any branch counts)."""
    resolver = resolver or _Resolver(explore, views)
    on: set[str] = set()
    if join.sql is not None:  # a raw (or bare) join clause replaces sql_on and foreign_key
        on |= resolver.text(join.sql, join.name)
    elif join.sql_on:
        on |= resolver.text(join.sql_on, join.name)
    elif join.foreign_key:
        owner, dot, name = join.foreign_key.strip().rpartition(".")
        owner = owner if dot else explore.view_name
        if owner in resolver.aliases:
            on |= resolver.field(owner, name)
        on.add(join.name)
    where = resolver.text(join.sql_where, join.name) if join.sql_where else frozenset()
    return JoinEdge(
        alias=join.name,
        relationship=join.relationship,
        on=frozenset(on),
        required=tuple(join.required_joins),
        where=frozenset(where),
    )


class _Resolver:
    """Aliases a LookML text reads, following ``${…}`` through the SQL of the fields it names
    (the compiler inlines a field's SQL, so ``${users.key}`` whose SQL is ``${orders.id}`` reads
    ``orders`` too). Results per (alias, field) are kept for the explore."""

    def __init__(self, explore: Explore, views: Mapping[str, View]) -> None:
        self.aliases = explore.aliases()
        self.views = views
        self._fields: dict[tuple[str, str], frozenset[str]] = {}
        self._active: set[tuple[str, str]] = set()

    def text(self, text: str, alias: str) -> frozenset[str]:
        """Aliases ``text``, written in the view under ``alias``, reads."""
        found: set[str] = set()
        for ref in scan(text):
            if ref.kind is RefKind.TABLE:
                found.add(alias)
            elif ref.kind is RefKind.FIELD and ref.field:
                found |= self.field(alias, ref.field)
            elif ref.kind is RefKind.VIEW_FIELD and ref.view and ref.field:
                target = self._alias_for(ref.view, alias)
                if target is not None:
                    found |= self.field(target, ref.field)
        return frozenset(found)

    def field(self, alias: str, name: str) -> frozenset[str]:
        """``alias`` and the aliases the SQL of its field ``name`` reads."""
        key = (alias, name)
        cached = self._fields.get(key)
        if cached is not None:
            return cached
        if key in self._active:
            return frozenset({alias})
        self._active.add(key)
        try:
            found = {alias}
            target = self._lookup(alias, name)
            if target is not None:
                for sql in _sqls(target):
                    found |= self.text(sql, alias)
        finally:
            self._active.discard(key)
        result = frozenset(found)
        self._fields[key] = result
        return result

    def _alias_for(self, name: str, alias: str) -> str | None:
        """``${name.f}`` written in the view under ``alias``: an explore alias, or that view's own
        name when it is joined under another alias (as the compiler resolves it)."""
        if name in self.aliases:
            return name
        return alias if self.aliases.get(alias) == name else None

    def _lookup(self, alias: str, name: str) -> Field | None:
        view = self.views.get(self.aliases.get(alias, ""))
        if view is None:
            return None
        found = view.fields.get(name)
        if found is None:  # a bare dimension group name means its timeframes
            found = next((f for f in view.fields.values() if f.group == name), None)
        return found


def _sqls(target: Field) -> Iterable[str]:
    for sql in (target.sql, target.sql_start, target.sql_end, target.sql_latitude, target.sql_longitude):
        if sql:
            yield sql
    for case in target.cases:
        if case.sql:
            yield case.sql
