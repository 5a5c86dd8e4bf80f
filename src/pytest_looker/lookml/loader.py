"""Loading a LookML project: files → trees → per-model resolution → typed :class:`Project`.

Resolution is per model because each model sees only the files it includes: a refinement in a
file one model includes does not change the view another model sees. The steps, in Looker's
order: parse (cached by content), substitute ``@{constants}``, gather each model's includes in
include order, apply ``extends`` and refinements, expand dimension groups, then check
references. Every problem becomes a :class:`Diagnostic`; nothing the user writes makes this
module raise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_looker.errors import Location
from pytest_looker.lookml.build import build_explore, build_test, build_view
from pytest_looker.lookml.cache import ParseCache, default_cache_dir
from pytest_looker.lookml.dashboards import DashboardError, load_dashboards
from pytest_looker.lookml.fields import text, yes
from pytest_looker.lookml.files import SourceFile, discover, match_include, split_include
from pytest_looker.lookml.inheritance import FIELD_KEYS, Definitions, Resolver
from pytest_looker.lookml.model import (
    Constant,
    Dashboard,
    DataTest,
    Diagnostic,
    Explore,
    LocalDependency,
    Manifest,
    Model,
    Project,
    Severity,
    View,
    frozen_mapping,
)
from pytest_looker.lookml.references import check_model
from pytest_looker.lookml.syntax import RawNode

_CONSTANT = re.compile(r"@\{\s*([A-Za-z0-9_]+)\s*\}")
_UNSET: Any = object()


@dataclass
class _Diagnostics:
    """Collects diagnostics once each (files included by several models report once)."""

    items: dict[tuple[str, str, str, int | None], Diagnostic] = field(default_factory=dict)

    def add(self, severity: str, message: str, location: Location) -> None:
        key = (severity, message, location.file, location.line)
        self.items.setdefault(key, Diagnostic(Severity(severity), message, location))

    def at(self, node: RawNode, message: str, severity: str = "error") -> None:
        self.add(severity, message, locate(node))

    def sorted(self) -> tuple[Diagnostic, ...]:
        return tuple(sorted(self.items.values(), key=lambda d: (d.location.file, d.location.line or 0, d.message)))


def locate(node: RawNode) -> Location:
    """Where a raw node was written (``$file`` is stamped on every block while loading)."""
    line = node.get("$line")
    return Location(str(node.get("$file", "?")), int(line) if line is not None else None)


@dataclass
class _SourceProject:
    """One project on disk (the main one or a local dependency) with its parsed files."""

    name: str | None
    root: Path
    trees: dict[str, RawNode]
    constants: dict[str, Constant]
    manifest: RawNode


def load_project(
    path: str | Path,
    *,
    constants: Mapping[str, str] | None = None,
    dependency_paths: Sequence[str | Path] = (),
    cache_dir: Path | Any | None = _UNSET,
) -> Project:
    """Load the LookML project at ``path``.

    ``constants`` override manifest constants (configuration wins over the manifest);
    ``dependency_paths`` are directories searched for ``local_dependency`` projects (each
    project ``name`` is looked up as ``<dir>/<name>``, and ``imported_projects/<name>`` under the
    project is always searched); ``cache_dir=None`` disables the parse cache.
    """
    root = Path(path).resolve()
    diagnostics = _Diagnostics()
    if not root.is_dir():
        diagnostics.add("error", "project directory does not exist", Location(str(path)))
        return Project(str(root), Manifest(), frozen_mapping(), frozen_mapping(), (), diagnostics.sorted())
    cache = ParseCache(default_cache_dir() if cache_dir is _UNSET else cache_dir)
    main = _read_project(None, root, cache, diagnostics, constants or {})
    manifest, dependencies = _dependencies(main, root, dependency_paths, cache, diagnostics)
    projects: dict[str | None, _SourceProject] = {None: main, **{d.name: d for d in dependencies}}
    models: dict[str, Model] = {}
    dashboards: dict[str, Dashboard] = {}
    for relative in sorted(main.trees):
        source = SourceFile(None, relative)
        if source.kind == "model":
            model = _build_model(source, projects, diagnostics)
            if model.name in models:
                diagnostics.add("error", f"model {model.name!r} is defined twice", model.location)
            models[model.name] = model
    for relative in discover(root):
        if SourceFile(None, relative).kind == "dashboard":
            for dashboard in _read_dashboards(root, relative, diagnostics):
                dashboards[dashboard.name] = dashboard
    return Project(
        root=str(root),
        manifest=manifest,
        models=frozen_mapping(models),
        dashboards=frozen_mapping(dashboards),
        files=tuple(sorted(main.trees)),
        diagnostics=diagnostics.sorted(),
    )


def _read_project(
    name: str | None, root: Path, cache: ParseCache, diagnostics: _Diagnostics, overrides: Mapping[str, str]
) -> _SourceProject:
    trees: dict[str, RawNode] = {}
    for relative in discover(root):
        source = SourceFile(name, relative)
        if source.kind == "dashboard":
            continue
        try:
            content = (root / relative).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            diagnostics.add("error", f"cannot read file: {exc}", Location(source.display))
            continue
        parsed = cache.parse(content)
        for issue in parsed.issues:
            diagnostics.add(issue.severity, issue.message, Location(source.display, issue.line))
        trees[relative] = _stamp(parsed.tree, source.display)
    manifest = trees.get("manifest.lkml", {})
    constants = _constants(manifest, overrides)
    project = _SourceProject(name, root, trees, constants, manifest)
    for relative, tree in trees.items():
        if relative != "manifest.lkml":
            _substitute_constants(tree, constants, diagnostics)
    # Blocks name their dependency through a constant (``project: "@{CONFIG_PROJECT_NAME}"``) so
    # that includes (``//@{CONFIG_PROJECT_NAME}/...``) and the declaration always agree.
    for key in ("local_dependency", "remote_dependency"):
        for node in manifest.get(key, []):
            if isinstance(node, dict):
                _substitute_constants(node, constants, diagnostics)
    return project


def _stamp(tree: RawNode, file: str) -> RawNode:
    """Record the file on every block so any object can report where it was written."""
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            node["$file"] = file
            stack.extend(v for k, v in node.items() if isinstance(v, list | dict) and k not in ("$lines", "$repeated"))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
    return tree


def _constants(manifest: RawNode, overrides: Mapping[str, str]) -> dict[str, Constant]:
    constants: dict[str, Constant] = {}
    for node in manifest.get("constant", []):
        if not isinstance(node, dict):
            continue
        name = str(node.get("$name", ""))
        overridden = name in overrides
        constants[name] = Constant(
            name=name,
            value=str(overrides[name]) if overridden else str(node.get("value", "")),
            location=locate(node),
            export=text(node.get("export")),
            overridden=overridden,
        )
    return constants


def _substitute_constants(tree: RawNode, constants: Mapping[str, Constant], diagnostics: _Diagnostics) -> None:
    """Replace ``@{name}`` in every string value, in place (constants are textual in Looker)."""

    def replace(value: str, owner: RawNode, key: str) -> str:
        if "@{" not in value:
            return value

        def one(match: re.Match[str]) -> str:
            constant = constants.get(match.group(1))
            if constant is None:
                line = owner.get("$lines", {}).get(key, owner.get("$line"))
                diagnostics.add(
                    "error",
                    f"unknown constant @{{{match.group(1)}}}",
                    Location(str(owner.get("$file")), line),
                )
                return match.group(0)
            return constant.value

        return _CONSTANT.sub(one, value)

    stack: list[RawNode] = [tree]
    while stack:
        node = stack.pop()
        for key, value in list(node.items()):
            if key.startswith("$"):
                continue
            if isinstance(value, str):
                node[key] = replace(value, node, key)
            elif isinstance(value, dict):
                stack.append(value)
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        value[index] = replace(item, node, key)
                    elif isinstance(item, dict):
                        stack.append(item)


def _dependencies(
    main: _SourceProject,
    root: Path,
    search: Sequence[str | Path],
    cache: ParseCache,
    diagnostics: _Diagnostics,
) -> tuple[Manifest, list[_SourceProject]]:
    found: list[_SourceProject] = []
    declared: list[LocalDependency] = []
    for node in main.manifest.get("local_dependency", []):
        if not isinstance(node, dict):
            continue
        name = str(node.get("project", ""))
        overrides = {
            str(o.get("$name")): str(o.get("value", ""))
            for o in node.get("override_constant", [])
            if isinstance(o, dict)
        }
        candidates = [Path(p) / name for p in search] + [root / "imported_projects" / name]
        location = next((c for c in candidates if c.is_dir()), None)
        declared.append(
            LocalDependency(name, locate(node), str(location) if location else None, frozen_mapping(overrides))
        )
        if location is None:
            where = ", ".join(str(c) for c in candidates)
            diagnostics.at(node, f"local_dependency {name!r} not found (looked in {where})")
            continue
        found.append(_read_project(name, location, cache, diagnostics, overrides))
    manifest_node = main.manifest
    manifest = Manifest(
        project_name=text(manifest_node.get("project_name")),
        location=locate(manifest_node) if manifest_node else None,
        constants=frozen_mapping(main.constants),
        local_dependencies=tuple(declared),
        raw=frozen_mapping(manifest_node),
    )
    return manifest, found


def _included_files(
    model: SourceFile, projects: Mapping[str | None, _SourceProject], diagnostics: _Diagnostics
) -> list[SourceFile]:
    """The files a model sees, in include order: depth first, each file after its includes."""
    order: list[SourceFile] = []
    visiting: set[SourceFile] = set()

    def visit(source: SourceFile) -> None:
        if source in visiting or source in order:
            return
        visiting.add(source)
        tree = projects[source.project].trees.get(source.path, {})
        for pattern in tree.get("include", []):
            if not isinstance(pattern, str):
                continue
            for target in _expand(pattern, source, tree, projects, diagnostics):
                visit(target)
        order.append(source)

    visit(model)
    return order


def _expand(
    pattern: str,
    source: SourceFile,
    tree: RawNode,
    projects: Mapping[str | None, _SourceProject],
    diagnostics: _Diagnostics,
) -> Iterable[SourceFile]:
    project_name, relative = split_include(pattern, source)
    line = tree.get("$lines", {}).get("include")
    if project_name not in projects:
        declared = {
            str(n.get("project", ""))
            for n in projects[None].manifest.get("local_dependency", [])
            if isinstance(n, dict)
        }
        if project_name not in declared:
            diagnostics.add(
                "error",
                f"include {pattern!r} names project {project_name!r}, which is not a local_dependency",
                Location(source.display, line),
            )
        return []  # a declared dependency that was not found is reported once, at the manifest
    project = projects[project_name]
    candidates = sorted(project.trees) + [p for p in discover(project.root) if SourceFile(None, p).kind == "dashboard"]
    matched = [SourceFile(project_name, p) for p in match_include(relative, candidates)]
    if not matched:
        diagnostics.add("warning", f"include {pattern!r} matches no file", Location(source.display, line))
    return [m for m in matched if m.kind not in ("dashboard", "manifest")]


def _build_model(source: SourceFile, projects: Mapping[str | None, _SourceProject], diagnostics: _Diagnostics) -> Model:
    tree = projects[None].trees[source.path]
    name = Path(source.path).name.removesuffix(".model.lkml")
    files = _included_files(source, projects, diagnostics)
    views = Definitions("view")
    explores = Definitions("explore")
    test_nodes: list[RawNode] = []
    for file in files:
        file_tree = projects[file.project].trees.get(file.path, {})
        for node in file_tree.get("view", []):
            if isinstance(node, dict):
                views.add(node)
                _check_duplicate_fields(node, diagnostics)
        for node in file_tree.get("explore", []):
            if isinstance(node, dict):
                explores.add(node)
        test_nodes.extend(n for n in file_tree.get("test", []) if isinstance(n, dict))
    typed_views = _resolve_all(views, diagnostics, lambda n, r: build_view(n, locate, diagnostics.at, r))
    typed_explores = _resolve_all(explores, diagnostics, lambda n, r: build_explore(n, name, locate, r))
    tests: dict[str, DataTest] = {}
    for node in test_nodes:
        test = build_test(node, name, locate, diagnostics.at)
        if test is None:
            continue
        if test.name in tests:
            diagnostics.at(node, f"test {test.name!r} is defined twice (first at {tests[test.name].location})")
            continue
        tests[test.name] = test
    if not tree.get("connection"):
        diagnostics.add("warning", f"model {name!r} has no connection", Location(source.display, 1))
    model = Model(
        name=name,
        location=Location(source.display, 1),
        connection=text(tree.get("connection")),
        files=tuple(f.display for f in files),
        views=frozen_mapping(typed_views),
        explores=frozen_mapping(typed_explores),
        tests=frozen_mapping(tests),
        week_start_day=str(tree.get("week_start_day", "monday")).lower(),
        case_sensitive=None if tree.get("case_sensitive") is None else yes(tree.get("case_sensitive")),
        fiscal_month_offset=_int(tree.get("fiscal_month_offset")),
        label=text(tree.get("label")),
        raw=frozen_mapping(tree),
    )
    check_model(model, lambda severity, message, location: diagnostics.add(severity, message, location))
    return model


def _check_duplicate_fields(view: RawNode, diagnostics: _Diagnostics) -> None:
    """Two fields with one name in one block (merging by name would hide the first).

    A ``dimension_group`` may share its name with a field: it only names the fields it expands
    to (``created_date``…), whose clashes :func:`build_fields` reports.
    """
    seen: dict[tuple[bool, str], RawNode] = {}
    for key in FIELD_KEYS:
        for field_node in view.get(key, []):
            if not isinstance(field_node, dict):
                continue
            name = str(field_node.get("$name"))
            slot = (key == "dimension_group", name)
            if slot in seen:
                where = locate(seen[slot])
                diagnostics.at(
                    field_node,
                    f"field {view.get('$name')}.{name} is defined more than once (first at {where})",
                )
            seen[slot] = field_node


def _resolve_all(defs: Definitions, diagnostics: _Diagnostics, build: Any) -> dict[str, Any]:
    resolver = Resolver(defs, diagnostics.at)
    result: dict[str, View | Explore] = {}
    for name, nodes in defs.definitions.items():
        for duplicate in nodes[1:]:
            diagnostics.at(duplicate, f"{defs.kind} {name!r} is defined more than once (first at {locate(nodes[0])})")
        merged = resolver.resolve(name)
        if merged is None:
            continue
        refined_at = tuple(Location(str(f), line) for f, line in merged.get("$refined_at", []))
        result[name] = build(merged, refined_at)
    for name, refinements in defs.refinements.items():
        if name not in defs.definitions:
            diagnostics.at(refinements[0], f"refinement of unknown {defs.kind} {name!r}")
    return result


def _int(value: Any) -> int:
    try:
        return int(str(value)) if value is not None else 0
    except ValueError:
        return 0


def _read_dashboards(root: Path, relative: str, diagnostics: _Diagnostics) -> list[Dashboard]:
    try:
        content = (root / relative).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        diagnostics.add("error", f"cannot read dashboard: {exc}", Location(relative))
        return []
    try:
        return load_dashboards(content, relative)
    except DashboardError as exc:
        diagnostics.add("error", str(exc), Location(relative, exc.line))
        return []
