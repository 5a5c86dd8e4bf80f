"""Fingerprints of everything a test item depends on, from compiled SQL (no database).

A diff of LookML text says little: a one-line change to a base view's ``sql`` can change every
explore that joins it, and a reformatted file changes nothing. So we compare what Looker would
*run*: every field of every explore compiled alone (as SQL validation does), the key-check and
relationship queries, each data test's and dashboard tile's query, each unit spec's query plus
the spec itself. Two projects (a git ref and the working tree) with equal fingerprints for an
item give that item the same inputs, so its result cannot have changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_looker.checks.dashboards import element_query
from pytest_looker.checks.keys import EXPLORE_PREFIX, ROWS, key_check_project
from pytest_looker.checks.validation import explore_fields
from pytest_looker.compile import UNSORTED, Query, compile_query
from pytest_looker.errors import LookerError
from pytest_looker.lookml.jointree import explore_join_tree
from pytest_looker.lookml.model import Explore, Project

__all__ = ["Fingerprints", "digest", "fingerprint_project", "spec_fingerprint"]

ItemKey = tuple[str, str]


def digest(value: Any) -> str:
    """A stable hash of a JSON-able value."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _without_lines(value: Any) -> Any:
    """A dashboard's raw YAML without the ``$line`` keys the loader adds (moving a tile is no change)."""
    if isinstance(value, Mapping):
        return {str(k): _without_lines(v) for k, v in value.items() if k != "$line"}
    if isinstance(value, list | tuple):
        return [_without_lines(v) for v in value]
    return value


@dataclass
class Fingerprints:
    """``fields``: ``model/explore::alias.field`` → compiled SQL; ``items``: (kind, label) → digest.

    ``uses``: (kind, label) → the ``model/explore::alias.field`` names it selects, so a report
    can say which changed fields touch which test or dashboard.
    """

    fields: dict[str, str] = field(default_factory=dict)
    items: dict[ItemKey, str] = field(default_factory=dict)
    uses: dict[ItemKey, set[str]] = field(default_factory=dict)


def _compile(project: Project, query: Query, dialect: str) -> str:
    try:
        return compile_query(project, query, dialect=dialect).sql
    except LookerError as exc:
        return f"error: {exc.message}"


def _explore_fields(project: Project, explore: Explore) -> list[str]:
    try:
        return [name for name, _ in explore_fields(project, explore, include_hidden=True)]
    except LookerError:
        return []


def fingerprint_project(
    project: Project, dialect_for: Callable[[str], str], explores: Iterable[Explore] | None = None
) -> Fingerprints:
    """Fingerprints of every SQL-validation, key, relationship, data-test and dashboard item.

    ``dialect_for`` maps a model name to the dialect its SQL is written in.
    """
    result = Fingerprints()
    chosen = list(explores) if explores is not None else [
        e for m in project.models.values() for e in m.explores.values() if not e.extension_required
    ]  # fmt: skip
    for explore in chosen:
        dialect = dialect_for(explore.model)
        target = f"{explore.model}/{explore.name}"
        names = _explore_fields(project, explore)
        sqls = {}
        for name in names:
            query = Query(explore.model, explore.name, fields=[name], limit=0, sorts=(UNSORTED,))
            sqls[name] = result.fields[f"{target}::{name}"] = _compile(project, query, dialect)
        result.items[("sql", target)] = digest(sqls)
        result.uses[("sql", target)] = {f"{target}::{n}" for n in names}
        if explore.joins:
            model = project.models[explore.model]
            aliases = explore.aliases()
            tree = explore_join_tree(explore, model.views)
            parts = []
            for join in explore.joins:
                keys = []
                for alias in (*tree.on_aliases(join.name), join.name):
                    view = model.views.get(aliases.get(alias, ""))
                    if view is not None and view.primary_key is not None:
                        keys.append(f"{alias}.{view.primary_key.name}")
                query = Query(explore.model, explore.name, fields=keys, limit=0, sorts=(UNSORTED,))
                parts.append([join.name, join.relationship, _compile(project, query, dialect) if keys else ""])
            result.items[("relationships", target)] = digest(parts)
    keys_project: Project | None = None
    for model in project.models.values():
        for view in model.views.values():
            if view.primary_key is None or view.extension_required:
                continue
            keys_project = keys_project or key_check_project(project)
            query = Query(
                model.name, EXPLORE_PREFIX + view.name, fields=[f"{view.name}.{view.primary_key.name}",
                f"{view.name}.{ROWS}"], limit=0, sorts=(UNSORTED,),
            )  # fmt: skip
            result.items[("keys", f"{model.name}/{view.name}")] = _compile(keys_project, query, dialect_for(model.name))
        for test in model.tests.values():
            source = test.explore_source
            fields = [c.field for c in source.columns]
            query = Query(
                model.name, source.explore, fields=fields,
                filters={f.field: f.expression for f in source.filters},
                sorts=[f"{s.field} desc" if s.descending else s.field for s in source.sorts],
                limit=source.limit,
            )  # fmt: skip
            sql = _compile(project, query, dialect_for(model.name))
            asserts = [(a.name, a.expression) for a in test.asserts]
            key = ("lookml-test", f"{model.name}/{test.name}")
            result.items[key] = digest([sql, asserts, [(c.name, c.sql) for c in source.derived_columns]])
            result.uses[key] = {f"{model.name}/{source.explore}::{f}" for f in fields}
    for dashboard in project.dashboards.values():
        tiles: list[str] = []
        used: set[str] = set()
        for element in dashboard.elements:
            tile = element_query(element)
            if tile is None:
                continue
            query = tile
            known = query.model in project.models and query.explore in project.models[query.model].explores
            tiles.append(_compile(project, query, dialect_for(query.model)) if known else "error: unknown explore")
            used |= {f"{query.model}/{query.explore}::{f}" for f in (*query.fields, *query.filters)}
        key = ("dashboard", dashboard.name)
        result.items[key] = digest([tiles, _without_lines(dashboard.raw)])
        result.uses[key] = used
    return result


def spec_fingerprint(project: Project, spec: Any, dialect_for: Callable[[str], str]) -> str:
    """A unit spec's compiled query plus everything else it states (given rows, expectations)."""
    model, _, explore = spec.explore.partition("/")
    query = spec.query
    try:
        compiled = _compile(
            project,
            Query(
                model, explore, fields=list(query.get("fields") or []),
                filters={str(k): str(v) for k, v in (query.get("filters") or {}).items()},
                sorts=list(query.get("sorts") or []), limit=query.get("limit"),
            ),
            dialect_for(model),
        )  # fmt: skip
    except (LookerError, KeyError):
        compiled = "error"
    body = [spec.explore, dict(query), spec.given, list(spec.expect_rows), spec.ordered, spec.tolerance, spec.problem]
    return digest([compiled, body])
