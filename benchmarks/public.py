"""The public LookML projects the benchmarks also run on: where they are and how to get them.

``public_projects.json`` records each project's GitHub repository and commit (never its files).
The benchmarks expect them checked out under one directory — ``--public DIR``, else
``$PYTEST_LOOKER_PUBLIC_PROJECTS``, else ``.benchmarks/public`` — one folder per project named
``<owner>__<repo>``. This script fetches them there::

    .venv/bin/python benchmarks/public.py fetch [--public DIR] [NAME ...]
    .venv/bin/python benchmarks/public.py list  [--public DIR]

``fetch`` clones each repository and checks out the recorded commit. ``mozilla/looker-hub``
(``"layout": "namespaces"``) is not a project on its own — its explores are in no model — so,
as for the figures quoted in the issue, it is checked out under ``<name>/looker-hub/`` and one
``<namespace>.model.lkml`` per namespace that has explores is written next to it, including
``/looker-hub/<namespace>/explores/*`` (681 explores). An entry's ``env`` holds what it is
loaded with (the BigQuery dialect for Mozilla's projects).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIST = HERE / "public_projects.json"


@dataclass(frozen=True)
class PublicProject:
    name: str
    repo: str
    commit: str
    root: Path
    env: dict[str, str] = field(default_factory=dict)
    layout: str = "plain"
    lkml_mb: float = 0.0
    dashboard_share_of_bytes: float = 0.0


def default_dir() -> Path:
    configured = os.environ.get("PYTEST_LOOKER_PUBLIC_PROJECTS")
    return Path(configured) if configured else HERE.parent / ".benchmarks" / "public"


def projects(directory: Path | None = None, names: list[str] | None = None) -> list[PublicProject]:
    """The recorded projects (all of them, or those ``names`` match), rooted under ``directory``."""
    base = directory or default_dir()
    found = []
    for entry in json.loads(LIST.read_text(encoding="utf-8")):
        if names and not any(n in entry["name"] for n in names):
            continue
        found.append(
            PublicProject(
                name=entry["name"],
                repo=entry["repo"],
                commit=entry["commit"],
                root=base / entry["name"],
                env=dict(entry.get("env", {})),
                layout=entry.get("layout", "plain"),
                lkml_mb=float(entry.get("lkml_mb", 0.0)),
                dashboard_share_of_bytes=float(entry.get("dashboard_share_of_bytes", 0.0)),
            )
        )
    return found


def available(directory: Path | None = None, names: list[str] | None = None) -> list[PublicProject]:
    """The recorded projects that are checked out (a missing one is named on stderr)."""
    present = []
    for project in projects(directory, names):
        if project.root.is_dir():
            present.append(project)
        else:
            print(
                f"(public project {project.name} not found at {project.root}: see benchmarks/public.py)",
                file=sys.stderr,
            )
    return present


def measured_projects(
    directory: Path | None, names: list[str] | None, *, public: bool, sizes: list[float]
) -> list[tuple[str, Path, dict[str, str]]]:
    """``(name, root, environment)`` of each project a benchmark measures: the public ones that
    are checked out (unless ``public`` is false), then a generated project of each size in MB."""
    from generate_project import ensure_project

    targets = [(p.name, p.root, p.env) for p in available(directory, names)] if public else []
    return targets + [(f"generated {size:g} MB", ensure_project(size), {}) for size in sizes]


def fetch(project: PublicProject) -> None:
    """Clone the repository at its recorded commit (and wrap the hub's namespaces)."""
    checkout = project.root / "looker-hub" if project.layout == "namespaces" else project.root
    if not checkout.is_dir():
        checkout.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "clone", "--quiet", f"https://github.com/{project.repo}.git", str(checkout)], check=True)
    subprocess.run(["git", "-C", str(checkout), "checkout", "--quiet", project.commit], check=True)
    if project.layout == "namespaces":
        write_namespace_models(project.root, checkout)


def write_namespace_models(root: Path, hub: Path) -> None:
    """One model per namespace of looker-hub that has explores (the hub's explores are in no model)."""
    for namespace in sorted(p for p in hub.iterdir() if (p / "explores").is_dir()):
        model = root / f"{namespace.name}.model.lkml"
        model.write_text(f'connection: "telemetry"\n\ninclude: "/looker-hub/{namespace.name}/explores/*"\n')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("fetch", "list"))
    parser.add_argument("names", nargs="*", help="only projects whose name contains one of these")
    parser.add_argument("--public", type=Path, default=None, help="where the projects are (see above)")
    args = parser.parse_args(argv)
    for project in projects(args.public, args.names):
        if args.action == "fetch":
            fetch(project)
        state = "present" if project.root.is_dir() else "missing"
        print(f"{project.name:<55} {project.repo}@{project.commit[:12]}  {state}  {project.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
