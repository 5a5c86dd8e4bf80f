"""pytest collectors and items: LookML data tests, unit-test specs, SQL validation, key checks.

Each item runs one pytest-free check (:mod:`pytest_looker.checks`) and renders its
:class:`~pytest_looker.checks.outcome.Outcome`: it reports at the LookML or YAML file:line it
comes from (``reportinfo``), fails with the outcome's report instead of a traceback
(``repr_failure``), is skipped with the outcome's reason, and records the SQL it ran for the
report and JUnit XML (``user_properties``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from pytest_looker.checks.datatests import data_test_target, run_data_test
from pytest_looker.checks.diagnostics import (
    diagnostics_by_file,
    diagnostics_outcome,
    diagnostics_target,
    settings_diagnostics,
)
from pytest_looker.checks.hints import setup_hint
from pytest_looker.checks.keys import keys_target, primary_key_check, relationship_check, relationships_target
from pytest_looker.checks.outcome import Outcome, Problem, Target
from pytest_looker.checks.specs import SpecError, UnitSpec, load_specs, run_spec, spec_target
from pytest_looker.checks.validation import ValidationReport, probe_query, select_explores, validate_explore
from pytest_looker.errors import Location, LookerError, ReplayOnlyError
from pytest_looker.lookml.model import DataTest, Diagnostic, Explore, Project
from pytest_looker.testing.state import KIND_PROPERTY, STATE_KEY

if TYPE_CHECKING:
    from _pytest._code.code import ExceptionInfo, TerminalRepr

    from pytest_looker.testing.state import LookerState
    from pytest_looker.workspace import Workspace

__all__ = [
    "KIND_PROPERTY",
    "ROWS_PROPERTY",
    "DataTestItem",
    "LookMLDiagnosticsItem",
    "LookMLFile",
    "LookMLWarning",
    "LookerFailure",
    "LookerItem",
    "PrimaryKeyItem",
    "RelationshipItem",
    "SpecFile",
    "SpecItem",
    "SqlValidationItem",
]

#: The user property the audit trail reads an item's row count from.
ROWS_PROPERTY = "looker_rows"


class LookerFailure(Exception):
    """A check that ran and found a problem; ``str()`` is the whole report."""


class LookMLWarning(UserWarning):
    """A LookML warning, or a check's warning (``-W error::pytest_looker.testing.items.LookMLWarning``
    makes them fail the item that found them)."""


class LookerItem(pytest.Item):
    """Base of our items: a :class:`Target`, failure text, SQL recording."""

    kind: ClassVar[str] = "looker"

    def __init__(self, *, target: Target, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.looker_target = target
        self.looker_outcome: Outcome | None = None
        self.sql_text: list[str] = []
        self.user_properties.append((KIND_PROPERTY, self.kind))

    @classmethod
    def from_parent(cls, parent: pytest.Collector, *, name: str, **kwargs: Any) -> Any:  # type: ignore[override]
        """The node id is given as text, ``<file>::<name>``, so that pytest reads it back the way it
        reads the ids it stores (``--lf``, ``--ff``, ``--deselect``): our names contain ``[...]``
        without being parametrised, and pytest 9 parses an id's brackets as parameters."""
        return super().from_parent(parent, name=name, nodeid=f"{parent.nodeid}::{name}", **kwargs)

    @property
    def label(self) -> str:
        return self.looker_target.label

    @property
    def looker_location(self) -> Location | None:
        return self.looker_target.location

    @property
    def state(self) -> LookerState:
        return self.config.stash[STATE_KEY]

    @property
    def workspace(self) -> Workspace:
        return self.state.workspace

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

    def warn_at(self, warning: Problem) -> None:
        """Warn at the warning's own file:line (pytest's summary shows it and its source line).

        ``Item.warn`` would put every warning at the item's first line; a file's LookML warnings
        are at different lines.
        """
        location = warning.location
        if location is None or location.line is None:
            self.warn(LookMLWarning(f"[{self.kind}] {self.label}: {warning.text()}"))
            return
        message = warning.message.removeprefix(f"{location}: ")
        if warning.field is not None and warning.field not in message:
            message = f"{warning.field}: {message}"
        warnings.warn_explicit(
            LookMLWarning(f"[{self.kind}] {self.label}: {message}"),
            category=None,
            filename=self._shown_path(self.workspace.root / location.file),
            lineno=location.line,
        )

    def _shown_path(self, path: Path) -> str:
        """``path`` as pytest shows item locations: relative to the rootdir when under it."""
        try:
            return str(path.resolve().relative_to(self.config.rootpath))
        except ValueError:
            return str(path)

    def report(self, outcome: Outcome) -> None:
        """Render a check's outcome: properties and warnings, then skip or fail as it says."""
        self.looker_outcome = outcome
        for sql in outcome.sql:
            self.record_sql(sql)
        if outcome.rows is not None:
            self.user_properties.append((ROWS_PROPERTY, outcome.rows))
        for warning in outcome.warnings:
            self.user_properties.append(("warning", warning.text()))
            self.warn_at(warning)
        for note in outcome.notes:
            self.user_properties.append(("note", note))
        if outcome.skipped is not None and not outcome.problems:
            pytest.skip(f"[{self.kind}] {outcome.skipped}")
        if outcome.problems:
            hint = setup_hint(self.workspace.settings, (p.message for p in outcome.problems))
            raise LookerFailure(outcome.report() + (f"\n\n{hint}" if hint else ""))


class LookMLDiagnosticsItem(LookerItem):
    """The LookML errors and warnings of one file: fails on errors, warns on warnings."""

    kind = "lookml"

    def __init__(self, *, file: str, diagnostics: tuple[Diagnostic, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.file = file
        self.diagnostics = diagnostics

    def runtest(self) -> None:
        self.report(diagnostics_outcome(self.file, self.diagnostics))


def diagnostics_items(parent: pytest.File, file: str, workspace: Workspace) -> Iterator[pytest.Item]:
    """The diagnostics item of ``file`` when the loader reported anything there."""
    found = workspace_diagnostics(workspace).get(file)
    if found:
        target = diagnostics_target(file, found)
        yield LookMLDiagnosticsItem.from_parent(parent, name="lookml", target=target, file=file, diagnostics=found)


def workspace_diagnostics(workspace: Workspace) -> dict[str, tuple[Diagnostic, ...]]:
    """The project's diagnostics by file, computed once per workspace."""

    def build() -> dict[str, tuple[Diagnostic, ...]]:
        extra = settings_diagnostics(workspace.project, workspace.settings)
        return dict(diagnostics_by_file(workspace.project, workspace.root, extra))

    return workspace.cached("testing.diagnostics", build)


class DataTestItem(LookerItem):
    """A LookML ``test:`` block."""

    kind = "lookml-test"

    def __init__(self, *, test: DataTest, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.test = test

    def runtest(self) -> None:
        self.report(run_data_test(self.workspace, self.test))


class SpecItem(LookerItem):
    """One test of a ``*.lkmltest.yml`` file."""

    kind = "unit"

    def __init__(self, *, spec: UnitSpec, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec

    def runtest(self) -> None:
        outcome = run_spec(self.workspace, self.spec)
        if self.spec.severity == "warn" and outcome.failed:
            outcome = dataclasses.replace(
                outcome,
                problems=(),
                warnings=(
                    *outcome.warnings,
                    Problem(f"fails (severity: warn):\n{outcome.report()}", self.spec.location),
                ),
            )
        self.report(outcome)


class SqlValidationItem(LookerItem):
    """Every dimension and measure of one explore runs (no rows), bisected to each failing field."""

    kind = "sql"

    def __init__(self, *, explore: Explore, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.explore = explore

    def runtest(self) -> None:
        workspace = self.workspace
        runner = workspace.runner
        try:
            report = validate_explore(
                workspace, self.explore, runner=runner, include_hidden=workspace.settings.include_hidden
            )
        except ReplayOnlyError as exc:
            pytest.skip(f"[{self.kind}] {exc.message}")
        self.report(_validation_outcome(self.looker_target, report, workspace, self.explore))


def _validation_outcome(target: Target, report: ValidationReport, workspace: Workspace, explore: Explore) -> Outcome:
    # A field Looker leaves out of its query (its Explore warning) passes with that warning.
    warnings = tuple(
        Problem(w.message, Location(w.file, w.line) if w.file else None, field=w.field) for w in report.warnings
    )
    if not report.failures:
        return Outcome(target, warnings=warnings)
    first = report.failures[0]
    sql: tuple[str, ...] = ()
    if first.field != "*":
        with contextlib.suppress(LookerError):
            sql = (f"-- the failing query of {first.field}\n" + workspace.runner.sql(
                probe_query(workspace, explore, [first.field])),)  # fmt: skip
    problems = tuple(
        Problem(f.message, Location(f.file, f.line) if f.file else None, field=f.field) for f in report.failures
    )
    return Outcome(
        target,
        problems,
        headline=f"SQL validation of {target.label}: {len(report.failures)} of {report.fields} field(s) fail",
        warnings=warnings,
        sql=sql,
    )


class PrimaryKeyItem(LookerItem):
    """A view's primary key is unique and not NULL."""

    kind = "keys"

    def __init__(self, *, model: str, view: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model_name = model
        self.view_name = view

    def runtest(self) -> None:
        self.report(primary_key_check(self.workspace, self.model_name, self.view_name))


class RelationshipItem(LookerItem):
    """Every join of an explore matches rows as its ``relationship:`` says."""

    kind = "relationships"

    def __init__(self, *, explore: Explore, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.explore = explore

    def runtest(self) -> None:
        self.report(relationship_check(self.workspace, self.explore.model, self.explore.name))


class LookMLFile(pytest.File):
    """A ``.lkml`` file of the project: its data tests, and for a model file its explores' checks."""

    def collect(self) -> Iterator[pytest.Item]:
        state = self.config.stash[STATE_KEY]
        workspace = state.workspace
        project = workspace.project
        relative = self.path.resolve().relative_to(workspace.root).as_posix()
        yield from diagnostics_items(self, relative, workspace)
        for model in project.models.values():
            for test in model.tests.values():
                if test.location.file == relative:
                    yield DataTestItem.from_parent(
                        self, name=f"{model.name}/{test.name}", target=data_test_target(test), test=test
                    )
        owner = next((m.name for m in project.models.values() if m.location.file == relative), None)
        if owner is not None:
            yield from self._model_items(workspace, project, owner)

    def _model_items(self, workspace: Workspace, project: Project, model: str) -> Iterator[pytest.Item]:
        settings = workspace.settings
        explores = [e for e in select_explores(project, settings.explores) if e.model == model]
        for explore in explores:
            label = f"{model}/{explore.name}"
            target = Target("sql", label, explore.location, model=model, explore=explore.name)
            yield SqlValidationItem.from_parent(self, name=f"sql[{label}]", target=target, explore=explore)
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
            yield PrimaryKeyItem.from_parent(
                self, name=f"keys[{model}/{view_name}]", target=keys_target(model, view), model=model, view=view_name
            )
        for explore in explores:
            if explore.joins:
                label = f"{model}/{explore.name}"
                yield RelationshipItem.from_parent(
                    self, name=f"relationships[{label}]", target=relationships_target(explore), explore=explore
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
            target = Target("unit", shown, broken.location, test=broken.name)
            yield SpecItem.from_parent(self, name="<spec>", target=target, spec=broken)
            return
        for spec in specs:
            item = SpecItem.from_parent(self, name=spec.name, target=_spec_item_target(spec), spec=spec)
            if spec.skip is not None:
                item.add_marker(pytest.mark.skip(reason=spec.skip))
            if spec.xfail is not None:
                item.add_marker(pytest.mark.xfail(reason=spec.xfail, raises=LookerFailure))
            yield item


def _spec_item_target(spec: UnitSpec) -> Target:
    target = spec_target(spec)
    return Target(target.kind, spec.name, target.location, target.model, target.explore, test=spec.name)
