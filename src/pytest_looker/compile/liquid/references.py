"""Which fields a Liquid template names, found by static analysis (no query needed).

Two sources: the field arguments of Looker's tags (found by walking the syntax tree), and
variable paths from python-liquid's analysis, restricted to the *global* ones so that
``{% assign x = ... %}{{ x._in_query }}``-style locals and loop variables are not mistaken for
views.
"""

from __future__ import annotations

from collections.abc import Iterable

from liquid import BoundTemplate, RenderContext
from liquid.ast import Node

from pytest_looker.compile.liquid.scope import FIELD_ATTRIBUTES
from pytest_looker.compile.liquid.tags import FieldTagNode


def collect_references(template: BoundTemplate, view: str | None) -> frozenset[str]:
    """``view.field`` names in ``template``; bare names qualified with ``view`` when given."""

    def qualify(name: str) -> str:
        return f"{view}.{name}" if view is not None and "." not in name else name

    found: set[str] = set()
    static_context = RenderContext(template)

    def visit(nodes: Iterable[Node]) -> None:
        for node in nodes:
            if isinstance(node, FieldTagNode) and node.field_name:  # bare {% condition %}: own field
                found.add(qualify(node.field_name))
            visit(node.children(static_context, include_partials=False))

    visit(template.nodes)

    for variables in template.analyze(include_partials=False).globals.values():
        for variable in variables:
            segments = variable.segments
            names = [segment for segment in segments if isinstance(segment, str)]
            if len(names) != len(segments) or len(names) < 2:
                continue  # computed indexes (`_filters[x]`) cannot be known statically
            root, second = names[0], names[1]
            if root == "_filters":
                found.add(qualify(second))
            elif root.startswith("_"):
                continue
            elif second in FIELD_ATTRIBUTES:
                found.add(qualify(root))
            elif len(names) >= 3 and names[2] in FIELD_ATTRIBUTES:
                found.add(f"{root}.{second}")
    return frozenset(found)
