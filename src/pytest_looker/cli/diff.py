"""``pytest-looker diff REF``: the blast radius of the LookML changes since a git ref.

For a reviewer the question about a LookML pull request is "what does this touch?". We answer
it from compiled SQL, not text: the fields whose SQL changed (in each explore that exposes
them), the explores, the tests (LookML data tests, unit specs, SQL validation and key checks)
and the dashboards that read them. Exit 0 always: a change is not a failure.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import click

from pytest_looker.cli.errors import user_errors
from pytest_looker.cli.options import open_workspace, project_option
from pytest_looker.impact.changes import Impact, compute_impact, spec_changed, spec_files
from pytest_looker.lookml import Project

__all__ = ["blast_radius", "diff"]


def blast_radius(impact: Impact, project: Project, dialect_for: Any) -> dict[str, Any]:
    """The report as plain data (the ``--format json`` contract)."""
    from pytest_looker.checks.specs import SpecError, load_specs

    fields: dict[tuple[str, str], dict[str, Any]] = {}
    explores: set[str] = set()
    for name, change in sorted(impact.changed_fields().items()):
        target, _, field = name.partition("::")
        model = target.split("/")[0]
        entry = fields.setdefault((f"{model}/{field}", change), {"field": f"{model}/{field}", "change": change,
                                                                  "explores": []})  # fmt: skip
        entry["explores"].append(target)
        explores.add(target)
    changed = impact.changed_items()
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, label in sorted(changed):
        by_kind[kind].append(label)
        if kind in ("sql", "relationships"):
            explores.add(label)
    tests = [f"[lookml-test] {label}" for label in by_kind.get("lookml-test", [])]
    assert impact.top is not None
    for path in spec_files(impact.top):
        try:
            specs = load_specs(path, path.relative_to(impact.top).as_posix())
        except SpecError:
            continue
        for spec in specs:
            if spec_changed(impact, spec, path, project, dialect_for):
                tests.append(f"[unit] {path.relative_to(impact.top).as_posix()}::{spec.name}")
    checks = [f"[{kind}] {label}" for kind in ("sql", "keys", "relationships") for label in by_kind.get(kind, [])]
    return {
        "ref": impact.ref,
        "fields": sorted(fields.values(), key=lambda e: (e["field"], e["change"])),
        "explores": sorted(explores),
        "tests": tests,
        "checks": checks,
        "dashboards": by_kind.get("dashboard", []),
        "seeds_changed": impact.seeds_changed,
    }


def _text(report: dict[str, Any]) -> str:
    lines = [f"Changes since {report['ref']}:"]
    lines.append(f"fields whose SQL changed ({len(report['fields'])}):")
    lines += [f"  {f['change']:<8} {f['field']}  (in {', '.join(f['explores'])})" for f in report["fields"]]
    for key, title in (("explores", "explores affected"), ("tests", "tests affected"),
                       ("checks", "checks affected"), ("dashboards", "dashboards affected"),
                       ("seeds_changed", "seed files changed (every data test is affected)")):  # fmt: skip
        if key == "seeds_changed" and not report[key]:
            continue
        lines.append(f"{title} ({len(report[key])}):")
        lines += [f"  {item}" for item in report[key]]
    return "\n".join(lines)


@click.command()
@click.argument("ref")
@project_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@user_errors
def diff(ref: str, project_dir: Path | None, output_format: str) -> None:
    """What the LookML changes since git REF affect: fields, explores, tests, dashboards."""
    workspace = open_workspace(project_dir)
    project, settings, directory = workspace.project, workspace.settings, workspace.root
    impact = compute_impact(project, settings, ref, directory)

    def dialect_for(model: str) -> str:
        return settings.dialect_for(project.models[model].connection if model in project.models else None)

    report = blast_radius(impact, project, dialect_for)
    click.echo(json.dumps(report, indent=2) if output_format == "json" else _text(report))
