"""Key checks: primary keys are unique and not null, and joins' ``relationship:`` hold on the data.

A wrong ``relationship:`` silently corrupts symmetric aggregates (Spectacles #167 asked for this
check; nobody ships it). Every check is an explore query compiled by our own compiler, so it runs
in any dialect and reads derived tables exactly as the explore does. The queries need a few
helper fields that LookML does not have, so they run on a copy of the project
(:func:`key_check_project`) that adds:

* ``<view>.__pytest_looker_rows`` — ``COUNT(*)`` (type number: no fan-out handling, raw rows);
* ``<view>.__pytest_looker_n_<alias>_<pk>`` — ``COUNT(DISTINCT ${alias.pk})``, how many rows of
  the other side of a join one row matches;
* an explore ``__pytest_looker_keys__<view>`` per view with a primary key (the view alone), and
  no ``fields:`` restrictions, so hidden keys and helper fields can be selected.

Relationship rules (Looker's meaning of ``relationship:``, seen from the join's parent — the
view its ``sql_on``/``foreign_key`` hangs it from, :mod:`pytest_looker.lookml.jointree`):

* ``many_to_one``: each parent row matches at most one joined row;
* ``one_to_many``: each joined row matches at most one parent row;
* ``one_to_one``: both; ``many_to_many``: nothing to check.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from pytest_looker.checks.outcome import Outcome, Problem, Target
from pytest_looker.errors import LookerError, ReplayOnlyError
from pytest_looker.lookml.jointree import explore_join_tree
from pytest_looker.lookml.model import Explore, Field, FieldCategory, Model, Project, View, frozen_mapping
from pytest_looker.present import render_table
from pytest_looker.run.query_result import QueryResult
from pytest_looker.run.runner import LocalRunner
from pytest_looker.workspace import Workspace

__all__ = ["key_check_project", "primary_key_check", "relationship_check"]

ROWS = "__pytest_looker_rows"
EXPLORE_PREFIX = "__pytest_looker_keys__"
_SAMPLE = 10


def _count_name(alias: str, pk: str) -> str:
    return f"__pytest_looker_n_{alias}_{pk}"


def _measure(view: View, name: str, sql: str) -> Field:
    return Field(
        view=view.name, name=name, category=FieldCategory.MEASURE, type="number", location=view.location, sql=sql
    )


def key_check_project(project: Project) -> Project:
    """The project with the helper fields and explores described in the module docstring."""
    models = {name: _key_model(model) for name, model in project.models.items()}
    return dataclasses.replace(project, models=frozen_mapping(models))


def _key_model(model: Model) -> Model:
    extra: dict[str, dict[str, Field]] = {name: {} for name in model.views}
    for view in model.views.values():
        if view.primary_key is not None:
            extra[view.name][ROWS] = _measure(view, ROWS, "COUNT(*)")
    explores: dict[str, Explore] = {}
    for explore in model.explores.values():
        aliases = explore.aliases()
        tree = explore_join_tree(explore, model.views)
        for join in explore.joins:
            joined = model.views.get(join.view)
            parents = [tree.parent(join.name)]
            parent = model.views.get(aliases.get(parents[0], ""))
            if joined is None or parent is None or joined.primary_key is None or parent.primary_key is None:
                continue
            pk_j, pk_p = joined.primary_key.name, parent.primary_key.name
            extra[parent.name][_count_name(join.name, pk_j)] = _measure(
                parent, _count_name(join.name, pk_j), f"COUNT(DISTINCT ${{{join.name}.{pk_j}}})"
            )
            extra[joined.name][_count_name(parents[0], pk_p)] = _measure(
                joined, _count_name(parents[0], pk_p), f"COUNT(DISTINCT ${{{parents[0]}.{pk_p}}})"
            )
        joins = tuple(dataclasses.replace(j, fields=None) for j in explore.joins)
        explores[explore.name] = dataclasses.replace(explore, fields=None, joins=joins)
    views = {
        name: dataclasses.replace(view, fields=frozen_mapping({**view.fields, **extra[name]}))
        for name, view in model.views.items()
    }
    for view in views.values():
        if view.primary_key is not None and not view.extension_required:
            name = EXPLORE_PREFIX + view.name
            explores[name] = Explore(
                name=name, model=model.name, location=view.location, view_name=view.name, view=view.name
            )
    return dataclasses.replace(model, views=frozen_mapping(views), explores=frozen_mapping(explores))


def keys_target(model: str, view: View) -> Target:
    return Target("keys", f"{model}/{view.name}", view.location, model=model, view=view.name)


def relationships_target(explore: Explore) -> Target:
    label = f"{explore.model}/{explore.name}"
    return Target("relationships", label, explore.location, model=explore.model, explore=explore.name)


class _KeyRun:
    """Runs key-check queries on the warehouse (our SQL, on the helper project), keeping the SQL."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.project = workspace.cached("key-check-project", lambda: key_check_project(workspace.project))
        self.sql: list[str] = []
        self._runner: LocalRunner | None = None

    def run(
        self,
        target: str,
        *,
        fields: list[str],
        filters: dict[str, str],
        sorts: tuple[str, ...] = (),
        limit: int | None = None,
    ) -> QueryResult:
        if self._runner is None:
            self._runner = self.workspace.runner.local()
        query = self.workspace.query(target, fields=fields, filters=filters, sorts=sorts, limit=limit)
        result = self._runner.run(query, project=self.project)
        self.sql.append(result.sql)
        return result


def primary_key_check(workspace: Workspace, model: str, view_name: str) -> Outcome:
    """Whether ``view_name``'s primary key is unique and never NULL on the data."""
    view = workspace.project.model(model).views[view_name]
    target = keys_target(model, view)
    pk = view.primary_key
    if pk is None:
        return Outcome(target, skipped=f"view {view_name} has no primary_key")
    checks = _KeyRun(workspace)
    explore = f"{model}/{EXPLORE_PREFIX}{view_name}"
    key, rows = f"{view_name}.{pk.name}", f"{view_name}.{ROWS}"
    problems: list[Problem] = []
    try:
        duplicates = checks.run(
            explore, fields=[key, rows], filters={rows: ">1"}, sorts=(f"{rows} desc",), limit=_SAMPLE
        )
        if duplicates.rows:
            problems.append(
                Problem(
                    f"primary key {key} ({pk.location}) is not unique: these values occur more than once"
                    f" (first {_SAMPLE})",
                    pk.location,
                    detail=_table(duplicates.rows, {key: key, rows: "rows"}),
                )
            )
        nulls = checks.run(explore, fields=[rows], filters={key: "NULL"}, limit=1)
    except ReplayOnlyError as exc:
        return Outcome(target, skipped=exc.message)
    count = nulls.rows[0].get(rows) if nulls.rows else 0
    if count:
        problems.append(Problem(f"primary key {key} ({pk.location}) is NULL in {count} row(s)", pk.location))
    return Outcome(
        target,
        tuple(problems),
        headline=f"primary key check of {target.label} failed" if problems else None,
        sql=tuple(checks.sql),
    )


def relationship_check(workspace: Workspace, model: str, explore_name: str) -> Outcome:
    """Whether every join of the explore matches rows as its ``relationship:`` declares."""
    project = workspace.project
    explore = project.explore(model, explore_name)
    target = relationships_target(explore)
    views = project.model(model).views
    aliases = explore.aliases()
    tree = explore_join_tree(explore, views)
    checks = _KeyRun(workspace)
    problems: list[Problem] = []
    notes: list[str] = []
    for join in explore.joins:
        relationship = join.relationship
        if relationship == "many_to_many":
            notes.append(f"join {join.name}: many_to_many, nothing to check")
            continue
        parent_alias = tree.parent(join.name)
        joined, parent = views.get(join.view), views.get(aliases.get(parent_alias, ""))
        if joined is None or parent is None:
            continue
        if parent.primary_key is None or joined.primary_key is None:
            missing = [v.name for v in (parent, joined) if v.primary_key is None]
            notes.append(f"join {join.name}: not checked, view {' and '.join(missing)} has no primary_key")
            continue
        parent_key = f"{parent_alias}.{parent.primary_key.name}"
        joined_key = f"{join.name}.{joined.primary_key.name}"
        pairs = []
        if relationship in ("many_to_one", "one_to_one"):
            counter = f"{parent_alias}.{_count_name(join.name, joined.primary_key.name)}"
            pairs.append((parent_key, parent.primary_key, counter, join.name))
        if relationship in ("one_to_many", "one_to_one"):
            counter = f"{join.name}.{_count_name(parent_alias, parent.primary_key.name)}"
            pairs.append((joined_key, joined.primary_key, counter, parent_alias))
        for key, key_field, counter, other in pairs:
            try:
                result = checks.run(
                    f"{model}/{explore_name}",
                    fields=[key, counter],
                    # Rows of a LEFT JOIN without a match have a NULL key: not a violation.
                    filters={counter: ">1", key: _not_null(key_field)},
                    sorts=(f"{counter} desc",),
                    limit=_SAMPLE,
                )
            except ReplayOnlyError as exc:
                return Outcome(target, skipped=exc.message)
            except LookerError as exc:
                problems.append(
                    Problem(f"join {join.name} ({join.location}): the check could not run: {exc}", join.location)
                )
                continue
            if result.rows:
                problems.append(
                    Problem(
                        f"join {join.name} ({join.location}) is declared relationship: {relationship},"
                        f" but these {key} values match more than one {other} row (first {_SAMPLE})",
                        join.location,
                        detail=_table(result.rows, {key: key, counter: f"{other} rows"}),
                    )
                )
    if not checks.sql and notes and not problems:
        return Outcome(target, notes=tuple(notes), skipped="; ".join(notes))
    return Outcome(
        target,
        tuple(problems),
        headline=f"relationship check of {target.label} failed" if problems else None,
        notes=tuple(notes),
        sql=tuple(checks.sql),
    )


def _not_null(key: Field) -> str:
    """The Looker filter for "is not NULL" in the key's type's grammar."""
    return "NOT NULL" if key.type == "number" else "-NULL"


def _table(rows: list[dict[str, object]], columns: Mapping[str, str]) -> str:
    renamed = [{label: row.get(name) for name, label in columns.items()} for row in rows]
    return "\n".join("    " + line for line in render_table(list(columns.values()), renamed).splitlines())
