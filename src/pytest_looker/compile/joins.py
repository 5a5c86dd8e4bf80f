"""The joins a query includes, and their SQL.

Looker includes only the joins a query needs (docs: required_joins): those whose fields are
selected, filtered or sorted on, those the included joins' ``sql_on``/``foreign_key``/``sql_where``
reference through ``${}`` (transitively), their ``required_joins``, and the explore's
``always_join``. They are emitted in the explore's declaration order. A join is rendered lazily,
the first time it is needed, so a broken join the query does not use cannot fail it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pytest_looker.compile import plain
from pytest_looker.compile.fields import FieldCompiler
from pytest_looker.compile.sqltext import Sql, combine
from pytest_looker.errors import CompileError
from pytest_looker.lookml.jointree import JoinEdge, JoinTree
from pytest_looker.lookml.model import Join

_JOIN_KEYWORDS = {
    "left_outer": "LEFT JOIN",
    "inner": "INNER JOIN",
    "full_outer": "FULL OUTER JOIN",
    "cross": "CROSS JOIN",
}


@dataclass(frozen=True)
class RenderedJoin:
    """One join's SQL clause, its ``sql_where`` condition and the aliases both reference."""

    name: str
    join: Join
    clause: str
    references: frozenset[str]
    sql_where: Sql | None
    edge: JoinEdge


#: Off: each set of joins gets a tree of its own (the differential tests' reference for the
#: tree that grows per context, see :func:`included_joins`).
GROWING_TREE = True
#: Join sets whose order and fan-out a context's growing tree keeps (beyond: it starts over).
_MAX_ARRANGED = 4096


@dataclass(frozen=True)
class IncludedJoins:
    """The joins a query includes, in the order they are written, and their fan-out (fanned
    alias → the join that fans it)."""

    joins: list[RenderedJoin]
    fanned: Mapping[str, str]


def render_join(fc: FieldCompiler, join: Join) -> RenderedJoin:
    """``LEFT JOIN table AS alias ON ...`` (or the join's raw ``sql:``)."""
    where = f"join {join.name}"
    view = fc.scope.view(join.name)
    parts: list[Sql] = []
    if join.sql is not None:
        # A "bare join" (`sql: ;;`) writes no clause: it only makes the view's fields available,
        # for fields whose SQL refers to other views of the explore (Looker's documented pattern).
        raw = fc.template(join.sql, join.name, where=where, location=join.location)
        clause = raw.text.strip()
        parts.append(raw)
    else:
        keyword = _JOIN_KEYWORDS.get(join.type)
        if keyword is None:
            raise CompileError(
                f"join {join.name} has unknown type {join.type!r} (expected one of {', '.join(_JOIN_KEYWORDS)})",
                join.location,
            )
        table = fc.table_of(view, join.sql_table_name)
        clause = f"{keyword} {table} AS {join.name}"
        if join.type != "cross":
            on = _on(fc, join)
            parts.append(on)
            clause += f" ON {on.text}"
    sql_where = None
    if join.sql_where:
        sql_where = fc.template(join.sql_where, join.name, where=f"sql_where of {where}", location=join.location)
    for required in join.required_joins:
        fc.scope.check_alias(required, context=f"required_joins of {where}")
    edge = JoinEdge(
        alias=join.name,
        relationship=join.relationship,
        on=combine("", parts).aliases,
        required=tuple(join.required_joins),
        where=sql_where.aliases if sql_where is not None else frozenset(),
    )
    return RenderedJoin(
        name=join.name, join=join, clause=clause, references=edge.dependencies, sql_where=sql_where, edge=edge
    )


def _on(fc: FieldCompiler, join: Join) -> Sql:
    where = f"join {join.name}"
    if join.sql_on:
        quick = plain.plain_text(fc.state, join.name, join.sql_on)
        if quick is not None:
            return quick
        return fc.template(join.sql_on, join.name, where=f"sql_on of {where}", location=join.location)
    if join.foreign_key:
        scope_name, dot, name = join.foreign_key.strip().rpartition(".")
        fk_alias = scope_name if dot else fc.scope.base_alias
        fc.scope.check_alias(fk_alias, context=f"foreign_key of {where}")
        foreign = fc.reference(fk_alias, name, context=f"foreign_key of {where}")
        pk = fc.scope.primary_key(join.name)
        if pk is None:
            raise CompileError(
                f"join {join.name} uses foreign_key, but view {fc.scope.view(join.name).name!r} has no primary_key",
                join.location,
            )
        key = fc.reference(join.name, pk.name, context=f"foreign_key of {where}")
        return combine(f"{foreign.text} = {key.text}", (foreign, key))
    raise CompileError(f"join {join.name} needs sql_on, foreign_key or sql", join.location)


def included_joins(fc: FieldCompiler, needed: Iterable[str]) -> IncludedJoins:
    """The joins the query needs, closed over their references, and the tree they form.

    A join's dependencies are what its *rendered* clauses reference (Liquid may add or drop a
    reference per query), so the tree is built from the included joins as rendered.
    """
    scope = fc.scope
    # Sorted (as below), so that the order joins are rendered in — and with it the order of the
    # derived tables' CTEs — does not depend on the hash seed through the set ``needed``.
    pending = sorted((alias for alias in needed if alias in scope.joins), key=scope.order.__getitem__, reverse=True)
    for alias in scope.explore.always_join:
        scope.check_alias(alias, context="always_join")
        pending.append(alias)
    rendered: dict[str, RenderedJoin] = {}
    liquid = fc.liquid_renders
    while pending:
        alias = pending.pop()
        if alias in rendered or alias not in scope.joins:
            continue
        join = scope.joins[alias]
        result = fc.remembered(("join", alias), lambda: render_join(fc, join))  # noqa: B023 (called at once)
        rendered[alias] = result
        # Sorted, so the order joins are rendered in (and derived tables found) is the same in
        # every process, whatever the hash seed.
        pending.extend(sorted(result.references - rendered.keys(), key=lambda a: scope.order.get(a, -1), reverse=True))
    declared = tuple(sorted(rendered, key=scope.order.__getitem__))
    # The join order and the fan-out depend on the rendered edges only. When every join was
    # rendered without Liquid (the same in every query of the context), they come from the tree
    # of the joins the context has met so far; else from a tree of this set's edges, worked out
    # once per explore for each set of edges.
    arranged = _grown(fc, rendered, declared) if GROWING_TREE and fc.liquid_renders == liquid else None
    if arranged is None:
        edges = tuple(rendered[alias].edge for alias in declared)
        arranged = scope.once(("join tree", edges), lambda: _arrange(scope.base_alias, edges))
    order, fanned = arranged
    return IncludedJoins([rendered[alias] for alias in order], fanned)


_Arranged = tuple[tuple[str, ...], Mapping[str, str]]


def _arrange(base: str, edges: tuple[JoinEdge, ...]) -> _Arranged:
    tree = JoinTree(base, edges)
    return tuple(tree.dependency_order(edge.alias for edge in edges)), MappingProxyType(tree.fanned())


class _Grown:
    """A context's join tree, grown as queries include joins, and the sets arranged from it."""

    __slots__ = ("arranged", "tree")

    def __init__(self, tree: JoinTree) -> None:
        self.tree = tree
        self.arranged: dict[tuple[str, ...], _Arranged] = {}


def _grown(fc: FieldCompiler, rendered: Mapping[str, RenderedJoin], declared: tuple[str, ...]) -> _Arranged | None:
    """The order and fan-out of ``declared`` from the context's growing tree (``None``: a cycle
    was cut, or a join's edge is not the one the tree holds)."""
    scope = fc.scope
    grown = fc.remembered(("join tree",), lambda: _Grown(JoinTree(scope.base_alias, (), declared=scope.order)))
    found = grown.arranged.get(declared)
    tree = grown.tree
    if found is None:
        edges = tree.edges
        for alias in declared:
            held = edges.get(alias)
            edge = rendered[alias].edge
            if held is not None and held is not edge and held != edge:
                return None
        tree.extend([rendered[alias].edge for alias in declared if alias not in edges])
        if len(grown.arranged) > _MAX_ARRANGED:
            grown.arranged.clear()
        found = grown.arranged[declared] = (
            tuple(tree.dependency_order(declared)),
            MappingProxyType(tree.fanned(declared)),
        )
    return None if tree.cut else found
