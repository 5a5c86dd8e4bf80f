"""LookML dashboards (``*.dashboard.lookml``): YAML, including Looker's own exports.

Dashboards exported from Looker carry Ruby type tags (``!ruby/hash:ActiveSupport::Hash…``,
``!ruby/object``) that a plain YAML loader rejects. We accept every ``!ruby/`` tag as the plain
mapping, sequence or scalar it wraps, and remember the line of each mapping so a broken tile
can be reported at its ``file:line``.
"""

from __future__ import annotations

from typing import Any

import yaml

from pytest_looker.errors import Location
from pytest_looker.lookml.model import Dashboard, DashboardElement, frozen_mapping

_LINE_KEY = "$line"


class _DashboardLoader(yaml.SafeLoader):
    """SafeLoader that tolerates Ruby tags and records mapping lines."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=True)
        mapping[_LINE_KEY] = node.start_mark.line + 1
        return mapping


def _construct_ruby(loader: _DashboardLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_DashboardLoader.add_multi_constructor("!ruby/", _construct_ruby)


class DashboardError(ValueError):
    """A dashboard file that cannot be read; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def load_dashboards(text: str, file: str) -> list[Dashboard]:
    """Every dashboard in one file (a file holds a YAML list of dashboards)."""
    try:
        document = yaml.load(text, Loader=_DashboardLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DashboardError(f"dashboard YAML does not parse: {getattr(exc, 'problem', exc)}", line) from None
    if document is None:
        return []
    items = document if isinstance(document, list) else [document]
    dashboards: list[Dashboard] = []
    for item in items:
        if not isinstance(item, dict) or "dashboard" not in item:
            line = item.get(_LINE_KEY) if isinstance(item, dict) else None
            raise DashboardError("expected a list of `- dashboard: name` entries", line)
        dashboards.append(_dashboard(item, file))
    return dashboards


def _dashboard(item: dict[str, Any], file: str) -> Dashboard:
    elements = []
    for element in item.get("elements") or []:
        if not isinstance(element, dict):
            continue
        filters = element.get("filters") or {}
        elements.append(
            DashboardElement(
                name=str(element.get("name", element.get("title", ""))),
                location=Location(file, element.get(_LINE_KEY)),
                model=_str_or_none(element.get("model")),
                explore=_str_or_none(element.get("explore")),
                fields=tuple(str(f) for f in element.get("fields") or []),
                filters=frozen_mapping(
                    {str(k): str(v) for k, v in filters.items() if k != _LINE_KEY} if isinstance(filters, dict) else {}
                ),
                sorts=tuple(str(s) for s in element.get("sorts") or []),
                raw=frozen_mapping(element),
            )
        )
    return Dashboard(
        name=str(item["dashboard"]),
        location=Location(file, item.get(_LINE_KEY)),
        title=_str_or_none(item.get("title")),
        elements=tuple(elements),
        raw=frozen_mapping(item),
    )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
