"""Running a LookML ``test:`` block: its ``explore_source`` query, then every ``assert``.

Looker's rule (looker-expressions.md §7–§8): each assert must be yes on every row; no and NULL
fail. One report lists every failing assert with the rows that broke it; an assert that cannot
be evaluated (unknown function, unknown field, syntax) is an error naming the assert and its
file:line. A result that hits the default 5,000-row cap is warned about (rows beyond it go
untested).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pytest_looker.compile import DEFAULT_LIMIT, Query
from pytest_looker.errors import ExpressionError, LookerError
from pytest_looker.expressions import LexpType, check_assert
from pytest_looker.lookml.model import DataTest, Project
from pytest_looker.testing.tables import cell, render_table

if TYPE_CHECKING:
    from pytest_looker.testing.result import QueryResult
    from pytest_looker.testing.session import LookerSession

__all__ = ["DataTestOutcome", "check_asserts", "data_test_query", "field_types", "run_data_test"]

_SHOWN_ROWS = 10

_NUMERIC = frozenset(
    {
        "number", "count", "count_distinct", "sum", "sum_distinct", "average", "average_distinct",
        "min", "max", "median", "median_distinct", "percentile", "percentile_distinct",
        "running_total", "percent_of_total", "percent_of_previous",
    }
)  # fmt: skip
_TYPES = {"yesno": LexpType.YESNO, "string": LexpType.STRING, "date_date": LexpType.DATE}


def field_types(project: Project, model: str, names: list[str], explore: str) -> dict[str, LexpType]:
    """Lexp types of result columns from their LookML types, where the values alone are ambiguous."""
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


@dataclass
class DataTestOutcome:
    """What running one data test produced; ``failed`` when any assert failed or errored."""

    sql: str = ""
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: int | None = None

    @property
    def failed(self) -> bool:
        return bool(self.failures)


def data_test_query(session: LookerSession, test: DataTest) -> Query:
    """The ``explore_source`` query of a data test."""
    source = test.explore_source
    return session.make_query(
        f"{test.model}/{source.explore}",
        fields=[c.field for c in source.columns],
        filters={f.field: f.expression for f in source.filters},
        sorts=[f"{s.field} desc" if s.descending else s.field for s in source.sorts],
        limit=source.limit,
        timezone=source.timezone,
    )


def run_data_test(session: LookerSession, test: DataTest) -> DataTestOutcome:
    """Run ``test`` on the session's backend and check every assert."""
    if session.settings.backend == "looker":
        if session.recorder is not None and not session.settings.looker.native_tests:
            # Looker's rows, recorded or replayed; the asserts are ours either way.
            return check_asserts(session, test, session.run(data_test_query(session, test)))
        # Looker runs the query (or the whole test, with --looker-native-tests).
        from pytest_looker.looker.client.pytest_support import run_data_test_in_looker

        return run_data_test_in_looker(session, test)
    compiled = session.compile(data_test_query(session, test))
    result = session.run_compiled(compiled)
    outcome = check_asserts(session, test, result)
    outcome.sql = compiled.sql
    return outcome


def check_asserts(session: LookerSession, test: DataTest, result: QueryResult) -> DataTestOutcome:
    """Evaluate every assert of ``test`` on the rows of its query."""
    outcome = DataTestOutcome(sql=result.sql, rows=len(result.rows))
    source = test.explore_source
    if source.limit is None and len(result.rows) >= DEFAULT_LIMIT:
        outcome.warnings.append(f"the test query hit the {DEFAULT_LIMIT}-row limit: rows beyond it were not tested")
    types = field_types(session.project, test.model, list(result.columns), source.explore)
    for assertion in test.asserts:
        try:
            checked = check_assert(
                assertion.expression, result.rows, now=session.settings.local_now(), field_types=types
            )
        except (ExpressionError, LookerError) as exc:
            outcome.failures.append(
                f'Assert "{assertion.name}" ({assertion.location}) cannot be evaluated: {exc}\n'
                f"  expression: {assertion.expression.strip()}"
            )
            continue
        outcome.warnings.extend(f'assert "{assertion.name}": {w}' for w in checked.warnings)
        if checked.passed:
            continue
        failing = checked.failing_rows
        shown = [{**result.rows[i], "row": i + 1, "value": checked.values[i]} for i in failing[:_SHOWN_ROWS]]
        columns = ["row", *result.columns, "value"]
        table = render_table(columns, shown, limit=_SHOWN_ROWS)
        outcome.failures.append(
            f"{checked.failure_message(assertion.name)}\n"
            f"  expression: {assertion.expression.strip()}   ({assertion.location})\n"
            f"  failing rows ({len(failing)} of {len(result.rows)}; value = the expression, {cell(None)} = NULL):\n"
            + "\n".join("    " + line for line in table.splitlines())
        )
    return outcome
