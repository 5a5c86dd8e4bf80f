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

from pytest_looker.checks.declared import declared_text_arithmetic
from pytest_looker.checks.implicit import implicit_mix
from pytest_looker.collector import fewer_collections
from pytest_looker.compile import UNSORTED, CompiledQuery, FieldsIgnored, IgnoredField, Query, compile_query
from pytest_looker.compile.rejected import might_be_rejected_too, rejected_too
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
    """``warnings``: fields that are valid LookML but that Looker leaves out of their query, with
    the Explore warning it shows (a median over a fan-out on a dialect without
    ``percentile_distinct``); they are not failures."""

    explores: int
    fields: int
    failures: tuple[Failure, ...]
    queries: int = 0
    warnings: tuple[Failure, ...] = ()

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
            "warnings": [w.as_json() for w in self.warnings],
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
        in_models = [n for n in known if _matches(n.split("/", 1)[0], model)]
        if in_models:  # the model part matches: it is the explore part that does not
            close, listing = [], _listing(in_models)
        else:
            close = [f"{sign}{m}/{rest}" for m in difflib.get_close_matches(model, models, n=2, cutoff=0.6)]
            listing = f"models: {', '.join(models)}"
    else:
        close = [sign + c for c in difflib.get_close_matches(body, known, n=2, cutoff=0.85)]
        listing = _listing(known)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else listing
    return f"explore selector {selector!r} matches no explore ({hint})"


def _listing(names: list[str]) -> str:
    return f"explores: {', '.join(names[:10])}{', ...' if len(names) > 10 else ''}"


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
    reports: list[ValidationReport] = []
    with fewer_collections():  # what validation builds stays alive: see ``collector``
        for explore in explores:
            if on_explore is not None:
                on_explore(explore)
            reports.append(validate_explore(workspace, explore, runner=runner, include_hidden=include_hidden))
    return combined(reports)


def combined(reports: Sequence[ValidationReport]) -> ValidationReport:
    """One report of several explores' reports."""
    return ValidationReport(
        sum(r.explores for r in reports),
        sum(r.fields for r in reports),
        tuple(f for r in reports for f in r.failures),
        sum(r.queries for r in reports),
        tuple(w for r in reports for w in r.warnings),
    )


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
    # A period-over-period measure needs a timeframe beside it (Looker cannot generate its SQL
    # alone) and cannot share a query with finer timeframes: each is probed on its own.
    pops = [(name, field) for name, field in fields if field.type == POP_TYPE]
    plain = [(name, field) for name, field in fields if field.type != POP_TYPE]
    pop_failures, pop_queries = _probe_pops(workspace, explore, pops, runner)
    if runner is None:
        failures, warnings = _compile_each(workspace, explore, plain) if plain else ([], [])
        return ValidationReport(1, len(fields), (*failures, *pop_failures), warnings=tuple(warnings))
    failures, queries = _bisect(workspace, runner, explore, plain) if plain else ([], 0)
    warnings = _ignored_alone(workspace, explore, plain, _candidates(workspace, explore, plain))
    found = (*_one_cause(explore, plain, failures), *pop_failures)
    return ValidationReport(1, len(fields), found, queries + pop_queries, warnings=tuple(warnings))


def _probe_pops(
    workspace: Workspace, explore: Explore, pops: list[tuple[str, Field]], runner: Runner | None
) -> tuple[list[Failure], int]:
    """Each PoP measure in a query with the largest timeframe of its group its period allows."""
    if not pops:
        return [], 0
    from pytest_looker.compile.pop import companion_timeframe, pop_measure  # the compiler, only when needed

    scope = scope_for(workspace.project, workspace.project.models[explore.model], explore)
    queries: list[Query] = []
    for name, field in pops:
        names = [name]
        try:
            companion = companion_timeframe(scope, pop_measure(scope, name.partition(".")[0], field))
        except LookerError:
            companion = None  # the query of the measure alone reports what is wrong
        if companion is not None:
            names.insert(0, companion)
        queries.append(probe_query(workspace, explore, names))
    errors: list[LookerError | None]
    if runner is not None:
        errors = runner.probe(queries)
    else:
        errors = []
        dialect = workspace.dialect_for(explore.model)
        for query in queries:
            try:
                compile_query(workspace.project, query, dialect=dialect)
                errors.append(None)
            except LookerError as exc:
                errors.append(exc)
    failures = [
        _failure(explore, name, field, error)
        for (name, field), error in zip(pops, errors, strict=True)
        if error is not None
    ]
    return failures, len(queries) if runner is not None else 0


def probe_query(workspace: Workspace, explore: Explore, names: Iterable[str]) -> Query:
    """The query that checks ``names`` run: no rows, no sorting, the run's user and clock."""
    query = Query(explore.model, explore.name, fields=list(names), limit=0, sorts=(UNSORTED,))
    return workspace.with_settings(query)


def _compile_each(
    workspace: Workspace, explore: Explore, fields: list[tuple[str, Field]]
) -> tuple[list[Failure], list[Failure]]:
    """A failure for each field that does not compile (in the model's own dialect), and a
    warning for each that Looker leaves out of its query.

    The whole explore is compiled once first: when that works (the usual case) no field needs
    compiling alone, except those the whole query left out (it fans out more than theirs).
    """
    try:
        candidates = _ignored_names(_compile(workspace, explore, [name for name, _ in fields]))
        return [], _ignored_alone(workspace, explore, fields, candidates)
    except FieldsIgnored as exc:
        return [], _ignored_alone(workspace, explore, fields, {i.field for i in exc.ignored})
    except LookerError:
        pass
    failures: list[Failure] = []
    warnings: list[Failure] = []
    for name, field in fields:
        try:
            _compile(workspace, explore, [name])
        except FieldsIgnored as exc:
            warnings.append(_warning(explore, name, field, exc.ignored[0]))
        except LookerError as exc:
            failures.append(_failure(explore, name, field, exc))
    return _one_cause(explore, fields, failures), warnings


def _compile(workspace: Workspace, explore: Explore, names: list[str]) -> CompiledQuery:
    dialect = workspace.dialect_for(explore.model)
    return compile_query(workspace.project, probe_query(workspace, explore, names), dialect=dialect)


def _ignored_names(compiled: CompiledQuery) -> set[str]:
    return {i.field for i in compiled.ignored}


#: Period-over-period measures, probed with a timeframe of their group (:mod:`..compile.pop`).
POP_TYPE = "period_over_period"
#: The measure types Looker may leave out of a query that fans them out (:class:`IgnoredField`).
_PERCENTILE_TYPES = frozenset({"median", "percentile", "median_distinct", "percentile_distinct"})


def _candidates(workspace: Workspace, explore: Explore, fields: list[tuple[str, Field]]) -> set[str]:
    """The fields the whole explore's query leaves out: a superset of those left out alone.

    When that query does not compile, every median and percentile is a candidate. An explore
    without medians or percentiles has none (no query is compiled for it).
    """
    percentiles = {name for name, field in fields if field.type in _PERCENTILE_TYPES}
    if not percentiles:
        return set()
    try:
        return _ignored_names(_compile(workspace, explore, [name for name, _ in fields]))
    except FieldsIgnored as exc:
        return {i.field for i in exc.ignored}
    except LookerError:
        return percentiles


def _ignored_alone(
    workspace: Workspace, explore: Explore, fields: list[tuple[str, Field]], candidates: set[str]
) -> list[Failure]:
    """A warning for each candidate that Looker leaves out of a query of that field alone."""
    warnings: list[Failure] = []
    for name, field in fields:
        if name not in candidates:
            continue
        try:
            _compile(workspace, explore, [name])
        except FieldsIgnored as exc:
            warnings.append(_warning(explore, name, field, exc.ignored[0]))
        except LookerError:
            continue  # a failure, which the validation reports on its own
    return warnings


def _warning(explore: Explore, name: str, field: Field, ignored: IgnoredField) -> Failure:
    where = field.location
    return Failure(explore.model, explore.name, name, where.file, where.line, ignored.message)


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
                if not isinstance(error, FieldsIgnored):  # a warning: see _ignored_alone
                    reason = _better_reason(workspace, explore, name, field, error)
                    failures.append(_failure(explore, name, field, error, reason))
                continue
            middle = len(group) // 2
            next_round.extend([group[:middle], group[middle:]])
        pending = next_round
    failures.sort(key=lambda f: (f.file or "", f.line or 0, f.field))
    return failures, queries


def _failure(explore: Explore, name: str, field: Field, error: LookerError, message: str | None = None) -> Failure:
    where = field.location
    text = message or error.message
    return Failure(explore.model, explore.name, name, where.file, where.line, text, cause=error.location)


def _better_reason(workspace: Workspace, explore: Explore, name: str, field: Field, error: LookerError) -> str | None:
    """Whose the database's type error is, when the warehouse's own rules tell: it would reject the
    SQL as well (text the LookML declares, :mod:`.declared`, or the SQL itself makes,
    :mod:`...compile.rejected`, read from the SQL in the model's dialect), or it converts
    implicitly what DuckDB refuses to mix (:mod:`.implicit`, a translation limit)."""
    dialect = workspace.dialect_for(explore.model)
    mixed = implicit_mix(error.message, dialect)
    if mixed is not None:
        return mixed
    declared = declared_text_arithmetic(workspace.project.model(explore.model), field, error.message, dialect)
    if declared is not None:
        return declared
    if not might_be_rejected_too(error.message, dialect):
        return None
    try:
        compiled = compile_query(workspace.project, probe_query(workspace, explore, [name]), dialect=dialect)
    except LookerError:
        return None
    return rejected_too(compiled.sql, dialect, error.message)
