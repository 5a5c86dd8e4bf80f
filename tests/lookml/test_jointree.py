"""The one join tree: dependencies, the parent of each join, and the views each join fans out."""

from __future__ import annotations

import random

import pytest

from helpers import CHAIN_JOIN_PROJECT, JOIN_MODEL, ProjectFactory
from pytest_looker.lookml.jointree import JoinEdge, JoinTree, explore_join_tree


def edge(
    alias: str,
    relationship: str = "many_to_one",
    on: set[str] | None = None,
    required: tuple[str, ...] = (),
    where: frozenset[str] = frozenset(),
) -> JoinEdge:
    return JoinEdge(alias, relationship, frozenset(on or ()), required, where)


def test_parent_is_the_deepest_view_the_on_clause_names() -> None:
    tree = JoinTree(
        "a",
        [edge("b", "one_to_many", {"a", "b"}), edge("c", "one_to_one", {"a", "b", "c"})],
    )
    assert tree.parent("b") == "a"
    assert tree.parent("c") == "b"
    assert tree.path("c") == ("a", "b", "c")
    assert tree.depth("c") == 2
    assert tree.on_aliases("c") == ("a", "b")
    assert tree.on_aliases("a") == ()


def test_depth_beats_declaration_order() -> None:
    # d names y (declared early, two levels down) and x (declared later, hanging from the base).
    tree = JoinTree(
        "a",
        [edge("w", on={"a"}), edge("y", on={"w"}), edge("x", on={"a"}), edge("d", on={"x", "y"})],
    )
    assert tree.parent("d") == "y"


def test_declaration_order_breaks_ties_and_out_of_order_declarations_still_resolve() -> None:
    tree = JoinTree("a", [edge("late", on={"b"}), edge("b", on={"a"}), edge("c", on={"a"}), edge("t", on={"b", "c"})])
    assert tree.parent("late") == "b"
    assert tree.parent("t") == "c"  # b and c are both one level down: the later declared wins
    assert tree.dependency_order(["late", "b", "c"]) == ["b", "late", "c"]


def test_required_joins_choose_the_parent_only_when_the_on_clause_names_no_view() -> None:
    tree = JoinTree(
        "a",
        [
            edge("b", on={"a"}),
            edge("raw", on=set(), required=("b",)),
            edge("typed", on={"a", "typed"}, required=("b",)),
        ],
    )
    assert tree.parent("raw") == "b"
    assert tree.parent("typed") == "a"
    assert tree.dependencies("typed") == frozenset({"a", "b"})


def test_sql_where_is_a_dependency_but_never_the_parent() -> None:
    tree = JoinTree("a", [edge("b", on={"a"}), edge("c", on={"a"}, where=frozenset({"b"}))])
    assert tree.parent("c") == "a"
    assert tree.dependencies("c") == frozenset({"a", "b"})


def test_a_dependency_cycle_does_not_loop() -> None:
    tree = JoinTree("a", [edge("b", on={"c"}), edge("c", on={"b"})])
    assert {tree.parent("b"), tree.parent("c")} <= {"a", "b", "c"}
    assert tree.path("b")[0] == "a" and tree.path("c")[0] == "a"
    assert tree.cut
    assert not JoinTree("a", [edge("b", on={"a"}), edge("c", on={"b"})]).cut


def random_edges(rng: random.Random, count: int) -> list[JoinEdge]:
    """Joins j0…jN in declaration order, each reading earlier views (sometimes a later one)."""
    aliases = [f"j{i}" for i in range(count)]
    edges = []
    for index, alias in enumerate(aliases):
        earlier = ["base", *aliases[:index]]
        on = set(rng.sample(earlier, min(len(earlier), rng.choice((1, 1, 2, 3)))))
        if rng.random() < 0.15 and index + 1 < count:
            on.add(rng.choice(aliases[index + 1 :]))  # declared after the join that reads it
        if rng.random() < 0.5:
            on.add(alias)
        required = tuple(rng.sample(earlier[1:], 1)) if index > 1 and rng.random() < 0.15 else ()
        where = frozenset(rng.sample(earlier, 1)) if rng.random() < 0.1 else frozenset()
        relationship = rng.choice(("many_to_one", "many_to_one", "one_to_many", "one_to_one", "many_to_many"))
        edges.append(JoinEdge(alias, relationship, frozenset(on), required, where))
    return edges


def closure(edges: dict[str, JoinEdge], needed: set[str]) -> list[str]:
    """``needed`` closed over the joins' dependencies, as a query includes them."""
    found: set[str] = set()
    pending = list(needed)
    while pending:
        alias = pending.pop()
        if alias in found or alias not in edges:
            continue
        found.add(alias)
        pending.extend(edges[alias].dependencies)
    return sorted(found, key=lambda a: int(a[1:]))


@pytest.mark.parametrize("seed", range(40))
def test_a_growing_tree_arranges_each_join_set_as_the_sets_own_tree(seed: int) -> None:
    # The compiler grows one tree per context as queries include joins, in whatever order they
    # come, and asks it for the order and fan-out of each set: the same as a tree of that set.
    rng = random.Random(seed)
    edges = random_edges(rng, rng.randint(1, 14))
    by_alias = {e.alias: e for e in edges}
    declared = {"base": 0, **{e.alias: i + 1 for i, e in enumerate(edges)}}
    grown = JoinTree("base", (), declared=declared)
    compared = 0
    for _ in range(25):
        chosen = closure(by_alias, set(rng.sample(list(by_alias), rng.randint(1, min(4, len(by_alias))))))
        grown.extend([by_alias[a] for a in chosen if a not in grown.edges])
        alone = JoinTree("base", [by_alias[a] for a in chosen])
        if grown.cut or alone.cut:
            continue  # a cut cycle: the compiler arranges the set on its own
        compared += 1
        assert grown.dependency_order(chosen) == alone.dependency_order(chosen)
        assert grown.fanned(chosen) == alone.fanned()
        assert list(grown.fanned(chosen).items()) == list(alone.fanned().items())
        assert all(grown.parent(a) == alone.parent(a) for a in chosen)
    assert compared or grown.cut


def test_fan_out_of_each_relationship() -> None:
    tree = JoinTree(
        "orders",
        [
            edge("users", "many_to_one", {"orders"}),
            edge("user_facts", "one_to_one", {"users"}),
            edge("items", "one_to_many", {"orders"}),
            edge("products", "many_to_one", {"items"}),
        ],
    )
    assert tree.fanned(["users", "user_facts"]) == {"users": "users", "user_facts": "users"}
    assert tree.fanned(["items", "products"]) == {"orders": "items", "products": "products"}
    everything = tree.fanned()
    assert set(everything) == {"orders", "users", "user_facts", "products"}
    assert everything["users"] == "users"  # the first join (in declaration order) that fans it
    assert JoinTree("a", [edge("t", "many_to_many", {"a"})]).fanned() == {"a": "t", "t": "t"}


def test_loader_hangs_the_issue_example_from_the_deepest_view_and_does_not_warn(lookml: ProjectFactory) -> None:
    project = lookml(CHAIN_JOIN_PROJECT)
    model = project.models["m"]
    tree = explore_join_tree(model.explores["a"], model.views)
    assert tree.parent("c") == "b"
    assert "c" not in tree.fanned()
    # c has no primary key: a warning here would claim that b fans it out.
    assert not [d for d in project.diagnostics if "fan out" in d.message]


def test_loader_follows_references_through_field_sql(lookml: ProjectFactory) -> None:
    project = lookml(
        {
            "m.model.lkml": JOIN_MODEL
            + """
                explore: a {
                  join: b { sql_on: ${a.id} = ${b.a_id} ;; }
                  join: c { foreign_key: b_key }
                }
            """,
            "views/a.view.lkml": """
                view: a {
                  dimension: id { primary_key: yes }
                  dimension: b_key { sql: ${b.id} ;; }
                }
            """,
            "views/b.view.lkml": "view: b { dimension: id { primary_key: yes } dimension: a_id {} }",
            "views/c.view.lkml": "view: c { dimension: id { primary_key: yes } }",
        }
    )
    model = project.models["m"]
    tree = explore_join_tree(model.explores["a"], model.views)
    # c's foreign key is a.b_key, whose SQL reads b: c hangs from b, not from a.
    assert tree.edges["c"].on == frozenset({"a", "b", "c"})
    assert tree.parent("c") == "b"
