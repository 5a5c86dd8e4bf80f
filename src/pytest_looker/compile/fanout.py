"""Which views the joins of *this* query can duplicate ("fan out").

A measure of a fanned view must aggregate each of its rows once, whatever the joins did: that is
what symmetric aggregates are for. Looker decides this per query from the joins the query
actually includes, so an unused one_to_many join costs nothing.

The rule (reference §1b, consistent with Looker's docs and every real query seen). The included
joins form a tree rooted at the explore's base view; the parent of a join is the view its
``sql_on``/``foreign_key`` goes through (the latest-declared one it references, else the base).
Each edge parent→child with relationship:

* ``one_to_one`` duplicates nothing;
* ``many_to_one`` duplicates the child and the child's whole subtree (many parent rows match
  one child row, so the child's rows — and everything hanging off them — repeat);
* ``one_to_many`` duplicates every view *outside* the child's subtree (the parent's row repeats
  once per child row, and with it the base, the siblings and their subtrees);
* ``many_to_many`` duplicates every view.

A view is fanned when any included edge duplicates it. Chains compose naturally:
``orders →m2o users →o2o user_facts`` fans ``users`` and ``user_facts`` but not ``orders``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

RELATIONSHIPS = frozenset({"one_to_one", "many_to_one", "one_to_many", "many_to_many"})


def fanned_views(
    base: str,
    joins: Sequence[str],
    parents: Mapping[str, str],
    relationships: Mapping[str, str],
) -> dict[str, str]:
    """Fanned alias → the join that fans it (the first one, in declaration order).

    ``joins`` are the included join aliases in declaration order, ``parents[j]`` the alias each
    goes through and ``relationships[j]`` its relationship.
    """
    nodes = [base, *joins]
    children: dict[str, list[str]] = {node: [] for node in nodes}
    for join in joins:
        children.setdefault(parents.get(join, base), []).append(join)

    def subtree(root: str) -> set[str]:
        found: set[str] = set()
        pending = [root]
        while pending:
            node = pending.pop()
            if node in found:
                continue
            found.add(node)
            pending.extend(children.get(node, ()))
        return found

    fanned: dict[str, str] = {}
    for join in joins:
        relationship = relationships.get(join, "many_to_one")
        if relationship == "one_to_one":
            continue
        if relationship == "many_to_one":
            duplicated = subtree(join)
        elif relationship == "one_to_many":
            duplicated = set(nodes) - subtree(join)
        else:
            duplicated = set(nodes)
        for node in nodes:
            if node in duplicated:
                fanned.setdefault(node, join)
    return fanned


def parent_of(
    join: str, references: Sequence[str], declared: Sequence[str], base: str, order: Mapping[str, int] | None = None
) -> str:
    """The view a join goes through: the latest-declared alias its ON clause references.

    ``declared`` is every alias in declaration order (base first); ``order`` (alias → position
    in ``declared``) may be passed when the caller already has it.
    """
    if order is None:
        order = {alias: index for index, alias in enumerate(declared)}
    candidates = [alias for alias in references if alias != join and alias in order]
    if not candidates:
        return base
    return max(candidates, key=lambda alias: order[alias])
