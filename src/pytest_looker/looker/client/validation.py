"""SQL validation through Looker: every field of an explore runs in Looker, bisected on failure.

The same algorithm as :mod:`pytest_looker.validation` (and Spectacles' SQL validator), but the
queries are *Looker's*: one ``limit 0`` query per explore with every selectable field, sent as
async query tasks; a failing group is split in halves — all halves of one round run
concurrently — until each failing field is found alone. The field list comes from our loader,
so the failure points at the LookML file and line.
"""

from __future__ import annotations

from pytest_looker.compile import UNSORTED, Query
from pytest_looker.errors import LookerError
from pytest_looker.looker.client.backend import LookerBackend
from pytest_looker.lookml.model import Explore, Field, Project
from pytest_looker.validation import Failure, ValidationReport, explore_fields

__all__ = ["validate_explore_in_looker"]


def validate_explore_in_looker(
    backend: LookerBackend, project: Project, explore: Explore, *, include_hidden: bool = True
) -> tuple[ValidationReport, Query | None]:
    """The report for one explore and the query of its first failing field (for its SQL)."""
    try:
        fields = explore_fields(project, explore, include_hidden=include_hidden)
    except LookerError as exc:
        location = exc.location or explore.location
        failure = Failure(explore.model, explore.name, "*", location.file, location.line, exc.message)
        return ValidationReport(1, 0, (failure,)), None
    failures: list[Failure] = []
    first: Query | None = None
    queries = 0
    pending: list[list[tuple[str, Field]]] = [fields] if fields else []
    while pending:
        batch = [_query(explore, [name for name, _ in group]) for group in pending]
        results = backend.run_queries(batch, limit=0)
        queries += len(batch)
        next_round: list[list[tuple[str, Field]]] = []
        for group, query, result in zip(pending, batch, results, strict=True):
            if not isinstance(result, LookerError):
                continue
            if len(group) == 1:
                name, field = group[0]
                message = result.message.split(": ", 1)[-1] if ": " in result.message else result.message
                failures.append(
                    Failure(explore.model, explore.name, name, field.location.file, field.location.line, message)
                )
                first = first or query
                continue
            middle = len(group) // 2
            next_round.extend([group[:middle], group[middle:]])
        pending = next_round
    failures.sort(key=lambda f: (f.file or "", f.line or 0, f.field))
    return ValidationReport(1, len(fields), tuple(failures), queries), first


def _query(explore: Explore, names: list[str]) -> Query:
    return Query(explore.model, explore.name, fields=names, limit=0, sorts=(UNSORTED,))
