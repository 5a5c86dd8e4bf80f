"""SQL validation of every field of every selected explore, as Spectacles' SQL validator does.

``compile_only`` compiles one single-field query per field: no database needed, and a failure
is the compiler's error with the field's file:line. On a backend, each explore's fields run in
one ``LIMIT 0`` query; when it fails, the field list is bisected until each failing field is
found alone, so a project with one broken field costs a handful of queries, not one per field.
The JSON form (:func:`report_json`) is a stable contract shared with ``validate`` on backends.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_looker.collector import fewer_collections
from pytest_looker.compile import UNSORTED, Query, compile_query
from pytest_looker.compile.scope import is_selectable_category, scope_for
from pytest_looker.errors import ConfigurationError, Location, LookerError
from pytest_looker.lookml.model import Explore, Field, Project
from pytest_looker.run.runner import Runner
from pytest_looker.workspace import Workspace


@dataclass(frozen=True)
class Failure:
    """One field that does not compile or does not run, where it is defined and why.

    ``count``: the fields it stands for — 1, or every field of the explore for an explore-wide
    failure (``field == "*"``), so that reports count failing fields, not failure records.
    ``cause`` is where the error itself points when that is not the field (an ``always_filter``
    naming an unknown field): when every field fails for it, the one failure is reported there.
    """

    model: str
    explore: str
    field: str
    file: str | None
    line: int | None
    message: str
    count: int = 1
    cause: Location | None = dataclasses.field(default=None, compare=False)

    def as_json(self) -> dict[str, Any]:
        found = {
            "model": self.model,
            "explore": self.explore,
            "field": self.field,
            "file": self.file,
            "line": self.line,
            "message": self.message,
        }
        if self.field == "*":
            found["fields"] = self.count
        return found


@dataclass(frozen=True)
class ValidationReport:
    explores: int
    fields: int
    failures: tuple[Failure, ...]
    queries: int = 0

    @property
    def failed_fields(self) -> int:
        """Fields that fail, an explore-wide failure counting each of the explore's fields."""
        return sum(f.count for f in self.failures)

    def as_json(self) -> dict[str, Any]:
        return {
            "explores": self.explores,
            "fields": self.fields,
            "failed_fields": self.failed_fields,
            "failures": [f.as_json() for f in self.failures],
        }


def select_explores(project: Project, selectors: Sequence[str]) -> list[Explore]:
    """Explores matching Spectacles-style selectors: ``model/explore``, ``*`` globs, ``-exclude``.

    A selector that matches no explore is a :class:`ConfigurationError` naming the closest
    explores: a typo must never quietly test less (or nothing) and pass.
    """
    include = [s for s in selectors if not s.startswith("-")] or ["*/*"]
    exclude = [s[1:] for s in selectors if s.startswith("-")]
    for selector in (*include, *exclude):
        if selector != "*" and "/" not in selector:
            raise ConfigurationError(f"explore selector {selector!r} must look like model/explore (globs allowed)")
    names = {
        f"{model.name}/{explore.name}": explore
        for model in project.models.values()
        for explore in model.explores.values()
        if not explore.extension_required
    }
    unmatched = [
        (f"-{s}" if s in exclude else s)
        for s in dict.fromkeys((*include, *exclude))
        if not any(_matches(name, s) for name in names)
    ]
    if unmatched:
        raise ConfigurationError("; ".join(_no_match(selector, names) for selector in unmatched))
    return [
        explore
        for name, explore in names.items()
        if any(_matches(name, s) for s in include) and not any(_matches(name, s) for s in exclude)
    ]


def _matches(name: str, selector: str) -> bool:
    return selector == "*" or fnmatch.fnmatchcase(name, selector)


def _no_match(selector: str, names: Iterable[str]) -> str:
    """``explore selector 'm/ordrs' matches no explore (did you mean 'm/orders'?)``."""
    body = selector.lstrip("-")
    sign = selector[: len(selector) - len(body)]
    known = sorted(names)
    if not known:
        return f"explore selector {selector!r} matches no explore (the project has no explores)"
    if any(c in body for c in "*?["):
        model, _, rest = body.partition("/")
        models = sorted({n.split("/", 1)[0] for n in known})
        close = [f"{sign}{m}/{rest}" for m in difflib.get_close_matches(model, models, n=2, cutoff=0.6)]
        listing = f"models: {', '.join(models)}"
    else:
        close = [sign + c for c in difflib.get_close_matches(body, known, n=2, cutoff=0.85)]
        listing = f"explores: {', '.join(known[:10])}{', ...' if len(known) > 10 else ''}"
    hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else listing
    return f"explore selector {selector!r} matches no explore ({hint})"


def explore_fields(project: Project, explore: Explore, *, include_hidden: bool = True) -> list[tuple[str, Field]]:
    """Every selectable dimension and measure of the explore (``view.field`` as queried).

    ``include_hidden=False`` leaves out ``hidden: yes`` fields (Spectacles' ``--ignore-hidden``).
    """
    scope = scope_for(project, project.models[explore.model], explore)
    result: list[tuple[str, Field]] = []
    for alias in scope.aliases:
        allowed = scope.selectable_names(alias)
        for field in scope.view(alias).fields.values():
            if field.name not in allowed or not is_selectable_category(field) or (field.hidden and not include_hidden):
                continue
            if _may_be_ignored(field) and field.ci_ignored:
                continue
            result.append((f"{alias}.{field.name}", field))
    return result


#: What every ``ci_ignored`` marker contains: fields without it (nearly all) skip lower-casing
#: their SQL — megabytes of it on generated projects.
_MAY_BE_IGNORED = re.compile("ignore", re.IGNORECASE)


def _may_be_ignored(field: Field) -> bool:
    return (
        bool(field.tags)
        or _MAY_BE_IGNORED.search(field.comments) is not None
        or (field.sql is not None and _MAY_BE_IGNORED.search(field.sql) is not None)
    )


def validate(
    workspace: Workspace,
    selectors: Sequence[str] = (),
    *,
    runner: Runner | None = None,
    on_explore: Callable[[Explore], None] | None = None,
    include_hidden: bool = True,
) -> ValidationReport:
    """Validate the selected explores: each field compiles (no ``runner``) or runs on ``runner``.

    Compiling uses the workspace's settings (each model's dialect, the validating user's
    attributes and clock — access filters and ``_user_attributes`` in Liquid need them, as in
    Looker). With a runner, each explore's fields run in one query that returns no rows, and a
    failing field list is split in halves until each failure is alone — whoever compiles the
    SQL, our compiler or Looker.
    """
    explores = select_explores(workspace.project, selectors)
    failures: list[Failure] = []
    total_fields = 0
    queries = 0
    with fewer_collections():  # what validation builds stays alive: see ``collector``
        for explore in explores:
            if on_explore is not None:
                on_explore(explore)
            report = validate_explore(workspace, explore, runner=runner, include_hidden=include_hidden)
            failures.extend(report.failures)
            total_fields += report.fields
            queries += report.queries
    return ValidationReport(len(explores), total_fields, tuple(failures), queries)


def validate_explore(
    workspace: Workspace, explore: Explore, *, runner: Runner | None = None, include_hidden: bool = True
) -> ValidationReport:
    """The report of one explore (see :func:`validate`)."""
    project = workspace.project
    try:
        fields = explore_fields(project, explore, include_hidden=include_hidden)
    except LookerError as exc:
        return ValidationReport(1, 0, (_explore_failure(explore, exc.message, exc.location),))
    if not fields:
        return ValidationReport(1, 0, ())
    if runner is None:
        failures = _compile_each(workspace, explore, fields)
        return ValidationReport(1, len(fields), tuple(failures))
    failures, queries = _bisect(workspace, runner, explore, fields)
    return ValidationReport(1, len(fields), tuple(_one_cause(explore, fields, failures)), queries)


def probe_query(workspace: Workspace, explore: Explore, names: Iterable[str]) -> Query:
    """The query that checks ``names`` run: no rows, no sorting, the run's user and clock."""
    query = Query(explore.model, explore.name, fields=list(names), limit=0, sorts=(UNSORTED,))
    return workspace.with_settings(query)


def _compile_each(workspace: Workspace, explore: Explore, fields: list[tuple[str, Field]]) -> list[Failure]:
    """A failure for each field that does not compile (in the model's own dialect).

    The whole explore is compiled once first: when that works (the usual case) no field needs
    compiling alone.
    """
    project = workspace.project
    dialect = workspace.dialect_for(explore.model)

    def compile_names(names: list[str]) -> None:
        compile_query(project, probe_query(workspace, explore, names), dialect=dialect)

    try:
        compile_names([name for name, _ in fields])
        return []
    except LookerError:
        pass
    failures: list[Failure] = []
    for name, field in fields:
        try:
            compile_names([name])
        except LookerError as exc:
            failures.append(_failure(explore, name, field, exc))
    return _one_cause(explore, fields, failures)


def _one_cause(explore: Explore, fields: list[tuple[str, Field]], failures: list[Failure]) -> list[Failure]:
    """When every field fails with one message, the problem is the explore's (a missing user
    attribute, a broken sql_always_where...): reported once, where the error points (else at the
    explore)."""
    messages = {f.message for f in failures}
    if len(fields) > 1 and len(failures) == len(fields) and len(messages) == 1:
        causes = {f.cause for f in failures}
        cause = causes.pop() if len(causes) == 1 else None
        return [_explore_failure(explore, f"every field fails: {messages.pop()}", cause, count=len(fields))]
    return failures


def _explore_failure(explore: Explore, message: str, location: Location | None, *, count: int = 1) -> Failure:
    where = location or explore.location
    return Failure(explore.model, explore.name, "*", where.file, where.line, message, count=count)


def _bisect(
    workspace: Workspace, runner: Runner, explore: Explore, fields: list[tuple[str, Field]]
) -> tuple[list[Failure], int]:
    """Run all fields in one query; split failing groups in halves until each failure is alone.

    All groups of one round go to the runner together (Looker runs them concurrently).
    """
    queries = 0
    failures: list[Failure] = []
    pending = [fields]
    while pending:
        batch = [probe_query(workspace, explore, [name for name, _ in group]) for group in pending]
        errors = runner.probe(batch)
        queries += len(batch)
        next_round: list[list[tuple[str, Field]]] = []
        for group, error in zip(pending, errors, strict=True):
            if error is None:
                continue
            if len(group) == 1:
                name, field = group[0]
                failures.append(_failure(explore, name, field, error))
                continue
            middle = len(group) // 2
            next_round.extend([group[:middle], group[middle:]])
        pending = next_round
    failures.sort(key=lambda f: (f.file or "", f.line or 0, f.field))
    return failures, queries


def _failure(explore: Explore, name: str, field: Field, error: LookerError) -> Failure:
    where = field.location
    return Failure(explore.model, explore.name, name, where.file, where.line, error.message, cause=error.location)
