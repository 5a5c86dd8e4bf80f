"""pytest collectors and items: LookML data tests, unit-test specs, SQL validation, key checks.

Every item reports at the LookML or YAML file:line it comes from (``reportinfo``), fails with a
readable text instead of a traceback (``repr_failure``: a :class:`LookerFailure` or any
:class:`~pytest_looker.errors.LookerError` is shown as its message), and records the SQL it ran
for the report and JUnit XML (``user_properties``; the plugin adds a report section).
"""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from pytest_looker.errors import Location, LookerError
from pytest_looker.lookml.model import DataTest, Explore, Project
from pytest_looker.testing.datatests import run_data_test
from pytest_looker.testing.diff import compare_rows
from pytest_looker.testing.keys import CheckOutcome, primary_key_check, relationship_check
from pytest_looker.testing.result import QueryResult
from pytest_looker.testing.session import run_compiled
from pytest_looker.testing.unit import SpecError, UnitSpec, column_types, load_specs

if TYPE_CHECKING:
    from _pytest._code.code import ExceptionInfo, TerminalRepr

    from pytest_looker.compile import CompiledQuery
    from pytest_looker.testing.plugin import LookerPlugin
    from pytest_looker.testing.session import LookerSession
    from pytest_looker.validation import ValidationReport

KIND_PROPERTY = "looker_kind"


class LookerFailure(Exception):
    """A check that ran and found a problem; ``str()`` is the whole report."""


#: The user property the audit trail reads an item's row count from.
ROWS_PROPERTY = "looker_rows"


class LookerItem(pytest.Item):
    """Base of our items: location, failure text, SQL recording."""

    kind: ClassVar[str] = "looker"

    def __init__(self, *, label: str, location: Location | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label = label
        self.looker_location = location
        self.sql_text: list[str] = []
        self.user_properties.append((KIND_PROPERTY, self.kind))

    @property
    def plugin(self) -> LookerPlugin:
        from pytest_looker.testing.plugin import PLUGIN_KEY

        return self.config.stash[PLUGIN_KEY]

    @property
    def session_(self) -> LookerSession:
        return self.plugin.session()

    def record_sql(self, sql: str) -> None:
        """Keep the SQL for the report section and as a JUnit property."""
        self.sql_text.append(sql)
        self.user_properties.append(("sql", sql))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.looker_location.line - 1 if self.looker_location and self.looker_location.line else None
        return self.path, line, f"[{self.kind}] {self.label}"

    def repr_failure(self, excinfo: ExceptionInfo[BaseException], style: Any = None) -> str | TerminalRepr:
        if isinstance(excinfo.value, LookerFailure):
            return str(excinfo.value)
        if isinstance(excinfo.value, LookerError):
            text = f"[{self.kind}] {self.label} ({self.looker_location}): {excinfo.value}"
            if self.sql_text:
                text += "\n\nSQL:\n" + self.sql_text[-1]
            return text
        return super().repr_failure(excinfo, style=style)

    def _skip_when_replay_only(self) -> None:
        """Live-only checks are skipped, with the reason, when replaying (``--looker-record=none``).

        SQL validation and key checks run queries that are not recorded; in replay nothing live may
        be contacted, so they say why they did not run instead of opening the backend.
        """
        recorder = self.session_.recorder
        if recorder is not None and recorder.mode == "none":
            pytest.skip(
                f"[{self.kind}] runs live queries, which are not recorded: skipped with --looker-record=none "
                "(run it against a backend to check it)"
            )

    def _fail(self, headline: str, details: Iterable[str], sql: str | None = None) -> None:
        body = "\n\n".join(details)
        text = f"{headline}\n\n{body}"
        if sql:
            text += f"\n\nSQL:\n{sql}"
        raise LookerFailure(text)


class DataTestItem(LookerItem):
    """A LookML ``test:`` block."""

    kind = "lookml-test"

    def __init__(self, *, test: DataTest, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.test = test

    def runtest(self) -> None:
        session = self.session_
        outcome = run_data_test(session, self.test)
        if outcome.sql:
            self.record_sql(outcome.sql)
        if outcome.rows is not None:
            self.user_properties.append((ROWS_PROPERTY, outcome.rows))
        for warning in outcome.warnings:
            self.user_properties.append(("warning", warning))
        if outcome.failed:
            failed, count = len(outcome.failures), len(self.test.asserts)
            self._fail(
                f"LookML data test {self.label} ({self.test.location}): {failed} of {count} assert(s) failed",
                outcome.failures,
                outcome.sql,
            )


class SpecItem(LookerItem):
    """One test of a ``*.lkmltest.yml`` file."""

    kind = "unit"

    def __init__(self, *, spec: UnitSpec, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec

    def runtest(self) -> None:
        spec = self.spec
        where = f"unit test {spec.name} ({spec.location})"
        if spec.problem is not None:
            raise LookerFailure(f"{where}: malformed spec: {spec.problem}")
        session = self.session_
        query = spec.query
        made = session.make_query(
            spec.explore,
            fields=query["fields"],
            filters=query.get("filters"),
            sorts=query.get("sorts", ()),
            limit=query.get("limit"),
            user_attributes=query.get("user_attributes"),
            timezone=query.get("timezone"),
        )
        try:
            if spec.given is None and session.settings.backend == "looker":
                result = session.run(made)  # through Looker; `given` specs stay local and hermetic
                if result.sql:
                    self.record_sql(result.sql)
                self._compare(spec, result)
                return
            compiled = session.compile(made, target="duckdb" if spec.given is not None else None)
            self.record_sql(compiled.sql)
            if spec.given is None:
                result = session.run_compiled(compiled)
            else:
                result = self._run_hermetic(session, compiled, spec.given)
        except LookerError as exc:
            raise LookerFailure(f"{where} on {spec.explore}: {exc}" + self._sql_tail()) from None
        self._compare(spec, result)

    def _compare(self, spec: UnitSpec, result: QueryResult) -> None:
        self.user_properties.append((ROWS_PROPERTY, len(result.rows)))
        diff = compare_rows(
            result.rows, spec.expect_rows, ordered=spec.ordered, tolerance=spec.tolerance, available=result.columns
        )
        if diff:
            where = f"unit test {spec.name} ({spec.location})"
            self._fail(f"{where} on {spec.explore}: rows differ", [diff.render()], result.sql)

    @staticmethod
    def _run_hermetic(session: LookerSession, compiled: CompiledQuery, given: Any) -> QueryResult:
        """Run on a fresh in-memory DuckDB holding exactly the ``given`` tables."""
        from pytest_looker.run import DuckDBBackend

        with DuckDBBackend() as backend:
            backend.create_tables(given, column_types(session.project, compiled.query.model, given))
            try:
                return run_compiled(compiled, backend)
            except LookerError as exc:
                tables = ", ".join(backend.table_names()) or "none"
                raise LookerError(f"{exc.message}\n(given tables: {tables})") from None

    def _sql_tail(self) -> str:
        return f"\n\nSQL:\n{self.sql_text[-1]}" if self.sql_text else ""


class SqlValidationItem(LookerItem):
    """Every dimension and measure of one explore runs (LIMIT 0), bisected to each failing field."""

    kind = "sql"

    def __init__(self, *, explore: Explore, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.explore = explore

    def runtest(self) -> None:
        from pytest_looker.compile import Query
        from pytest_looker.validation import validate

        self._skip_when_replay_only()
        session = self.session_
        if session.settings.backend == "looker":  # Looker runs the LIMIT 0 queries
            from pytest_looker.looker.client.pytest_support import validate_in_looker

            report, looker_sql = validate_in_looker(session, self.explore)
            if report.failures:
                if looker_sql:
                    self.record_sql(looker_sql)
                self._report(report, looker_sql and f"-- Looker's SQL for {report.failures[0].field}\n{looker_sql}")
            return
        backend = session.backend
        dialect = session.dialect_for(self.explore.model)
        report = validate(
            session.project,
            [self.label],
            dialect=dialect,
            target=backend.dialect,
            execute=backend.execute,
            include_hidden=session.settings.include_hidden,
            user_attributes=session.settings.user_attributes,
            now=session.settings.now,
        )
        if not report.failures:
            return
        sql = None
        first = report.failures[0]
        try:
            query = Query(self.explore.model, self.explore.name, fields=[first.field], limit=0, sorts=("__UNSORTED__",))
            sql = session.compile(query).sql
            self.record_sql(sql)
        except LookerError:
            pass
        self._report(report, sql and f"-- the failing query of {first.field}\n{sql}")

    def _report(self, report: ValidationReport, sql: str | None) -> None:
        lines = [
            f"{f.file}:{f.line}  {f.field}\n" + textwrap.indent(f.message.strip(), "    ") for f in report.failures
        ]
        self._fail(
            f"SQL validation of {self.label}: {len(report.failures)} of {report.fields} field(s) fail",
            ["\n".join(lines)],
            sql,
        )


class _KeyItem(LookerItem):
    def _report(self, outcome: CheckOutcome, headline: str) -> None:
        for sql in outcome.sql:
            self.record_sql(sql)
        for note in outcome.notes:
            self.user_properties.append(("note", note))
        if outcome.problems:
            self._fail(headline, outcome.problems, outcome.sql[-1] if outcome.sql else None)
        if not outcome.sql and outcome.notes:
            pytest.skip("; ".join(outcome.notes))


class PrimaryKeyItem(_KeyItem):
    """A view's primary key is unique and not NULL."""

    kind = "keys"

    def __init__(self, *, model: str, view: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model_name = model
        self.view_name = view

    def runtest(self) -> None:
        self._skip_when_replay_only()
        outcome = primary_key_check(self.session_, self.model_name, self.view_name)
        self._report(outcome, f"primary key check of {self.label} failed")


class RelationshipItem(_KeyItem):
    """Every join of an explore matches rows as its ``relationship:`` says."""

    kind = "relationships"

    def __init__(self, *, explore: Explore, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.explore = explore

    def runtest(self) -> None:
        self._skip_when_replay_only()
        outcome = relationship_check(self.session_, self.explore.model, self.explore.name)
        self._report(outcome, f"relationship check of {self.label} failed")


class LookMLFile(pytest.File):
    """A ``.lkml`` file of the project: its data tests, and for a model file its explores' checks."""

    def collect(self) -> Iterator[pytest.Item]:
        from pytest_looker.testing.plugin import PLUGIN_KEY

        plugin = self.config.stash[PLUGIN_KEY]
        session = plugin.session()
        project = session.project
        relative = self.path.resolve().relative_to(session.root).as_posix()
        for model in project.models.values():
            for test in model.tests.values():
                if test.location.file == relative:
                    yield DataTestItem.from_parent(
                        self, name=f"{model.name}/{test.name}", label=f"{model.name}/{test.name}",
                        location=test.location, test=test,
                    )  # fmt: skip
        owner = next((m.name for m in project.models.values() if m.location.file == relative), None)
        if owner is not None:
            yield from self._model_items(plugin, project, owner)

    def _model_items(self, plugin: LookerPlugin, project: Project, model: str) -> Iterator[pytest.Item]:
        from pytest_looker.validation import select_explores

        settings = plugin.session().settings
        explores = [e for e in select_explores(project, settings.explores) if e.model == model]
        for explore in explores:
            label = f"{model}/{explore.name}"
            yield SqlValidationItem.from_parent(
                self, name=f"sql[{label}]", label=label, location=explore.location, explore=explore
            )
        if not settings.check_keys:
            return
        views = project.model(model).views
        seen: dict[str, None] = {}
        for explore in explores:
            for view_name in explore.aliases().values():
                seen.setdefault(view_name)
        for view_name in seen:
            view = views.get(view_name)
            if view is None:
                continue
            label = f"{model}/{view_name}"
            yield PrimaryKeyItem.from_parent(
                self, name=f"keys[{label}]", label=label, location=view.location, model=model, view=view_name
            )
        for explore in explores:
            if explore.joins:
                label = f"{model}/{explore.name}"
                yield RelationshipItem.from_parent(
                    self, name=f"relationships[{label}]", label=label, location=explore.location, explore=explore
                )


class SpecFile(pytest.File):
    """A ``*.lkmltest.yml`` file; a file that is not a valid spec becomes one failing item."""

    def collect(self) -> Iterator[pytest.Item]:
        shown = self.path.name
        with contextlib.suppress(ValueError):
            shown = self.path.relative_to(self.config.rootpath).as_posix()
        try:
            specs = load_specs(self.path, shown)
        except SpecError as exc:
            broken = UnitSpec(self.path.name, exc.location or Location(shown), "", {}, (), problem=exc.message)
            yield SpecItem.from_parent(self, name="<spec>", label=shown, location=broken.location, spec=broken)
            return
        for spec in specs:
            yield SpecItem.from_parent(self, name=spec.name, label=spec.name, location=spec.location, spec=spec)
