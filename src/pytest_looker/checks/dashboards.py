"""LookML dashboards, checked offline as Looker's content validator would.

A dashboard breaks silently: rename a field and the tile shows an error the next time someone
opens it. Every tile names its model, explore, fields, filters and sorts, so all of it can be
checked without a database — that the names exist in the explore and that the tile's query
compiles. One outcome per dashboard lists each broken tile with the element's name and
``file:line``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from pytest_looker import immutable
from pytest_looker.checks.outcome import Outcome, Problem, Target
from pytest_looker.checks.validation import explore_fields
from pytest_looker.compile import Query, compile_query
from pytest_looker.errors import LookerError
from pytest_looker.lookml.files import match_include
from pytest_looker.lookml.model import Dashboard, DashboardElement, Explore, Project
from pytest_looker.workspace import Workspace

__all__ = ["DASHBOARD_SUFFIXES", "check_dashboard", "dashboard_problems", "dashboard_target", "element_query"]

DASHBOARD_SUFFIXES = (".dashboard.lookml", ".dashboard.lkml")


#: what Looker names the bin level of a ``type: location`` dimension on a map tile: a map with
#: ``map_plot_mode: automagic_heatmap`` stores ``users.approx_location_bin_level: '7'`` in the
#: tile's filters (seen in dashboards Looker exported, across public projects); the field is the
#: visualization's, not the LookML's
BIN_LEVEL = "_bin_level"


def _names(project: Project, explore: Explore) -> tuple[set[str], set[str]]:
    """Selectable fields, and every field (incl. filter-only fields, parameters and the bin level
    of a location dimension a map tile filters on) of the explore."""
    selectable = {name for name, _ in explore_fields(project, explore)}
    model = project.models[explore.model]
    every = set(selectable)
    for alias, view_name in explore.aliases().items():
        view = model.views.get(view_name)
        fields = view.fields if view is not None else {}
        every |= {f"{alias}.{name}" for name in fields}
        every |= {f"{alias}.{name}{BIN_LEVEL}" for name, found in fields.items() if found.type == "location"}
    return selectable, every


def _map_bin_level(name: str, fields: list[str]) -> bool:
    """Whether a tile's filter ``name`` is the bin level of a location field the tile selects."""
    return name.endswith(BIN_LEVEL) and name[: -len(BIN_LEVEL)] in fields


def _explore(project: Project, model: str | None, explore: str | None) -> tuple[Explore | None, str | None]:
    if model is None or model not in project.models:
        return None, f"unknown model {model!r}"
    found = project.models[model].explores.get(explore or "")
    if found is None:
        return None, f"unknown explore {explore!r} in model {model!r}"
    return found, None


#: Looker's hidden sort helper of a tier (or case) dimension: ``view.tier__sort_`` sorts by the tier.
SORT_HELPER = "__sort_"


def field_name(name: str) -> str:
    """The field a tile's name stands for: ``v.tier__sort_`` is ``v.tier``."""
    return name.removesuffix(SORT_HELPER) if name.endswith(SORT_HELPER) else name


def parse_sort(sort: str) -> tuple[str, bool] | None:
    """A tile's sort → (field, descending). Looker writes ``v.f``, ``v.f desc`` and, for pivoted
    tiles, the pivot column after it (``v.f 0``, ``v.f desc 0``). ``None``: not a field (a table
    calculation)."""
    words = sort.split()
    if not words or "." not in words[0]:
        return None
    return field_name(words[0]), any(w.lower() == "desc" for w in words[1:])


def element_query(element: DashboardElement) -> Query | None:
    """The query a tile runs (table calculations and custom fields left out), ``None`` for text tiles.

    Sorts are what Looker runs: the pivot column dropped, sort helpers resolved, and a sort on a
    dimension the tile does not select left out (Looker ignores it).
    """
    if element.model is None or element.explore is None:
        return None
    fields = list(dict.fromkeys(field_name(f) for f in element.fields if "." in f))
    sorts = []
    for sort in element.sorts or ():
        parsed = parse_sort(sort)
        if parsed is not None and parsed[0] in fields:
            sorts.append(f"{parsed[0]} desc" if parsed[1] else parsed[0])
    limit = element.raw.get("limit")
    return Query(
        element.model,
        element.explore,
        fields=fields,
        filters={k: v for k, v in element.filters.items() if "." in k and not _map_bin_level(k, fields)},
        sorts=sorts,
        limit=int(limit) if isinstance(limit, int | str) and str(limit).lstrip("-").isdigit() else None,
    )


def dashboard_problems(
    project: Project,
    dashboard: Dashboard,
    dialect_for: Callable[[str], str],
    prepare: Callable[[Query], Query] = lambda query: query,
) -> list[str]:
    """Every problem of the dashboard's tiles and filters, each naming the element and its file:line.

    ``prepare`` gives a tile's query the run's settings before it compiles (the user attributes
    an ``access_filter`` needs, parameter values, the clock), as a query of the tile would have.
    """
    problems: list[str] = []
    for raw in dashboard.raw.get("filters") or []:
        if not isinstance(raw, dict) or not raw.get("model") or not raw.get("explore"):
            continue
        where = f"dashboard filter {raw.get('name')} ({dashboard.location.file}:{raw.get('$line', '?')})"
        explore, error = _explore(project, str(raw["model"]), str(raw["explore"]))
        if explore is None:
            problems.append(f"{where}: {error}")
        elif raw.get("field") and str(raw["field"]) not in _names(project, explore)[1]:
            problems.append(f"{where}: unknown field {raw['field']} in {raw['model']}/{raw['explore']}")
    default = including_model(project, dashboard)
    for element in dashboard.elements:
        if element.model is None and element.explore is not None and default is not None:
            element = immutable.replace(element, model=default)
        problems.extend(_element_problems(project, element, dialect_for, prepare))
    return problems


def including_model(project: Project, dashboard: Dashboard) -> str | None:
    """The one model whose ``include:`` takes in the dashboard's file, else ``None``.

    A tile without ``model:`` queries the model that includes its dashboard: Looker's own blocks
    write tiles so (atomfashion_bq's 360 Marketing Overview, the Snowflake bridge's affinity
    analysis, Cortex SAP's balance sheets), and a LookML dashboard is only seen through a model.
    """
    found = []
    for model in project.models.values():
        patterns = model.raw.get("include") or []
        for pattern in [patterns] if isinstance(patterns, str) else patterns:
            text = str(pattern)
            if text.startswith("//"):
                continue  # another project's files
            base = posixpath.dirname(model.location.file)
            relative = text.lstrip("/") if text.startswith("/") else posixpath.normpath(posixpath.join(base, text))
            if match_include(relative, [dashboard.location.file]):
                found.append(model.name)
                break
    return found[0] if len(found) == 1 else None


def _element_problems(
    project: Project,
    element: DashboardElement,
    dialect_for: Callable[[str], str],
    prepare: Callable[[Query], Query],
) -> list[str]:
    where = f"element {element.name} ({element.location})"
    if element.model is None and element.explore is None:
        return []
    explore, error = _explore(project, element.model, element.explore)
    if explore is None:
        return [f"{where}: {error}"]
    target = f"{element.model}/{element.explore}"
    selectable, every = _names(project, explore)
    dynamic = {str(d.get("table_calculation") or d.get("measure") or d.get("dimension") or "")
               for d in element.raw.get("dynamic_fields") or [] if isinstance(d, dict)}  # fmt: skip
    problems = []
    for name in element.fields:
        if "." in name and field_name(name) not in selectable:
            problems.append(f"{where}: field {name} is not a field of {target}")
        elif "." not in name and dynamic and name not in dynamic:
            problems.append(f"{where}: {name} is neither a field of {target} nor a table calculation")
    for name in element.filters:
        if name not in every:
            problems.append(f"{where}: filter on {name}, which is not a field of {target}")
    for sort in element.sorts:
        parsed = parse_sort(sort)
        if parsed is not None and parsed[0] not in selectable:
            problems.append(f"{where}: sort on {sort.split()[0]}, which is not a field of {target}")
    listen = element.raw.get("listen")
    for name in (v for k, v in listen.items() if k != "$line") if isinstance(listen, dict) else ():
        if str(name) not in every:
            problems.append(f"{where}: listens with field {name}, which is not a field of {target}")
    if problems:
        return problems
    query = element_query(element)
    if query is None or not query.fields:
        return problems
    try:
        compile_query(project, prepare(query), dialect=dialect_for(explore.model))
    except LookerError as exc:
        problems.append(f"{where}: the tile's query does not compile: {exc.message}")
    return problems


def dashboard_target(dashboard: Dashboard) -> Target:
    return Target("dashboard", dashboard.name, dashboard.location)


def check_dashboard(workspace: Workspace, dashboard: Dashboard) -> Outcome:
    """Every problem of one dashboard (names and queries of its tiles and filters)."""
    target = dashboard_target(dashboard)
    problems = dashboard_problems(workspace.project, dashboard, workspace.dialect_for, workspace.with_settings)
    if not problems:
        return Outcome(target)
    return Outcome(
        target,
        tuple(Problem(p) for p in problems),
        headline=f"dashboard {dashboard.name} ({dashboard.location}): {len(problems)} problem(s)",
    )
