"""Unit tests of metric logic in ``*.lkmltest.yml`` files, in dbt's given/expect vocabulary.

::

    tests:
      - name: completed_orders_by_month
        explore: ecommerce/orders
        given:                       # optional: the test then runs on a fresh DuckDB holding
          ecommerce.orders:          # exactly these tables
            - {id: 1, status: Complete, created_at: "2024-01-15 10:30:00"}
          ecommerce.order_items: []
        query:
          fields: [orders.created_month, orders.completed_order_count]
          filters: {orders.created_year: "2024"}
          sorts: [orders.created_month]
        expect:
          rows:
            - {orders.created_month: "2024-01", orders.completed_order_count: 1}
          ordered: false             # optional
          tolerance: 0.01            # optional, absolute, for numbers
        skip: "reason"               # optional: skip it (or xfail: "reason": expected to fail)
        severity: warn               # optional: a failure warns instead of failing (default error)

Column types of ``given`` tables come from the LookML: a field whose SQL is ``${TABLE}.col`` in a
view whose ``sql_table_name`` is the table types ``col`` (number → BIGINT/DOUBLE, string →
VARCHAR, yesno → BOOLEAN, time → TIMESTAMP or DATE). Other columns take their type from the
values. A ``given`` table or column that no SQL of the model reads is an error with the closest
names (a typo would otherwise be a missing column, i.e. NULL, and a test that checks nothing).
A spec problem (unknown key, missing query, bad YAML...) is a :class:`SpecError` naming the
file, the test and what is wrong; pytest reports it as that test's failure.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_looker.checks.diff import compare_rows
from pytest_looker.checks.outcome import Outcome, Problem, Target
from pytest_looker.compile import CompiledQuery
from pytest_looker.errors import Location, LookerError, ReplayOnlyError
from pytest_looker.lookml.model import Field, Project
from pytest_looker.lookml.refs import table_column, table_columns
from pytest_looker.run.query_result import QueryResult
from pytest_looker.run.runner import run_compiled
from pytest_looker.workspace import Workspace

__all__ = [
    "SpecError",
    "UnitSpec",
    "column_types",
    "given_problems",
    "is_spec_file",
    "load_specs",
    "run_spec",
    "spec_target",
]

SPEC_SUFFIXES = (".lkmltest.yml", ".lkmltest.yaml")
_TEST_KEYS = frozenset(
    {"name", "explore", "description", "given", "query", "expect", "generated", "skip", "xfail", "severity"}
)
SEVERITIES = ("error", "warn")
#: ``generated: snapshot`` marks a test whose expectation ``pytest-looker scaffold tests`` computed
#: from its given rows: it pins today's behaviour and needs a person's review to become a spec.
_GENERATED = ("snapshot",)
_QUERY_KEYS = frozenset({"fields", "filters", "sorts", "limit", "user_attributes", "timezone"})
_EXPECT_KEYS = frozenset({"rows", "ordered", "tolerance"})
_TIME_TYPES = {"date": "DATE", "epoch": "BIGINT", "yyyymmdd": "BIGINT"}


class SpecError(LookerError):
    """A malformed unit-test spec."""


@dataclass(frozen=True)
class UnitSpec:
    """One unit test of a spec file."""

    name: str
    location: Location
    explore: str
    query: Mapping[str, Any]
    expect_rows: tuple[Mapping[str, Any], ...]
    given: Mapping[str, Sequence[Mapping[str, Any]]] | None = None
    ordered: bool = False
    tolerance: float | None = None
    description: str | None = None
    skip: str | None = None
    xfail: str | None = None
    severity: str = "error"
    problem: str | None = field(default=None, compare=False)


def is_spec_file(path: Path) -> bool:
    return path.name.endswith(SPEC_SUFFIXES)


def load_specs(path: Path, shown: str) -> list[UnitSpec]:
    """Every test of a spec file; a test that is malformed comes back with its ``problem`` set.

    A file that cannot be read as a spec at all raises :class:`SpecError`.
    """
    import yaml  # here, not at import: collecting a project without spec files needs no YAML

    try:
        text = path.read_text(encoding="utf-8")
        try:
            document, node = _read_yaml(text, fast=True)
        except yaml.YAMLError:  # libyaml words its errors differently: report PyYAML's
            document, node = _read_yaml(text, fast=False)
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"cannot read unit-test spec: {_yaml_message(exc)}", Location(shown)) from None
    if not isinstance(document, Mapping) or not isinstance(document.get("tests"), list):
        raise SpecError("a unit-test spec must be a mapping with a list under 'tests:'", Location(shown))
    unknown = sorted(set(document) - {"tests"})
    if unknown:
        raise SpecError(f"unknown top-level key(s) {', '.join(map(str, unknown))} (only 'tests:')", Location(shown))
    lines = _item_lines(node)
    specs: list[UnitSpec] = []
    seen: set[str] = set()
    for index, raw in enumerate(document["tests"]):
        location = Location(shown, lines[index] if index < len(lines) else None)
        name = str(raw.get("name")) if isinstance(raw, Mapping) and raw.get("name") else f"test #{index + 1}"
        try:
            if name in seen:
                raise SpecError(f"test name {name!r} is used twice in this file")
            seen.add(name)
            specs.append(_parse(raw, name, location))
        except SpecError as exc:
            specs.append(UnitSpec(name, location, "", {}, (), problem=exc.message))
    return specs


def _read_yaml(text: str, *, fast: bool) -> tuple[Any, Any]:
    """The document and its node tree (for the tests' lines), from one parse.

    ``fast`` reads with libyaml when PyYAML has it: spec files are read on every collection,
    and the pure-Python reader, parsing twice (data, then nodes), was most of their cost.
    The constructor is PyYAML's Python one either way, so the data is the same.
    """
    import yaml

    loader_class = yaml.CSafeLoader if fast and getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def _yaml_message(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return f"invalid YAML at line {mark.line + 1}: {problem}" if mark is not None else str(problem)


def _item_lines(node: Any) -> list[int]:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if getattr(key, "value", None) == "tests" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _check_keys(mapping: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(map(str, mapping)) - allowed)
    if unknown:
        raise SpecError(f"unknown key(s) {', '.join(unknown)} in {where} (allowed: {', '.join(sorted(allowed))})")


def _parse(raw: Any, name: str, location: Location) -> UnitSpec:
    if not isinstance(raw, Mapping):
        raise SpecError("each test must be a mapping with name, explore, query and expect")
    _check_keys(raw, _TEST_KEYS, "the test")
    for required in ("name", "explore", "query", "expect"):
        if required not in raw:
            raise SpecError(f"missing '{required}:'")
    if raw.get("generated") is not None and raw["generated"] not in _GENERATED:
        raise SpecError(f"generated: must be {' or '.join(_GENERATED)}, not {raw['generated']!r}")
    explore = raw["explore"]
    if not isinstance(explore, str) or explore.count("/") != 1:
        raise SpecError(f"explore must be written model/explore, not {explore!r}")
    query = raw["query"]
    if not isinstance(query, Mapping):
        raise SpecError("query: must be a mapping with fields (and optional filters, sorts, limit)")
    _check_keys(query, _QUERY_KEYS, "query")
    fields = query.get("fields")
    if not isinstance(fields, list) or not fields or not all(isinstance(f, str) for f in fields):
        raise SpecError("query.fields must be a non-empty list of view.field names")
    for key, kind in (("filters", Mapping), ("user_attributes", Mapping), ("sorts", list)):
        if key in query and not isinstance(query[key], kind):
            raise SpecError(f"query.{key} must be a {'mapping' if kind is Mapping else 'list'}")
    if "limit" in query and (not isinstance(query["limit"], int) or isinstance(query["limit"], bool)):
        raise SpecError("query.limit must be an integer")
    expect = raw["expect"]
    if not isinstance(expect, Mapping):
        raise SpecError("expect: must be a mapping with rows (and optional ordered, tolerance)")
    _check_keys(expect, _EXPECT_KEYS, "expect")
    rows = expect.get("rows", [])
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise SpecError("expect.rows must be a list of mappings of view.field: value")
    extra = sorted({str(c) for r in rows for c in r} - set(fields))
    if extra:
        raise SpecError(f"expect.rows use column(s) {', '.join(extra)} that are not in query.fields")
    ordered = expect.get("ordered", False)
    if not isinstance(ordered, bool):
        raise SpecError("expect.ordered must be true or false")
    tolerance = expect.get("tolerance")
    if tolerance is not None and (isinstance(tolerance, bool) or not isinstance(tolerance, int | float)):
        raise SpecError("expect.tolerance must be a number")
    skip, xfail = _reason(raw, "skip"), _reason(raw, "xfail")
    severity = raw.get("severity", "error")
    if severity not in SEVERITIES:
        raise SpecError(f"severity: must be {' or '.join(SEVERITIES)}, not {severity!r}")
    given = raw.get("given")
    if given is not None:
        if not isinstance(given, Mapping):
            raise SpecError("given: must map table names to lists of rows")
        for table, table_rows in given.items():
            if not isinstance(table_rows, list) or not all(isinstance(r, Mapping) for r in table_rows):
                raise SpecError(f"given.{table} must be a list of rows (mappings of column: value)")
    return UnitSpec(
        name=name,
        location=location,
        explore=explore,
        query=dict(query),
        expect_rows=tuple(rows),
        given={str(k): list(v) for k, v in given.items()} if given is not None else None,
        ordered=ordered,
        tolerance=float(tolerance) if tolerance is not None else None,
        description=str(raw["description"]) if raw.get("description") else None,
        skip=skip,
        xfail=xfail,
        severity=severity,
    )


def _reason(raw: Mapping[str, Any], key: str) -> str | None:
    """``skip: true`` / ``skip: "why"`` → the reason; ``false`` or absent → ``None``."""
    value = raw.get(key)
    if value is None or value is False:
        return None
    if value is True:
        return f"{key} in the spec"
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise SpecError(f"{key}: must be true or a reason, not {value!r}")


def _table_key(name: str) -> str:
    parts = [p.strip().strip('`"').lower() for p in name.strip().split(".")]
    while len(parts) > 1 and parts[0] in ("main", "memory"):
        parts = parts[1:]
    return ".".join(parts)


def _sql_type(found: Field, values: list[Any]) -> str | None:
    if found.type == "number":
        present = [v for v in values if v is not None]
        return "BIGINT" if all(isinstance(v, int) and not isinstance(v, bool) for v in present) else "DOUBLE"
    if found.type in ("string", "zipcode"):
        return "VARCHAR"
    if found.type == "yesno":
        return "BOOLEAN"
    if found.type.startswith("date_"):
        return _TIME_TYPES.get(found.datatype or "", "TIMESTAMP")
    return None


def column_types(
    project: Project, model: str, given: Mapping[str, Sequence[Mapping[str, Any]]]
) -> dict[str, dict[str, str]]:
    """SQL types of the given tables' columns, read from the LookML fields over each table."""
    wanted = {_table_key(table): table for table in given}
    types: dict[str, dict[str, str]] = {table: {} for table in given}
    for view in project.model(model).views.values():
        if not view.sql_table_name:
            continue
        table = wanted.get(_table_key(view.sql_table_name))
        if table is None:
            continue
        for found in view.fields.values():
            column = table_column(found.sql)
            if column is None or not found.is_dimension:
                continue
            values = [row.get(column) for row in given[table] if isinstance(row, Mapping)]
            sql_type = _sql_type(found, values)
            if sql_type is not None:
                types[table].setdefault(column, sql_type)
    return types


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def given_problems(project: Project, model: str, given: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[str]:
    """A sentence per ``given`` table or column that no SQL of the model reads, with the closest names.

    The model's SQL (views' tables, fields, derived tables, joins) is the only evidence of which
    tables and columns a query can read; a name found nowhere in it is a typo or a stale spec.
    """
    views = project.model(model).views.values()
    tables = {_table_key(v.sql_table_name): v.sql_table_name for v in views if v.sql_table_name}
    corpus = _model_sql(project, model)
    words = set(_IDENTIFIER.findall(corpus))
    lowered = corpus.lower()
    problems: list[str] = []
    for table, rows in given.items():
        key = _table_key(table)
        if key not in tables and not re.search(rf"(?<![\w.]){re.escape(key)}(?!\w)", lowered):
            problems.append(f"given table {table!r} is read by no view of model {model!r}{_closest(key, tables)}")
            continue
        columns = _table_columns(project, model, key)
        for column in dict.fromkeys(str(c) for row in rows if isinstance(row, Mapping) for c in row):
            if column not in words and column not in columns:
                problems.append(
                    f"given column {table}.{column} is read by no SQL of model {model!r}"
                    f"{_closest(column, columns or words)}"
                )
    return problems


def _closest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _model_sql(project: Project, model: str) -> str:
    """Every piece of SQL of the model's views and explores, joined (for name evidence only)."""
    parts: list[str] = []
    found = project.model(model)
    for view in found.views.values():
        parts.append(view.sql_table_name or "")
        if view.derived_table is not None:
            parts.append(view.derived_table.sql or "")
        for item in view.fields.values():
            parts += [item.sql or "", item.sql_start or "", item.sql_end or "", *(c.sql or "" for c in item.cases)]
    for explore in found.explores.values():
        parts += [explore.sql_always_where or "", *(j.sql_on or "" for j in explore.joins)]
    return "\n".join(parts)


def _table_columns(project: Project, model: str, table: str) -> set[str]:
    """Columns of ``table`` that fields read as ``${TABLE}.column`` in views over it."""
    columns: set[str] = set()
    for view in project.model(model).views.values():
        if view.sql_table_name and _table_key(view.sql_table_name) == table:
            for item in view.fields.values():
                columns |= {found.column for found in table_columns(item.sql)}
    return columns


def spec_target(spec: UnitSpec) -> Target:
    model, _, explore = spec.explore.partition("/")
    return Target("unit", spec.explore or spec.name, spec.location, model=model or None, explore=explore or None,
                  test=spec.name)  # fmt: skip


def run_spec(workspace: Workspace, spec: UnitSpec) -> Outcome:
    """Run one unit test and compare its rows with the expectation.

    With ``given`` it runs hermetically: compiled for DuckDB and run on a fresh in-memory DuckDB
    holding exactly the given tables, whatever the configured backend. Without, the runner
    answers (the warehouse, Looker, or a recording).
    """
    target = spec_target(spec)
    where = f"unit test {spec.name} ({spec.location}) on {spec.explore}"
    if spec.problem is not None:
        message = f"unit test {spec.name} ({spec.location}): malformed spec: {spec.problem}"
        return Outcome(target, (Problem(message, spec.location),))
    query = spec.query
    sql: str | None = None
    try:
        made = workspace.query(
            spec.explore,
            fields=query["fields"],
            filters=query.get("filters"),
            sorts=query.get("sorts", ()),
            limit=query.get("limit"),
            user_attributes=query.get("user_attributes"),
            timezone=query.get("timezone"),
        )
        if spec.given is None:
            result = workspace.runner.run(made)
        else:
            typos = given_problems(workspace.project, made.model, spec.given)
            if typos:
                return Outcome(target, tuple(Problem(f"{where}: {typo}", spec.location) for typo in typos))
            compiled = workspace.compile(made, target="duckdb")
            sql = compiled.sql
            result = _run_hermetic(workspace, compiled, spec.given)
    except ReplayOnlyError as exc:
        return Outcome(target, skipped=exc.message)
    except LookerError as exc:
        return Outcome(target, (Problem(f"{where}: {exc}"),), sql=(sql,) if sql else ())
    diff = compare_rows(
        result.rows, spec.expect_rows, ordered=spec.ordered, tolerance=spec.tolerance, available=result.columns
    )
    ran = (result.sql,) if result.sql else ()
    if not diff:
        return Outcome(target, sql=ran, rows=len(result.rows))
    return Outcome(target, (Problem(diff.render()),), headline=f"{where}: rows differ", sql=ran, rows=len(result.rows))


def _run_hermetic(
    workspace: Workspace, compiled: CompiledQuery, given: Mapping[str, Sequence[Mapping[str, Any]]]
) -> QueryResult:
    """Run on a fresh in-memory DuckDB holding exactly the ``given`` tables."""
    from pytest_looker.run import DuckDBBackend

    with DuckDBBackend(timezone=workspace.settings.database_timezone, setup=workspace.settings.duckdb_setup) as engine:
        engine.create_tables(given, column_types(workspace.project, compiled.query.model, given))
        try:
            return run_compiled(compiled, engine, source=workspace.dialect_for(compiled.query.model))
        except LookerError as exc:
            tables = ", ".join(engine.table_names()) or "none"
            raise LookerError(f"{exc.message}\n(given tables: {tables})") from None
