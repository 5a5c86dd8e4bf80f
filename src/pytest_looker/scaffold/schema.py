"""Which warehouse tables and columns a LookML project reads, their types and their join keys.

Looker never sees the warehouse schema; the LookML only *uses* it. To build data a project can
run on offline we read the schema back out of those uses:

* a view's ``sql_table_name`` names a source table (its Liquid rendered with the run's user
  attributes and parameter values), and a view with neither ``sql_table_name`` nor
  ``derived_table`` reads the table of its own name, as in Looker; every ``${TABLE}.col`` in
  its fields is a column of it;
* a derived table's SQL is parsed with sqlglot in the project's dialect: each table it reads and
  each column it takes from it (``${view.SQL_TABLE_NAME}`` resolved to the view's table first);
* types come first from a field that is exactly ``${TABLE}.col`` (its LookML type: number,
  string, yesno, a time dimension group and its ``datatype``), then from how SQL uses the column
  (arithmetic, ``SUM``, string functions, comparisons with literals, date functions), then from
  its name (``*_id``, ``*_at``, ``is_*``); string literals compared with a column are kept so
  generated rows can hit ``WHEN status = 'complete'`` branches;
* keys: each view's primary key, ``sql_on`` equalities ``${a.x} = ${b.y}`` and ``foreign_key``,
  oriented by ``relationship:`` so the generator knows which side must be unique.

The result is conservative: what cannot be resolved to a plain column (Liquid around a table
name, a key computed by an expression) is left out and said in :attr:`Schema.notes`.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_looker.compile.liquid import contains_liquid, render_liquid
from pytest_looker.compile.liquid.context import LiquidContext
from pytest_looker.compile.sqlreads import (
    ColumnUse,
    Fragment,
    JsonRead,
    Passed,
    SelectReads,
    Unnested,
    UnreadableSql,
    compared_columns,
    read_field_sql,
    read_fragment,
    read_select,
    read_unnests,
)
from pytest_looker.errors import BackendError, CompileError
from pytest_looker.lookml.model import Explore, Field, FieldCategory, Join, Model, Project, View
from pytest_looker.lookml.refs import Ref, RefKind, equalities, sole, substitute, table_column, table_columns
from pytest_looker.run.names import TableName, dotted_parts

__all__ = [
    "ColumnInfo",
    "JoinKey",
    "Schema",
    "SourceTable",
    "direct_column",
    "infer_schema",
    "table_key",
]

#: Column types the generator knows; ``epoch``/``yyyymmdd`` are integers holding a time;
#: ``json`` a JSON document (BigQuery JSON, Snowflake VARIANT, PostgreSQL json/jsonb).
COLUMN_TYPES = ("integer", "number", "string", "boolean", "timestamp", "date", "epoch", "yyyymmdd", "json")
SQL_TYPES = {
    "integer": "BIGINT",
    "number": "DOUBLE",
    "string": "VARCHAR",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "epoch": "BIGINT",
    "yyyymmdd": "BIGINT",
    "json": "JSON",
}

#: The name a derived table's ``${view.SQL_TABLE_NAME}`` gets when the view has no plain table:
#: read, but its columns are not a warehouse table's.
_UNRESOLVED = "__derived_"
_LIQUID_TAG = re.compile(r"\{%.*?%\}", re.DOTALL)
#: Liquid tags that stand for a value in the SQL (``{% parameter slug %} AS slug_name``)
_VALUE_TAG = re.compile(r"\{%-?\s*(?:parameter|date_start|date_end)\s.*?%\}", re.DOTALL)
#: an incremental PDT's condition: a comparison of the column between the tags with the last
#: build's time (``{% incrementcondition %} date {% endincrementcondition %}``), which the
#: compiler renders 1=1 (a full build): the bare name between the tags is not a boolean
_INCREMENT_BLOCK = re.compile(
    r"\{%-?\s*incrementcondition\s*-?%\}(.*?)\{%-?\s*endincrementcondition\s*-?%\}", re.DOTALL
)
_NESTED_PATH = re.compile(r"\$\{\s*TABLE\s*\}\.`?(\w+)`?((?:\.`?\w+`?)+)")
#: a field's SQL that is one bare name: in a view over an UNNEST of STRUCTs, a field of the element
_BARE_NAME = re.compile(r"[A-Za-z_]\w*")
_BARE_KEYWORDS = frozenset({"NULL", "TRUE", "FALSE", "CURRENT_DATE", "CURRENT_TIMESTAMP", "CURRENT_DATETIME"})
#: a name not after a dot or a quote, which may be a bare column (a cheap test before parsing)
_BARE_WORD = re.compile(r"(?<![.\w\"`'])[A-Za-z_]\w*(?![\w(\"`'])")
_TABLE_PATH = re.compile(r"\$\{\s*TABLE\s*\}\.`?(\w+)`?((?:\.`?\w+`?)*)")
_TABLE_REF = re.compile(r"\$\{\s*TABLE\s*\}")
#: ``${view.field}.column``: a column of the table a ``${TABLE}`` dimension stands for
_FIELD_TABLE_COLUMN = re.compile(r"\$\{\s*(\w+)\.(\w+)\s*\}\.(\w+)")
#: an operand of arithmetic with a number: ``… / 1000000``, ``1.0 * …``
_ARITHMETIC_AFTER = re.compile(r"\s*[-+*/]\s*[\d.(]")
_ARITHMETIC_BEFORE = re.compile(r"[\d.)]\s*[-+*/]\s*$")
_ARRAY_LENGTH = re.compile(r"ARRAY_LENGTH\s*\(\s*\$\{\s*TABLE\s*\}\.`?(\w+)`?((?:\.`?\w+`?)*)\s*\)", re.I)


def _path_names(dotted: str) -> list[str]:
    """``.a.`b`.c`` of a path after ``${TABLE}.column`` → ``["a", "b", "c"]``: BigQuery quotes a
    part that is a keyword (the Workspace audit-log block's ``${TABLE}.`groups`.acl_permission``)."""
    return [part.strip("`") for part in dotted.strip(".").split(".")]


#: ``UNNEST(alias.column)`` or ``UNNEST(${alias.SQL_TABLE_NAME}.column)`` as a table name
_UNNEST_TABLE = re.compile(r"UNNEST\s*\(\s*(?:\$\{\s*(\w+)\.SQL_TABLE_NAME\s*\}|(\w+))\.(\w+)\s*\)", re.I)
_UNNEST_JOIN = re.compile(r"UNNEST\s*\(\s*\$\{\s*(\w+)\.(\w+)\s*\}\s*\)\s*(?:AS\s+)?(\w+)", re.I)
#: ``LEFT JOIN UNNEST(job_stages.steps) AS job_stage_steps``: an alias's column, written plainly
_UNNEST_ALIAS_COLUMN = re.compile(r"UNNEST\s*\(\s*(\w+)\.(\w+)\s*\)\s*(?:AS\s+)?(\w+)", re.I)
_USER_ATTRIBUTE = re.compile(r"\{\{\s*_user_attributes\s*\[\s*['\"](\w+)['\"]\s*\]\s*\}\}")
_PARAMETER = re.compile(r"\{%\s*parameter\s+([\w.]+)\s*%\}|\{\{\s*([\w.]+?)\._parameter_value\s*\}\}")
_LIQUID_OUTPUT = re.compile(r"\{\{.*?\}\}", re.DOTALL)
#: a table name after FROM or JOIN with a Liquid output in it (``FROM `p.d.{{ t }}```)
_LIQUID_TABLE = re.compile(r"(?i)\b(?:from|join)\s+(?:`[^`]*\{\{[^`]*`|[^\s(),;]*\{\{.*?\}\}[^\s(),;]*)", re.DOTALL)
#: ``FROM ${TABLE}.substeps AS s``: BigQuery's implicit UNNEST of an array of the view's row
_FROM_TABLE_PATH = re.compile(r"\b(?:FROM|JOIN)\s+\$\{\s*TABLE\s*\}\.", re.I)
_NAME_QUOTES = str.maketrans("", "", '`"[]')
_PLAIN_TABLE = re.compile(r"^[\w$`\"\[\]\-\.:@ *]+$")
_INTEGER_NAME = re.compile(
    r"(^|_)(id|key|count|num|number|qty|quantity|index|seq|sequence|year|age|rank)$|^int(64)?_value$", re.I
)
#: Typed value slots of key/value records (GA4's event_params: int_value, float_value…).
_NUMBER_NAME = re.compile(r"^(float|double|numeric)(64)?_value$", re.I)
_TIME_NAME = re.compile(r"(_at|_time|_timestamp|_ts|^timestamp|^ts)$", re.I)
_DATE_NAME = re.compile(r"(^date$|_date$|^day$)", re.I)
_BOOL_NAME = re.compile(r"^(is|has|was|can|should)_", re.I)

#: Strength of evidence for a type: nesting (a field access, UNNEST) beats a field's LookML type
#: beats SQL usage beats the name.
NESTED, STRONG, USAGE, FIELD, NAME = 5, 4, 3, 2, 1
NESTED_TYPES = ("struct", "array")
#: the shape of a JSON value (:attr:`ColumnInfo.holds`): an object (its keys are its children)
OBJECT = "object"
#: a SQL text that may read JSON (cheap test before parsing it for :class:`JsonRead`)
_JSONISH = re.compile(r"json|lax_|\[|->|:[\w\"]|flatten|\bget(?:_path)?\s*\(|\b(?:int64|float64|bool)\s*\(", re.I)


@dataclass
class ColumnInfo:
    """One column of a source table: its type, why we think so, and literals seen compared with it."""

    name: str
    type: str = "string"
    strength: int = 0
    evidence: str = "default"
    values: list[str] = field(default_factory=list)
    not_null: bool = False
    unique: bool = False
    #: text parsed with this strftime format (``PARSE_DATE('%Y%m%d', date)``): values must match it
    text_format: str | None = None
    #: the fields of a ``struct`` column and the element of an ``array`` one (BigQuery's
    #: STRUCT and REPEATED columns: ``${TABLE}.device.browser``, ``UNNEST(${TABLE}.params)``)
    children: dict[str, ColumnInfo] = field(default_factory=dict)
    element: ColumnInfo | None = None
    #: the JSON value a ``json`` column (or a ``string`` column of JSON text) holds: an
    #: ``object`` whose children are the keys SQL reads (``*``: keys it lists or subscripts by
    #: an expression), an ``array`` or a scalar of the type the reading SQL implies
    holds: ColumnInfo | None = None

    def child(self, name: str) -> ColumnInfo:
        """The struct field ``name`` (this column becomes a struct); of a JSON column or
        object, the key ``name`` (BigQuery writes both as ``x.name``)."""
        if self.type == "json":
            return self.json("document").key(name)
        if self.type == OBJECT:
            return self.key(name)
        self.type, self.strength, self.evidence = "struct", NESTED, "field access"
        key = name.lower()
        found = self.children.get(key)
        if found is None:
            found = self.children[key] = ColumnInfo(name)
            found.offer(_name_type(name), NAME, "column name")
        return found

    def items(self) -> ColumnInfo:
        """The element of this column (it becomes an array)."""
        self.type, self.strength, self.evidence = "array", NESTED, "UNNEST"
        if self.element is None:
            self.element = ColumnInfo(self.name)
        return self.element

    def path(self, names: Iterable[str]) -> ColumnInfo:
        """The nested field at ``names`` (``()``: this column)."""
        found = self
        for name in names:
            found = found.child(name)
        return found

    def json(self, stored: str) -> ColumnInfo:
        """This column holds JSON, kept as ``stored`` (see :class:`JsonRead`); the value it holds.

        A ``document`` read makes it a ``json`` column whatever it was thought before (the
        fields of a struct it seemed to be become the keys of its objects: BigQuery writes a
        JSON field access as a struct's). Text (or ``either``: BigQuery's ``JSON_VALUE`` takes
        both) keeps it a string column holding JSON text, unless a document read says more:
        text compares with a string literal, a DuckDB JSON value does not."""
        if stored == "document" or self.type in (*NESTED_TYPES, "json"):
            if self.type != "json":
                keys, self.children, self.element = self.children, {}, None
                self.type, self.strength, self.evidence = "json", NESTED, "JSON access"
                if keys:
                    self._held().type = OBJECT
                    self._held().children.update(keys)
        elif self.type != "string" or self.strength < USAGE:
            self.type, self.strength, self.evidence = "string", USAGE, "JSON text"
        return self._held()

    def _held(self) -> ColumnInfo:
        if self.holds is None:
            self.holds = ColumnInfo(self.name)
        return self.holds

    def key(self, name: str) -> ColumnInfo:
        """The value at key ``name`` of this JSON value (it becomes an object); ``[]``: the
        element of this JSON array."""
        if name == "[]":
            return self.items()
        if self.type != OBJECT:
            self.type, self.strength, self.evidence, self.element = OBJECT, NESTED, "JSON key", None
        found = self.children.get(name.lower())
        if found is None:
            found = self.children[name.lower()] = ColumnInfo(name)
        return found

    def json_path(self, keys: Iterable[str]) -> ColumnInfo:
        """The JSON value at ``keys`` below this one."""
        found = self
        for key in keys:
            found = found.key(key)
        return found

    def offer(self, type_: str | None, strength: int, evidence: str) -> None:
        """Take ``type_`` when its evidence is stronger than what we have.

        Numeric use beats a ``string`` field type: a number column can be shown as a string
        dimension, but ``SUM`` or ``/`` of a string column fails (LookML often says string
        carelessly, and Snowflake casts silently where DuckDB will not).
        """
        if type_ == "map" and self.type not in ("struct", "json", OBJECT):
            # mozfun.map.get_key(x, 'k'): BigQuery's map, an array of key/value structs
            element = self.items()
            element.child("key").offer("string", strength, evidence)
            element.child("value").offer("string", NAME, evidence)
            return
        numeric_over_string = type_ in ("number", "integer") and self.type == "string" and strength >= USAGE
        if self.type in (*NESTED_TYPES, "json", OBJECT) or (self.holds is not None and type_ != "string"):
            return
        if type_ is not None and (strength > self.strength or numeric_over_string):
            self.type, self.strength, self.evidence = type_, strength, evidence


@dataclass
class SourceTable:
    """A warehouse table the project reads, keyed case-insensitively by :func:`table_key`."""

    name: str
    columns: dict[str, ColumnInfo] = field(default_factory=dict)
    readers: list[str] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()

    def column(self, name: str) -> ColumnInfo:
        """The column ``name`` (matched case-insensitively), created on first use."""
        key = name.lower()
        found = self.columns.get(key)
        if found is None:
            found = self.columns[key] = ColumnInfo(name)
            found.offer(_name_type(name), NAME, "column name")
        return found

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(dotted_parts(self.name))


@dataclass(frozen=True)
class JoinKey:
    """``child.column`` values must be found in ``parent.column`` (which is unique).

    ``unique_child`` is set for one_to_one joins: the child column must not repeat either.
    """

    child_table: str
    child_column: str
    parent_table: str
    parent_column: str
    relationship: str
    unique_child: bool
    source: str


@dataclass
class Schema:
    """Every source table, the join keys between them, and what could not be inferred."""

    tables: dict[str, SourceTable] = field(default_factory=dict)
    keys: list[JoinKey] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> SourceTable:
        key = table_key(name)
        found = self.tables.get(key)
        if found is None:
            found = self.tables[key] = SourceTable(clean_table_name(name))
        return found

    def as_json(self) -> dict[str, Any]:
        """A plain description (the scaffold manifest stores it to detect drift)."""
        return {
            table.name: {
                "columns": {c.name: c.type for c in table.columns.values()},
                "primary_key": list(table.primary_key),
            }
            for table in sorted(self.tables.values(), key=lambda t: t.name.lower())
        }


def sql_type(column: ColumnInfo) -> str:
    """The DuckDB type of a column, nested types spelled out (``STRUCT("k" VARCHAR)[]``)."""
    if column.type == "struct" and column.children:
        fields = ", ".join(f'"{c.name}" {sql_type(c)}' for c in column.children.values())
        return f"STRUCT({fields})"
    if column.type == "array":
        return f"{sql_type(column.element) if column.element is not None else 'VARCHAR'}[]"
    return SQL_TYPES.get(column.type, "VARCHAR")


def clean_table_name(name: str) -> str:
    """``\\`acme-prod.shop.orders\\```, ``"DB"."S"."T"`` → ``acme-prod.shop.orders`` / ``DB.S.T``.

    An empty part stays (``\\` .region-us.T\\``` → ``.region-us.T``, a constant left blank): the
    warehouse rejects that name, and dropping the part would seed another table."""
    text = name.strip().rstrip(";").strip()
    return ".".join(part.strip() for part in text.translate(_NAME_QUOTES).split("."))


def _nameable(name: str) -> bool:
    """Whether a seed (and DuckDB) can name the table ``name`` (:class:`TableName`'s rule)."""
    try:
        TableName.parse(name)
    except BackendError:
        return False
    return True


def table_key(name: str) -> str:
    return clean_table_name(name).lower()


def _name_type(column: str) -> str | None:
    if _BOOL_NAME.search(column):
        return "boolean"
    if _TIME_NAME.search(column):
        return "timestamp"
    if _NUMBER_NAME.search(column):
        return "number"
    if _DATE_NAME.search(column):
        return "date"
    if _INTEGER_NAME.search(column):
        return "integer"
    return None


def direct_column(view: View, field_name: str, depth: int = 0) -> str | None:
    """The column a dimension is exactly (``${TABLE}.col``, or ``${other}`` that is), else ``None``."""
    found = view.fields.get(field_name)
    if found is None or depth > 5 or found.cases:
        return None
    column = table_column(found.sql)
    if column is not None:
        return column
    other = _sole_field(found.sql)
    return direct_column(view, other, depth + 1) if other is not None else None


def _sole_field(sql: str | None) -> str | None:
    """The field when ``sql`` is exactly ``${field}`` (no view, no type suffix)."""
    ref = sole(sql)
    if ref is None or ref.kind is not RefKind.FIELD or ref.type_suffix is not None:
        return None
    return ref.field


def field_type(found: Field) -> str | None:
    """The column type a field states when its SQL is exactly a column."""
    kind = found.type
    if found.category is FieldCategory.MEASURE:
        return (
            "number" if kind in ("sum", "average", "median", "percentile", "sum_distinct", "average_distinct") else None
        )
    if kind.startswith("date_") or kind in ("time", "date_time", "date"):
        datatype = (found.datatype or "timestamp").lower()
        if datatype in ("date", "epoch", "yyyymmdd"):
            return datatype
        return "date" if kind == "date" and found.group is None else "timestamp"
    if kind.startswith("duration_"):
        return "date" if (found.datatype or "").lower() == "date" else "timestamp"
    return {
        "number": "number",
        "tier": "number",
        "bin": "number",
        "distance": "number",
        "string": "string",
        "zipcode": "string",
        "yesno": "boolean",
    }.get(kind)


def _own_alias_as_table(view: View, sql: str) -> str:
    """``sql`` with the view's own name as a qualifier written ``${TABLE}``: Looker aliases the
    view's table as the view, so ``usage.drive.x`` in view ``usage`` is ``${TABLE}.drive.x``."""
    return re.sub(rf"(?<![\w.`$]){re.escape(view.name)}\.", "${TABLE}.", sql, flags=re.I)


def _field_sqls(found: Field) -> Iterator[tuple[str, str | None]]:
    """``(sql, type-if-exact)`` for each SQL a field has (``case``'s default ``sql`` is unused)."""
    if found.sql and not found.cases and found.type != "location":
        yield found.sql, field_type(found)
    for extra in (found.sql_start, found.sql_end):
        if extra:
            yield extra, "date" if (found.datatype or "").lower() == "date" else "timestamp"
    for extra in (found.sql_latitude, found.sql_longitude):
        if extra:
            yield extra, "number"
    if found.sql_distinct_key:
        yield found.sql_distinct_key, None
    for case in found.cases:
        yield case.sql, None


def _is_plain_table(name: str | None) -> bool:
    """A table name without Liquid or references (those we cannot resolve without a query)."""
    if not name:
        return False
    return "${" not in name and "{%" not in name and "{{" not in name and bool(_PLAIN_TABLE.match(name))


def _subquery(name: str) -> str | None:
    """The SELECT of a ``sql_table_name`` that is a parenthesised subquery, else ``None``."""
    text = name.strip().rstrip(";").strip()
    if not (text.startswith("(") and text.endswith(")")):
        return None
    inner = text[1:-1].strip()
    return inner if re.match(r"(?is)(select|with)\b", inner) else None


# -- LookML SQL as SQL ---------------------------------------------------------------------------


def _without_tags(sql: str) -> str:
    """``sql`` without its Liquid tags; a tag that pastes a value becomes ``NULL`` so that the
    SQL around it still parses."""
    sql = _INCREMENT_BLOCK.sub(" 1=1 ", sql)
    return _LIQUID_TAG.sub(" ", _VALUE_TAG.sub("NULL", sql))


def _placeholders(sql: str) -> str:
    """LookML SQL as parseable SQL: ``${TABLE}.c`` → ``__t."c"``, ``${f}`` → ``__ref."f"``, Liquid dropped."""
    text = _without_tags(sql)
    text = _LIQUID_OUTPUT.sub("1", text)
    return substitute(text, _placeholder, table_column=lambda column: f'__t."{column}"')


def _placeholder(ref: Ref) -> str | None:
    if ref.kind is RefKind.TABLE:
        return "__t"
    if ref.kind is RefKind.FIELD or ref.kind is RefKind.EXTENDED:
        return f'__ref."{ref.field or "EXTENDED"}"'
    if ref.kind is RefKind.VIEW_FIELD or ref.kind is RefKind.SQL_TABLE_NAME:
        return f'__ref."{ref.view}.{ref.field or "SQL_TABLE_NAME"}"'
    return None


@functools.lru_cache(maxsize=4096)
def _fragment(sql: str, dialect: str) -> Fragment | None:
    """What a LookML SQL text reads; cached, as the views of many explores are read again for
    what other views' fields read of their columns (a Fragment is immutable)."""
    return read_fragment(_placeholders(sql), dialect)


def _uses(fragment: Fragment | None, qualifier: str) -> Iterable[ColumnUse]:
    return (use for use in fragment.columns if use.table == qualifier) if fragment is not None else ()


def _passed_numbers(fragment: Fragment | None, exact_type: str | None) -> Iterable[ColumnUse]:
    """The ``${TABLE}`` columns a number field passes on as they are (``type: sum`` of
    ``COALESCE(${TABLE}.a, ${TABLE}.b)``: a and b are numbers), as uses of type number; a field
    with one column is :meth:`_Inference._fields`' "wrapped" case."""
    if fragment is None or exact_type != "number" or fragment.has_predicate:
        return ()
    passed = [use for use in fragment.passed if use.table == "__t"]
    if len({use.column for use in passed}) < 2:  # one column: the wrapped case
        return ()
    return tuple(dataclasses.replace(use, type="number") for use in passed)


# -- inference ------------------------------------------------------------------------------------


class _AnyAttributes(Mapping[str, str]):
    """The configured user attributes; one that is not set reads as empty text, so that the
    SQL around it still renders (its table names are what the scaffold needs)."""

    def __init__(self, known: Mapping[str, str]) -> None:
        self._known = known

    def __getitem__(self, key: str) -> str:
        return self._known.get(key, "")

    def __iter__(self) -> Iterator[str]:
        return iter(self._known)

    def __len__(self) -> int:
        return len(self._known)


class _Inference:
    def __init__(
        self,
        project: Project,
        dialect_for: Callable[[Model], str],
        user_attributes: Mapping[str, str],
        parameters: Mapping[str, str],
    ) -> None:
        self.project = project
        self.dialect_for = dialect_for
        self.user_attributes = user_attributes
        self.parameters = parameters
        self.schema = Schema()
        self.view_tables: dict[tuple[str, str], str] = {}
        self.seen_views: set[tuple[str, int]] = set()
        #: tables a ``SELECT * … GROUP BY 1, …, n`` passes on whole: the n columns they must have
        self.star_widths: dict[str, int] = {}
        #: derived views' ARRAY_AGG(STRUCT(…)) outputs (see SelectReads.array_structs)
        self.array_structs: dict[tuple[str, str], Mapping[str, tuple[tuple[str, str, str], ...]]] = {}
        #: UNNEST joins over such an output: (model, join alias) → struct field → its source column
        self.element_sources: dict[tuple[str, str], dict[str, ColumnInfo]] = {}
        #: UNNEST joins over a known array: (model, join alias) → the array's element
        self.join_elements: dict[tuple[str, str], ColumnInfo] = {}
        #: derived views' SELECTs: (model, view) → what they read and pass on
        self.derived_reads: dict[tuple[str, str], SelectReads] = {}
        #: columns one COALESCE of a derived table returns in turn (they share one type)
        self.coalesced: list[tuple[tuple[str, str], ...]] = []
        #: derived-table column uses whose table is a guess, settled once all else is known
        self.guessed_uses: list[tuple[ColumnUse, str]] = []
        #: tables a UNION's ``SELECT *`` branch passes on: the columns the other branch names
        self.union_stars: list[tuple[str, tuple[tuple[str, str | None], ...], str]] = []

    def run(self) -> Schema:
        alternatives: dict[str, list[str]] = {}
        for model in self.project.models.values():
            # Views joined as an UNNEST (join: x__y { sql: LEFT JOIN UNNEST(...) AS x__y ;; })
            # read an array's elements, not a table of their name.
            unnested = {
                join.view
                for explore in model.explores.values()
                for join in explore.joins
                if any("UNNEST" in (text or "").upper() for text in (join.sql, join.sql_table_name))
            }
            for view in model.views.values():
                if view.extension_required:
                    continue
                if not view.sql_table_name:
                    if view.derived_table is None and view.name not in unnested and _reads_its_table(view):
                        # Looker's default table: the view's name, in the connection's schema.
                        self.view_tables[(model.name, view.name)] = view.name
                    continue
                table_name = self._rendered(view, view.sql_table_name)
                if _is_plain_table(table_name):
                    self.view_tables[(model.name, view.name)] = clean_table_name(table_name)
                    continue
                # {% if x._in_query %} a.t1 {% else %} a.t2 {% endif %}: every branch is a table.
                branches = [b.strip() for b in _LIQUID_TAG.split(table_name) if b.strip()]
                if branches and all(_is_plain_table(b) for b in branches):
                    self.view_tables[(model.name, view.name)] = clean_table_name(branches[0])
                    alternatives[clean_table_name(branches[0])] = [clean_table_name(b) for b in branches[1:]]
        for model in self.project.models.values():
            dialect = self.dialect_for(model)
            for view in model.views.values():
                if view.extension_required:
                    continue
                self._view(model, view, dialect)
        for model in self.project.models.values():
            for explore in model.explores.values():
                self._joins(model, explore)
        self._guessed_uses()
        self._literal_values()
        self._unify_keys()
        self._unify_coalesced()
        self._union_columns()
        for name, width in self.star_widths.items():
            # SELECT * … GROUP BY 1, …, n: the warehouse table has n columns; those the LookML does
            # not name are filled in, so that every ordinal exists and every column is grouped.
            table = self.schema.table(name)
            filler = 1
            while len(table.columns) < width:
                table.column(f"column_{filler}")
                filler += 1
        for first, others in alternatives.items():
            source = self.schema.table(first)
            for other in others:
                copy = self.schema.table(other)
                for key, column in source.columns.items():
                    copy.columns.setdefault(key, dataclasses.replace(column, values=list(column.values)))
                copy.primary_key = copy.primary_key or source.primary_key
                copy.readers = list(dict.fromkeys([*copy.readers, *source.readers]))
        self._unseedable_tables()
        return self.schema

    def _unseedable_tables(self) -> None:
        r"""Leave out, with a note naming the views that read it, each table no seed can hold: one
        no seed can name (``\` .region-us.INFORMATION_SCHEMA.T\``` from a constant left blank, five
        parts), or one the LookML reads no column of (a view of ``${TABLE}`` alone, left from a
        commented-out UNNEST join: a DuckDB table needs a column). One such table must not stop the
        others from being seeded, nor be seeded under another name."""
        views = {view.name: view for model in self.project.models.values() for view in model.views.values()}
        for key, table in list(self.schema.tables.items()):
            if not _nameable(table.name):
                why = (
                    "a seed names table, schema.table, catalog.schema.table or project.region.INFORMATION_SCHEMA.table"
                )
                if "" in table.parts:
                    why = "it has an empty part (a constant or user attribute left blank?)"
            elif not table.columns:
                why = "the LookML reads no column of it"
            else:
                continue
            del self.schema.tables[key]
            self.schema.keys = [
                k for k in self.schema.keys if key not in (k.child_table.lower(), k.parent_table.lower())
            ]
            for reader in table.readers or ["?"]:
                view = views.get(reader.removesuffix(" (derived)"))
                where = f"{view.location}: view {view.name}" if view is not None else f"view {reader}"
                self.schema.notes.append(f"{where}: table {table.name!r} is not seeded: {why}")

    def _union_columns(self) -> None:
        """``SELECT * FROM t UNION ALL SELECT 9999 AS id, …``: the warehouse's t has the columns
        the other branch names, in that order (a set operation matches them by position), with
        types its values fit; a column only the LookML reads would not exist there either."""
        for name, columns, evidence in self.union_stars:
            table = self.schema.table(name)
            ordered: dict[str, ColumnInfo] = {}
            for column_name, kind in columns:
                column = table.column(column_name)
                if kind == "number":  # fits any number column
                    column.offer(_refine_number(kind, column.name), USAGE, evidence)
                elif kind is not None and column.type not in NESTED_TYPES:
                    # a string or a date is the column's type, whatever the LookML says of it
                    column.type, column.strength, column.evidence = kind, STRONG, evidence
                ordered[column_name.lower()] = column
            table.columns = ordered

    def _rendered(self, view: View, text: str) -> str:
        """``text`` with the Liquid a table name uses filled in: user attributes that are set and
        parameters (the configured value, else ``default_value``, else empty, as a query that
        sets none)."""

        def attribute(match: re.Match[str]) -> str:
            return self.user_attributes.get(match.group(1), match.group(0))

        def parameter(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(2)
            qualified = name if "." in name else f"{view.name}.{name}"
            found = view.fields.get(qualified.rpartition(".")[2])
            default = found.default_value if found is not None else None
            return self.parameters.get(qualified, default or "")

        text = _USER_ATTRIBUTE.sub(attribute, text)
        return _PARAMETER.sub(parameter, text)

    def _view(self, model: Model, view: View, dialect: str) -> None:
        table_name = self.view_tables.get((model.name, view.name))
        if table_name is not None:
            if (table_name.lower(), id(view)) in self.seen_views:
                return
            self.seen_views.add((table_name.lower(), id(view)))
            table = self.schema.table(table_name)
            if view.name not in table.readers:
                table.readers.append(view.name)
            if table_name.endswith("*"):
                # A BigQuery wildcard table: its rows carry the matched suffix as _TABLE_SUFFIX.
                table.column("_TABLE_SUFFIX").offer("string", STRONG, "wildcard table")
            self._fields(view, table, dialect)
            pk = view.primary_key
            if pk is not None:
                columns = self._pk_columns(view, pk)
                if columns and not table.primary_key:
                    table.primary_key = columns
                    table.column(columns[0]).unique = True
                    for column in columns:
                        table.column(column).not_null = True
        elif view.derived_table is not None and view.derived_table.sql:
            key = (f"derived:{model.name}.{view.name}", id(view))
            if key not in self.seen_views:
                self.seen_views.add(key)
                self._derived(model, view, view.derived_table.sql, dialect)
        elif view.derived_table is not None and view.derived_table.explore_source is not None:
            self._native_key(model, view)
        elif view.sql_table_name and (subquery := _subquery(view.sql_table_name)) is not None:
            # sql_table_name: (SELECT * FROM t WHERE …) ;; Looker pastes it after FROM: it is read
            # as a derived table is, t getting the columns it passes on and those it filters on.
            key = (f"derived:{model.name}.{view.name}", id(view))
            if key not in self.seen_views:
                self.seen_views.add(key)
                self._derived(model, view, subquery, dialect)
        elif view.sql_table_name and not _is_plain_table(view.sql_table_name):
            self.schema.notes.append(f"view {view.name}: sql_table_name {view.sql_table_name!r} is not a plain name")

    def _native_key(self, model: Model, view: View) -> None:
        """A native derived table's primary key must not be NULL: neither may the columns it selects."""
        source = view.derived_table.explore_source if view.derived_table else None
        explore = model.explores.get(source.explore) if source else None
        pk = view.primary_key
        if source is None or explore is None or pk is None:
            return
        by_name = {c.name.lower(): c.field for c in source.columns}
        for read in table_columns(pk.sql):
            selected = by_name.get(read.column.lower())
            alias, _, name = (selected or "").partition(".")
            resolved = self._resolve(model, explore, alias, name) if name else None
            if resolved is not None:
                self.schema.table(resolved[0]).column(resolved[1]).not_null = True

    def _pk_columns(self, view: View, pk: Field) -> tuple[str, ...]:
        single = direct_column(view, pk.name)
        if single is not None:
            return (single,)
        return tuple(dict.fromkeys(read.column for read in table_columns(pk.sql)))

    def _fields(self, view: View, table: SourceTable, dialect: str) -> None:
        for found in view.fields.values():
            if found.category is FieldCategory.PARAMETER:
                continue
            for written, exact_type in _field_sqls(found):
                # ``usage.drive.num_items_{% parameter action %}`` (Google's Workspace usage view):
                # the name the query reads has the parameter's value (configured, else default).
                sql = self._rendered(view, written) if "{%" in written or "{{" in written else written
                # {% if … %} ${TABLE}.a {% else %} ${TABLE}.b {% endif %}: each branch is the field.
                branches = [b.strip() for b in _LIQUID_TAG.split(sql) if b.strip()] if "{%" in sql else [sql]
                exacts = [table_column(branch) for branch in branches]
                if all(exacts):
                    for exact in exacts:
                        assert exact is not None
                        column = table.column(exact)
                        # A dimension without `type:` is a string by default, often carelessly: weaker.
                        strength = STRONG if "type" in found.raw or exact_type != "string" else FIELD
                        column.offer(_refine_number(exact_type, column.name), strength, f"{view.name}.{found.name}")
                    continue
                # A dimension without `type:` is a string by default, often carelessly: weaker.
                strength = STRONG if "type" in found.raw or exact_type != "string" else FIELD
                self._nested(table, sql, exact_type, dialect, f"{view.name}.{found.name}", strength)
                if exact_type == "number" and (other := _sole_field(sql)) is not None:
                    self._numeric_field(view, table, other, f"{view.name}.{found.name}")
                self._bare_and_subqueries(table, sql, dialect, f"{view.name}.{found.name}")
                if f"{view.name.lower()}." in sql.lower():
                    # Looker aliases the view's table as the view: ``page_views.dvce_type`` is ${TABLE}.dvce_type,
                    # and ``usage.drive.num_items`` a field of the struct column ``drive``
                    aliased = _own_alias_as_table(view, sql)
                    if _NESTED_PATH.search(aliased):
                        evidence = f"{view.name}.{found.name} (alias)"
                        self._nested(table, aliased, exact_type, dialect, evidence, strength)
                    for use in _uses(_fragment(sql, dialect), view.name):
                        column = table.column(use.column)
                        column.offer(_refine_number(use.type, column.name), USAGE, f"{view.name}.{found.name} (alias)")
                        _add_values(column, use.literals)
                if _JSONISH.search(sql):
                    self._json_in_field(table, view.name, sql, dialect, f"{view.name}.{found.name}")
                columns = [read.column for read in table_columns(sql)]
                if not columns:
                    continue
                for name in columns:
                    table.column(name)
                fragment = _fragment(sql, dialect)
                if fragment is None:
                    continue
                if len(set(columns)) == 1 and exact_type in ("number", "string") and not fragment.has_predicate:
                    # IFNULL(${TABLE}.x, 0) of a number field: x is a number too, most likely.
                    column = table.column(columns[0])
                    column.offer(_refine_number(exact_type, column.name), FIELD, f"{view.name}.{found.name} (wrapped)")
                for use in _passed_numbers(fragment, exact_type):
                    column = table.column(use.column)
                    column.offer(_refine_number(use.type, column.name), FIELD, f"{view.name}.{found.name} (passed)")
                for use in _uses(fragment, "__t"):
                    column = table.column(use.column)
                    column.offer(_refine_number(use.type, column.name), USAGE, f"{view.name}.{found.name} (SQL use)")
                    _add_values(column, use.literals)

    def _json_in_field(self, table: SourceTable, alias: str, sql: str, dialect: str, evidence: str) -> None:
        """The JSON a field reads of its table's columns (``${TABLE}.x``, ``view.x`` or a bare ``x``)."""
        fragment = _fragment(sql, dialect)
        for read in fragment.json if fragment is not None else ():
            if len(read.names) > 1 and read.names[0] in ("__t", alias):
                _read_json(table.column(read.names[1]), read, read.names[2:], evidence)
            elif len(read.names) == 1:
                _read_json(table.column(read.names[0]), read, (), f"{evidence} (bare name)")

    def _joined_json(self, model: Model, explore: Explore, dialect: str) -> None:
        """What a view's SQL reads as JSON of another view's column by its alias in the explore:
        mozilla's view of an UNNEST join over ``JSON_KEYS(experiments, 1)`` reads each branch
        as ``JSON_VALUE(events_stream.experiments[${TABLE}].branch)``."""
        aliases = explore.aliases()
        for alias, view_name in aliases.items():
            view = model.views.get(view_name)
            for found in view.fields.values() if view is not None else ():
                if found.category is FieldCategory.PARAMETER:
                    continue
                for sql, _ in _field_sqls(found):
                    fragment = _fragment(sql, dialect) if _JSONISH.search(sql) else None
                    for read in fragment.json if fragment is not None else ():
                        other = read.names[0] if len(read.names) > 1 else alias
                        if other == alias or other not in aliases:
                            continue
                        join = explore.join(other)
                        table = clean_table_name(join.sql_table_name) if join and join.sql_table_name else None
                        table = table or self.view_tables.get((model.name, aliases[other]))
                        if table is not None:
                            column = self.schema.table(table).column(read.names[1])
                            _read_json(column, read, read.names[2:], f"{view_name}.{found.name}")

    def _bare_and_subqueries(self, table: SourceTable, sql: str, dialect: str, evidence: str) -> None:
        """A field's bare columns are its table's (BigQuery resolves ``month`` in the view's FROM);
        a subquery in its SQL reads tables and columns of its own."""
        if "select" not in sql.lower() and not _BARE_WORD.search(_placeholders(sql)):
            return
        bare, selects = read_field_sql(_placeholders(sql), dialect)
        for use in bare:
            if use.column.startswith("__"):  # a placeholder (``${TABLE}`` alone), not a column
                continue
            column = table.column(use.column)
            column.offer(_refine_number(use.type, column.name), USAGE, f"{evidence} (bare name)")
            _add_values(column, use.literals)
        for reads in selects:
            for use in reads.columns:
                if use.alternatives:
                    self.guessed_uses.append((use, f"{evidence} (subquery)"))
                else:
                    self._offer_use(use, f"{evidence} (subquery)")
            self._select_json(reads, f"{evidence} (subquery)")

    def _select_json(self, reads: SelectReads, evidence: str) -> None:
        """The JSON a SELECT reads of its source tables' columns."""
        for table_name, read in reads.json_reads:
            _read_json(self.schema.table(table_name).column(read.names[0]), read, (), evidence)

    def _numeric_field(self, view: View, table: SourceTable, name: str, evidence: str) -> None:
        """``type: sum`` (or a tier) of ``${dim}``: the column or struct field the dimension is
        exactly is a number, whatever the dimension's own (default string) type says."""
        sql = ""
        for _ in range(5):
            found = view.fields.get(name)
            if found is None or not found.sql or found.cases:
                return
            sql = found.sql.strip()
            if (other := _sole_field(sql)) is None:
                break
            name = other
        column = table_column(sql)
        nested = _NESTED_PATH.fullmatch(sql)
        target = table.column(column) if column else None
        if nested is not None:
            target = table.column(nested.group(1)).path(_path_names(nested.group(2)))
        if target is not None:
            target.offer(_refine_number("number", target.name), USAGE, f"{evidence} (a number of {name})")

    def _nested(
        self, table: SourceTable, sql: str, exact_type: str | None, dialect: str, evidence: str, strength: int = STRONG
    ) -> None:
        """Struct fields (``${TABLE}.device.web_info.browser``) and arrays (``UNNEST(${TABLE}.x)``,
        ``ARRAY_LENGTH(${TABLE}.x)``) a field's SQL reads from its table; a struct field in
        arithmetic (``${TABLE}.totals.revenue / 1000000``) is a number."""
        for match in _NESTED_PATH.finditer(sql):
            leaf = table.column(match.group(1)).path(_path_names(match.group(2)))
            whole = _NESTED_PATH.fullmatch(sql.strip())
            if whole:
                leaf.offer(_refine_number(exact_type, leaf.name), strength, evidence)
            elif _ARITHMETIC_AFTER.match(sql, match.end()) or _ARITHMETIC_BEFORE.search(sql, 0, match.start()):
                leaf.offer(_refine_number("number", leaf.name), USAGE, f"{evidence} (arithmetic)")
            else:
                leaf.offer(None, strength, evidence)
        for match in _ARRAY_LENGTH.finditer(sql):
            table.column(match.group(1)).path(_path_names(match.group(2)) if match.group(2) else ()).items()
        if "UNNEST" not in sql.upper() and not _FROM_TABLE_PATH.search(sql):
            return
        text = substitute(_TABLE_REF.sub("__t", sql), lambda ref: "NULL" if ref.kind is not RefKind.INVALID else None)
        for unnested in read_unnests(_without_tags(text), dialect):
            if unnested.path[0] == "__t" and len(unnested.path) > 1:
                self._elements(table.column(unnested.path[1]).path(unnested.path[2:]), unnested)
            elif len(unnested.path) == 1:  # UNNEST(event_params): a column of the view's own table
                self._elements(table.column(unnested.path[0]), unnested)

    def _inner_unnests(self, sql: str, dialect: str) -> None:
        """``UNNEST(event_params)`` written in a view that reads another array's elements (GA4's
        events view over ``UNNEST(sessions.event_data)``, whose structs carry ``event_params``):
        the element's field comes from a source table's array column of that name."""
        text = substitute(sql, lambda ref: "NULL" if ref.kind is not RefKind.INVALID else None)
        for unnested in read_unnests(text, dialect):
            if len(unnested.path) != 1:
                continue
            for table in self.schema.tables.values():
                column = table.columns.get(unnested.path[0].lower())
                if column is not None and column.type == "array":
                    self._elements(column, unnested)

    def _elements(self, column: ColumnInfo, unnested: Unnested) -> None:
        """``column`` is an array; its element has the fields the unnesting SELECT reads."""
        element = column.items()
        for names, kind, literals in unnested.fields:
            used = element.path(names)
            used.offer(_refine_number(kind, used.name), USAGE, "use of an UNNEST element")
            _add_values(used, literals)

    def _derived(self, model: Model, view: View, sql: str, dialect: str, *, rendered: bool = False) -> None:
        if not rendered and "_explore" in sql and contains_liquid(sql):
            variants = self._per_explore(model, view, sql, dialect)
            for variant in variants:
                self._derived(model, view, variant, dialect, rendered=True)
            if variants:
                return

        def table_for(ref: Ref) -> str | None:
            if ref.kind is not RefKind.SQL_TABLE_NAME or ref.view is None:
                return None
            other = model.views.get(ref.view)
            name = self.view_tables.get((model.name, ref.view))
            if other is None or name is None:
                return f"{_UNRESOLVED}{ref.view}"
            return (other.sql_table_name or name).strip()

        text = substitute(sql, table_for)
        text = _without_tags(text)
        # FROM `p.d.{{ name }}`: a table we cannot name is none of the tables we seed.
        text = _LIQUID_TABLE.sub(lambda m: _LIQUID_OUTPUT.sub(f"{_UNRESOLVED}liquid", m.group(0)), text)
        text = _LIQUID_OUTPUT.sub("1", text)
        text = substitute(text, lambda ref: "NULL" if ref.kind is not RefKind.INVALID else None)
        try:
            reads = read_select(text, dialect, opaque=lambda name: name.startswith(_UNRESOLVED))
        except UnreadableSql as error:
            if error.reason == "parse":
                self.schema.notes.append(f"view {view.name}: derived table SQL does not parse as {dialect}")
            else:
                self.schema.notes.append(f"view {view.name}: cannot resolve the derived table's column scopes")
            return
        for name in reads.tables:
            table = self.schema.table(name)
            if f"{view.name} (derived)" not in table.readers:
                table.readers.append(f"{view.name} (derived)")
        for use in reads.columns:
            if use.alternatives:
                self.guessed_uses.append((use, f"{view.name} derived SQL"))
                continue
            self._offer_use(use, f"{view.name} derived SQL")
        for table_name, column_name, names in reads.struct_paths:
            self.schema.table(table_name).column(column_name).path(names)
        self._select_json(reads, f"{view.name} derived SQL")
        self.derived_reads[(model.name, view.name)] = reads
        self.coalesced.extend(reads.coalesced)
        self.union_stars.extend(
            (table, columns, f"{view.name} derived SQL (UNION)") for table, columns in reads.union_stars
        )
        if reads.array_structs:
            self.array_structs[(model.name, view.name)] = reads.array_structs
        if reads.grouped_star and len(reads.star_sources) == 1:
            star = reads.star_sources[0]
            self.star_widths[star] = max(self.star_widths.get(star, 0), reads.grouped_star)
        if "UNNEST" in text.upper():
            for unnested in read_unnests(text, dialect):
                if unnested.table is not None and len(unnested.path) > 1:
                    source = self.schema.table(unnested.table)
                    self._elements(source.column(unnested.path[1]).path(unnested.path[2:]), unnested)
        self._derived_outputs(view, reads, dialect)

    def _per_explore(self, model: Model, view: View, sql: str, dialect: str) -> list[str]:
        """A derived table's SQL rendered for each explore that reaches the view, as Looker
        renders it per query: ``{% assign t = _explore._name %} … FROM `p.d.{{ t }}``` reads
        another table in each (Cortex SAP's language map). An explore where it does not render
        (a parameter without a value) is left out; none at all: ``[]``."""
        found: list[str] = []
        for explore in model.explores.values():
            if view.name not in explore.aliases().values():
                continue
            ctx = LiquidContext(
                model=model.name,
                explore=explore.name,
                view=view.name,
                dialect=dialect,
                condition_sql=lambda _field, _sql: "1=1",
                date_bounds=lambda _field: (None, None),
                parameter_values=self.parameters,
                user_attributes=_AnyAttributes(self.user_attributes),
            )
            try:
                found.append(render_liquid(sql, ctx, where=f"derived_table of view {view.name}"))
            except CompileError:
                continue
        return list(dict.fromkeys(found))

    def _offer_use(self, use: ColumnUse, evidence: str) -> None:
        column = self.schema.table(use.table).column(use.column)
        column.offer(_refine_number(use.type, column.name), USAGE, evidence)
        _add_values(column, use.literals)
        column.text_format = column.text_format or use.text_format

    def _guessed_uses(self) -> None:
        """An unqualified column of a join goes to the FROM table only when no other joined
        table has it once everything else is known: seeding it in two joined tables would make
        the warehouse's valid SQL ambiguous (bcgov's Snowplow block: ``domain_sessionid`` of
        ``atomic.events``, joined beside ``ca_bc_gov_…_action_1 AS da``)."""
        for use, evidence in self.guessed_uses:
            key = use.column.lower()
            if any(key in self.schema.table(other).columns for other in use.alternatives):
                continue
            self._offer_use(use, evidence)

    def _derived_outputs(self, view: View, reads: SelectReads, dialect: str = "duckdb") -> None:
        """Carry the derived view's field types back to the source columns its SELECT passes on.

        A column the view reads that the SELECT does not name comes through its ``*`` (``SELECT
        *, x AS y FROM t``): a column of each table the star passes on."""
        pk = view.primary_key
        for found in view.fields.values():
            for written, exact_type in _field_sqls(found):
                # the same names as _fields reads: parameters filled in, the view's alias as ${TABLE}
                sql = self._rendered(view, written) if "{%" in written or "{{" in written else written
                sql = _own_alias_as_table(view, sql) if f"{view.name.lower()}." in sql.lower() else sql
                exact = table_column(sql)
                if exact is None and (other := _sole_field(sql)) is not None:
                    exact = direct_column(view, other)  # a measure of a dimension: its column
                passed_whole = [m.group(1) for m in _TABLE_PATH.finditer(sql)]
                if reads.star_sources and passed_whole and not any(c.lower() in reads.outputs for c in passed_whole):
                    # ${TABLE}.destination_table.project_id, UNNEST(${TABLE}.job_stages) of columns
                    # the star passes on: structs and arrays of the source table
                    strength = STRONG if "type" in found.raw or exact_type != "string" else FIELD
                    for star in reads.star_sources:
                        evidence = f"{view.name}.{found.name} (derived)"
                        self._nested(self.schema.table(star), sql, exact_type, dialect, evidence, strength)
                if reads.star_sources:
                    for read in table_columns(sql):
                        if read.column.lower() not in reads.outputs:
                            for star in reads.star_sources:
                                self.schema.table(star).column(read.column)
                targets = reads.outputs.get(exact.lower(), ()) if exact else ()
                if exact and not targets:
                    targets = tuple(Passed(table, exact, True) for table in reads.star_sources)
                if exact is None and "${TABLE}" in sql:
                    # ${TABLE}.total_queue_time / 1000000: how the view uses a passed-on column
                    # says what the source column is.
                    fragment = _fragment(sql, dialect)
                    for use in (*_uses(fragment, "__t"), *_passed_numbers(fragment, exact_type)):
                        passing = reads.outputs.get(use.column.lower()) or tuple(
                            Passed(star, use.column, True) for star in reads.star_sources
                        )
                        for passed in passing:
                            source = self.schema.table(passed.table).column(passed.column)
                            source.offer(_refine_number(use.type, source.name), USAGE, f"{view.name}.{found.name}")
                    self._passed_json(reads, fragment, f"{view.name}.{found.name}")
                for target in targets:  # one per branch of a UNION
                    column = self.schema.table(target.table).column(target.column)
                    evidence = f"{view.name}.{found.name} (derived)"
                    # A dimension without `type:` is a string by default, often carelessly: weaker
                    # (as for a table's column), so a number measure over it can say otherwise.
                    strength = STRONG if "type" in found.raw or exact_type != "string" else FIELD
                    column.offer(_refine_number(exact_type, column.name), strength, evidence)
                    if pk is not None and found.name == pk.name and target.plain:
                        column.not_null = True
                        if not reads.aggregated and len(targets) == 1:
                            column.unique = True

    def _passed_json(self, reads: SelectReads, fragment: Fragment | None, evidence: str) -> None:
        """JSON a derived view's field reads (``JSON_VALUE(${TABLE}.payload, '$.a')``) of a column
        its SELECT passes on as it is (named, or through a ``*``): the source column holds it."""
        for read in fragment.json if fragment is not None else ():
            if len(read.names) < 2 or read.names[0] != "__t":
                continue
            outputs = reads.outputs.get(read.names[1].lower())
            passing = (
                [p for p in outputs if p.plain]
                if outputs
                else [Passed(t, read.names[1], True) for t in reads.star_sources]
            )
            for passed in passing:
                _read_json(self.schema.table(passed.table).column(passed.column), read, read.names[2:], evidence)

    def _resolve(self, model: Model, explore: Explore, alias: str, field_name: str) -> tuple[str, str, View] | None:
        view_name = explore.aliases().get(alias)
        view = model.views.get(view_name or "")
        if view is None:
            return None
        join = explore.join(alias)
        table = clean_table_name(join.sql_table_name) if join is not None and join.sql_table_name else None
        table = table or self.view_tables.get((model.name, view.name))
        column = direct_column(view, field_name)
        if table is None or column is None:
            return None
        return table, column, view

    def _join_expressions(self, model: Model, explore: Explore, join_sql: str, dialect: str) -> None:
        """What a join's ON clause reads beyond plain ``${a.x} = ${b.y}`` keys: columns written
        raw (``coalesce(users.mapped_user_id, users.user_id)``) belong to the alias's table, and
        the columns compared by one ``=`` (``${users.id} = COALESCE(${events.user_id}, …)``) must
        have one type, the one with the strongest evidence."""
        aliases = explore.aliases()
        for left, right in compared_columns(_placeholders(join_sql), dialect):
            sides: list[ColumnInfo] = []
            for qualifier, name in (*left, *right):
                resolved = None
                if qualifier == "__ref" and "." in name:
                    view_alias, _, field_name = name.partition(".")
                    found = self._resolve(model, explore, view_alias, field_name)
                    resolved = (found[0], found[1]) if found is not None else None
                    stated = self._field_type(model, explore, view_alias, field_name) if found is None else None
                    if stated is not None:  # an expression: its field's type stands for its value
                        sides.append(ColumnInfo(field_name, stated, STRONG, f"{view_alias}.{field_name}"))
                elif qualifier in aliases:
                    table = self.view_tables.get((model.name, aliases[qualifier]))
                    resolved = (table, name) if table is not None else None
                if resolved is not None:
                    sides.append(self.schema.table(resolved[0]).column(resolved[1]))
            if len(sides) > 1:
                strongest = max(sides, key=_key_preference)
                for column in sides:
                    if column.type != strongest.type and column.strength <= strongest.strength:
                        column.type, column.evidence = strongest.type, f"compared with {strongest.name} in a join"
                        column.strength = max(column.strength, USAGE)

    def _unify_keys(self) -> None:
        """A join key has one type on both sides: the one with the stronger evidence (a users.id
        that LookML leaves untyped is an integer when order_items.user_id says number)."""
        for key in self.schema.keys:
            parent = self.schema.table(key.parent_table).column(key.parent_column)
            child = self.schema.table(key.child_table).column(key.child_column)
            if parent.type == child.type:
                continue
            weaker, stronger = (parent, child) if _key_preference(child) > _key_preference(parent) else (child, parent)
            weaker.type, weaker.evidence = stronger.type, f"joined to {stronger.name} ({stronger.evidence})"

    def _unify_coalesced(self) -> None:
        """The columns one COALESCE returns in turn have one type, the best-evidenced one: the
        warehouse's COALESCE needs them to (bcgov's ``COALESCE(wp.id, ra.page_view_id)``: an
        id known to be text, and one typed a number by its name only)."""
        for group in self.coalesced:
            columns = [self.schema.table(table).column(name) for table, name in group]
            strongest = max(columns, key=_key_preference)
            for column in columns:
                if column.type != strongest.type and column.strength < strongest.strength:
                    column.type, column.evidence = (
                        strongest.type,
                        f"coalesced with {strongest.name} ({strongest.evidence})",
                    )

    def _field_type(self, model: Model, explore: Explore, alias: str, field_name: str) -> str | None:
        """The type a field's LookML states (``type: number`` …), when it is not a plain column."""
        view = model.views.get(explore.aliases().get(alias, ""))
        found = view.fields.get(field_name) if view is not None else None
        return _refine_number(field_type(found), field_name) if found is not None else None

    def _unnest_join(self, model: Model, explore: Explore, join: Join) -> None:
        """Looker's pattern for a REPEATED column: ``join: x__y { sql: LEFT JOIN UNNEST(${x.y})
        AS x__y ;; }``: ``x.y`` is an array whose element the view ``x__y`` reads (``${TABLE}.f``
        a field of it, ``${TABLE}`` or ``x__y`` alone the element itself)."""
        found = _UNNEST_JOIN.search(join.sql or "")
        if found is None:
            # UNNEST(job_stages.steps) AS job_stage_steps (llooker/bq_info_schema): a column of
            # the alias's table, or a field of its element when the alias is an UNNEST itself
            plain = _UNNEST_ALIAS_COLUMN.search(join.sql or "")
            view = model.views.get(join.view)
            if plain is not None and plain.group(3) == join.name and view is not None:
                array = self._array_of(model, explore, plain.group(1), plain.group(2))
                if array is not None:
                    self._element_fields(model, join, view, array)
            return
        if found.group(3) != join.name:
            return
        array = self._joined_column(model, explore, found.group(1), found.group(2))
        view = model.views.get(join.view)
        if view is not None:
            for member in view.fields.values():
                if member.sql and "UNNEST" in member.sql.upper():
                    self._inner_unnests(member.sql, self.dialect_for(model))
        if view is not None and array is None:
            self._packed_elements(model, explore, join, view, found.group(1), found.group(2))
        if array is None or view is None:
            return
        self._element_fields(model, join, view, array)

    def _unnest_table_join(self, model: Model, explore: Explore, join: Join) -> None:
        """A view whose table is an array of another: ``sql_table_name: UNNEST(jobs.timeline) ;;``
        or ``UNNEST(${jobs.SQL_TABLE_NAME}.job_stages)`` (llooker/bq_info_schema), which Looker
        joins as ``LEFT JOIN UNNEST(jobs.timeline) AS alias``: the array's element has the
        view's fields."""
        view = model.views.get(join.view)
        text = join.sql_table_name or (view.sql_table_name if view is not None else None)
        found = _UNNEST_TABLE.fullmatch(text.strip().rstrip(";").strip()) if text else None
        if found is None or view is None:
            return
        array = self._array_of(model, explore, found.group(1) or found.group(2), found.group(3))
        if array is not None:
            self._element_fields(model, join, view, array)

    def _array_of(self, model: Model, explore: Explore, alias: str, column: str) -> ColumnInfo | None:
        """The column ``alias.column`` an UNNEST reads: a field of the element when ``alias`` is
        an UNNEST join itself (``UNNEST(${job_stages.SQL_TABLE_NAME}.steps)``), else a column of
        the alias's table."""
        parent = self.join_elements.get((model.name, alias))
        if parent is not None:
            return parent.path([column])
        table = self._alias_table(model, explore, alias)
        return self.schema.table(table).column(column) if table is not None else None

    def _alias_table(self, model: Model, explore: Explore, alias: str) -> str | None:
        """The source table whose columns ``alias.col`` reads: the view's table, or the one
        table a derived view passes on whole (``SELECT * FROM t WHERE …``)."""
        owner = model.views.get(explore.aliases().get(alias, ""))
        if owner is None:
            return None
        table = self.view_tables.get((model.name, owner.name))
        reads = self.derived_reads.get((model.name, owner.name))
        if table is None and reads is not None and len(reads.star_sources) == 1:
            table = reads.star_sources[0]
        return table

    def _table_of_fields(self, model: Model, explore: Explore, view: View) -> None:
        """``${jobs_timeline.sql_table_name}.job_end_time`` in a field-only view, where that
        dimension is ``${TABLE}`` (bq_info_schema's jobs_timeline_job): a column of the table of
        the view it names."""
        for member in view.fields.values():
            for sql, exact_type in _field_sqls(member):
                for match in _FIELD_TABLE_COLUMN.finditer(sql):
                    target = model.views.get(explore.aliases().get(match.group(1), ""))
                    named = target.fields.get(match.group(2)) if target is not None else None
                    if named is None or not named.sql or not _TABLE_REF.fullmatch(named.sql.strip()):
                        continue
                    table = self._alias_table(model, explore, match.group(1))
                    if table is None:
                        continue
                    column = self.schema.table(table).column(match.group(3))
                    whole = match.group(0) == sql.strip()
                    strength = STRONG if "type" in member.raw or exact_type != "string" else FIELD
                    column.offer(_refine_number(exact_type, column.name) if whole else None, strength, member.name)

    def _element_fields(self, model: Model, join: Join, view: View, array: ColumnInfo) -> None:
        """``array``'s element has the fields of ``view``, joined as ``join``."""
        element = array.items()
        self.join_elements[(model.name, join.name)] = element
        for member in view.fields.values():
            if member.category is FieldCategory.PARAMETER or member.sql is None:
                continue
            sql = member.sql.strip()
            exact_type = _refine_number(field_type(member), member.name)
            if sql in ("${TABLE}", join.name):
                element.offer(exact_type, STRONG, f"{view.name}.{member.name}")
                continue
            if (
                _BARE_NAME.fullmatch(sql) and sql.upper() not in _BARE_KEYWORDS
            ):  # `sql: action_number ;;`: BigQuery reads a field of the element
                element.path([sql]).offer(exact_type, STRONG, f"{view.name}.{member.name}")
                continue
            for match in _TABLE_PATH.finditer(sql):
                leaf = element.path(
                    [match.group(1), *_path_names(match.group(2))] if match.group(2) else [match.group(1)]
                )
                whole = _TABLE_PATH.fullmatch(sql)
                leaf.offer(exact_type if whole else None, STRONG, f"{view.name}.{member.name}")
            if "${" not in sql and _BARE_WORD.search(sql):
                self._bare_element_fields(
                    element, sql, exact_type, self.dialect_for(model), f"{view.name}.{member.name}"
                )
            if "UNNEST" in sql.upper() or _FROM_TABLE_PATH.search(sql):
                # (SELECT … FROM ${TABLE}.substeps AS substep): an array of the element
                text = substitute(
                    _TABLE_REF.sub("__t", sql), lambda r: "NULL" if r.kind is not RefKind.INVALID else None
                )
                for unnested in read_unnests(_without_tags(text), self.dialect_for(model)):
                    if unnested.path[0] == "__t" and len(unnested.path) > 1:
                        self._elements(element.path(unnested.path[1:]), unnested)

    def _bare_element_fields(
        self, element: ColumnInfo, sql: str, exact_type: str | None, dialect: str, evidence: str
    ) -> None:
        """Bare names in an expression of the element's view are fields of the element, as
        BigQuery reads them in a value table (rittmananalytics' ``sql: timestamp(event_date) ;;``
        over ``UNNEST(…month_timeline_events)``); one name wrapped alone takes the field's type."""
        bare, _ = read_field_sql(sql, dialect)
        names = {use.column.lower() for use in bare}
        for use in bare:
            kind = use.type or (exact_type if len(names) == 1 else None)
            element.path([use.column]).offer(_refine_number(kind, use.column), USAGE, f"{evidence} (bare name)")

    def _packed_elements(self, model: Model, explore: Explore, join: Join, view: View, alias: str, name: str) -> None:
        """``UNNEST(${sessions.event_data})`` where the derived view builds ``event_data`` with
        ``ARRAY_AGG(STRUCT(sl.ecommerce, sl.items, …))``: each struct field is a source column, and
        what the element's view reads of it (``${TABLE}.ecommerce.transaction_id``) is read there."""
        packed_view = explore.aliases().get(alias, "")
        packed = self.array_structs.get((model.name, packed_view))
        source_field = model.views[packed_view].fields.get(name) if packed_view in model.views else None
        column = table_column(source_field.sql) if source_field is not None and source_field.sql else None
        fields = packed.get(column.lower()) if packed is not None and column is not None else None
        if not fields:
            return
        sources = {f: self.schema.table(table).column(col) for f, table, col in fields}
        self.element_sources[(model.name, join.name)] = sources
        for member in view.fields.values():
            if member.category is FieldCategory.PARAMETER or member.sql is None:
                continue
            exact_type = _refine_number(field_type(member), member.name)
            for match in _TABLE_PATH.finditer(member.sql):
                source = sources.get(match.group(1).lower())
                if source is None or not match.group(2):
                    continue
                leaf = source.path(_path_names(match.group(2)))
                whole = _TABLE_PATH.fullmatch(member.sql.strip())
                leaf.offer(exact_type if whole else None, STRONG, f"{view.name}.{member.name}")

    def _joined_column(self, model: Model, explore: Explore, alias: str, field_name: str) -> ColumnInfo | None:
        """The column (or struct field: ``${TABLE}.metrics.labeled_counter.x``, as Mozilla's Glean
        views write their REPEATED fields) that the field ``alias.field_name`` is exactly."""
        view = model.views.get(explore.aliases().get(alias, ""))
        found = view.fields.get(field_name) if view is not None else None
        parent = self.join_elements.get((model.name, alias))
        path = _TABLE_PATH.fullmatch(found.sql.strip()) if parent is not None and found and found.sql else None
        if parent is not None and path is not None:  # UNNEST(${outer__inner.extra}): a field of the element
            return parent.path([path.group(1), *_path_names(path.group(2))] if path.group(2) else [path.group(1)])
        resolved = self._resolve(model, explore, alias, field_name)
        if resolved is not None:
            return self.schema.table(resolved[0]).column(resolved[1])
        passed = self._passed_on(model, view, found)
        if passed is not None:
            return passed
        element = self.element_sources.get((model.name, alias))
        if element is not None and found is not None and found.sql:
            # a field of the element of an UNNEST join over ARRAY_AGG(STRUCT(…)): its source column
            path = _TABLE_PATH.fullmatch(found.sql.strip())
            source = element.get(path.group(1).lower()) if path is not None else None
            if path is not None and source is not None:
                return source.path(_path_names(path.group(2))) if path.group(2) else source
        nested = _NESTED_PATH.fullmatch(found.sql.strip()) if found is not None and found.sql else None
        if view is None or nested is None:
            return None
        join = explore.join(alias)
        table = clean_table_name(join.sql_table_name) if join is not None and join.sql_table_name else None
        table = table or self.view_tables.get((model.name, view.name))
        if table is None:
            # a struct column a derived table passes on (``SELECT *, … FROM activity``: Google's
            # Workspace audit-log block unnests ``${TABLE}.drive.added_role`` through it)
            source = self._passed_column(model, view, nested.group(1))
            return source.path(_path_names(nested.group(2))) if source is not None else None
        return self.schema.table(table).column(nested.group(1)).path(_path_names(nested.group(2)))

    def _passed_on(self, model: Model, view: View | None, found: Field | None) -> ColumnInfo | None:
        """The source column a derived view's field ``${TABLE}.x`` is, when its SELECT passes
        one table's column on unchanged (``select …, projects from t group by all``)."""
        column = table_column(found.sql) if found is not None and found.sql else None
        return self._passed_column(model, view, column) if column is not None else None

    def _passed_column(self, model: Model, view: View | None, column: str) -> ColumnInfo | None:
        """The source column behind the column ``column`` of a derived view's SELECT, when it
        passes one table's column on unchanged (by name, or through ``SELECT *``)."""
        reads = self.derived_reads.get((model.name, view.name)) if view is not None else None
        if reads is None:
            return None
        targets = [t for t in reads.outputs.get(column.lower(), ()) if t.plain]
        if not targets and column.lower() not in reads.outputs and len(reads.star_sources) == 1:
            return self.schema.table(reads.star_sources[0]).column(column)
        return self.schema.table(targets[0].table).column(targets[0].column) if len(targets) == 1 else None

    def _joins(self, model: Model, explore: Explore) -> None:
        dialect = self.dialect_for(model)
        self._joined_json(model, explore, dialect)
        for join in explore.joins:
            if join.sql_on:
                self._join_expressions(model, explore, join.sql_on, dialect)
            if join.sql and "UNNEST" in join.sql.upper():
                self._unnest_join(model, explore, join)
            elif not join.sql:
                self._unnest_table_join(model, explore, join)
            joined = model.views.get(join.view)
            if joined is not None:
                self._table_of_fields(model, explore, joined)
        for join in explore.joins:
            where = f"{model.name}/{explore.name} join {join.name}"
            pairs: list[tuple[str, str, str, str]] = []
            if join.foreign_key:
                owner, _, name = join.foreign_key.rpartition(".")
                joined = model.views.get(join.view)
                if joined is not None and joined.primary_key is not None:
                    pairs.append((owner or explore.view_name, name, join.name, joined.primary_key.name))
            else:
                for (left_view, left_field), (right_view, right_field) in equalities(join.sql_on):
                    pairs.append((left_view, left_field, right_view, right_field))
            for left_alias, left_field, right_alias, right_field in pairs:
                if right_alias != join.name and left_alias == join.name:
                    left_alias, left_field, right_alias, right_field = right_alias, right_field, left_alias, left_field
                if right_alias != join.name:
                    continue
                parent_side = self._resolve(model, explore, left_alias, left_field)
                joined_side = self._resolve(model, explore, right_alias, right_field)
                if parent_side is None or joined_side is None:
                    self.schema.notes.append(f"{where}: key {left_alias}.{left_field} = {right_alias}.{right_field}"
                                             " is not a plain column on both sides")  # fmt: skip
                    continue
                self._link(parent_side, joined_side, join.relationship, where)

    def _link(
        self, parent_side: tuple[str, str, View], joined_side: tuple[str, str, View], relationship: str, where: str
    ) -> None:
        def is_pk(side: tuple[str, str, View]) -> bool:
            pk = side[2].primary_key
            return pk is not None and direct_column(side[2], pk.name) == side[1]

        parent_is_one = relationship == "one_to_one" and is_pk(parent_side) and not is_pk(joined_side)
        if relationship == "one_to_many" or parent_is_one:
            one, many = parent_side, joined_side
        else:
            one, many = joined_side, parent_side
        if (one[0].lower(), one[1].lower()) == (many[0].lower(), many[1].lower()):
            return
        unique_child = relationship == "one_to_one"
        one_column = self.schema.table(one[0]).column(one[1])
        if relationship != "many_to_many":
            one_column.unique = True
            one_column.not_null = True
        key = JoinKey(
            clean_table_name(many[0]), many[1], clean_table_name(one[0]), one[1], relationship, unique_child, where
        )
        self.schema.table(many[0]).column(many[1])
        if not any(
            (k.child_table.lower(), k.child_column.lower()) == (key.child_table.lower(), key.child_column.lower())
            and (k.parent_table.lower(), k.parent_column.lower())
            == (key.parent_table.lower(), key.parent_column.lower())
            for k in self.schema.keys
        ):
            self.schema.keys.append(key)

    def _literal_values(self) -> None:
        """String literals compared with a field (``${status} = 'x'``, ``filters: [status: "x"]``)."""
        for model in self.project.models.values():
            dialect = self.dialect_for(model)
            for view in model.views.values():
                table_name = self.view_tables.get((model.name, view.name))
                if table_name is None or view.extension_required:
                    continue
                table = self.schema.table(table_name)
                for found in view.fields.values():
                    for condition in found.filters:
                        column = _transparent_column(view, condition.field)
                        if column is not None and table.column(column).type == "string":
                            text = condition.expression.strip().lstrip("-")
                            _add_values(table.column(column), [v.strip() for v in text.split(",") if "%" not in v])
                    for sql, exact_type in _field_sqls(found):
                        if "${" not in sql:
                            continue
                        whole = _sole_field(sql)
                        if found.is_measure and exact_type == "number" and whole is not None:
                            column = direct_column(view, whole)
                            if column is not None:
                                info = table.column(column)
                                info.offer(_refine_number("number", column), USAGE, f"{view.name}.{found.name}")
                            continue
                        for use in _uses(_fragment(sql, dialect), "__ref"):
                            if "." in use.column:
                                continue
                            column = _transparent_column(view, use.column)
                            if column is None:
                                continue
                            info = table.column(column)
                            if use.type == "string" and info.type == "string":
                                _add_values(info, use.literals)
                            elif use.type == "number" and direct_column(view, use.column) == column:
                                info.offer(
                                    _refine_number(use.type, info.name), USAGE, f"{view.name}.{found.name} (SQL use)"
                                )


def _read_json(column: ColumnInfo, read: JsonRead, keys: Iterable[str], evidence: str) -> None:
    """``column`` holds JSON with the value ``read`` reads at ``keys`` (field accesses written
    after the column: only a JSON document has them) and then ``read.path``."""
    keys = tuple(keys)
    leaf = column.json("document" if keys else read.stored).json_path((*keys, *read.path))
    leaf.offer(read.type, USAGE, evidence)
    _add_values(leaf, read.literals)


def _key_preference(column: ColumnInfo) -> tuple[int, bool]:
    """Which side's type a compared pair of columns takes: the stronger evidence, and on a tie a
    number (digits serve a string column too; a string never joins a number column)."""
    return column.strength, column.type in ("integer", "number")


def _transparent_column(view: View, field_name: str) -> str | None:
    """The column behind a field that is the column, maybe under LOWER/UPPER/TRIM."""
    direct = direct_column(view, field_name)
    if direct is not None:
        return direct
    found = view.fields.get(field_name)
    match = re.fullmatch(r"\s*(?:LOWER|UPPER|TRIM)\s*\(\s*(.*?)\s*\)\s*", found.sql or "", re.I) if found else None
    return table_column(match.group(1)) if match else None


def _add_values(column: ColumnInfo, values: Iterable[str]) -> None:
    """Literals compared with ``column`` (of a map, an array of key/value structs: the keys
    looked up, which its elements' keys then cycle through)."""
    element = column.element if column.type == "array" else None
    if element is not None and element.type == "struct" and "key" in element.children:
        column = element.children["key"]
    for value in values:
        if value and value not in column.values and len(column.values) < 20:
            column.values.append(value)


def _refine_number(kind: str | None, column: str) -> str | None:
    """``number`` → ``integer`` for id-like names (keys join on integers, not decimals)."""
    if kind == "number" and _INTEGER_NAME.search(column):
        return "integer"
    return kind


def infer_schema(
    project: Project,
    dialect_for: Callable[[Model], str] | str = "duckdb",
    *,
    user_attributes: Mapping[str, str] | None = None,
    parameters: Mapping[str, str] | None = None,
) -> Schema:
    """The source tables, columns, types and join keys the project's LookML reads.

    ``dialect_for`` gives the SQL dialect of a model (its connection's); a string means one
    dialect for all models. ``user_attributes`` and ``parameters`` (``view.name``) are the
    run's, for table names written with Liquid.
    """
    resolve = (lambda _model: dialect_for) if isinstance(dialect_for, str) else dialect_for
    return _Inference(project, resolve, user_attributes or {}, parameters or {}).run()


def _reads_its_table(view: View) -> bool:
    """Whether any field of the view reads ``${TABLE}`` (a view of filters and parameters only,
    or of references to other views, reads no table)."""
    return any(
        "${TABLE}" in sql
        for found in view.fields.values()
        if found.category is not FieldCategory.PARAMETER
        for sql, _ in _field_sqls(found)
    )
