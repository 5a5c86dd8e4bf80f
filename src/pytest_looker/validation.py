"""SQL validation of every field of every selected explore, as Spectacles' SQL validator does.

``compile_only`` compiles one single-field query per field: no database needed, and a failure
is the compiler's error with the field's file:line. On a backend, each explore's fields run in
one ``LIMIT 0`` query; when it fails, the field list is bisected until each failing field is
found alone, so a project with one broken field costs a handful of queries, not one per field.
The JSON form (:func:`report_json`) is a stable contract shared with ``validate`` on backends.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_looker.compile import Query, compile_query
from pytest_looker.compile.scope import is_selectable_category, scope_for
from pytest_looker.errors import CompileError, ConfigurationError, LookerError
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
) -> ValidationReport:
    """Validate the selected explores; without ``execute`` only compile (no database).

    SQL is generated in ``dialect`` and transpiled to ``target`` (the backend's dialect) if given.
    """
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
            location = exc.location or explore.location
            failures.append(Failure(explore.model, explore.name, "*", location.file, location.line, exc.message))
            continue
        total_fields += len(fields)
        runnable: list[tuple[str, Field]] = []
        for name, field in fields:
            problem = _compile_problem(project, explore, [name], dialect, target)
            if problem is None:
                runnable.append((name, field))
            else:
                failures.append(_failure(explore, name, field, problem))
        if execute is not None and runnable:
            found, count = _bisect(project, explore, runnable, dialect, target, execute)
            failures.extend(found)
            queries += count
    return ValidationReport(len(explores), total_fields, tuple(failures), queries)


def _query(explore: Explore, names: Iterable[str], limit: int) -> Query:
    return Query(explore.model, explore.name, fields=list(names), limit=limit, sorts=("__UNSORTED__",))


def _compile_problem(
    project: Project, explore: Explore, names: list[str], dialect: str, target: str | None
) -> str | None:
    try:
        compile_query(project, _query(explore, names, 0), dialect=dialect, target=target)
    except LookerError as exc:
        return exc.message
    return None


def _bisect(
    project: Project,
    explore: Explore,
    fields: list[tuple[str, Field]],
    dialect: str,
    target: str | None,
    execute: Execute,
) -> tuple[list[Failure], int]:
    """Run all fields in one LIMIT 0 query; split the list in halves until each failure is alone."""
    queries = 0
    failures: list[Failure] = []
    pending = [fields]
    while pending:
        group = pending.pop()
        queries += 1
        try:
            query = _query(explore, [n for n, _ in group], 0)
            sql = compile_query(project, query, dialect=dialect, target=target).sql
            execute(sql)
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
