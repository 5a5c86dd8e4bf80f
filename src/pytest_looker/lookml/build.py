"""Merged raw trees → typed views, explores and data tests."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pytest_looker import immutable
from pytest_looker.errors import Location
from pytest_looker.lookml.fields import (
    Locate,
    Report,
    build_fields,
    filter_conditions,
    string_list,
    text,
    yes,
)
from pytest_looker.lookml.model import (
    AccessFilter,
    Assert,
    BindFilter,
    ConditionallyFilter,
    DataTest,
    DerivedColumn,
    DerivedTable,
    Explore,
    ExploreSource,
    FilterCondition,
    Join,
    NativeColumn,
    SortSpec,
    View,
    frozen_mapping,
)
from pytest_looker.lookml.syntax import RawNode

_PERSISTENCE_KEYS = (
    "datagroup_trigger",
    "sql_trigger_value",
    "persist_for",
    "interval_trigger",
    "materialized_view",
)


def build_view(node: RawNode, locate: Locate, report: Report, refined_at: tuple[Location, ...]) -> View:
    name = str(node["$name"])
    derived = node.get("derived_table")
    return View(
        name=name,
        location=locate(node),
        fields=frozen_mapping(build_fields(name, node, locate, report)),
        sql_table_name=text(node.get("sql_table_name")),
        derived_table=_derived_table(derived, locate, report) if isinstance(derived, dict) else None,
        extension_required=str(node.get("extension", "")).lower() == "required",
        extends=tuple(node.get("$extends", [])),
        refined_at=refined_at,
        sets=frozen_mapping(
            {str(s["$name"]): string_list(s.get("fields")) for s in node.get("set", []) if isinstance(s, dict)}
        ),
        label=text(node.get("label")),
        raw=frozen_mapping(node),
    )


def _derived_table(node: RawNode, locate: Locate, report: Report) -> DerivedTable:
    source = node.get("explore_source")
    process = node.get("create_process")
    return DerivedTable(
        location=locate(node),
        sql=text(node.get("sql")) or (_created_by(process) if isinstance(process, dict) else None),
        explore_source=explore_source(source, locate) if isinstance(source, dict) else None,
        persisted=any(key in node for key in _PERSISTENCE_KEYS),
    )


_FILLS_TABLE = re.compile(
    r"^\s*(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?TABLE|INSERT\s+INTO)\s+\$\{\s*SQL_TABLE_NAME\s*\}"
    r"(?:\s*\([^)]*\))?\s*(?:AS\s+)?(?P<select>(?:WITH|SELECT|\().*)$",
    re.IGNORECASE | re.DOTALL,
)


def _created_by(process: RawNode) -> str | None:
    """The SELECT whose rows a ``create_process`` puts in ``${SQL_TABLE_NAME}``.

    A ``create_process`` persists a derived table through ``sql_step``s (docs,
    param-view-create-process); the table a query reads holds what the steps that write
    ``${SQL_TABLE_NAME}`` (``CREATE TABLE … AS SELECT``, ``INSERT INTO … SELECT``) select, so that
    is the derived table's SQL offline (several such steps: their UNION ALL). Steps that only
    prepare other tables stay the warehouse's business; the tables they fill are read as such.
    """
    steps = process.get("sql_step", [])
    selects = [
        found.group("select").strip().rstrip(";").strip()
        for step in (steps if isinstance(steps, list) else [steps])
        if isinstance(step, str) and (found := _FILLS_TABLE.match(step))
    ]
    return "\nUNION ALL\n".join(selects) or None


def explore_source(node: RawNode, locate: Locate) -> ExploreSource:
    """An ``explore_source`` block of a native derived table or a data test."""
    explore = str(node.get("$name", ""))
    columns = tuple(
        NativeColumn(
            name=str(c.get("$name", "")),
            field=str(c.get("field") or f"{explore}.{c.get('$name', '')}"),
            location=locate(c),
        )
        for c in node.get("column", [])
        if isinstance(c, dict)
    )
    derived = tuple(
        DerivedColumn(str(c.get("$name", "")), str(c.get("sql", "")), locate(c))
        for c in node.get("derived_column", [])
        if isinstance(c, dict)
    )
    binds = tuple(
        BindFilter(str(b.get("from_field", "")), str(b.get("to_field", "")))
        for b in node.get("bind_filters", [])
        if isinstance(b, dict)
    )
    return ExploreSource(
        explore=explore,
        location=locate(node),
        columns=columns,
        derived_columns=derived,
        filters=filter_conditions(node.get("filters")),
        bind_filters=binds,
        bind_all_filters=yes(node.get("bind_all_filters")),
        sorts=_sorts(node),
        limit=_int(node.get("limit")),
        timezone=text(node.get("timezone")),
    )


def _sorts(node: RawNode) -> tuple[SortSpec, ...]:
    sorts: list[SortSpec] = []
    for item in node.get("sorts", []) if isinstance(node.get("sorts"), list) else []:
        if isinstance(item, dict):
            for key, direction in item.items():
                if not key.startswith("$"):
                    sorts.append(SortSpec(key, str(direction).lower() == "desc"))
    for item in node.get("sort", []) if isinstance(node.get("sort"), list) else []:
        if isinstance(item, dict) and item.get("field"):
            sorts.append(SortSpec(str(item["field"]), yes(item.get("desc"))))
    if isinstance(node.get("sort"), dict) and node["sort"].get("field"):
        sorts.append(SortSpec(str(node["sort"]["field"]), yes(node["sort"].get("desc"))))
    return tuple(sorts)


def _int(value: Any) -> int | None:
    try:
        return None if value is None else int(str(value))
    except ValueError:
        return None


def build_explore(node: RawNode, model: str, locate: Locate, refined_at: tuple[Location, ...]) -> Explore:
    name = str(node["$name"])
    base_view = text(node.get("from")) or text(node.get("view_name")) or name
    alias = text(node.get("view_name")) if node.get("from") and node.get("view_name") else None
    alias = alias or (name if node.get("from") else base_view)
    always = node.get("always_filter")
    conditional = node.get("conditionally_filter")
    return Explore(
        name=name,
        model=model,
        location=locate(node),
        view_name=alias,
        view=base_view,
        joins=tuple(_join(j, locate) for j in node.get("join", []) if isinstance(j, dict)),
        fields=string_list(node.get("fields")) if "fields" in node else None,
        sql_always_where=text(node.get("sql_always_where")),
        sql_always_having=text(node.get("sql_always_having")),
        always_filter=_on_base(filter_conditions(always.get("filters")), alias) if isinstance(always, dict) else (),
        conditionally_filter=(
            ConditionallyFilter(
                _on_base(filter_conditions(conditional.get("filters")), alias),
                tuple(_qualify(name, alias) for name in string_list(conditional.get("unless"))),
            )
            if isinstance(conditional, dict)
            else None
        ),
        access_filters=tuple(
            AccessFilter(_qualify(str(a.get("field", "")), alias), str(a.get("user_attribute", "")))
            for a in node.get("access_filter", [])
            if isinstance(a, dict)
        ),
        always_join=string_list(node.get("always_join")),
        symmetric_aggregates=yes(node.get("symmetric_aggregates"), default=True),
        sql_preamble=text(node.get("sql_preamble")),
        sql_table_name=text(node.get("sql_table_name")),
        case_sensitive=None if node.get("case_sensitive") is None else yes(node.get("case_sensitive")),
        week_start_day=text(node.get("week_start_day")),
        extension_required=str(node.get("extension", "")).lower() == "required",
        hidden=yes(node.get("hidden")),
        extends=tuple(node.get("$extends", [])),
        refined_at=refined_at,
        label=text(node.get("label")),
        raw=frozen_mapping(node),
    )


def _qualify(name: str, base_alias: str) -> str:
    """A field an explore's filter names, with its view: a bare name is the base view's.

    Looker's docs (always_filter, conditionally_filter): a field of a joined view is written
    ``view_name.field_name``; a bare name refers to the explore's base view. mozilla/looker-hub
    writes ``filters: [submission_date: "28 days"]`` in hundreds of production explores.
    """
    return name if "." in name or not name else f"{base_alias}.{name}"


def _on_base(conditions: tuple[FilterCondition, ...], base_alias: str) -> tuple[FilterCondition, ...]:
    return tuple(immutable.replace(c, field=_qualify(c.field, base_alias)) for c in conditions)


def _join(node: RawNode, locate: Locate) -> Join:
    name = str(node.get("$name", ""))
    return Join(
        name=name,
        view=text(node.get("from")) or name,
        location=locate(node),
        type=str(node.get("type", "left_outer")),
        relationship=str(node.get("relationship", "many_to_one")),
        sql_on=text(node.get("sql_on")),
        foreign_key=text(node.get("foreign_key")),
        sql=text(node.get("sql")),
        sql_where=text(node.get("sql_where")),
        sql_table_name=text(node.get("sql_table_name")),
        required_joins=string_list(node.get("required_joins")),
        fields=string_list(node.get("fields")) if "fields" in node else None,
        view_label=text(node.get("view_label")),
        raw=frozen_mapping(node),
    )


def build_test(node: RawNode, model: str, locate: Locate, report: Callable[[RawNode, str], None]) -> DataTest | None:
    name = str(node.get("$name", ""))
    source = node.get("explore_source")
    if not isinstance(source, dict):
        report(node, f"test {name!r} has no explore_source")
        return None
    asserts = tuple(
        Assert(str(a.get("$name", "")), str(a.get("expression", "")), locate(a))
        for a in node.get("assert", [])
        if isinstance(a, dict)
    )
    if not asserts:
        report(node, f"test {name!r} has no assert")
    return DataTest(name, model, locate(node), explore_source(source, locate), asserts)
