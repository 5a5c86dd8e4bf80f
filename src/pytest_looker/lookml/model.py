"""Typed, immutable objects of a resolved LookML project.

These are what the compiler, the pytest plugin and the CLI read. They hold LookML *after*
constants, ``extends`` and refinements have been applied and dimension groups expanded, so no
consumer needs to know how a value came to be. Every object keeps its :class:`Location` (the
file relative to the project root and the 1-based line) for error messages, and its merged raw
parameters in ``raw`` for the many LookML parameters that do not change SQL (labels, html...).

Objects are frozen dataclasses holding tuples and read-only mappings, so they can be shared
between threads, cached, and compared.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from pytest_looker.errors import Location, LookMLError
from pytest_looker.immutable import field, record

EMPTY_MAPPING: Mapping[str, Any] = MappingProxyType({})


def _empty() -> Mapping[str, Any]:
    return EMPTY_MAPPING


def frozen_mapping(items: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """A read-only copy that keeps insertion order (declaration order matters in LookML)."""
    return MappingProxyType(dict(items or {}))


class Severity(str, enum.Enum):
    """How bad a diagnostic is: errors make ``inspect`` exit 1, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@record
class Diagnostic:
    """One problem in the user's LookML, reported instead of raised."""

    severity: Severity
    message: str
    location: Location

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value}: {self.message}"


class FieldCategory(str, enum.Enum):
    """The four kinds of LookML field; they share one namespace within a view."""

    DIMENSION = "dimension"
    MEASURE = "measure"
    FILTER = "filter"
    PARAMETER = "parameter"


@record
class FilterCondition:
    """A ``field: "expression"`` pair (measure ``filters``, ``always_filter``, NDT filters...)."""

    field: str
    expression: str


@record
class AllowedValue:
    """An ``allowed_value`` of a parameter or filter field."""

    label: str
    value: str


@record
class CaseWhen:
    """One ``when`` of a ``type: case`` dimension."""

    sql: str
    label: str


@record
class Field:
    """A dimension, measure, filter field or parameter, after inheritance and group expansion.

    ``name`` is the field's name within its view (``created_month``); fields generated from a
    ``dimension_group`` know their ``group`` and their ``timeframe`` (time groups) or ``interval``
    (duration groups).
    """

    view: str
    name: str
    category: FieldCategory
    type: str
    location: Location
    sql: str | None = None
    primary_key: bool = False
    hidden: bool = False
    label: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    comments: str = ""
    filters: tuple[FilterCondition, ...] = ()
    group: str | None = None
    timeframe: str | None = None
    interval: str | None = None
    datatype: str | None = None
    convert_tz: bool = True
    sql_start: str | None = None
    sql_end: str | None = None
    tiers: tuple[float, ...] = ()
    style: str | None = None
    cases: tuple[CaseWhen, ...] = ()
    case_else: str | None = None
    sql_distinct_key: str | None = None
    percentile: float | None = None
    list_field: str | None = None
    sql_latitude: str | None = None
    sql_longitude: str | None = None
    allowed_values: tuple[AllowedValue, ...] = ()
    default_value: str | None = None
    suggest_dimension: str | None = None
    case_sensitive: bool | None = None
    required_access_grants: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, compare=False, repr=False)

    @property
    def full_name(self) -> str:
        """``view.field``, the name used in queries and result columns."""
        return f"{self.view}.{self.name}"

    @property
    def is_dimension(self) -> bool:
        return self.category is FieldCategory.DIMENSION

    @property
    def is_measure(self) -> bool:
        return self.category is FieldCategory.MEASURE

    @property
    def ci_ignored(self) -> bool:
        """Marked to be skipped by SQL validation, as Spectacles does: a tag, a LookML comment, or
        a SQL comment in the field's ``sql`` (Spectacles' documented ``-- spectacles: ignore``)."""
        markers = ("spectacles: ignore", "ci: ignore")
        lowered = f"{self.comments}\n{self.sql or ''}".lower()
        return any(tag.lower() in markers for tag in self.tags) or any(m in lowered for m in markers)


@record
class NativeColumn:
    """A ``column`` of an ``explore_source``: its output name and the field it selects."""

    name: str
    field: str
    location: Location


@record
class DerivedColumn:
    """A ``derived_column`` of a native derived table: SQL over the other columns."""

    name: str
    sql: str
    location: Location


@record
class BindFilter:
    """``bind_filters``: the outer query's filter on ``from_field`` applies to ``to_field``."""

    from_field: str
    to_field: str


@record
class SortSpec:
    """A sort in an ``explore_source`` or a data test."""

    field: str
    descending: bool = False


@record
class ExploreSource:
    """An ``explore_source`` block: a query on an explore (native derived tables, data tests)."""

    explore: str
    location: Location
    columns: tuple[NativeColumn, ...] = ()
    derived_columns: tuple[DerivedColumn, ...] = ()
    filters: tuple[FilterCondition, ...] = ()
    bind_filters: tuple[BindFilter, ...] = ()
    bind_all_filters: bool = False
    sorts: tuple[SortSpec, ...] = ()
    limit: int | None = None
    timezone: str | None = None


@record
class DerivedTable:
    """A view's ``derived_table``: either SQL or a native ``explore_source`` query."""

    location: Location
    sql: str | None = None
    explore_source: ExploreSource | None = None
    persisted: bool = False


@record
class View:
    """A view as a model sees it: its refinements and parents already applied."""

    name: str
    location: Location
    fields: Mapping[str, Field]
    sql_table_name: str | None = None
    derived_table: DerivedTable | None = None
    extension_required: bool = False
    extends: tuple[str, ...] = ()
    refined_at: tuple[Location, ...] = ()
    sets: Mapping[str, tuple[str, ...]] = field(default_factory=_empty)
    label: str | None = None
    raw: Mapping[str, Any] = field(default_factory=_empty, compare=False, repr=False)

    @property
    def primary_key(self) -> Field | None:
        """The dimension with ``primary_key: yes`` (Looker allows one per view)."""
        return next((f for f in self.fields.values() if f.primary_key), None)

    def dimensions(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields.values() if f.is_dimension)

    def measures(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields.values() if f.is_measure)


@record
class Join:
    """A ``join`` of an explore. ``name`` is the alias used in SQL and field names."""

    name: str
    view: str
    location: Location
    type: str = "left_outer"
    relationship: str = "many_to_one"
    sql_on: str | None = None
    foreign_key: str | None = None
    sql: str | None = None
    sql_where: str | None = None
    sql_table_name: str | None = None
    required_joins: tuple[str, ...] = ()
    fields: tuple[str, ...] | None = None
    view_label: str | None = None
    raw: Mapping[str, Any] = field(default_factory=_empty, compare=False, repr=False)


@record
class AccessFilter:
    """``access_filter``: rows are restricted to the user attribute's value."""

    field: str
    user_attribute: str


@record
class ConditionallyFilter:
    """Default filters dropped when the user filters any ``unless`` field."""

    filters: tuple[FilterCondition, ...]
    unless: tuple[str, ...]


@record
class Explore:
    """An explore of a model. ``view_name`` is the base alias, ``view`` the base view."""

    name: str
    model: str
    location: Location
    view_name: str
    view: str
    joins: tuple[Join, ...] = ()
    fields: tuple[str, ...] | None = None
    sql_always_where: str | None = None
    sql_always_having: str | None = None
    always_filter: tuple[FilterCondition, ...] = ()
    conditionally_filter: ConditionallyFilter | None = None
    access_filters: tuple[AccessFilter, ...] = ()
    always_join: tuple[str, ...] = ()
    symmetric_aggregates: bool = True
    sql_preamble: str | None = None
    sql_table_name: str | None = None
    case_sensitive: bool | None = None
    week_start_day: str | None = None
    extension_required: bool = False
    hidden: bool = False
    extends: tuple[str, ...] = ()
    refined_at: tuple[Location, ...] = ()
    label: str | None = None
    raw: Mapping[str, Any] = field(default_factory=_empty, compare=False, repr=False)

    def join(self, name: str) -> Join | None:
        return next((j for j in self.joins if j.name == name), None)

    def aliases(self) -> dict[str, str]:
        """Every alias the explore can query (base and joins) → the view it reads."""
        result = {self.view_name: self.view}
        result.update({j.name: j.view for j in self.joins})
        return result

    def parameter_location(self, parameter: str, index: int = 0) -> Location:
        """Where the explore writes ``parameter`` (``always_filter``, the ``index``-th
        ``access_filter``...), possibly in a refinement's file: the place an error about it points
        at, rather than the explore's first line."""
        raw = self.raw.get(parameter)
        if isinstance(raw, list):
            raw = raw[index] if index < len(raw) else None
        if isinstance(raw, Mapping) and isinstance(raw.get("$line"), int):
            return Location(str(raw.get("$file") or self.location.file), raw["$line"])
        lines = self.raw.get("$lines")  # plain values: their line, in the explore's file unless refined
        line = lines.get(parameter) if isinstance(lines, Mapping) and not self.refined_at else None
        return Location(self.location.file, line) if isinstance(line, int) else self.location


@record
class Assert:
    """One ``assert`` of a data test: a Looker expression that must hold on every row."""

    name: str
    expression: str
    location: Location


@record
class DataTest:
    """A LookML ``test:`` block."""

    name: str
    model: str
    location: Location
    explore_source: ExploreSource
    asserts: tuple[Assert, ...]


@record
class Model:
    """A model and everything it can see through its includes."""

    name: str
    location: Location
    connection: str | None
    files: tuple[str, ...]
    views: Mapping[str, View]
    explores: Mapping[str, Explore]
    tests: Mapping[str, DataTest] = field(default_factory=_empty)
    week_start_day: str = "monday"
    case_sensitive: bool | None = None
    fiscal_month_offset: int = 0
    label: str | None = None
    raw: Mapping[str, Any] = field(default_factory=_empty, compare=False, repr=False)


@record
class Constant:
    """A manifest ``constant``; ``value`` is after configuration overrides."""

    name: str
    value: str
    location: Location
    export: str | None = None
    overridden: bool = False


@record
class LocalDependency:
    """A ``local_dependency`` and where its project was found (``None``: not found)."""

    project: str
    location: Location
    path: str | None
    override_constants: Mapping[str, str] = field(default_factory=_empty)


@record
class Manifest:
    """The project's ``manifest.lkml`` (empty when the project has none)."""

    project_name: str | None = None
    location: Location | None = None
    constants: Mapping[str, Constant] = field(default_factory=_empty)
    local_dependencies: tuple[LocalDependency, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, compare=False, repr=False)


@record
class DashboardElement:
    """One tile of a LookML dashboard that queries an explore."""

    name: str
    location: Location
    model: str | None
    explore: str | None
    fields: tuple[str, ...] = ()
    filters: Mapping[str, str] = field(default_factory=_empty)
    sorts: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=_empty, compare=False, repr=False)


@record
class Dashboard:
    """A LookML dashboard (``*.dashboard.lookml``, YAML)."""

    name: str
    location: Location
    title: str | None
    elements: tuple[DashboardElement, ...]
    raw: Mapping[str, Any] = field(default_factory=_empty, compare=False, repr=False)


@record
class Project:
    """A loaded LookML project: models, dashboards and every diagnostic found.

    ``lookml_diagnostics`` are the problems found while loading the LookML; the dashboards'
    own (a file that does not parse) are found when the dashboards are first read, which the
    loader leaves to whoever needs them: :attr:`diagnostics` has both.
    """

    root: str
    manifest: Manifest
    models: Mapping[str, Model]
    dashboards: Mapping[str, Dashboard]
    files: tuple[str, ...]
    lookml_diagnostics: tuple[Diagnostic, ...]

    @property
    def name(self) -> str | None:
        return self.manifest.project_name

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every problem found, by file and line (reads the dashboards)."""
        extra: tuple[Diagnostic, ...] = getattr(self.dashboards, "diagnostics", ())
        if not extra:
            return self.lookml_diagnostics
        both = (*self.lookml_diagnostics, *extra)
        return tuple(sorted(both, key=lambda d: (d.location.file, d.location.line or 0, d.message)))

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.WARNING)

    def model(self, name: str) -> Model:
        """The model named ``name``; a :class:`~pytest_looker.errors.LookMLError` if unknown."""
        try:
            return self.models[name]
        except KeyError:
            known = ", ".join(sorted(self.models)) or "none"
            raise LookMLError(f"unknown model {name!r}{_did_you_mean(name, self.models)} (models: {known})") from None

    def explore(self, model: str, explore: str) -> Explore:
        """The explore ``model/explore``; a clear error naming what is unknown."""
        found = self.model(model).explores.get(explore)
        if found is None:
            explores = self.models[model].explores
            known = ", ".join(sorted(explores)) or "none"
            raise LookMLError(
                f"unknown explore {explore!r} in model {model!r}{_did_you_mean(explore, explores)} (explores: {known})"
            )
        return found


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def outline(item: View | Explore) -> tuple[str, int]:
    """A view's name and field count, or an explore's name and join count.

    It is what ``inspect``'s summary prints of each, stored beside each blob of a project-cache
    entry: a warm ``inspect`` would otherwise decode every view of the project only to count its
    fields.
    """
    return (item.name, len(item.fields)) if isinstance(item, View) else (item.name, len(item.joins))


def outlines(items: Mapping[str, View] | Mapping[str, Explore]) -> list[tuple[str, int]]:
    """:func:`outline` of every value of a model's ``views`` or ``explores``, in order.

    Read from the project-cache entry when the mapping came from one (its ``outlines()``), so a
    warm load decodes nothing.
    """
    stored = getattr(items, "outlines", None)
    if stored is not None:
        result: list[tuple[str, int]] = stored()
        return result
    return [outline(item) for item in items.values()]
