"""A cold load: files → trees → per-model resolution → typed :class:`Project`.

Resolution is per model because each model sees only the files it includes: a refinement in a
file one model includes does not change the view another model sees. The steps, in Looker's
order: parse (cached by content), substitute ``@{constants}``, gather each model's includes in
include order, apply ``extends`` and refinements, expand dimension groups, then check
references. Every problem becomes a :class:`Diagnostic`; nothing the user writes makes this
module raise. :mod:`.loader` calls it when the whole-project cache has no entry for the files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pytest_looker.errors import Location
from pytest_looker.immutable import field, record
from pytest_looker.lookml import inputs
from pytest_looker.lookml.build import build_explore, build_test, build_view
from pytest_looker.lookml.cache import ParseCache
from pytest_looker.lookml.dashboards import Dashboards
from pytest_looker.lookml.fields import text, yes
from pytest_looker.lookml.files import SourceFile, dependency_dirs_inside, discover, match_include, split_include
from pytest_looker.lookml.inheritance import FIELD_KEYS, Definitions, Resolver
from pytest_looker.lookml.model import (
    Constant,
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
from pytest_looker.lookml.references import CheckCache, check_model
from pytest_looker.lookml.syntax import RawNode

_CONSTANT = re.compile(r"@\{\s*([A-Za-z0-9_]+)\s*\}")


@record(frozen=False)
class _Diagnostics:
    """Collects diagnostics once each (files included by several models report once)."""

    items: dict[tuple[str, str, str, int | None], Diagnostic] = field(default_factory=dict)
    #: Raw nodes already checked for duplicate fields (a file included by several models).
    checked_nodes: set[int] = field(default_factory=set)

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


@record(frozen=False)
class SourceProject:
    """One project on disk (the main one or a local dependency) with its parsed files."""

    name: str | None
    root: Path
    trees: dict[str, RawNode]
    constants: dict[str, Constant]
    manifest: RawNode
    files: list[str] = field(default_factory=list)
    size: int = 0
    #: For the whole-project cache: digest and stat of each file's bytes as read and parsed.
    digests: dict[str, str] = field(default_factory=dict)
    stats: dict[str, inputs.Stat] = field(default_factory=dict)
    _candidates: list[str] | None = None

    def include_candidates(self) -> list[str]:
        """What an include pattern can match: every parsed file, then the dashboards.

        Computed once per load: a project with thousands of includes must not walk its
        directory tree once per include.
        """
        if self._candidates is None:
            dashboards = [p for p in self.files if SourceFile(None, p).kind == "dashboard"]
            self._candidates = sorted([*self.trees, *dashboards])  # sorted: files.match_include
        return self._candidates


def load_sources(
    path: str | Path,
    constants: Mapping[str, str] | None,
    dependency_paths: Sequence[str | Path],
    cache_dir: Path | None,
    probes: list[tuple[str, bool]],
) -> tuple[Project, list[SourceProject]]:
    """Parse and resolve; also returns the projects read (for the whole-project cache key)."""
    root = Path(path).resolve()
    diagnostics = _Diagnostics()
    if not root.is_dir():
        diagnostics.add("error", "project directory does not exist", Location(str(path)))
        empty = Project(str(root), Manifest(), frozen_mapping(), Dashboards(), (), diagnostics.sorted())
        return empty, []
    cache = ParseCache(cache_dir)
    inside = dependency_dirs_inside(root, _chosen_dependencies(root, dependency_paths, cache))
    main = _read_project(None, root, cache, diagnostics, constants or {}, skip=inside)
    manifest, dependencies = _dependencies(main, root, dependency_paths, cache, diagnostics, probes)
    projects: dict[str | None, SourceProject] = {None: main, **{d.name: d for d in dependencies}}
    models: dict[str, Model] = {}
    shared_views: dict[Any, View] = {}
    checks = CheckCache()
    for relative in sorted(main.trees):
        source = SourceFile(None, relative)
        if source.kind == "model":
            model = _build_model(source, projects, diagnostics, shared_views, checks)
            if model.name in models:
                diagnostics.add("error", f"model {model.name!r} is defined twice", model.location)
            models[model.name] = model
    dashboards = [
        read
        for relative in main.files
        if SourceFile(None, relative).kind == "dashboard"
        and (read := _read_dashboard(root, relative, diagnostics, main, cache)) is not None
    ]
    project = Project(
        root=str(root),
        manifest=manifest,
        models=frozen_mapping(models),
        dashboards=Dashboards(tuple(dashboards), cache_dir, tuple(main.digests.get(r, "") for r, _ in dashboards)),
        files=tuple(sorted(main.trees)),
        lookml_diagnostics=diagnostics.sorted(),
    )
    return project, [main, *dependencies]


#: Keys that only exist inside a view: at a file's top level they mean a ``}`` closed the view
#: early, and lkml would otherwise drop them without a word (the fields vanish from the view).
_VIEW_ONLY_KEYS = ("dimension", "dimension_group", "measure", "filter", "parameter", "set", "sql_table_name",
                   "derived_table", "drill_fields")  # fmt: skip


def _check_top_level(tree: RawNode, display: str, diagnostics: _Diagnostics) -> None:
    found = tree.get("$lines")
    lines: dict[str, int] = found if isinstance(found, dict) else {}
    for key in _VIEW_ONLY_KEYS:
        if key in tree:
            value = tree[key]
            first = value[0] if isinstance(value, list) and value else value
            name = first.get("$name") if isinstance(first, dict) else None
            what = f"{key} {name!r}" if name else key
            diagnostics.add(
                "error",
                f"{what} is outside any view (does a '}}' above it close the view early?)",
                Location(display, lines.get(key)),
            )


def _chosen_dependencies(root: Path, search: Sequence[str | Path], cache: ParseCache) -> list[Path]:
    """The directory each ``local_dependency`` of the main manifest is read from (the first
    candidate that exists), known before the main project is read so that a dependency kept
    inside it (``dependency_paths = ["deps"]``) is not read as the main project's files."""
    try:
        text = decode_text((root / "manifest.lkml").read_bytes())
    except (OSError, UnicodeDecodeError):
        return []
    chosen: list[Path] = []
    for node in cache.parse(text).tree.get("local_dependency", []):
        if isinstance(node, dict) and node.get("project"):
            found = next((c for c in _candidates(str(node["project"]), search, root) if c.is_dir()), None)
            if found is not None:
                chosen.append(found)
    return chosen


def _candidates(name: str, search: Sequence[str | Path], root: Path) -> list[Path]:
    """Where ``local_dependency`` ``name`` is looked for, in order."""
    return [Path(p) / name for p in search] + [root / "imported_projects" / name]


def _read_project(
    name: str | None,
    root: Path,
    cache: ParseCache,
    diagnostics: _Diagnostics,
    overrides: Mapping[str, str],
    *,
    skip: frozenset[str] = frozenset(),
) -> SourceProject:
    trees: dict[str, RawNode] = {}
    texts: dict[str, str] = {}
    digests: dict[str, str] = {}
    stats: dict[str, inputs.Stat] = {}
    files = discover(root, skip)
    for relative in files:
        source = SourceFile(name, relative)
        if source.kind == "dashboard":
            continue
        try:
            data, stats[relative] = inputs.read_file(root / relative)
            if cache.directory is not None:  # what the project cache records; nothing reads it else
                digests[relative] = inputs.content_digest(data)
            texts[relative] = decode_text(data)
        except (OSError, UnicodeDecodeError) as exc:
            digests.setdefault(relative, "")  # unreadable: "" never equals a later digest
            diagnostics.add("error", f"cannot read file: {exc}", Location(source.display))
    parsed_files = cache.parse_many(list(texts.values()))
    uses_constants: set[str] = set()
    for (relative, content), parsed in zip(texts.items(), parsed_files, strict=True):
        display = SourceFile(name, relative).display
        for issue in parsed.issues:
            diagnostics.add(issue.severity, issue.message, Location(display, issue.line))
        _check_top_level(parsed.tree, display, diagnostics)
        trees[relative] = parsed.tree
        if "@{" in content:
            uses_constants.add(relative)
    manifest = trees.get("manifest.lkml", {})
    if manifest:
        _stamp(manifest, SourceFile(name, "manifest.lkml").display, None, diagnostics)
    constants = _constants(manifest, overrides)
    for relative, tree in trees.items():
        if relative != "manifest.lkml":
            substitute = constants if relative in uses_constants else None
            _stamp(tree, SourceFile(name, relative).display, substitute, diagnostics)
    size = sum(map(len, texts.values()))
    project = SourceProject(name, root, trees, constants, manifest, files, size, digests, stats)
    # Blocks name their dependency through a constant (``project: "@{CONFIG_PROJECT_NAME}"``) so
    # that includes (``//@{CONFIG_PROJECT_NAME}/...``) and the declaration always agree.
    for key in ("local_dependency", "remote_dependency"):
        for node in manifest.get(key, []):
            if isinstance(node, dict):
                _substitute_constants(node, constants, diagnostics)
    return project


def _stamp(tree: RawNode, file: str, constants: Mapping[str, Constant] | None, diagnostics: _Diagnostics) -> RawNode:
    """Record the file on every block so any object can report where it was written.

    When ``constants`` is given (the file's text contains ``@{``), the same walk substitutes
    them: one pass over the tree instead of two, since both visit every block of every file.
    """
    stack: list[RawNode] = [tree]
    while stack:
        node = stack.pop()
        node["$file"] = file
        for key, value in node.items():
            if key[0] == "$":
                continue
            if isinstance(value, dict):
                stack.append(value)
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        stack.append(item)
                    elif constants is not None and isinstance(item, str) and "@{" in item:
                        value[index] = _replace_constants(item, node, key, constants, diagnostics, file)
            elif constants is not None and isinstance(value, str) and "@{" in value:
                node[key] = _replace_constants(value, node, key, constants, diagnostics, file)
    return tree


def _replace_constants(
    value: str,
    owner: RawNode,
    key: str,
    constants: Mapping[str, Constant],
    diagnostics: _Diagnostics,
    file: str | None = None,
) -> str:
    """``value`` with every known ``@{name}`` replaced; unknown ones reported and kept."""

    def one(match: re.Match[str]) -> str:
        constant = constants.get(match.group(1))
        if constant is None:
            line = owner.get("$lines", {}).get(key, owner.get("$line"))
            diagnostics.add(
                "error",
                f"unknown constant @{{{match.group(1)}}}",
                Location(str(file if file is not None else owner.get("$file")), line),
            )
            return match.group(0)
        return constant.value

    return _CONSTANT.sub(one, value)


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
    stack: list[RawNode] = [tree]
    while stack:
        node = stack.pop()
        for key, value in list(node.items()):
            if key.startswith("$"):
                continue
            if isinstance(value, str):
                if "@{" in value:
                    node[key] = _replace_constants(value, node, key, constants, diagnostics)
            elif isinstance(value, dict):
                stack.append(value)
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        if "@{" in item:
                            value[index] = _replace_constants(item, node, key, constants, diagnostics)
                    elif isinstance(item, dict):
                        stack.append(item)


def _dependencies(
    main: SourceProject,
    root: Path,
    search: Sequence[str | Path],
    cache: ParseCache,
    diagnostics: _Diagnostics,
    probes: list[tuple[str, bool]],
) -> tuple[Manifest, list[SourceProject]]:
    found: list[SourceProject] = []
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
        candidates = _candidates(name, search, root)
        probes.extend((str(c), c.is_dir()) for c in candidates)
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
    model: SourceFile, projects: Mapping[str | None, SourceProject], diagnostics: _Diagnostics
) -> list[SourceFile]:
    """The files a model sees, in include order: depth first, each file after its includes."""
    order: list[SourceFile] = []
    visiting: set[SourceFile] = set()  # entered (ordered or not yet): each file is visited once

    def visit(source: SourceFile) -> None:
        if source in visiting:
            return
        visiting.add(source)
        tree = projects[source.project].trees.get(source.path, {})
        lines = tree.get("$each_line", {}).get("include", [])
        for index, pattern in enumerate(tree.get("include", [])):
            if not isinstance(pattern, str):
                continue
            line = lines[index] if index < len(lines) else tree.get("$lines", {}).get("include")
            for target in _expand(pattern, source, line, projects, diagnostics):
                visit(target)
        order.append(source)

    visit(model)
    return order


def _expand(
    pattern: str,
    source: SourceFile,
    line: int | None,
    projects: Mapping[str | None, SourceProject],
    diagnostics: _Diagnostics,
) -> Iterable[SourceFile]:
    """The files ``pattern`` (written at ``line`` of ``source``) includes."""
    project_name, relative = split_include(pattern, source)
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
    candidates = project.include_candidates()
    matched = [SourceFile(project_name, p) for p in match_include(relative, candidates)]
    own = f"{project_name}/"
    if not matched and project_name is not None and pattern.startswith("/" + own):
        # An imported project writing its own name first (mozilla/looker-hub's files say
        # include: "/looker-hub/<ns>/views/x.view.lkml"): Looker resolves it in that project,
        # as the production instances that import the hub show; the docs do not say.
        matched = [SourceFile(project_name, p) for p in match_include(relative[len(own) :], candidates)]
    if not matched:
        diagnostics.add("warning", f"include {pattern!r} matches no file", Location(source.display, line))
    return [m for m in matched if m.kind not in ("dashboard", "manifest")]


def _build_model(
    source: SourceFile,
    projects: Mapping[str | None, SourceProject],
    diagnostics: _Diagnostics,
    shared_views: dict[Any, View],
    checks: CheckCache,
) -> Model:
    """One model: its includes resolved, its views and explores merged and typed, checked.

    ``shared_views`` holds views already built for another model of this load, keyed by the
    raw nodes they were merged from (:func:`_definition_key`): models that include the same view
    files — the common case in large projects — build each view once.
    """
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
                if id(node) not in diagnostics.checked_nodes:
                    diagnostics.checked_nodes.add(id(node))
                    _check_duplicate_fields(node, diagnostics)
        for node in file_tree.get("explore", []):
            if isinstance(node, dict):
                explores.add(node)
        test_nodes.extend(n for n in file_tree.get("test", []) if isinstance(n, dict))
    typed_views = _resolve_all(
        views, diagnostics, lambda n, r: build_view(n, locate, diagnostics.at, r), shared=shared_views
    )
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
    check_model(model, lambda severity, message, location: diagnostics.add(severity, message, location), checks)
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


def _resolve_all(
    defs: Definitions, diagnostics: _Diagnostics, build: Any, shared: dict[Any, Any] | None = None
) -> dict[str, Any]:
    resolver = Resolver(defs, diagnostics.at)
    keys: dict[str, Any] = {}
    result: dict[str, View | Explore] = {}
    for name, nodes in defs.definitions.items():
        for duplicate in nodes[1:]:
            diagnostics.at(duplicate, f"{defs.kind} {name!r} is defined more than once (first at {locate(nodes[0])})")
        key = _definition_key(defs, name, (), keys) if shared is not None else None
        if shared is not None and key is not None and key in shared:
            result[name] = shared[key]
            continue
        merged = resolver.resolve(name)
        if merged is None:
            continue
        refined_at = tuple(Location(str(f), line) for f, line in merged.get("$refined_at", []))
        result[name] = build(merged, refined_at)
        if shared is not None and key is not None:
            shared[key] = result[name]
    for name, refinements in defs.refinements.items():
        if name not in defs.definitions:
            diagnostics.at(refinements[0], f"refinement of unknown {defs.kind} {name!r}")
    return result


def _definition_key(defs: Definitions, name: str, chain: tuple[str, ...], memo: dict[str, Any]) -> Any:
    """What the merged object ``name`` is made of: the identity of every raw node it merges.

    Two models whose ``Definitions`` give the same key for a view would merge the very same
    nodes (its definitions, its refinements, and recursively its parents', or the absence of a
    parent) in the same order, so they build equal objects and report the same diagnostics.
    ``None`` (never shared) when an ``extends`` cycle is involved: its message depends on the
    order names are resolved in.
    """
    if name in memo:
        return memo[name]
    nodes = defs.definitions.get(name)
    if not nodes:
        return ("missing", name)
    if name in chain:
        return None
    refinements = defs.refinements.get(name, [])
    parents = [
        *_names(nodes[0].get("extends")),
        *(p for r in refinements for p in _names(r.get("extends"))),
    ]
    parent_keys = []
    for parent in parents:
        parent_key = _definition_key(defs, parent, (*chain, name), memo)
        if parent_key is None:
            memo[name] = None
            return None
        parent_keys.append(parent_key)
    key = (name, tuple(map(id, nodes)), tuple(map(id, refinements)), tuple(parent_keys))
    memo[name] = key
    return key


def _names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []


def _int(value: Any) -> int:
    try:
        return int(str(value)) if value is not None else 0
    except ValueError:
        return 0


def decode_text(data: bytes) -> str:
    """``data`` as ``Path.read_text(encoding="utf-8")`` would give it (universal newlines)."""
    content = data.decode("utf-8")
    if "\r" in content:
        content = content.replace("\r\n", "\n").replace("\r", "\n")
    return content


def _read_dashboard(
    root: Path, relative: str, diagnostics: _Diagnostics, source: SourceProject, cache: ParseCache
) -> tuple[str, str] | None:
    """A dashboard file's text, recorded for the project cache; parsed later, when read."""
    try:
        data, source.stats[relative] = inputs.read_file(root / relative)
        if cache.directory is not None:
            source.digests[relative] = inputs.content_digest(data)
        return relative, decode_text(data)
    except (OSError, UnicodeDecodeError) as exc:
        source.digests.setdefault(relative, "")
        diagnostics.add("error", f"cannot read dashboard: {exc}", Location(relative))
        return None
