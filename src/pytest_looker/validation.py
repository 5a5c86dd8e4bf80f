"""SQL validation of every field of every selected explore, as Spectacles' SQL validator does.

``compile_only`` compiles one single-field query per field: no database needed, and a failure
is the compiler's error with the field's file:line. On a backend, each explore's fields run in
one ``LIMIT 0`` query; when it fails, the field list is bisected until each failing field is
found alone, so a project with one broken field costs a handful of queries, not one per field.
The JSON form (:func:`report_json`) is a stable contract shared with ``validate`` on backends.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import Any

from pytest_looker.compile import Query, compile_query
from pytest_looker.compile.scope import is_selectable_category, scope_for
from pytest_looker.errors import CompileError, ConfigurationError, Location, LookerError
from pytest_looker.lookml.model import Explore, Field, Project


@dataclass(frozen=True)
class Failure:
    """One field that does not compile or does not run, where it is defined and why."""

    model: str
    explore: str
    field: str
    file: str | None
    line: int | None
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "explore": self.explore,
            "field": self.field,
            "file": self.file,
            "line": self.line,
            "message": self.message,
        }


@dataclass(frozen=True)
class ValidationReport:
    explores: int
    fields: int
    failures: tuple[Failure, ...]
    queries: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"explores": self.explores, "fields": self.fields, "failures": [f.as_json() for f in self.failures]}


Execute = Callable[[str], object]


def select_explores(project: Project, selectors: Sequence[str]) -> list[Explore]:
    """Explores matching Spectacles-style selectors: ``model/explore``, ``*`` globs, ``-exclude``."""
    include = [s for s in selectors if not s.startswith("-")] or ["*/*"]
    exclude = [s[1:] for s in selectors if s.startswith("-")]
    for selector in (*include, *exclude):
        if selector != "*" and "/" not in selector:
            raise ConfigurationError(f"explore selector {selector!r} must look like model/explore (globs allowed)")
    chosen = []
    for model in project.models.values():
        for explore in model.explores.values():
            name = f"{model.name}/{explore.name}"
            if explore.extension_required:
                continue
            if any(_matches(name, s) for s in include) and not any(_matches(name, s) for s in exclude):
                chosen.append(explore)
    return chosen


def _matches(name: str, selector: str) -> bool:
    return selector == "*" or fnmatch.fnmatchcase(name, selector)


def explore_fields(project: Project, explore: Explore, *, include_hidden: bool = True) -> list[tuple[str, Field]]:
    """Every selectable dimension and measure of the explore (``view.field`` as queried).

    ``include_hidden=False`` leaves out ``hidden: yes`` fields (Spectacles' ``--ignore-hidden``).
    """
    scope = scope_for(project, project.models[explore.model], explore)
    result: list[tuple[str, Field]] = []
    for alias in scope.aliases:
        for field in scope.view(alias).fields.values():
            if not is_selectable_category(field) or field.ci_ignored or (field.hidden and not include_hidden):
                continue
            try:
                scope.check_selectable(alias, field)
            except CompileError:
                continue
            result.append((f"{alias}.{field.name}", field))
    return result


def validate(
    project: Project,
    selectors: Sequence[str] = (),
    *,
    dialect: str = "duckdb",
    target: str | None = None,
    execute: Execute | None = None,
    on_explore: Callable[[Explore], None] | None = None,
    include_hidden: bool = True,
    user_attributes: Mapping[str, str] | None = None,
    now: datetime | None = None,
    model_dialects: Mapping[str, str] | None = None,
) -> ValidationReport:
    """Validate the selected explores; without ``execute`` only compile (no database).

    SQL is generated in ``dialect`` and transpiled to ``target`` (the backend's dialect) if given.
    ``model_dialects`` overrides ``dialect`` per model (a model's connection picks its dialect).
    ``user_attributes`` and ``now`` are those of the validating user and clock (access filters
    and ``_user_attributes`` in Liquid need them, as in Looker).
    """
    attributes = dict(user_attributes or {})
    contexts = {
        name: _Context(project, (model_dialects or {}).get(name, dialect), target, attributes, now)
        for name in project.models
    }
    explores = select_explores(project, selectors)
    failures: list[Failure] = []
    total_fields = 0
    queries = 0
    for explore in explores:
        if on_explore is not None:
            on_explore(explore)
        try:
            fields = explore_fields(project, explore, include_hidden=include_hidden)
        except LookerError as exc:
            failures.append(_explore_failure(explore, exc.message, exc.location))
            continue
        total_fields += len(fields)
        context = contexts[explore.model]
        runnable, compile_failures = _compile_each(context, explore, fields)
        failures.extend(compile_failures)
        if execute is not None and runnable:
            found, count = _bisect(context, explore, runnable, execute)
            failures.extend(found)
            queries += count
    return ValidationReport(len(explores), total_fields, tuple(failures), queries)


@dataclass(frozen=True)
class _Context:
    project: Project
    dialect: str
    target: str | None
    user_attributes: Mapping[str, str]
    now: datetime | None

    _compiled: dict[tuple[str, tuple[str, ...]], str] = dataclass_field(default_factory=dict, compare=False, repr=False)

    def compile(self, explore: Explore, names: Iterable[str]) -> str:
        """SQL of a LIMIT 0 query of ``names``; remembered, as the first bisection step repeats it."""
        key = (explore.name, tuple(names))
        if key not in self._compiled:
            self._compiled[key] = self._compile(explore, key[1])
        return self._compiled[key]

    def _compile(self, explore: Explore, names: Iterable[str]) -> str:
        query = Query(
            explore.model,
            explore.name,
            fields=list(names),
            limit=0,
            sorts=("__UNSORTED__",),
            user_attributes=self.user_attributes,
            now=self.now,
        )
        return compile_query(self.project, query, dialect=self.dialect, target=self.target).sql


def _compile_each(
    context: _Context, explore: Explore, fields: list[tuple[str, Field]]
) -> tuple[list[tuple[str, Field]], list[Failure]]:
    """Fields that compile, and a failure for each that does not.

    The whole explore is compiled once first: when that works (the usual case) no field needs
    compiling alone. When every field fails with one message, the problem is the explore's
    (a missing user attribute, a broken sql_always_where...), reported once at the explore.
    """
    if not fields:
        return [], []
    try:
        context.compile(explore, [name for name, _ in fields])
        return fields, []
    except LookerError:
        pass
    runnable: list[tuple[str, Field]] = []
    problems: list[tuple[str, Field, str]] = []
    for name, field in fields:
        try:
            context.compile(explore, [name])
            runnable.append((name, field))
        except LookerError as exc:
            problems.append((name, field, exc.message))
    messages = {message for _, _, message in problems}
    if not runnable and len(problems) > 1 and len(messages) == 1:
        return [], [_explore_failure(explore, f"every field fails: {messages.pop()}", None)]
    return runnable, [_failure(explore, name, field, message) for name, field, message in problems]


def _explore_failure(explore: Explore, message: str, location: Location | None) -> Failure:
    where = location or explore.location
    return Failure(explore.model, explore.name, "*", where.file, where.line, message)


def _bisect(
    context: _Context, explore: Explore, fields: list[tuple[str, Field]], execute: Execute
) -> tuple[list[Failure], int]:
    """Run all fields in one LIMIT 0 query; split the list in halves until each failure is alone."""
    queries = 0
    failures: list[Failure] = []
    pending = [fields]
    while pending:
        group = pending.pop()
        queries += 1
        try:
            execute(context.compile(explore, [n for n, _ in group]))
            continue
        except LookerError as exc:
            if len(group) == 1:
                name, field = group[0]
                failures.append(_failure(explore, name, field, exc.message))
                continue
        middle = len(group) // 2
        pending.extend([group[middle:], group[:middle]])
    failures.sort(key=lambda f: (f.file or "", f.line or 0, f.field))
    return failures, queries


def _failure(explore: Explore, name: str, field: Field, message: str) -> Failure:
    return Failure(explore.model, explore.name, name, field.location.file, field.location.line, message)
