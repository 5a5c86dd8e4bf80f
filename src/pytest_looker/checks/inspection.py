"""What ``pytest-looker inspect`` reports about a project, as plain data.

The JSON form is a stable contract read by other programs (CI dashboards, editors); its shape
is documented in ``docs/inspect-json.md`` and versioned by ``"format_version"``. Change it only
by adding keys, or bump the version.
"""

from __future__ import annotations

from typing import Any

from pytest_looker.errors import Location
from pytest_looker.lookml.model import DerivedTable, Explore, Field, Model, Project, View, outlines

FORMAT_VERSION = 1


def _where(location: Location | None) -> dict[str, Any]:
    if location is None:
        return {"file": None, "line": None}
    return {"file": location.file, "line": location.line}


def _source(view: View) -> dict[str, Any]:
    derived: DerivedTable | None = view.derived_table
    if derived is None:
        return {"kind": "table", "sql_table_name": view.sql_table_name or view.name}
    if derived.explore_source is not None:
        return {
            "kind": "native_derived_table",
            "explore": derived.explore_source.explore,
            **_where(derived.location),
        }
    return {"kind": "sql_derived_table", **_where(derived.location)}


def _field(field: Field) -> dict[str, Any]:
    return {
        "name": field.full_name,
        "category": field.category.value,
        "type": field.type,
        **_where(field.location),
        "group": field.group,
        "timeframe": field.timeframe,
        "interval": field.interval,
        "primary_key": field.primary_key,
        "hidden": field.hidden,
    }


def _view(view: View) -> dict[str, Any]:
    return {
        "name": view.name,
        **_where(view.location),
        "extends": list(view.extends),
        "extension_required": view.extension_required,
        "refined_at": [str(r) for r in view.refined_at],
        "source": _source(view),
        "fields": [_field(f) for f in view.fields.values()],
    }


def _explore(explore: Explore) -> dict[str, Any]:
    return {
        "name": explore.name,
        **_where(explore.location),
        "view_name": explore.view_name,
        "base_view": explore.view,
        "joins": [
            {
                "name": j.name,
                "view": j.view,
                "type": j.type,
                "relationship": j.relationship,
                **_where(j.location),
            }
            for j in explore.joins
        ],
    }


def _model(model: Model) -> dict[str, Any]:
    return {
        "name": model.name,
        **_where(model.location),
        "connection": model.connection,
        "files": list(model.files),
        "explores": [_explore(e) for e in model.explores.values()],
        "views": [_view(v) for v in model.views.values()],
        "tests": [
            {
                "name": t.name,
                "explore": t.explore_source.explore,
                "asserts": len(t.asserts),
                **_where(t.location),
            }
            for t in model.tests.values()
        ],
    }


def counts(project: Project) -> dict[str, int]:
    """Project-wide counts; a view seen by several models counts once.

    Counted from each view's :func:`outline`: a project read from the cache stores them, so the
    counts decode no view.
    """
    fields: dict[str, int] = {}
    for model in project.models.values():
        for name, size in outlines(model.views):
            fields.setdefault(name, size)
    return {
        "models": len(project.models),
        "explores": sum(len(m.explores) for m in project.models.values()),
        "views": len(fields),
        "fields": sum(fields.values()),
        "tests": sum(len(m.tests) for m in project.models.values()),
        "dashboards": len(project.dashboards),
        "errors": len(project.errors),
        "warnings": len(project.warnings),
    }


def inspect_report(project: Project) -> dict[str, Any]:
    """The whole report: counts, every model with its explores/views/fields, every diagnostic."""
    return {
        "format_version": FORMAT_VERSION,
        "project": {"name": project.name, "root": project.root},
        "counts": counts(project),
        "constants": {name: c.value for name, c in project.manifest.constants.items()},
        "models": [_model(m) for m in project.models.values()],
        "dashboards": [
            {"name": d.name, "title": d.title, "elements": len(d.elements), **_where(d.location)}
            for d in project.dashboards.values()
        ],
        "diagnostics": [
            {"severity": d.severity.value, "message": d.message, **_where(d.location)} for d in project.diagnostics
        ],
    }


def inspect_text(project: Project) -> str:
    """A short human summary followed by every diagnostic, one per line."""
    c = counts(project)
    lines = [
        f"project {project.name or '(no manifest project_name)'} at {project.root}",
        f"  {c['models']} models, {c['explores']} explores, {c['views']} views, {c['fields']} fields, "
        f"{c['tests']} data tests, {c['dashboards']} dashboards",
    ]
    for model in project.models.values():
        lines.append(f"  model {model.name}: {len(model.explores)} explores, {len(model.views)} views")
        lines.extend(f"    explore {name} ({joins} joins)" for name, joins in outlines(model.explores))
    lines.append(f"{c['errors']} errors, {c['warnings']} warnings")
    lines.extend(str(d) for d in project.diagnostics)
    return "\n".join(lines)
