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
view(s) its ``sql_on``/``foreign_key`` references):

* ``many_to_one``: each parent row matches at most one joined row;
* ``one_to_many``: each joined row matches at most one parent row;
* ``one_to_one``: both; ``many_to_many``: nothing to check.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pytest_looker.errors import LookerError
from pytest_looker.lookml.model import Explore, Field, FieldCategory, Join, Model, Project, View, frozen_mapping
from pytest_looker.testing.tables import render_table

if TYPE_CHECKING:
    from pytest_looker.testing.session import LookerSession

__all__ = ["CheckOutcome", "join_parents", "key_check_project", "primary_key_check", "relationship_check"]

ROWS = "__pytest_looker_rows"
EXPLORE_PREFIX = "__pytest_looker_keys__"
_SAMPLE = 10
_REFERENCE = re.compile(r"\$\{\s*(\w+)\.(\w+)\s*\}")


@dataclass
class CheckOutcome:
    """What a key check found: problems (failures), notes (checks skipped and why) and the SQL run."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sql: list[str] = field(default_factory=list)


def _count_name(alias: str, pk: str) -> str:
    return f"__pytest_looker_n_{alias}_{pk}"


def _measure(view: View, name: str, sql: str) -> Field:
    return Field(
        view=view.name, name=name, category=FieldCategory.MEASURE, type="number", location=view.location, sql=sql
    )


def join_parents(explore: Explore, join: Join) -> list[str]:
    """The aliases a join's condition reads besides the join itself (its "one side" context)."""
    aliases = explore.aliases()
    if join.foreign_key:
        owner = join.foreign_key.split(".")[0] if "." in join.foreign_key else explore.view_name
        return [owner] if owner in aliases else [explore.view_name]
    found = [m.group(1) for m in _REFERENCE.finditer(join.sql_on or join.sql or "")]
    parents = [a for a in dict.fromkeys(found) if a != join.name and a in aliases]
    return parents or [explore.view_name]


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
        for join in explore.joins:
            joined = model.views.get(join.view)
            parents = join_parents(explore, join)
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


def primary_key_check(session: LookerSession, model: str, view_name: str) -> CheckOutcome:
    """Whether ``view_name``'s primary key is unique and never NULL on the data."""
    outcome = CheckOutcome()
    view = session.project.model(model).views[view_name]
    pk = view.primary_key
    if pk is None:
        outcome.notes.append(f"view {view_name} has no primary_key")
        return outcome
    project = session.keys_project
    target = f"{model}/{EXPLORE_PREFIX}{view_name}"
    key, rows = f"{view_name}.{pk.name}", f"{view_name}.{ROWS}"
    duplicates = session.make_query(
        target, fields=[key, rows], filters={rows: ">1"}, sorts=[f"{rows} desc"], limit=_SAMPLE
    )
    result = session.run(duplicates, project=project)
    outcome.sql.append(result.sql)
    if result.rows:
        outcome.problems.append(
            f"primary key {key} ({pk.location}) is not unique: these values occur more than once"
            f" (first {_SAMPLE}):\n" + _table(result.rows, {key: key, rows: "rows"})
        )
    nulls = session.run(session.make_query(target, fields=[rows], filters={key: "NULL"}, limit=1), project=project)
    outcome.sql.append(nulls.sql)
    count = nulls.rows[0].get(rows) if nulls.rows else 0
    if count:
        outcome.problems.append(f"primary key {key} ({pk.location}) is NULL in {count} row(s)")
    return outcome


def relationship_check(session: LookerSession, model: str, explore_name: str) -> CheckOutcome:
    """Whether every join of the explore matches rows as its ``relationship:`` declares."""
    outcome = CheckOutcome()
    project = session.project
    explore = project.explore(model, explore_name)
    views = project.model(model).views
    aliases = explore.aliases()
    for join in explore.joins:
        relationship = join.relationship
        if relationship == "many_to_many":
            outcome.notes.append(f"join {join.name}: many_to_many, nothing to check")
            continue
        parents = join_parents(explore, join)
        parent_alias = parents[0]
        joined, parent = views.get(join.view), views.get(aliases.get(parent_alias, ""))
        if joined is None or parent is None:
            continue
        missing = [v.name for v in (parent, joined) if v.primary_key is None]
        if missing:
            outcome.notes.append(f"join {join.name}: not checked, view {' and '.join(missing)} has no primary_key")
            continue
        assert joined.primary_key is not None and parent.primary_key is not None
        parent_key = f"{parent_alias}.{parent.primary_key.name}"
        joined_key = f"{join.name}.{joined.primary_key.name}"
        checks = []
        if relationship in ("many_to_one", "one_to_one"):
            counter = f"{parent_alias}.{_count_name(join.name, joined.primary_key.name)}"
            checks.append((parent_key, parent.primary_key, counter, join.name))
        if relationship in ("one_to_many", "one_to_one"):
            counter = f"{join.name}.{_count_name(parent_alias, parent.primary_key.name)}"
            checks.append((joined_key, joined.primary_key, counter, parent_alias))
        for key, key_field, counter, other in checks:
            try:
                query = session.make_query(
                    f"{model}/{explore_name}",
                    fields=[key, counter],
                    # Rows of a LEFT JOIN without a match have a NULL key: not a violation.
                    filters={counter: ">1", key: _not_null(key_field)},
                    sorts=[f"{counter} desc"],
                    limit=_SAMPLE,
                )
                result = session.run(query, project=session.keys_project)
            except LookerError as exc:
                outcome.problems.append(f"join {join.name} ({join.location}): the check could not run: {exc}")
                continue
            outcome.sql.append(result.sql)
            if result.rows:
                outcome.problems.append(
                    f"join {join.name} ({join.location}) is declared relationship: {relationship}, but"
                    f" these {key} values match more than one {other} row (first {_SAMPLE}):\n"
                    + _table(result.rows, {key: key, counter: f"{other} rows"})
                )
    return outcome


def _not_null(key: Field) -> str:
    """The Looker filter for "is not NULL" in the key's type's grammar."""
    return "NOT NULL" if key.type == "number" else "-NULL"


def _table(rows: list[dict[str, object]], columns: Mapping[str, str]) -> str:
    renamed = [{label: row.get(name) for name, label in columns.items()} for row in rows]
    return "\n".join("    " + line for line in render_table(list(columns.values()), renamed).splitlines())
