"""What a SQL text reads: its tables, its columns and what each use of a column implies.

Scaffold builds warehouse tables a project can run on from the SQL its LookML holds, so it asks
of a text: which source tables a derived table's SELECT reads, which of their columns, and
what each use says about a column's type (``SUM(x)``: a number; ``x = 'complete'``: a string,
and ``'complete'`` is a value worth generating). This module answers with plain data, so that
sqlglot stays the compiler's business (DESIGN: compile/ is the only sqlglot importer).

Every answer is best-effort: SQL that does not parse in the dialect, or whose scopes sqlglot
cannot resolve, raises :class:`UnreadableSql` (or gives ``None`` for a fragment), and the
caller learns less, never fails.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope

__all__ = [
    "ColumnUse",
    "Fragment",
    "JsonRead",
    "Passed",
    "SelectReads",
    "Unnested",
    "UnreadableSql",
    "compared_columns",
    "read_field_sql",
    "read_fragment",
    "read_select",
    "read_unnests",
    "rename_tables",
]


@dataclass(frozen=True)
class ColumnUse:
    """One use of a column: its qualifier as written (a fragment) or its source table (a
    SELECT), its name, the type the use implies (``number``, ``string``, ``timestamp``,
    ``boolean``, ``map``: an ``ARRAY<STRUCT<key, value>>`` looked up by key, or None) and the
    string literals it is compared with (of a map: the keys looked up).

    ``alternatives`` is set when ``table`` is a guess: an unqualified column of a join that the
    SQL does not say the source of (the FROM table's, most likely); these are the other joined
    tables it may be of instead."""

    table: str
    column: str
    type: str | None
    literals: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    #: the format text is parsed with (``PARSE_DATE('%Y%m%d', date)``), in sqlglot's strftime codes
    text_format: str | None = None


@dataclass(frozen=True)
class JsonRead:
    """One read of a JSON value kept in a column: what a seed column must hold for it to work.

    ``names`` is the column as written, qualifier first (``__t.event_extra.linking`` →
    ``("__t", "event_extra", "linking")``): BigQuery writes a JSON field access like a column
    path, so only the caller, who knows the qualifiers, can tell where the column name ends
    and the keys begin. ``path`` holds the keys read below it: a key, ``"*"`` (some key: a
    subscript by an expression, the keys ``JSON_KEYS`` lists) or ``"[]"`` (an array's element).

    ``stored`` says what the warehouse column must be for the read to work: ``"document"``
    (BigQuery JSON, Snowflake VARIANT, PostgreSQL json: a field access, ``LAX_STRING``, ``:``),
    ``"text"`` (a string of JSON text: ``PARSE_JSON(x)``, Redshift ``JSON_EXTRACT_PATH_TEXT``)
    or ``"either"`` (BigQuery ``JSON_VALUE(x, '$.a')`` takes both). ``type`` is the type of the
    value read at ``path`` (``LAX_INT64``: integer; ``JSON_VALUE``: string; a cast's), and
    ``literals`` the strings it is compared with."""

    names: tuple[str, ...]
    path: tuple[str, ...]
    stored: str
    type: str | None
    literals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fragment:
    """What an expression (a field's SQL) reads; ``has_predicate`` when it compares or tests."""

    columns: tuple[ColumnUse, ...]
    has_predicate: bool
    #: the columns whose value the expression returns as it is (``COALESCE(a, b)``: a and b)
    passed: tuple[ColumnUse, ...] = ()
    #: the JSON values it reads out of columns
    json: tuple[JsonRead, ...] = ()


@dataclass(frozen=True)
class Passed:
    """An output column of a SELECT that is a source column (``plain``), or its MIN/MAX."""

    table: str
    column: str
    plain: bool


@dataclass(frozen=True)
class SelectReads:
    """What a SELECT reads: source tables (``catalog.db.name``), the uses of their columns, its
    outer SELECT's columns taken from a source column (by lower-case output name; one source per
    branch of a UNION), and whether that SELECT aggregates (GROUP BY, DISTINCT or an aggregate
    function)."""

    tables: tuple[str, ...]
    columns: tuple[ColumnUse, ...]
    outputs: Mapping[str, tuple[Passed, ...]]
    aggregated: bool
    #: source tables whose every column the outer SELECT passes on (``SELECT *``, ``t.*``,
    #: ``SELECT * EXCEPT (…)``), through CTEs and subqueries that do the same
    star_sources: tuple[str, ...] = ()
    #: struct fields read from a source column (``e.device.web_info.browser``): (table, column,
    #: path in the column)
    struct_paths: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    #: ``SELECT * FROM t GROUP BY 1, …, n`` (a dedup written with ordinals): n, which is then how
    #: many columns the star passes on (every one of them is grouped); 0 otherwise
    grouped_star: int = 0
    #: ``ARRAY_AGG(STRUCT(sl.x, sl.y AS z)) AS name`` in any of its SELECTs (GA4's sessions table
    #: packs its events so): name → ``(struct field, source table, source column)`` for each field
    #: that is a source column passed on through CTEs
    array_structs: Mapping[str, tuple[tuple[str, str, str], ...]] = field(default_factory=dict)
    #: source columns one COALESCE (IFNULL, NVL) returns in turn (``COALESCE(wp.id,
    #: ra.page_view_id)``): (table, column) pairs that must share a type
    coalesced: tuple[tuple[tuple[str, str], ...], ...] = ()
    #: JSON values read out of source columns: (source table, the read, its ``names`` the
    #: column alone and its ``path`` every key below it)
    json_reads: tuple[tuple[str, JsonRead], ...] = ()
    #: ``SELECT * FROM t UNION ALL SELECT 9999 AS id, NULL AS name, …``: a set operation matches
    #: columns by position, so t has exactly the columns the other branch names, in its order:
    #: (t, ((name, type of the branch's value or None), …))
    union_stars: tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...] = ()


def _array_structs(scopes: list[Scope]) -> dict[str, tuple[tuple[str, str, str], ...]]:
    """See :attr:`SelectReads.array_structs`."""
    found: dict[str, tuple[tuple[str, str, str], ...]] = {}
    for scope in scopes:
        select = scope.expression
        if not isinstance(select, exp.Select):
            continue
        for projection in select.expressions:
            aggregate = projection.this if isinstance(projection, exp.Alias) else None
            if not isinstance(aggregate, exp.ArrayAgg) or not isinstance(aggregate.this, exp.Struct):
                continue
            fields: list[tuple[str, str, str]] = []
            for item in aggregate.this.expressions:
                named = isinstance(item, exp.PropertyEQ | exp.Alias)
                value = item.expression if isinstance(item, exp.PropertyEQ) else item.this if named else item
                if not isinstance(value, exp.Column) or not value.table:
                    continue
                behind = _through_scopes(scopes, select, value.table, value.name)
                if behind is not None:
                    name = (item.this.name if isinstance(item, exp.PropertyEQ) else item.alias) if named else value.name
                    fields.append((name.lower(), behind[0], behind[1]))
            if fields:
                found[projection.alias.lower()] = tuple(fields)
    return found


def _grouped_star(outer: Scope | None) -> int:
    """See :attr:`SelectReads.grouped_star`."""
    select = outer.expression if outer is not None else None
    if not isinstance(select, exp.Select) or not select.expressions:
        return 0
    if not all(isinstance(e, exp.Star) or (isinstance(e, exp.Column) and e.is_star) for e in select.expressions):
        return 0
    group = select.args.get("group")
    ordinals = group.expressions if group is not None else []
    if not ordinals or not all(isinstance(o, exp.Literal) and o.is_int for o in ordinals):
        return 0
    return max(int(o.name) for o in ordinals)


class UnreadableSql(Exception):
    """The SQL does not parse (``reason == "parse"``) or its scopes do not resolve (``"scope"``)."""

    def __init__(self, reason: str, dialect: str) -> None:
        super().__init__(f"{reason} ({dialect})")
        self.reason = reason
        self.dialect = dialect


def read_fragment(sql: str, dialect: str) -> Fragment | None:
    """The columns an expression reads, keyed by the qualifier written before them (``t.x`` →
    ``t``; unqualified → ``""``); None when it does not parse in ``dialect``."""
    tree = _parse(sql, dialect)
    if tree is None:
        return None
    uses = tuple(_use(node.table, node) for node in tree.find_all(exp.Column))
    passed = tuple(_use(node.table, node) for node in _passed_columns(tree))
    json = tuple(read for _, read in _json_reads(tree, dialect))
    return Fragment(uses, any(isinstance(node, _PREDICATES) for node in tree.walk()), passed, json)


def _passed_columns(node: exp.Expr) -> Iterator[exp.Column]:
    """The columns ``node`` returns the value of unchanged: itself, the arguments of COALESCE
    (IFNULL, NVL), the results of CASE/IF; not what a function or cast computes from them."""
    node = node.unnest()
    if isinstance(node, exp.Column):
        yield node
    elif isinstance(node, exp.Coalesce):
        for argument in node.iter_expressions():
            yield from _passed_columns(argument)
    elif isinstance(node, (exp.Case, exp.If)):
        results = _results(node) if isinstance(node, exp.Case) else [node.args.get("true"), node.args.get("false")]
        for result in results:
            if isinstance(result, exp.Expr):
                yield from _passed_columns(result)


def read_field_sql(sql: str, dialect: str) -> tuple[tuple[ColumnUse, ...], tuple[SelectReads, ...]]:
    """What a field's SQL reads besides ``${TABLE}.x``: its bare columns outside any subquery
    (``PARSE_DATE('%d-%m-%Y', month)``: a column of the view's table, ``table`` left ``""``) and
    what each of its subqueries reads (``(SELECT retail_week FROM seed.retail_calendar c WHERE …)``).
    Empty when it does not parse."""
    tree = _parse(sql, dialect)
    if tree is None:
        return (), ()
    bare = tuple(
        _use("", column)
        for column in tree.find_all(exp.Column)
        if not column.table and not column.is_star and column.find_ancestor(exp.Select) is None
    )
    selects: list[SelectReads] = []
    for select in tree.find_all(exp.Select):
        if select.find_ancestor(exp.Select) is None:
            try:
                selects.append(read_select(select.sql(dialect=dialect), dialect))
            except UnreadableSql:
                continue
    return bare, tuple(selects)


def read_select(sql: str, dialect: str, *, opaque: Callable[[str], bool] = lambda _name: False) -> SelectReads:
    """The tables and columns a SELECT reads, through its CTEs and subqueries.

    A column is attributed to a table when its qualifier names the table's alias, or when it
    has none and its scope reads that single table. ``opaque`` tables (placeholders for SQL
    the caller could not resolve) are read but report no column.
    """
    tree = _parse(sql, dialect)
    if tree is None:
        raise UnreadableSql("parse", dialect)
    try:
        scopes = traverse_scope(tree)
    except Exception as error:  # sqlglot raises many kinds on SQL it half understands
        raise UnreadableSql("scope", dialect) from error
    tables: list[str] = []
    uses: list[ColumnUse] = []
    paths: list[tuple[str, str, tuple[str, ...]]] = []
    json_by_column = {id(column): read for column, read in _json_reads(tree, dialect)}
    json_reads: list[tuple[str, JsonRead]] = []
    for scope in scopes:
        known = _tables(scope, opaque)
        for source in known.values():
            name = _table_name(source)
            if name not in tables:
                tables.append(name)
        grouped_aliases = _grouped_aliases(scope)
        for node in scope.columns:
            if grouped_aliases and not node.table and node.name.lower() in grouped_aliases and _in_group_by(node):
                continue  # ``GROUP BY alias``: the SELECT list's expression, read where it is written
            parts = tuple(part.name for part in node.parts)
            json_read = json_by_column.get(id(node))
            if json_read is not None:
                located = _json_source(scopes, scope, known, json_read)
                if located is not None:
                    json_reads.append(located)
            alias = next((i for i, part in enumerate(parts[:-2]) if part in scope.sources), None)
            if alias is not None:  # alias.column.field…: a struct column (of a table, maybe via a CTE)
                if parts[alias] in known:
                    paths.append((_table_name(known[parts[alias]]), parts[alias + 1], parts[alias + 2 :]))
                elif isinstance(scope.expression, exp.Select):
                    behind = _through_scopes(scopes, scope.expression, parts[alias], parts[alias + 1])
                    if behind is not None:
                        paths.append((behind[0], behind[1], parts[alias + 2 :]))
                continue
            if len(parts) > 1 and not _names_a_source(scope, parts[0]):
                # BigQuery's column.field…: a struct column of the SELECT's one source
                found_path = _struct_of_only_source(scopes, scope, known, parts)
                if found_path is not None:
                    paths.append(found_path)
                    continue
            # scope.sources also holds every CTE in reach; what the SELECT reads is its FROM/JOINs
            found = _source(node, known, only_source=len(scope.selected_sources) == 1)
            if found is not None:
                uses.append(_use(_table_name(found), node))
            elif isinstance(scope.expression, exp.Select):
                behind = _behind(scopes, scope, node)
                traced = _trace(scope, node.table, node.name) if behind is None else []
                if behind is not None:
                    uses.append(dataclasses.replace(_use(behind[0], node), column=behind[1]))
                elif traced:
                    use = _use("", node)
                    uses.extend(dataclasses.replace(use, table=p.table, column=p.column) for p in traced)
                elif not node.table and (guess := _guess(scope, known, node)) is not None:
                    others = tuple(_table_name(t) for t in known.values() if t is not guess)
                    uses.append(dataclasses.replace(_use(_table_name(guess), node), alternatives=others))
    outer = scopes[-1] if scopes else None
    outputs, aggregated = _outputs(outer, opaque)
    stars = tuple(dict.fromkeys(_star_sources(outer, opaque))) if outer is not None else ()
    return SelectReads(
        tuple(tables),
        tuple(uses),
        outputs,
        aggregated,
        stars,
        tuple(paths),
        _grouped_star(outer),
        _array_structs(scopes),
        tuple(group for scope in scopes for group in _coalesced(scope, _tables(scope, opaque))),
        tuple(json_reads),
        union_stars=tuple(found for scope in scopes for found in _union_stars(scope, opaque)),
    )


def _grouped_aliases(scope: Scope) -> frozenset[str]:
    """The SELECT list's aliases of ``scope`` (lower case), which a GROUP BY name refers to.

    BigQuery, Snowflake, Redshift and PostgreSQL let GROUP BY name an output column; sqlglot's
    scope lists such a name among the columns read (it does so only for ORDER BY and HAVING
    references). Taken for a column of the table, it was seeded there, and DuckDB then bound
    the GROUP BY to that column rather than to the expression it names.
    """
    select = scope.expression
    if not isinstance(select, exp.Select) or select.args.get("group") is None:
        return frozenset()
    return frozenset(p.alias.lower() for p in select.expressions if isinstance(p, exp.Alias))


def _in_group_by(column: exp.Column) -> bool:
    """Whether ``column`` is written in the GROUP BY of its own SELECT (not inside a subquery)."""
    return isinstance(column.find_ancestor(exp.Group, exp.Select), exp.Group)


def _union_stars(
    scope: Scope, opaque: Callable[[str], bool]
) -> Iterator[tuple[str, tuple[tuple[str, str | None], ...]]]:
    """See :attr:`SelectReads.union_stars`."""
    if not isinstance(scope.expression, exp.SetOperation):
        return
    branches = [b for b in _branches(scope) if isinstance(b.expression, exp.Select)]
    named = next((b for b in branches if not _has_star(b)), None)
    if named is None:
        return
    assert isinstance(named.expression, exp.Select)
    columns = tuple((p.alias_or_name, _output_type(p.unalias())) for p in named.expression.expressions)
    if not all(name for name, _ in columns):
        return
    for branch in branches:
        select = branch.expression
        assert isinstance(select, exp.Select)
        if len(select.expressions) != 1 or not isinstance(select.expressions[0], exp.Star):
            continue
        sources = [branch.sources.get(name) for name in branch.selected_sources]
        if len(sources) == 1 and isinstance(sources[0], exp.Table) and not opaque(sources[0].name):
            yield _table_name(sources[0]), columns


def _output_type(node: exp.Expr) -> str | None:
    """The type of a SELECT's output expression, where it is evident (a literal, a cast, a date)."""
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Cast):
        kind = _cast_type(node.to)
        return "number" if kind == "integer" else kind  # an integer fits a number column of t
    if isinstance(node, exp.CurrentDate | exp.Date | exp.DateTrunc) or (
        isinstance(node, exp.DateAdd | exp.DateSub) and isinstance(node.this, exp.CurrentDate | exp.Date)
    ):
        return "date"
    if isinstance(node, exp.CurrentTimestamp | exp.CurrentDatetime | exp.TimestampTrunc):
        return "timestamp"
    return _value_type(node)


def _json_source(
    scopes: list[Scope], scope: Scope, known: Mapping[str, exp.Table], read: JsonRead
) -> tuple[str, JsonRead] | None:
    """The source table and column of a JSON read in ``scope``: ``alias.column.keys…`` of a
    table alias, through a CTE or subquery that passes the column on, or a bare ``column.keys…``
    of a scope that reads one table."""
    names = read.names
    table: str | None = None
    if len(names) > 1 and names[0] in known:
        table, column, keys = _table_name(known[names[0]]), names[1], names[2:]
    elif len(names) > 1 and names[0] in scope.sources and isinstance(scope.expression, exp.Select):
        behind = _through_scopes(scopes, scope.expression, names[0], names[1])
        if behind is not None:
            table, column, keys = behind[0], behind[1], names[2:]
    elif len(known) == 1 and len(scope.selected_sources) == 1:
        table, column, keys = _table_name(next(iter(known.values()))), names[0], names[1:]
    if table is None:
        return None
    stored = "document" if keys else read.stored  # a field access: only a JSON document has one
    return table, dataclasses.replace(read, names=(column,), path=(*keys, *read.path), stored=stored)


# -- JSON reads ------------------------------------------------------------------------------------


def _json_reads(tree: exp.Expr, dialect: str) -> list[tuple[exp.Column, JsonRead]]:
    """Every column of ``tree`` read as JSON, with what is read; a Snowflake ``FLATTEN(input =>
    x) AS f`` makes ``f.value:key`` a read of the elements of ``x``."""
    found = [(column, read) for column in tree.find_all(exp.Column) if (read := _json_read(column, dialect))]
    flattened: dict[str, JsonRead] = {}
    for column, read in found:
        lateral = column.find_ancestor(exp.Lateral)
        explode = lateral.this if lateral is not None else None
        alias = lateral.args.get("alias") if lateral is not None else None
        flattens = isinstance(explode, exp.Explode) and isinstance(alias, exp.TableAlias) and alias.name
        if flattens and isinstance(alias, exp.TableAlias) and read.path[-1:] == ("[]",):
            flattened[alias.name.lower()] = read
    if not flattened:
        return found
    resolved = []
    for column, read in found:
        names = tuple(n.lower() for n in read.names[:2])
        input_ = flattened.get(names[0]) if len(names) == 2 and names[1] == "value" else None
        if input_ is not None:
            read = dataclasses.replace(read, names=input_.names, path=(*input_.path, *read.names[2:], *read.path))
        resolved.append((column, read))
    return resolved


def _json_read(column: exp.Column, dialect: str) -> JsonRead | None:
    """What ``column`` is read for as JSON, climbing the accessors around it (``x[k].branch``,
    ``JSON_VALUE(x, '$.a')``, ``x:a.b::string``, ``PARSE_JSON(x):a``); None when it is not."""
    node: exp.Expr = column
    path: list[str] = []
    stored: str | None = None  # the first accessor's need wins: x[k] inside JSON_VALUE needs JSON
    type_: str | None = None
    evidence = False  # something only JSON supports (not an array's subscript, a struct's field)
    while True:
        parent = node.parent
        while isinstance(parent, exp.Paren):
            node, parent = parent, parent.parent
        step = _json_step(parent, node, node is column, dialect) if parent is not None else None
        if step is None or parent is None:
            break
        keys, needs, returns, only_json = step
        path.extend(keys)
        stored, evidence = stored or needs, evidence or only_json
        type_ = returns if returns is not None or only_json else type_
        node = parent
        if isinstance(parent, exp.Kwarg):  # FLATTEN(input => x): the elements are read elsewhere
            break
    if not evidence or stored is None:
        return None
    if isinstance(node.parent, exp.Cast):  # x:a::string = 'q': the cast's type, its comparisons
        used, literals = _usage(node.parent)
        used = _cast_type(node.parent.to) or used
    else:
        used, literals = _usage(node)
    if isinstance(node, tuple(_JSON_SCALARS)):  # LAX_INT64(x.n) > 3: an integer, not any number
        used = type_
    names = tuple(part.name for part in column.parts)
    return JsonRead(names, tuple(path), stored, used or type_, tuple(literals))


def _json_step(
    parent: exp.Expr, node: exp.Expr, on_column: bool, dialect: str
) -> tuple[list[str], str, str | None, bool] | None:
    """One accessor ``parent`` applied to ``node``: (keys it reads, what it needs its argument
    stored as, the type it returns, whether only JSON has it); None when it reads no JSON."""
    if isinstance(parent, exp.Bracket) and parent.this is node and parent.expressions:
        key = parent.expressions[0]
        if isinstance(key, exp.Literal) and key.is_string:
            # x['k']: only JSON has it in BigQuery and Snowflake; a STRUCT or MAP has it elsewhere
            return [key.this], "document", None, dialect in _STRING_SUBSCRIPTS_ARE_JSON
        return ["[]" if isinstance(key, exp.Literal) or _is_offset(key) else "*"], "document", None, False
    if isinstance(parent, exp.Dot) and parent.this is node:
        return [parent.expression.name], "document", None, False
    if getattr(parent, "this", None) is not node:
        if isinstance(parent, exp.Kwarg) and isinstance(parent.parent, exp.Explode) and parent.expression is node:
            return ["[]"], "document", None, True  # Snowflake FLATTEN(input => x): x (or x:path) is an array
        return None
    if isinstance(parent, exp.JSONKeysAtDepth | exp.JSONKeys):
        return ["*"], "document", "string", True
    if isinstance(parent, _JSON_EXTRACTS):
        keys = _json_path(parent.expression)
        if isinstance(parent, exp.JSONExtractArray | exp.JSONValueArray):
            keys.append("[]")
        return keys, _extract_storage(parent, dialect), _extract_type(parent), True
    if type(parent) in _JSON_SCALARS:
        return [], "document", _JSON_SCALARS[type(parent)], True
    if isinstance(parent, exp.JSONType):
        return [], "document", "string", True
    if isinstance(parent, exp.GetExtract):
        key = parent.expression
        return [key.this if isinstance(key, exp.Literal) and key.is_string else "[]"], "document", None, True
    if (isinstance(parent, exp.ParseJSON) or _is_json_cast(parent)) and on_column:
        return [], "text", None, True
    return None


#: dialects in which only a JSON value (VARIANT, OBJECT) takes a subscript by a string
_STRING_SUBSCRIPTS_ARE_JSON = frozenset({"bigquery", "snowflake"})


def _is_map_lookup(node: exp.Expr, column: exp.Expr) -> bool:
    """``mozfun.map.get_key(x, 'k')``: Mozilla's public BigQuery UDF reading BigQuery's map
    idiom, an ``ARRAY<STRUCT<key, value>>`` (https://mozilla.github.io/bigquery-etl/mozfun/map/)."""
    qualifier = node.parent.this if isinstance(node.parent, exp.Dot) else None
    return (
        isinstance(node, exp.Anonymous)
        and node.name.lower() == "get_key"
        and bool(node.expressions)
        and node.expressions[0] is column
        and isinstance(qualifier, exp.Dot)
        and qualifier.sql().lower() == "mozfun.map"
    )


def _is_offset(node: exp.Expr) -> bool:
    """BigQuery's ``arr[OFFSET(0)]``/``SAFE_OFFSET``: an array's element."""
    return isinstance(node, exp.Anonymous | exp.Func) and node.sql_name().upper() in (
        "OFFSET", "SAFE_OFFSET", "ORDINAL", "SAFE_ORDINAL",
    )  # fmt: skip


def _is_json_cast(node: exp.Expr | None) -> bool:
    return isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.JSON, exp.DataType.Type.JSONB)


def _json_path(node: exp.Expr | None) -> list[str]:
    """The keys of a JSON path (``'$.a.b[0]'`` → a, b, []; PostgreSQL's ``'{a,b}'`` → a, b)."""
    if isinstance(node, exp.JSONPath):
        keys = []
        for part in node.expressions:
            if isinstance(part, exp.JSONPathKey):
                keys.append(str(part.this) if not isinstance(part.this, exp.JSONPathWildcard) else "*")
            elif isinstance(part, exp.JSONPathSubscript | exp.JSONPathSlice | exp.JSONPathWildcard):
                keys.append("[]")
        return keys
    if isinstance(node, exp.Literal) and node.is_string:
        return [k.strip().strip('"') for k in node.this.strip("{}").split(",") if k.strip()]
    return []


def _extract_storage(node: exp.Expr, dialect: str) -> str:
    """What a JSON-extracting function needs its argument to be, per dialect (documented):
    Redshift's ``JSON_EXTRACT_PATH_TEXT`` and Snowflake's take VARCHAR text; Snowflake's ``:``
    and ``GET_PATH`` a VARIANT; PostgreSQL's ``->``/``->>`` json(b); BigQuery's ``JSON_VALUE``/
    ``JSON_QUERY``/``JSON_EXTRACT*`` a JSON value or a STRING of JSON text alike."""
    if dialect == "redshift":
        return "text"
    if dialect == "snowflake":
        return "document" if node.args.get("requires_json") or node.args.get("variant_extract") else "text"
    if dialect in ("postgres", "postgresql"):
        return "document"
    return "either"


def _extract_type(node: exp.Expr) -> str | None:
    """What an extracting function returns: a scalar's text, or JSON (None)."""
    return "string" if isinstance(node, exp.JSONExtractScalar | exp.JSONBExtractScalar | exp.JSONValueArray) else None


def _cast_type(to: exp.DataType) -> str | None:
    if to.is_type(*exp.DataType.INTEGER_TYPES):
        return "integer"
    if to.is_type(*exp.DataType.NUMERIC_TYPES):
        return "number"
    if to.is_type(exp.DataType.Type.BOOLEAN):
        return "boolean"
    if to.is_type(exp.DataType.Type.DATE):
        return "date"
    if to.is_type(*exp.DataType.TEMPORAL_TYPES):
        return "timestamp"
    if to.is_type(*exp.DataType.TEXT_TYPES):
        return "string"
    return None


def _coalesced(scope: Scope, known: Mapping[str, exp.Table]) -> Iterator[tuple[tuple[str, str], ...]]:
    """The table columns each COALESCE of ``scope``'s own SELECT returns, when it returns two or more."""
    if not isinstance(scope.expression, exp.Select):
        return
    for coalesce in scope.expression.find_all(exp.Coalesce):
        if coalesce.find_ancestor(exp.Select) is not scope.expression:
            continue
        columns = []
        for written in coalesce.iter_expressions():
            argument = written.unnest()
            if isinstance(argument, exp.Column):
                table = _source(argument, known, only_source=len(scope.selected_sources) == 1)
                if table is not None:
                    columns.append((_table_name(table), argument.name))
        if len(columns) > 1:
            yield tuple(columns)


@dataclass(frozen=True)
class Unnested:
    """One ``UNNEST(x.y.z)``: the names of what it unnests (``("__t", "event_params")``), the
    table its first name is an alias of in the SQL (if any), its alias, and the uses of the
    element's fields in the SELECT it feeds: ``(path in the element, usage type, literals)``
    (BigQuery: ``(SELECT value.int_value FROM UNNEST(params) WHERE key = 'k')`` reads the
    element's ``key`` and ``value.int_value``)."""

    path: tuple[str, ...]
    table: str | None
    alias: str | None
    fields: tuple[tuple[tuple[str, ...], str | None, tuple[str, ...]], ...]


def read_unnests(sql: str, dialect: str) -> list[Unnested]:
    """Every ``UNNEST`` of ``sql`` (a statement or an expression); empty if it does not parse."""
    tree = _parse(sql, dialect)
    if tree is None:
        return []
    if dialect == "bigquery":  # FROM t.arr AS e: an implicit UNNEST (also of the placeholder __t)
        from pytest_looker.compile.translate.arrays import implicit_unnests

        implicit_unnests(tree, ranges=("__t",))
    try:
        scopes = traverse_scope(tree) if isinstance(tree, exp.Query) else []
    except Exception:  # sqlglot raises many kinds on SQL it half understands
        scopes = []
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    tables = {
        t.alias_or_name: _table_name(t)
        for t in tree.find_all(exp.Table)
        if t.name and (t.db or t.name.lower() not in ctes)
    }
    found: list[Unnested] = []
    for node in tree.find_all(exp.Unnest):
        path = _names(node.expressions[0]) if node.expressions else ()
        if not path:
            continue
        alias = node.args.get("alias")
        name = None
        if isinstance(alias, exp.TableAlias):
            columns = alias.columns
            name = columns[0].name if columns else alias.name or None
        select = node.find_ancestor(exp.Select)
        fields: list[tuple[tuple[str, ...], str | None, tuple[str, ...]]] = []
        if select is not None and node.find_ancestor(exp.From, exp.Join) is not None:
            sources = {t.alias_or_name for t in select.find_all(exp.Table) if t.find_ancestor(exp.Select) is select}
            # SELECT value FROM UNNEST(labels) AS label: the element is the one row source, and
            # BigQuery reads a bare name as a field of its struct as well as label.value
            alone = not sources and len([u for u in select.find_all(exp.Unnest) if u.parent_select is select]) == 1
            offset = node.args.get("offset")
            offset_name = offset.name if isinstance(offset, exp.Expr) else None
            for column in select.find_all(exp.Column):
                if column.find_ancestor(exp.Select) is not select or column.find_ancestor(exp.Unnest) is node:
                    continue
                parts = _names(column)
                if not parts or parts[0] in sources:
                    continue
                if name is not None:
                    if parts[0] == name:
                        parts = parts[1:]
                    elif not (alone and len(parts) == 1 and parts[0] != offset_name):
                        continue
                kind, literals = _usage(column)
                if kind is None:  # passed on as is: how the readers of the CTE use it
                    kind = _downstream_usage(tree, select, column)
                fields.append((parts, kind, tuple(literals)))
        table = tables.get(path[0]) if len(path) > 1 else None
        if len(path) == 1 and select is not None:
            # FROM t, UNNEST(branches) AS branch: a bare name is a column of the one table read
            own = [
                t
                for t in select.find_all(exp.Table)
                if t.find_ancestor(exp.Select) is select and t.name and (t.db or t.name.lower() not in ctes)
            ]
            if len(own) == 1:
                table, path = _table_name(own[0]), (own[0].alias_or_name, path[0])
        if table is None and len(path) > 1 and select is not None:
            resolved = _through_scopes(scopes, select, path[0], path[1])
            if resolved is not None:
                table, source_column = resolved
                path = (path[0], source_column, *path[2:])
        found.append(Unnested(path, table, name, tuple(fields)))
    return found


def _downstream_usage(tree: exp.Expr, select: exp.Select, column: exp.Column) -> str | None:
    """The type implied for ``column``, projected as it is by the CTE ``select``, by the SELECTs
    that read that CTE: mozilla's ``expected_ratios AS (SELECT branch.ratio FROM t,
    UNNEST(branches) AS branch)`` then ``SUM(ratio) FROM expected_ratios`` makes the element's
    ``ratio`` a number. One level: the first use that implies a type."""
    projection = column.parent
    if projection is not select and not (isinstance(projection, exp.Alias) and projection.parent is select):
        return None
    cte = select.parent
    if not isinstance(cte, exp.CTE):
        return None
    output = projection.alias if isinstance(projection, exp.Alias) else column.name
    name = cte.alias_or_name
    for reader in tree.find_all(exp.Select):
        if reader is select:
            continue
        own = [t for t in reader.find_all(exp.Table) if t.find_ancestor(exp.Select) is reader]
        aliases = {t.alias_or_name for t in own if not t.db and t.name == name}
        if not aliases:
            continue
        for used in reader.find_all(exp.Column):
            if used.find_ancestor(exp.Select) is not reader or used.name != output:
                continue
            if used.table in aliases or (not used.table and len(own) == 1):
                kind = _usage(used)[0]
                if kind is not None:
                    return kind
    return None


def _names_a_source(scope: Scope, name: str) -> bool:
    """Whether ``name`` is a table alias in ``scope`` or a scope around it (a correlated
    subquery's ``outer.column``): else ``name.field`` is BigQuery's field of a struct column."""
    found: Scope | None = scope
    while found is not None:
        if name in found.sources:
            return True
        found = found.parent
    return False


def _struct_of_only_source(
    scopes: list[Scope], scope: Scope, known: Mapping[str, exp.Table], parts: tuple[str, ...]
) -> tuple[str, str, tuple[str, ...]] | None:
    """``(table, column, path)`` of ``column.field…`` read in a SELECT of one source (the
    reservations block's ``error_result.reason`` over ``JOBS_BY_ORGANIZATION jbo``), through a
    CTE or subquery that passes the column on."""
    if len(scope.selected_sources) != 1:
        return None
    only = next(iter(scope.selected_sources))
    if only in known:
        return _table_name(known[only]), parts[0], parts[1:]
    if not isinstance(scope.expression, exp.Select):
        return None
    behind = _through_scopes(scopes, scope.expression, only, parts[0])
    return (behind[0], behind[1], parts[1:]) if behind is not None else None


def _through_scopes(scopes: list[Scope], select: exp.Select, qualifier: str, column: str) -> tuple[str, str] | None:
    """The source table and column behind ``qualifier.column`` in ``select`` when ``qualifier``
    is a CTE or subquery that passes a table's column on (``sl.event_params`` of a CTE that
    selects ``events.event_params``)."""
    scope = next((s for s in scopes if s.expression is select), None)
    for _ in range(10):
        source = scope.sources.get(qualifier) if scope is not None else None
        if isinstance(source, exp.Table):
            return _table_name(source), column
        if not isinstance(source, Scope) or not isinstance(source.expression, exp.Select):
            return None
        projection = next((p for p in source.expression.expressions if p.alias_or_name == column), None)
        if projection is None:  # not named: passed on by the `*` of a CTE or subquery over one table
            stars = list(dict.fromkeys(_star_sources(source, lambda _name: False)))
            return (stars[0], column) if len(stars) == 1 else None
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        if not isinstance(inner, exp.Column):
            return None
        scope, qualifier, column = source, inner.table, inner.name
        if not qualifier:
            tables = [t for t in source.sources.values() if isinstance(t, exp.Table)]
            return (_table_name(tables[0]), column) if len(tables) == 1 else None
    return None


def _behind(scopes: list[Scope], scope: Scope, column: exp.Column) -> tuple[str, str] | None:
    """The source table and column of a column read through a CTE or subquery of ``scope``
    (``t.name`` where ``t`` is a CTE that passes a table's columns on with ``SELECT *``)."""
    qualifier = column.table
    if not qualifier:
        found = (
            next(iter(scope.selected_sources)) if len(scope.selected_sources) == 1 else _star_owner(scope, column.name)
        )
        if found is None:
            return None
        qualifier = found
    if not isinstance(scope.sources.get(qualifier), Scope):
        return None
    assert isinstance(scope.expression, exp.Select)
    return _through_scopes(scopes, scope.expression, qualifier, column.name)


def _star_owner(scope: Scope, name: str) -> str | None:
    """The one CTE or subquery a bare ``name`` can come from when a SELECT joins several: the
    only one passing columns on with ``*`` when none of them names it (ga360's ``FROM
    filtered_base AS ga_sessions LEFT JOIN user_label``, filtered_base being ``SELECT * FROM
    ga_sessions_*``: ``date`` is the wildcard table's). A joined table could have it too: none."""
    sources = {alias: scope.sources.get(alias) for alias in scope.selected_sources}
    inner = {alias: source for alias, source in sources.items() if isinstance(source, Scope)}
    if len(inner) != len(sources) or any(_position(source, name) is not None for source in inner.values()):
        return None
    stars = [alias for alias, source in inner.items() if _has_star(source)]
    return stars[0] if len(stars) == 1 else None


def _first_select(scope: Scope) -> Scope | None:
    """The scope that names a scope's output columns: itself, or its set operation's first branch."""
    for _ in range(10):
        if isinstance(scope.expression, exp.Select):
            return scope
        if not isinstance(scope.expression, exp.SetOperation) or not scope.set_operation_scopes:
            return None
        scope = scope.set_operation_scopes[0]
    return None


def _branches(scope: Scope, depth: int = 0) -> list[Scope]:
    """The SELECT scopes of a scope: itself, or every branch of its set operation."""
    if depth > 10:
        return []
    if isinstance(scope.expression, exp.Select):
        return [scope]
    return [b for branch in scope.set_operation_scopes for b in _branches(branch, depth + 1)]


def _position(scope: Scope, name: str) -> int | None:
    """Which output column of a CTE or subquery is called ``name`` (its first SELECT names them)."""
    first = _first_select(scope)
    if first is None:
        return None
    assert isinstance(first.expression, exp.Select)
    names = [p.alias_or_name.lower() for p in first.expression.expressions]
    return names.index(name.lower()) if name.lower() in names else None


def _trace(scope: Scope, qualifier: str, name: str, depth: int = 0) -> list[Passed]:
    """The source columns behind ``qualifier.name`` (or a bare ``name``) of a SELECT that reads
    it from a CTE or subquery, through its UNION branches by position and nested CTEs.

    A bare name is the CTE's when the CTE is the one source of the SELECT that outputs it
    (``SELECT wp.id, session_id FROM combined AS cb JOIN web_page AS wp``): a table's columns are
    not known, a CTE's are, and a name both had would be ambiguous on the warehouse too."""
    if depth > 10:
        return []
    if not qualifier:
        inner_scopes = {a: s for a in scope.selected_sources if isinstance(s := scope.sources.get(a), Scope)}
        owners = [a for a, inner in inner_scopes.items() if _position(inner, name) is not None]
        if not owners and len(scope.selected_sources) == 1:
            owners = list(scope.selected_sources)  # the one table (or CTE) the SELECT reads
        if len(owners) != 1:
            return []
        qualifier = owners[0]
    source = scope.sources.get(qualifier)
    if isinstance(source, exp.Table):
        return [Passed(_table_name(source), name, False)] if depth else []
    if not isinstance(source, Scope):
        return []
    index = _position(source, name)
    if index is None:
        return []
    found: list[Passed] = []
    for branch in _branches(source):
        assert isinstance(branch.expression, exp.Select)
        projections = branch.expression.expressions
        inner = projections[index].unalias() if index < len(projections) else None
        if isinstance(inner, exp.Column) and not isinstance(inner.this, exp.Star):
            found.extend(_trace(branch, inner.table, inner.name, depth + 1))
    return found


def _guess(scope: Scope, known: Mapping[str, exp.Table], column: exp.Column) -> exp.Table | None:
    """The table an unqualified column of a join is guessed to be of: the LEFT JOINed table it
    filters in the ON clause (:func:`_joined_table`), else :func:`_guessed_table`."""
    return _joined_table(column, known) or _guessed_table(scope, known, column.name)


def _guessed_table(scope: Scope, known: Mapping[str, exp.Table], name: str) -> exp.Table | None:
    """The table an unqualified column ``name`` of a join is guessed to be of (the caller keeps
    the other joined tables as alternatives): none when a CTE or subquery joined beside names the
    column; the FROM table when the SELECT qualifies every other source (:func:`_main_table`);
    else the first table joined — only when every CTE or subquery joined beside is known not to
    have the column (it names all its columns)."""
    inner_scopes = [s for alias in scope.selected_sources if isinstance(s := scope.sources.get(alias), Scope)]
    if any(_position(inner, name) is not None for inner in inner_scopes):
        return None  # a CTE or subquery joined beside names it: the column is its (else it is ambiguous)
    main = _main_table(scope, known)
    if main is not None:
        return main
    select = scope.expression
    if not isinstance(select, exp.Select) or len(known) < 1:
        return None
    if any(isinstance(p, exp.Alias) and p.alias.lower() == name.lower() for p in select.expressions):
        return None  # a lateral column alias (Redshift, Snowflake: ``x AS session_id, … session_id …``)
    if any(_has_star(inner) for inner in inner_scopes):
        return None
    order = [select.args.get("from_"), *(select.args.get("joins") or [])]
    for clause in order:
        source = clause.this if isinstance(clause, exp.From | exp.Join) else None
        if isinstance(source, exp.Table) and source.alias_or_name in known:
            return known[source.alias_or_name]
    return None


def _has_star(scope: Scope) -> bool:
    """Whether a CTE or subquery passes on columns it does not name (``*``, ``t.*``)."""
    return any(
        isinstance(p, exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star))
        for branch in _branches(scope)
        if isinstance(branch.expression, exp.Select)
        for p in branch.expression.expressions
    )


def _main_table(scope: Scope, known: Mapping[str, exp.Table]) -> exp.Table | None:
    """The table an unqualified column of a join most likely reads: the FROM table, when the
    SELECT qualifies a column of every other source it joins (``FROM events AS e JOIN clients
    AS c ON service = c.id``: the author writes ``c.`` for the joined table, so ``service`` is
    the events')."""
    select = scope.expression
    clause = select.args.get("from_") if isinstance(select, exp.Select) else None
    main = clause.this if isinstance(clause, exp.From) else None
    if not isinstance(main, exp.Table) or main.alias_or_name not in known:
        return None
    qualified = {column.table for column in scope.columns if column.table}
    others = [name for name in scope.selected_sources if name != main.alias_or_name]
    return main if others and all(name in qualified for name in others) else None


def _joined_table(column: exp.Column, known: Mapping[str, exp.Table]) -> exp.Table | None:
    """The table an unqualified column filtered in a LEFT JOIN's ON clause most likely reads: the
    joined one (rittmananalytics' ``LEFT JOIN contact_companies_fact cc ON c.contact_pk =
    cc.contact_fk AND contact_next_created_date IS NULL``). A filter of the left table there would
    drop no row, only unmatch it; filtering the joined rows is what the clause is for. A column
    compared with another column is a key (``ON service = c.id``: :func:`_main_table`)."""
    on = column.find_ancestor(exp.Join, exp.Select)
    if not isinstance(on, exp.Join) or on.side.upper() != "LEFT" or not isinstance(on.this, exp.Table):
        return None
    test = column.parent
    while isinstance(test, exp.Paren):
        test = test.parent
    if (
        test is None
        or not isinstance(test, (exp.Is, *_COMPARISON))
        or any(
            isinstance(other, exp.Column)
            for side in test.iter_expressions()
            if side is not column
            for other in side.walk()
        )
    ):
        return None
    condition = on.args.get("on")
    if not isinstance(condition, exp.Expr) or not any(node is column for node in condition.walk()):
        return None
    joined = known.get(on.this.alias_or_name)
    return joined if joined is on.this else None


def _names(node: exp.Expression) -> tuple[str, ...]:
    """``a.b.c`` (a column or a chain of field accesses) as names; ``()`` for anything else."""
    if isinstance(node, exp.Column):
        return tuple(part.name for part in node.parts)
    if isinstance(node, exp.Dot):
        left = _names(node.this)
        return (*left, node.expression.name) if left else ()
    return ()


def compared_columns(sql: str, dialect: str) -> list[tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]]:
    """For each ``=`` of an expression, the ``(qualifier, column)`` pairs read on either side
    (``a.x = COALESCE(b.y, c.z)`` → ``(("a", "x"),), (("b", "y"), ("c", "z"))``); empty when
    the expression does not parse."""
    tree = _parse(sql, dialect)
    if tree is None:
        return []
    found = []
    for node in tree.find_all(exp.EQ):
        sides = tuple(tuple(_qualified(c) for c in _valued_columns(side)) for side in (node.this, node.expression))
        if sides[0] and sides[1]:
            found.append((sides[0], sides[1]))
    return found


def _results(case: exp.Case) -> list[exp.Expr]:
    """The THEN and ELSE results of ``case``."""
    found = [branch.args.get("true") for branch in case.args.get("ifs") or []] + [case.args.get("default")]
    return [r for r in found if isinstance(r, exp.Expr)]


def _valued_columns(node: exp.Expr) -> Iterator[exp.Column]:
    """The columns whose values make up ``node``'s value: of a CASE only its THEN and ELSE
    results count; the WHEN conditions (and a simple CASE's operand) only choose a result, so
    ``a.x = CASE WHEN a.source = 'd' THEN b.id END`` compares ``a.x`` with ``b.id`` alone."""
    if isinstance(node, exp.Column):
        yield node
        return
    if isinstance(node, exp.Case):
        for result in _results(node):
            yield from _valued_columns(result)
        return
    if isinstance(node, exp.If):  # IF(cond, a, b) / IFF: the condition only chooses
        for key in ("true", "false"):
            if isinstance(node.args.get(key), exp.Expr):
                yield from _valued_columns(node.args[key])
        return
    for child in node.iter_expressions():
        yield from _valued_columns(child)


#: The qualifier of LookML ``${view.field}`` placeholders (``scaffold.schema._placeholders``).
_REF = "__ref"


def _qualified(column: exp.Column) -> tuple[str, str]:
    """``(qualifier, name)`` of a column. BigQuery reads a quoted dotted name as a path, so a
    placeholder ``__ref."view.field"`` comes back as ``__ref.view.field``: it stays one reference."""
    if column.text("db") == _REF and column.table:
        return _REF, f"{column.table}.{column.name}"
    return column.table, column.name


def rename_tables(sql: str, renames: Mapping[tuple[str, ...], str], dialect: str = "duckdb") -> str:
    """``sql`` with each table whose qualifier is in ``renames`` read from the schema it is kept in.

    ``renames`` maps a lower-case ``(catalog, schema)`` or ``(schema,)`` qualifier to a schema of
    the default catalog (see :func:`pytest_looker.run.names.stored_name`). SQL that does not
    parse is returned unchanged: the database then reports what it cannot find.
    """
    from pytest_looker.compile.translate import writer
    from pytest_looker.compile.translate.tables import renamed_tables

    try:
        trees = sqlglot.parse(sql, read=dialect)
    except Exception:
        return sql
    rename = renamed_tables(renames)
    return ";\n".join(rename(tree).sql(dialect=writer(dialect), copy=False) for tree in trees if tree is not None)


# -- internals --------------------------------------------------------------------------------------


def _parse(sql: str, dialect: str) -> exp.Expression | None:
    """``sql`` parsed in ``dialect``, or ``None``: sqlglot raises more than its own errors on
    unusual input (an ``AttributeError`` from a half-known function), so everything is caught."""
    try:
        tree: Any = sqlglot.parse_one(sql, read=dialect)
    except Exception:
        return None
    return tree if isinstance(tree, exp.Expression) else None


def _tables(scope: Scope, opaque: Callable[[str], bool]) -> dict[str, exp.Table]:
    return {
        alias: source
        for alias, source in scope.sources.items()
        if isinstance(source, exp.Table) and not opaque(source.name)
    }


def _source(column: exp.Column, tables: Mapping[str, exp.Table], *, only_source: bool) -> exp.Table | None:
    """The table a column reads: the one its qualifier names, else the only table of a scope
    that reads nothing else (``only_source``)."""
    if column.table:
        return tables.get(column.table)
    return next(iter(tables.values())) if only_source and len(tables) == 1 else None


def _table_name(source: exp.Table) -> str:
    return ".".join(part for part in (source.catalog, source.db, source.name) if part)


def _outputs(outer: Scope | None, opaque: Callable[[str], bool]) -> tuple[dict[str, tuple[Passed, ...]], bool]:
    """The outer SELECT's pass-through columns; for a UNION, every branch's (the branches feed
    the output columns by position; the first branch names them)."""
    columns, aggregated = _projections(outer, opaque)
    merged: dict[str, tuple[Passed, ...]] = {}
    for name, sources in columns:
        if name and sources:
            merged[name] = merged.get(name, ()) + sources
    return merged, aggregated


def _projections(
    outer: Scope | None, opaque: Callable[[str], bool]
) -> tuple[list[tuple[str, tuple[Passed, ...]]], bool]:
    """``(output name, sources)`` per output position of a SELECT or a set operation."""
    if outer is not None and isinstance(outer.expression, exp.SetOperation):
        aggregated = bool(outer.expression.args.get("distinct"))
        positions: list[tuple[str, tuple[Passed, ...]]] = []
        for branch in outer.set_operation_scopes:
            columns, branch_aggregated = _projections(branch, opaque)
            aggregated = aggregated or branch_aggregated
            if not positions:
                positions = list(columns)
                continue
            for index, (_, sources) in enumerate(columns[: len(positions)]):
                name, known = positions[index]
                positions[index] = (name, known + sources)
        return positions, aggregated
    if outer is None or not isinstance(outer.expression, exp.Select):
        return [], False
    select = outer.expression
    tables = _tables(outer, opaque)
    positions = []
    for projection in select.expressions:
        star_of = (
            list(outer.selected_sources)
            if isinstance(projection, exp.Star)
            else [projection.table]
            if isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)
            else []
        )
        if star_of:  # SELECT cte.*: the CTE's (or subquery's) own columns, passed on
            for name in star_of:
                source = outer.sources.get(name)
                if isinstance(source, Scope):
                    positions.extend(_projections(source, opaque)[0])
            continue
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        plain = isinstance(inner, exp.Column)
        if isinstance(inner, exp.Min | exp.Max) and isinstance(inner.this, exp.Column):
            inner = inner.this
        # a bare name is a table's only when the SELECT reads nothing else (a CTE or subquery
        # joined beside the table may be where it comes from)
        single = len(outer.selected_sources) == 1
        source = _source(inner, tables, only_source=single) if isinstance(inner, exp.Column) else None
        passed: tuple[Passed, ...] = (Passed(_table_name(source), inner.name, plain),) if source is not None else ()
        if source is None and isinstance(inner, exp.Column) and not isinstance(inner.this, exp.Star):
            passed = tuple(_trace(outer, inner.table, inner.name))  # through a CTE or subquery
        positions.append((projection.alias_or_name.lower(), passed))
    grouped = bool(select.args.get("group")) or bool(select.args.get("distinct"))
    aggregated = grouped or any(True for _ in select.find_all(exp.AggFunc))
    return positions, aggregated


def _star_sources(scope: Scope, opaque: Callable[[str], bool], depth: int = 0) -> list[str]:
    """The tables a scope's ``*`` projections pass on (see :attr:`SelectReads.star_sources`)."""
    if depth > 10:
        return []
    if isinstance(scope.expression, exp.SetOperation):
        return [t for branch in scope.set_operation_scopes for t in _star_sources(branch, opaque, depth + 1)]
    if not isinstance(scope.expression, exp.Select):
        return []
    found: list[str] = []
    for projection in scope.expression.expressions:
        if isinstance(projection, exp.Star):
            names = list(scope.selected_sources)
        elif isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
            names = [projection.table]
        else:
            continue
        for name in names:
            source = scope.sources.get(name)
            if isinstance(source, exp.Table) and not opaque(source.name):
                found.append(_table_name(source))
            elif isinstance(source, Scope):
                found.extend(_star_sources(source, opaque, depth + 1))
    return found


def _classes(*names: str) -> tuple[type[exp.Expression], ...]:
    return tuple(getattr(exp, n) for n in names if isinstance(getattr(exp, n, None), type))


_NUMERIC = _classes(
    "Add", "Sub", "Mul", "Div", "Mod", "Neg", "Sum", "Avg", "Round", "Abs", "Floor", "Ceil", "Stddev",
    "StddevPop", "StddevSamp", "Variance", "Ln", "Log", "Sqrt", "Pow", "SafeDivide", "IntDiv", "Sign",
)  # fmt: skip
_STRINGY = _classes(
    "Lower", "Upper", "Trim", "Substring", "Length", "Like", "ILike", "RegexpLike", "RegexpExtract", "SplitPart",
    "Concat", "ConcatWs", "DPipe", "Initcap", "StrPosition", "Split", "Left", "Right", "Replace", "Lpad", "Rpad",
    "StrToDate", "StrToTime",
)  # fmt: skip
_TEMPORAL = _classes(
    "DateTrunc", "TimestampTrunc", "DatetimeTrunc", "TimeTrunc", "Extract", "DateDiff", "TimestampDiff",
    "DatetimeDiff", "DateAdd", "DateSub", "TimestampAdd", "TimestampSub", "DatetimeAdd", "DatetimeSub",
    "TimeToStr", "TsOrDsToDate", "Date", "Year", "Month", "Day", "Quarter", "Week", "DayOfWeek",
)  # fmt: skip
_COMPARISON = _classes("EQ", "NEQ", "GT", "GTE", "LT", "LTE")
_BOOLEAN = _classes("Not", "And", "Or")
_COALESCE = _classes("Coalesce", "Nvl2", "If", "Greatest", "Least")
_PREDICATES = _classes("EQ", "NEQ", "GT", "GTE", "LT", "LTE", "Is", "In", "Like", "ILike", "Not", "And", "Or")
#: BigQuery's LAX_STRING(json) … INT64(json): a JSON value converted, and the type it becomes
_JSON_SCALARS: dict[type[Any], str] = {
    kind: type_
    for names, type_ in (
        (("LaxString",), "string"),
        (("LaxInt64", "Int64"), "integer"),
        (("LaxFloat64", "Float64"), "number"),
        (("LaxBool", "JSONBool"), "boolean"),
    )
    for kind in _classes(*names)
}
#: Functions and operators that read a JSON path out of their first argument
_JSON_EXTRACTS = _classes(
    "JSONExtract", "JSONExtractScalar", "JSONBExtract", "JSONBExtractScalar", "JSONExtractArray", "JSONValueArray"
)


def _use(table: str, column: exp.Column) -> ColumnUse:
    kind, literals = _usage(column)
    return ColumnUse(table, column.name, kind, tuple(literals), text_format=_text_format(column))


def _text_format(column: exp.Column) -> str | None:
    """The format of ``PARSE_DATE(format, column)`` / ``PARSE_TIMESTAMP``: its text must match it."""
    parent = column.parent
    if not isinstance(parent, exp.StrToDate | exp.StrToTime) or parent.this is not column:
        return None
    found = parent.args.get("format")
    return found.this if isinstance(found, exp.Literal) and found.is_string else None


#: a string literal that is a date or a timestamp (``'2021-01-01'``, ``'2021-01-01 00:00:00'``)
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def _literal_type(node: exp.Expr) -> tuple[str | None, str | None]:
    """``(type, string value)`` of a literal operand."""
    if isinstance(node, exp.Literal):
        return ("string", node.this) if node.is_string else ("number", None)
    if isinstance(node, exp.Boolean):
        return "boolean", None
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
        return "number", None
    return None, None


def _case_branches(parent: exp.Expr, column: exp.Expr) -> list[exp.Expr]:
    """The other result branches of the CASE that ``column`` is a result (THEN/ELSE) of."""
    case = parent.parent if isinstance(parent, exp.If) and parent.args.get("true") is column else parent
    if not isinstance(case, exp.Case):
        return []
    results = [i.args.get("true") for i in case.args.get("ifs") or []] + [case.args.get("default")]
    if not any(r is column for r in results) and case is parent:
        return []
    return [r for r in results if isinstance(r, exp.Expr) and r is not column]


def _value_type(node: exp.Expr) -> str | None:
    """The type an expression's value evidently has: a literal's, or a number for arithmetic."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, _NUMERIC) and not any(isinstance(n, exp.Interval) for n in node.iter_expressions()):
        return "number"
    if isinstance(node, exp.Cast) and node.to.is_type(*exp.DataType.NUMERIC_TYPES):
        return "number"  # COALESCE(CAST(x AS FLOAT64), y): y is a number (STRING has no supertype with it)
    return _literal_type(node)[0]


def _counts_time_units(node: exp.Expr) -> bool:
    """Whether integer arithmetic ``node`` is the argument of TIMESTAMP_MILLIS/…: GA360's
    ``TIMESTAMP_MILLIS(visitStartTime * 1000 + hits.time)`` takes INT64 (BigQuery refuses a
    FLOAT64), so its columns are integers."""
    while isinstance(node, exp.Paren | exp.Add | exp.Sub | exp.Mul | exp.Neg):
        if node.parent is None:
            return False
        node = node.parent
    return isinstance(node, exp.UnixToTime)


def _usage(column: exp.Expr) -> tuple[str | None, list[str]]:
    """The type how SQL uses ``column`` implies, and string literals it is compared with."""
    parent = column.parent
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    if parent is None:
        return None, []
    if _is_map_lookup(parent, column):
        key = parent.expressions[1] if len(parent.expressions) > 1 else None
        return "map", [key.this] if isinstance(key, exp.Literal) and key.is_string else []
    if isinstance(parent, exp.UnixToTime):
        # TIMESTAMP_MICROS(x), TIMESTAMP_SECONDS(x), TO_TIMESTAMP(x): x counts time units.
        return "integer", []
    if isinstance(parent, _NUMERIC):
        if any(isinstance(n, exp.Interval) for n in parent.iter_expressions()):
            return "timestamp", []
        if _counts_time_units(parent):
            return "integer", []
        return "number", []
    if isinstance(parent, _STRINGY):
        return "string", []
    if isinstance(parent, _TEMPORAL):
        return "timestamp", []
    if isinstance(parent, _COMPARISON):
        other = parent.expression if parent.this is column or column in parent.this.walk() else parent.this
        kind, value = _literal_type(other)
        if kind == "string" and value is not None and _DATE_TEXT.fullmatch(value):
            # first_seen_date >= '2021-01-01': BigQuery reads the literal as a DATE (TIMESTAMP)
            return ("date" if len(value) == 10 else "timestamp"), []
        return kind, [value] if value is not None and isinstance(parent, exp.EQ | exp.NEQ) else []
    if isinstance(parent, exp.In) and parent.this is column:
        literals = [_literal_type(e) for e in parent.expressions]
        types = {k for k, _ in literals}
        if len(types) == 1 and None not in types:
            return types.pop(), [v for _, v in literals if v is not None]
        return None, []
    branches = _case_branches(parent, column)
    if branches:
        # CASE … THEN x ELSE a / b END: every branch gives the CASE one type.
        kinds = {_value_type(e) for e in branches} - {None}
        return (kinds.pop(), []) if len(kinds) == 1 else (None, [])
    if isinstance(parent, _COALESCE):
        kinds = {_value_type(e) for e in parent.iter_expressions() if e is not column} - {None}
        return (kinds.pop(), []) if len(kinds) == 1 else (None, [])
    if isinstance(parent, _BOOLEAN) or (isinstance(parent, exp.If) and parent.this is column):
        return "boolean", []
    return None, []
