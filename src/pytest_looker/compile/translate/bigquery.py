"""BigQuery SQL read with its meanings made explicit for DuckDB.

* ``EXTRACT(DAYOFWEEK FROM x)`` counts 1 = Sunday … 7 (DuckDB's ``DAYOFWEEK`` counts from 0):
  read as :class:`~.functions.SundayWeekday`.
* ``EXTRACT(ISOWEEK FROM x)`` is the ISO-8601 week, DuckDB's ``WEEK``; ``EXTRACT(DATE|TIME|DATETIME
  FROM x)`` is ``x`` as a DATE, TIME or DATETIME.
* ``EXTRACT(part FROM x AT TIME ZONE 'tz')`` is the part of the wall clock of instant ``x`` in
  ``tz``; read as a time-zone conversion from UTC (BigQuery stores instants) so the DuckDB writer
  does not mistake it for DuckDB's ``AT TIME ZONE`` on a naive timestamp, which means the opposite.
* ``FROM UNNEST(array_of_structs)`` without an alias (GA4's ``(SELECT value.int_value FROM
  UNNEST(event_params) WHERE key = 'x')``) makes each struct field a column; DuckDB's
  ``UNNEST`` in FROM gives one struct column, so it becomes ``(SELECT UNNEST(x, max_depth := 2))``,
  which unpacks the struct (:func:`struct_fields_as_columns`).
* ``JOIN UNNEST(array_of_structs) AS e`` makes ``e`` a value table: ``e`` is the struct *and* its
  fields are columns (GA4's ``(SELECT value.int_value FROM UNNEST(event_params) …)`` over Looker's
  UNNEST join of ``event_data``). DuckDB's ``UNNEST(x) AS _t(e)`` gives only ``e``, so the join
  becomes a lateral subquery with both (:func:`value_table_joins`); its ``WITH OFFSET`` counts
  from 0 (sqlglot writes DuckDB's ``WITH ORDINALITY``, which counts from 1). ``FROM UNNEST(x) AS e``
  is a value table alike (GA4's ``… FROM UNNEST(sessions.event_data) AS event_history`` reads
  ``event_params`` bare): a subquery with both, correlated when ``x`` is the outer query's.
* ``FROM t, t.arr AS e`` and a correlated ``FROM outer.arr AS e``: an array path where a table
  goes is an implicit ``UNNEST`` (:mod:`.arrays`).
* Format elements sqlglot does not map: ``%E3S`` (seconds with milliseconds), ``%E*S`` (with the
  fraction), ``%Q`` (quarter 1–4, spliced in by the DuckDB writer: strftime has no quarter).
* A backslash escapes in ``LIKE`` patterns (:mod:`.patterns`).
* ``region-us.INFORMATION_SCHEMA.JOBS`` is a three-part name (:func:`.tables.information_schema_tables`).

Sources: https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#extract ,
https://cloud.google.com/bigquery/docs/reference/standard-sql/query-syntax#unnest_operator ,
https://cloud.google.com/bigquery/docs/reference/standard-sql/query-syntax#value_tables ,
https://cloud.google.com/bigquery/docs/reference/standard-sql/format-elements .
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from sqlglot import exp
from sqlglot.dialects.bigquery import BigQuery
from sqlglot.parsers.bigquery import BigQueryParser

from pytest_looker.compile.translate.arrays import implicit_unnests, source_name
from pytest_looker.compile.translate.coercion import TreePass
from pytest_looker.compile.translate.functions import SundayWeekday, merged
from pytest_looker.compile.translate.patterns import backslash_escaped_likes
from pytest_looker.compile.translate.tables import information_schema_tables

#: ``EXTRACT(part FROM x)`` parts that are a whole value, not a number: DuckDB has no such
#: specifier ("extract specifier DATE not recognized"); BigQuery returns the cast.
_WHOLE_PARTS = {"DATE": exp.DType.DATE, "TIME": exp.DType.TIME, "DATETIME": exp.DType.TIMESTAMP}

#: The internal strftime-like code sqlglot keeps for BigQuery's quarter element.
QUARTER_CODE = "%Q"


def struct_fields_as_columns(tree: exp.Expr) -> exp.Expr:
    """``FROM UNNEST(x)`` (no alias) → ``FROM (SELECT UNNEST(x, max_depth := 2))``: the fields of
    each STRUCT element become columns, as BigQuery's UNNEST operator makes them."""
    for node in list(tree.find_all(exp.Unnest)):
        if node.args.get("alias") is not None or not isinstance(node.parent, exp.From) or len(node.expressions) != 1:
            continue
        depth = exp.PropertyEQ(this=exp.var("max_depth"), expression=exp.Literal.number(2))
        unpacked = exp.Anonymous(this="UNNEST", expressions=[node.expressions[0], depth])
        node.replace(exp.select(unpacked).subquery())
    return tree


def _unnest(array: exp.Expr, *, depth: int | None = None) -> exp.Expr:
    if depth is None:
        return exp.Explode(this=array.copy())
    levels = exp.PropertyEQ(this=exp.var("max_depth"), expression=exp.Literal.number(depth))
    return exp.Explode(this=array.copy(), expressions=[levels])


def value_table_joins(tree: exp.Expr) -> exp.Expr:
    """``JOIN UNNEST(x) AS e`` → ``JOIN LATERAL (SELECT UNNEST(x) AS e, UNNEST(x, max_depth := 2))``:
    ``e`` stays the element and a STRUCT element's fields become columns too, as BigQuery's value
    table makes them. (A scalar element adds one unnamed duplicate column, never read by name.)"""
    for index, node in enumerate(list(tree.find_all(exp.Unnest))):
        join = node.parent
        alias = node.args.get("alias")
        if not isinstance(join, (exp.Join, exp.From)) or join.this is not node:
            continue
        if alias is None or alias.this is not None or len(alias.columns) != 1 or len(node.expressions) != 1:
            continue
        array = node.expressions[0]
        element = exp.alias_(_unnest(array), alias.columns[0].copy())
        columns = [element, _unnest(array, depth=2)]
        offset = node.args.get("offset")
        if offset:  # WITH OFFSET [AS o]: the 0-based position (DuckDB's ORDINALITY counts from 1)
            name = offset.copy() if isinstance(offset, exp.Identifier) else exp.to_identifier("offset")
            position = exp.Anonymous(this="GENERATE_SUBSCRIPTS", expressions=[array.copy(), exp.Literal.number(1)])
            columns.append(exp.alias_(exp.Sub(this=position, expression=exp.Literal.number(1)), name))
        body = exp.select(*columns).subquery()
        table = f"_vt{index}"
        lateral = exp.Lateral(this=body, alias=exp.TableAlias(this=exp.to_identifier(table)))
        if isinstance(join, exp.From):  # FROM UNNEST(x) AS e: a subquery (correlated if x is outer)
            node.replace(exp.Subquery(this=body, alias=exp.TableAlias(this=exp.to_identifier(table))))
            _qualify_range_variable(join, alias.columns[0].name, table)
            continue
        node.replace(lateral)
        _qualify_range_variable(join, alias.columns[0].name, table)
        if join.side and not join.args.get("on"):
            join.set("on", exp.true())
    return tree


def _qualify_range_variable(join: exp.Join | exp.From, element: str, lateral: str) -> None:
    """A bare ``e`` in the SELECT of ``JOIN UNNEST(t.e) AS e`` is BigQuery's range variable (the
    element) even when a table of the FROM has a column ``e`` too (Mozilla's ``UNNEST(dau.
    service_names) AS service_names``): DuckDB would find both, so it is read from the lateral.
    So is ``e.field`` (GA360's ``LEFT JOIN UNNEST(ga_sessions.hits) AS hits`` read as
    ``hits.hitNumber``, ``hits.eventInfo.eventAction``) when no table of the SELECT is called ``e``."""
    select = join.find_ancestor(exp.Select)
    if select is None:
        return
    aliases = {
        source.alias_or_name
        for source in (select.args.get("from_"), *(select.args.get("joins") or []))
        if isinstance(source, exp.From | exp.Join) and isinstance(source.this, exp.Table | exp.Subquery)
    }
    for column in list(select.find_all(exp.Column)):
        own = column.find_ancestor(exp.Select)
        if own is not select:
            # a correlated subquery's e.field (bq_info_schema's (SELECT … FROM UNNEST(job_stages.steps)
            # AS step) beside JOIN UNNEST(jobs.job_stages) AS job_stages), unless a source between
            # names e; a CTE of the query sees no range variable of it
            cte = column.find_ancestor(exp.CTE)
            inside_cte = cte is not None and cte.find_ancestor(exp.Select) is select
            if (
                column.table
                and column.parts[0].name == element
                and not inside_cte
                and not _named_between(own, select, element)
            ):
                column.replace(_prefixed(column, lateral))
            continue
        if not column.table and column.name == element:
            column.set("table", exp.to_identifier(lateral))
        elif column.table and column.parts[0].name == element and element not in aliases:
            column.replace(_prefixed(column, lateral))


def _named_between(inner: exp.Select | None, outer: exp.Select, name: str) -> bool:
    """Whether a SELECT from ``inner`` up to ``outer`` (included) has a source called ``name``."""
    select = inner
    while select is not None:
        for source in (select.args.get("from_"), *(select.args.get("joins") or [])):
            if isinstance(source, exp.From | exp.Join) and source_name(source.this) == name:
                return True
        if select is outer:
            return False
        select = select.find_ancestor(exp.Select)
    return False


def _prefixed(column: exp.Column, qualifier: str) -> exp.Expr:
    """``a.b.c`` read as ``qualifier.a.b.c``: a column of the table ``qualifier``, then fields."""
    parts = [exp.to_identifier(qualifier), *(part.copy() for part in column.parts)]
    if len(parts) == 3:
        return exp.Column(this=parts[2], table=parts[1], db=parts[0])
    if len(parts) == 4:
        return exp.Column(this=parts[3], table=parts[2], db=parts[1], catalog=parts[0])
    return exp.Dot.build([exp.Column(this=parts[1], table=parts[0]), *parts[2:]])


class LookerBigQuery(BigQuery):
    """BigQuery as read for execution on DuckDB."""

    PASSES: ClassVar[tuple[TreePass, ...]] = (
        implicit_unnests,
        struct_fields_as_columns,
        value_table_joins,
        backslash_escaped_likes,
        information_schema_tables,
    )

    TIME_MAPPING = merged(BigQuery.TIME_MAPPING, {"%E3S": "%S.%f_three", "%E*S": "%S.%f", "%E6S": "%S.%f"})

    class Parser(BigQueryParser):
        FUNCTION_PARSERS: ClassVar[dict[str, Callable[[Any], exp.Expr]]] = {
            **BigQueryParser.FUNCTION_PARSERS,
            "EXTRACT": lambda self: self._parse_bigquery_extract(),
        }

        def _parse_bigquery_extract(self) -> exp.Expr:
            node: exp.Expr = self._parse_extract()
            if not isinstance(node, exp.Extract):
                return node
            inner = node.expression
            if isinstance(inner, exp.AtTimeZone):
                local = exp.ConvertTimezone(
                    source_tz=exp.Literal.string("UTC"), target_tz=inner.args["zone"], timestamp=inner.this
                )
                node.set("expression", local)
            part = node.this.name.upper()
            if part in _WHOLE_PARTS:  # EXTRACT(DATE FROM ts): the date (time, datetime) part, a cast
                value = node.expression
                if value.is_type(exp.DType.TIMESTAMPTZ, exp.DType.TIMESTAMPLTZ):  # an instant: in UTC
                    value = exp.AtTimeZone(this=value, zone=exp.Literal.string("UTC"))
                return exp.cast(value, _WHOLE_PARTS[part])
            if part == "ISOWEEK":
                node.set("this", exp.var("WEEK"))
            elif part == "DAYOFWEEK":
                return SundayWeekday(this=node.expression)
            return node
