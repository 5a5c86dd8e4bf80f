"""Running a LookML ``test:`` block: its ``explore_source`` query, then every ``assert``.

Looker's rule (looker-expressions.md §7–§8): each assert must be yes on every row; no and NULL
fail. One report lists every failing assert with the rows that broke it; an assert that cannot
be evaluated (unknown function, unknown field, syntax) is an error naming the assert and its
file:line. A result that hits the default 5,000-row cap is warned about (rows beyond it go
untested).
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import TYPE_CHECKING

from pytest_looker.checks.outcome import Outcome, Problem, Target
from pytest_looker.compile import DEFAULT_LIMIT, Query
from pytest_looker.errors import ExpressionError, LookerError, ReplayOnlyError
from pytest_looker.lookml.model import DataTest, Project
from pytest_looker.present import cell, render_table
from pytest_looker.run.query_result import QueryResult
from pytest_looker.run.runner import NativeTestRun
from pytest_looker.workspace import Workspace

if TYPE_CHECKING:  # the expression language is imported by the first assert (collection needs none of it)
    from pytest_looker.expressions import LexpType

__all__ = ["check_asserts", "data_test_query", "data_test_target", "field_types", "run_data_test"]

_SHOWN_ROWS = 10

_NUMERIC = frozenset(
    {
        "number", "count", "count_distinct", "sum", "sum_distinct", "average", "average_distinct",
        "min", "max", "median", "median_distinct", "percentile", "percentile_distinct",
        "running_total", "percent_of_total", "percent_of_previous",
    }
)  # fmt: skip


def field_types(project: Project, model: str, names: list[str], explore: str) -> dict[str, LexpType]:
    """Lexp types of result columns from their LookML types, where the values alone are ambiguous."""
    from pytest_looker.expressions import LexpType

    _TYPES = {"yesno": LexpType.YESNO, "string": LexpType.STRING, "date_date": LexpType.DATE}
    aliases = project.explore(model, explore).aliases()
    views = project.model(model).views
    types: dict[str, LexpType] = {}
    for name in names:
        alias, _, field_name = name.partition(".")
        view = views.get(aliases.get(alias, ""))
        found = view.fields.get(field_name) if view is not None else None
        if found is None:
            continue
        if found.type in _NUMERIC:
            types[name] = LexpType.NUMBER
        elif found.type in _TYPES:
            types[name] = _TYPES[found.type]
        elif found.type in ("date_time", "date_raw"):
            types[name] = LexpType.DATETIME
    return types


def data_test_target(test: DataTest) -> Target:
    label = f"{test.model}/{test.name}"
    return Target(
        "lookml-test", label, test.location, model=test.model, explore=test.explore_source.explore, test=test.name
    )


def data_test_query(workspace: Workspace, test: DataTest) -> Query:
    """The ``explore_source`` query of a data test."""
    source = test.explore_source
    return workspace.query(
        f"{test.model}/{source.explore}",
        fields=[c.field for c in source.columns],
        filters={f.field: f.expression for f in source.filters},
        sorts=[f"{s.field} desc" if s.descending else s.field for s in source.sorts],
        limit=source.limit,
        timezone=source.timezone,
    )


def run_data_test(workspace: Workspace, test: DataTest) -> Outcome:
    """Run ``test`` on the workspace's runner and check every assert.

    A runner with a test runner of its own (Looker, with ``native_tests``) runs the whole test;
    otherwise the runner answers the query — our compiler and warehouse, Looker, or a
    recording — and the asserts are evaluated here.
    """
    target = data_test_target(test)
    runner = workspace.runner
    native = runner.native_test(test.model, test.name)
    if native is not None:
        return _native_outcome(target, test, native)
    query = data_test_query(workspace, test)
    try:
        result = runner.run(query)
    except ReplayOnlyError as exc:
        return Outcome(target, skipped=exc.message)
    outcome = check_asserts(workspace, test, result)
    if outcome.failed and not outcome.sql:
        with contextlib.suppress(LookerError):
            return dataclasses.replace(outcome, sql=(runner.sql(query),))
    return outcome


def _native_outcome(target: Target, test: DataTest, run: NativeTestRun) -> Outcome:
    problems: list[Problem] = []
    if not run.success:
        messages = run.errors or (f"{run.failed} of {run.assertions} assert(s) failed in Looker",)
        problems = [Problem(message, test.location) for message in messages]
    return Outcome(
        target,
        tuple(problems),
        headline=f"LookML data test {target.label} ({test.location}) failed in Looker" if problems else None,
        warnings=tuple(Problem(warning, test.location) for warning in run.warnings),
    )


def check_asserts(workspace: Workspace, test: DataTest, result: QueryResult) -> Outcome:
    """Evaluate every assert of ``test`` on the rows of its query."""
    from pytest_looker.expressions import check_assert

    target = data_test_target(test)
    warnings: list[Problem] = []
    problems: list[Problem] = []
    source = test.explore_source
    if source.limit is None and len(result.rows) >= DEFAULT_LIMIT:
        warnings.append(
            Problem(f"the test query hit the {DEFAULT_LIMIT}-row limit: rows beyond it were not tested", test.location)
        )
    types = field_types(workspace.project, test.model, list(result.columns), source.explore)
    for assertion in test.asserts:
        try:
            checked = check_assert(
                assertion.expression, result.rows, now=workspace.settings.local_now(), field_types=types
            )
        except (ExpressionError, LookerError) as exc:
            problems.append(
                Problem(
                    f'Assert "{assertion.name}" ({assertion.location}) cannot be evaluated: {exc}',
                    assertion.location,
                    detail=f"  expression: {assertion.expression.strip()}",
                )
            )
            continue
        warnings.extend(Problem(f'assert "{assertion.name}": {w}', assertion.location) for w in checked.warnings)
        if checked.passed:
            continue
        failing = checked.failing_rows
        shown = [{**result.rows[i], "row": i + 1, "value": checked.values[i]} for i in failing[:_SHOWN_ROWS]]
        columns = ["row", *result.columns, "value"]
        table = render_table(columns, shown, limit=_SHOWN_ROWS)
        problems.append(
            Problem(
                checked.failure_message(assertion.name),
                assertion.location,
                detail=f"  expression: {assertion.expression.strip()}   ({assertion.location})\n"
                f"  failing rows ({len(failing)} of {len(result.rows)}; value = the expression, {cell(None)} = NULL):\n"
                + "\n".join("    " + line for line in table.splitlines()),
            )
        )
    headline = None
    if problems:
        headline = (
            f"LookML data test {target.label} ({test.location}): {len(problems)} of {len(test.asserts)}"
            " assert(s) failed"
        )
    return Outcome(
        target,
        tuple(problems),
        headline=headline,
        warnings=tuple(warnings),
        sql=(result.sql,) if result.sql else (),
        rows=len(result.rows),
    )
