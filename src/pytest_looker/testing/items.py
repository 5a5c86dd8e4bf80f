"""pytest collectors and items: LookML data tests, unit-test specs, SQL validation, key checks.

An item holds the *names* of what it checks (model, explore, view, test, file) and looks the
LookML up when it runs: items are made from a :data:`~.plan.Plan` (:mod:`.describe`), possibly
read from the collection cache, so collecting needs neither the loader nor the checks — they
are imported by the first item that runs.

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

from pytest_looker.checks.outcome import Outcome, Problem, Target
from pytest_looker.errors import Location, LookerError, ReplayOnlyError
from pytest_looker.testing.state import KIND_PROPERTY, STATE_KEY

if TYPE_CHECKING:
    from _pytest._code.code import ExceptionInfo, TerminalRepr

    from pytest_looker.checks.specs import UnitSpec
    from pytest_looker.checks.validation import ValidationReport
    from pytest_looker.lookml.model import DataTest, Diagnostic, Explore
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
            from pytest_looker.checks.hints import setup_hint

            hint = setup_hint(self.workspace.settings, (p.message for p in outcome.problems))
            raise LookerFailure(outcome.report() + (f"\n\n{hint}" if hint else ""))


class LookMLDiagnosticsItem(LookerItem):
    """The LookML errors and warnings of one file: fails on errors, warns on warnings."""

    kind = "lookml"

    def __init__(self, *, file: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.file = file

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        from pytest_looker.testing.describe import workspace_diagnostics

        return workspace_diagnostics(self.workspace).get(self.file, ())

    def runtest(self) -> None:
        from pytest_looker.checks.diagnostics import diagnostics_outcome

        self.report(diagnostics_outcome(self.file, self.diagnostics))


class DataTestItem(LookerItem):
    """A LookML ``test:`` block."""

    kind = "lookml-test"

    def __init__(self, *, model: str, test: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model_name = model
        self.test_name = test

    @property
    def test(self) -> DataTest:
        return self.workspace.project.model(self.model_name).tests[self.test_name]

    def runtest(self) -> None:
        from pytest_looker.checks.datatests import run_data_test

        self.report(run_data_test(self.workspace, self.test))


class SpecItem(LookerItem):
    """One test of a ``*.lkmltest.yml`` file."""

    kind = "unit"

    def __init__(self, *, spec: UnitSpec | None = None, index: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._spec = spec
        self.index = index

    @property
    def spec(self) -> UnitSpec:
        """The test, read from its file when the item was made from the collection cache."""
        if self._spec is None:
            from pytest_looker.checks.specs import load_specs

            self._spec = load_specs(
                self.path, self.looker_target.location.file if self.looker_target.location else self.path.name
            )[self.index]
        return self._spec

    def runtest(self) -> None:
        from pytest_looker.checks.specs import run_spec

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

    def __init__(self, *, model: str, explore: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model_name = model
        self.explore_name = explore

    @property
    def explore(self) -> Explore:
        return self.workspace.project.model(self.model_name).explores[self.explore_name]

    def runtest(self) -> None:
        from pytest_looker.checks.validation import validate_explore

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
    from pytest_looker.checks.validation import probe_query

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
        from pytest_looker.checks.keys import primary_key_check

        self.report(primary_key_check(self.workspace, self.model_name, self.view_name))


class RelationshipItem(LookerItem):
    """Every join of an explore matches rows as its ``relationship:`` says."""

    kind = "relationships"

    def __init__(self, *, model: str, explore: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model_name = model
        self.explore_name = explore

    @property
    def explore(self) -> Explore:
        return self.workspace.project.model(self.model_name).explores[self.explore_name]

    def runtest(self) -> None:
        from pytest_looker.checks.keys import relationship_check

        self.report(relationship_check(self.workspace, self.model_name, self.explore_name))


class LookMLFile(pytest.File):
    """A ``.lkml`` file of the project: its diagnostics, data tests, and for a model file its explores' checks."""

    def collect(self) -> Iterator[pytest.Item]:
        return planned_items(self)


#: An item plan's kind → the item class it makes (:mod:`.describe`).
ITEM_CLASSES: dict[str, type[LookerItem]] = {
    "lookml": LookMLDiagnosticsItem,
    "lookml-test": DataTestItem,
    "sql": SqlValidationItem,
    "keys": PrimaryKeyItem,
    "relationships": RelationshipItem,
}


def planned_items(collector: pytest.File) -> Iterator[pytest.Item]:
    """The items the run's plan lists for ``collector``'s file (:func:`~.collection.plan_of`)."""
    from pytest_looker.testing.collection import plan_of

    state = collector.config.stash[STATE_KEY]
    relative = collector.path.resolve().relative_to(state.workspace.root).as_posix()
    for kind, name, target, args in plan_of(state)["items"].get(relative, ()):
        cls = ITEM_CLASSES.get(kind) or _dashboard_item_class()
        yield cls.from_parent(collector, name=name, target=Target.from_dict(target), **args)


def _dashboard_item_class() -> type[LookerItem]:
    from pytest_looker.testing.dashboards import DashboardItem

    return DashboardItem


class SpecFile(pytest.File):
    """A ``*.lkmltest.yml`` file; a file that is not a valid spec becomes one failing item.

    Its items (names, targets, markers) are cached by the file's bytes (:mod:`.plan`), so a warm
    collection neither parses the YAML nor imports the spec checks.
    """

    def collect(self) -> Iterator[pytest.Item]:
        shown = self.path.name
        with contextlib.suppress(ValueError):
            shown = self.path.relative_to(self.config.rootpath).as_posix()
        stored = _stored_specs(self, shown)
        if stored is not None:
            for index, (name, target, skip, xfail) in enumerate(stored):
                yield _spec_item(self, name, Target.from_dict(target), skip, xfail, index=index)
            return
        from pytest_looker.checks.specs import SpecError, UnitSpec, load_specs

        try:
            specs = load_specs(self.path, shown)
        except SpecError as exc:
            broken = UnitSpec(self.path.name, exc.location or Location(shown), "", {}, (), problem=exc.message)
            target = Target("unit", shown, broken.location, test=broken.name)
            yield SpecItem.from_parent(self, name="<spec>", target=target, spec=broken)
            return
        described = [(spec.name, _spec_item_target(spec).as_dict(), spec.skip, spec.xfail) for spec in specs]
        _store_specs(self, shown, described)
        for index, spec in enumerate(specs):
            yield _spec_item(self, spec.name, _spec_item_target(spec), spec.skip, spec.xfail, index=index, spec=spec)


def _spec_item(
    parent: SpecFile, name: str, target: Target, skip: str | None, xfail: str | None, **kwargs: Any
) -> SpecItem:
    item: SpecItem = SpecItem.from_parent(parent, name=name, target=target, **kwargs)
    if skip is not None:
        item.add_marker(pytest.mark.skip(reason=skip))
    if xfail is not None:
        item.add_marker(pytest.mark.xfail(reason=xfail, raises=LookerFailure))
    return item


def _spec_entry(collector: SpecFile, shown: str) -> Path | None:
    from pytest_looker.lookml.cache import default_cache_dir
    from pytest_looker.testing.plan import spec_entry_path

    directory = default_cache_dir()
    if directory is None:
        return None
    try:
        data = collector.path.read_bytes()
    except OSError:
        return None
    return spec_entry_path(directory, shown, data)


def _stored_specs(collector: SpecFile, shown: str) -> list[Any] | None:
    from pytest_looker.testing.plan import read_specs

    entry = _spec_entry(collector, shown)
    return read_specs(entry) if entry is not None else None


def _store_specs(collector: SpecFile, shown: str, described: list[Any]) -> None:
    from pytest_looker.testing.plan import write_specs

    entry = _spec_entry(collector, shown)
    if entry is not None:
        write_specs(entry, described)


def _spec_item_target(spec: UnitSpec) -> Target:
    from pytest_looker.checks.specs import spec_target

    target = spec_target(spec)
    return Target(target.kind, spec.name, target.location, target.model, target.explore, test=spec.name)
