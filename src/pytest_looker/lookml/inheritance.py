"""``extends`` and refinements, applied to raw trees the way Looker documents it.

Looker merges LookML *textually* (only what is written, never defaults) in four steps, each
overriding the previous one on conflict (lookml-refinements, "Refinements are applied in order"):

1. the objects listed in the object's own ``extends`` (the last listed parent wins);
2. the objects listed in ``extends`` inside refinements of the object;
3. the object itself;
4. its refinements, in include order (a later one wins).

Some parameters add up instead of overriding (``filters``, ``link``, ``action`` on fields;
``allowed_value`` on parameters; ``join``, ``access_filter`` on explores; NDT ``filters``,
``bind_filters``, ``sorts``); fields and joins merge by name. ``${EXTENDED}`` in any string
parameter of a child (``sql``, ``sql_table_name``, but also an explore's ``sql_always_where``,
a ``label``...) splices in the parent's value of that parameter, empty if it has none: public
Looker blocks write ``sql_always_where: ... ${EXTENDED} ;;`` and Looker accepts it, so the
substitution cannot be limited to ``sql``. ``extension: required`` is not inherited: it marks
only the object that says it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from pytest_looker.immutable import field, record
from pytest_looker.lookml.refs import RefKind, substitute
from pytest_looker.lookml.syntax import RawNode

#: Keys holding named children merged by name, per object kind.
FIELD_KEYS = ("dimension", "dimension_group", "measure", "filter", "parameter")
_NAMED_CHILDREN: Mapping[str, tuple[str, ...]] = {
    "view": (*FIELD_KEYS, "set"),
    "explore": ("join", "aggregate_table", "query"),
}
#: List parameters that add up under extends and refinements, per object kind.
_ADDITIVE_LISTS: Mapping[str, frozenset[str]] = {
    "field": frozenset({"filters", "link", "action", "allowed_value"}),
    "explore": frozenset({"access_filter"}),
    "explore_source": frozenset({"bind_filters", "dev_filters", "filters", "sorts"}),
}
_NOT_INHERITED = frozenset({"extension", "extends", "$name", "final"})


def merge_nodes(base: RawNode, over: RawNode, kind: str) -> RawNode:
    """``over`` applied on top of ``base`` (both raw trees of one object kind)."""
    result = dict(base)
    named = _NAMED_CHILDREN.get(kind, ())
    additive = _ADDITIVE_LISTS.get(kind, frozenset())
    for key, value in over.items():
        if key == "$lines":
            result["$lines"] = {**base.get("$lines", {}), **value}
        elif key in named and isinstance(value, list):
            child_kind = "field" if key in FIELD_KEYS else key
            result[key] = _merge_named(base.get(key, []), value, child_kind)
        elif key in additive and isinstance(value, list):
            result[key] = [*base.get(key, []), *value]
        elif isinstance(value, str) and "EXTENDED" in value and "${" in value:
            result[key] = _splice_extended(value, str(base.get(key, "")))
        elif isinstance(value, dict) and isinstance(base.get(key), dict) and key != "$repeated":
            result[key] = merge_nodes(base[key], value, key)
        else:
            result[key] = value
    return result


def _splice_extended(value: str, parent: str) -> str:
    """``value`` with each ``${EXTENDED}`` replaced by the parent's value of the parameter."""
    return substitute(value, lambda ref: parent if ref.kind is RefKind.EXTENDED else None)


def _merge_named(base: list[Any], over: list[Any], kind: str) -> list[Any]:
    merged: dict[str, Any] = {}
    for item in base:
        if isinstance(item, dict):
            merged[str(item.get("$name"))] = item
    for item in over:
        if not isinstance(item, dict):
            continue
        name = str(item.get("$name"))
        merged[name] = merge_nodes(merged[name], item, kind) if name in merged else item
    return list(merged.values())


@record(frozen=False)
class Definitions:
    """Every definition and refinement of one object kind that a model can see, in order."""

    kind: str
    definitions: dict[str, list[RawNode]] = field(default_factory=dict)
    refinements: dict[str, list[RawNode]] = field(default_factory=dict)

    def add(self, node: RawNode) -> None:
        name = str(node.get("$name", ""))
        if name.startswith("+"):
            self.refinements.setdefault(name[1:].strip(), []).append(node)
        else:
            self.definitions.setdefault(name, []).append(node)


Report = Callable[[RawNode, str], None]


@record(frozen=False)
class Resolver:
    """Resolves objects of one kind by name, memoised, reporting problems through ``report``."""

    defs: Definitions
    report: Report
    _done: dict[str, RawNode | None] = field(default_factory=dict)

    def resolve(self, name: str, chain: tuple[str, ...] = ()) -> RawNode | None:
        """The fully merged raw tree of ``name``, or ``None`` when it cannot be built."""
        if name in self._done:
            return self._done[name]
        candidates = self.defs.definitions.get(name)
        if not candidates:
            return None
        if name in chain:
            return None  # the caller reports the cycle with the whole chain
        own = candidates[0]
        refinements = self.defs.refinements.get(name, [])
        self._check_final(refinements)
        parents = [
            *_as_list(own.get("extends")),
            *(p for r in refinements for p in _as_list(r.get("extends"))),
        ]
        merged: RawNode = {}
        for parent in parents:
            parent_node = self._parent(parent, own, (*chain, name))
            if parent_node is not None:
                merged = merge_nodes(merged, _inheritable(parent_node), self.defs.kind)
        merged = merge_nodes(merged, own, self.defs.kind)
        for refinement in refinements:
            merged = merge_nodes(merged, _refinement_body(refinement), self.defs.kind)
        merged["$name"] = name
        merged["$line"] = own.get("$line")
        merged["$file"] = own.get("$file")
        merged["$extends"] = parents
        merged["$refined_at"] = [(r.get("$file"), r.get("$line")) for r in refinements]
        self._done[name] = merged
        return merged

    def _parent(self, parent: str, child: RawNode, chain: tuple[str, ...]) -> RawNode | None:
        if parent in chain:
            cycle = " → ".join([*chain[chain.index(parent) :], parent])
            self.report(child, f"circular extends: {cycle}")
            return None
        if parent not in self.defs.definitions:
            self.report(child, f"{chain[-1]!r} extends unknown {self.defs.kind} {parent!r}")
            return None
        return self.resolve(parent, chain)

    def _check_final(self, refinements: list[RawNode]) -> None:
        for index, refinement in enumerate(refinements[:-1]):
            if str(refinement.get("final", "no")).lower() == "yes":
                later = refinements[index + 1]
                self.report(
                    later,
                    f"refinement of {self.defs.kind} {str(later.get('$name', ''))[1:]!r} comes after a "
                    f"refinement marked final: yes ({refinement.get('$file')}:{refinement.get('$line')})",
                )


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []


def _inheritable(node: RawNode) -> RawNode:
    return {k: v for k, v in node.items() if k not in _NOT_INHERITED and not k.startswith("$e")}


def _refinement_body(node: RawNode) -> RawNode:
    body = {k: v for k, v in node.items() if k not in ("$name", "$line", "$file", "extends", "final")}
    return copy.copy(body)
