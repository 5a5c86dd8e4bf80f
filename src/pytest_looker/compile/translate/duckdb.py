"""DuckDB as written for SQL read from another warehouse.

Conventions of the offline run this writer relies on: a warehouse TIMESTAMP that is an instant
(BigQuery's TIMESTAMP) is stored in DuckDB as a naive TIMESTAMP in UTC, as ``scaffold data`` and
most exports write it, and the DuckDB session runs in UTC (:mod:`pytest_looker.run.duckdb`).

What it adds to sqlglot's DuckDB generator:

* time-zone arguments honoured: BigQuery ``FORMAT_TIMESTAMP(f, x, tz)`` formats the wall clock
  of ``x`` in ``tz``; ``TIMESTAMP_TRUNC(x, unit, tz)`` truncates that wall clock and returns the
  instant; sqlglot drops or misreads the zone on a naive timestamp;
* ``EXTRACT`` from a TIMESTAMPTZ (BigQuery's ``CAST(… AS TIMESTAMP)``): the part in UTC, which is
  BigQuery's default; sqlglot refuses it as session-dependent;
* MySQL's ``WEEK(x, mode)`` for the modes strftime has (0 = ``%U``, 3 = ISO, 5 = ``%W``);
* the quarter format element (BigQuery ``%Q``), which DuckDB's strftime lacks;
* names that need quoting in DuckDB but not in the source (BigQuery's ``my-project.ds.t``);
* the source-semantics expressions of :mod:`.functions`;
* ``TIMESTAMP_MILLIS``/``TIMESTAMP_MICROS`` take an INT64 in BigQuery, so every value they see
  is whole; DuckDB's ``EPOCH_MS``/``MAKE_TIMESTAMP`` refuse a DOUBLE, which a column of
  ``type: number`` seeded offline may be: the argument is cast to BIGINT;
* BigQuery's ``CURRENT_DATETIME([zone])`` (sqlglot leaves it as it is, unknown to DuckDB);
* BigQuery's ``TO_JSON_STRING(x, pretty_print)``, which DuckDB's ``TO_JSON`` does not take;
* BigQuery's lax JSON converters ``LAX_STRING``/``LAX_BOOL`` and ``NET.HOST`` (DuckDB's
  ``inet`` extension has no URL functions); the other ``NET.*`` functions are named limits;
* ``STRING_AGG``/``ARRAY_AGG`` with ``LIMIT n`` inside (BigQuery): DuckDB aggregates take no
  LIMIT, so the ordered list is sliced.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.generators.duckdb import DuckDBGenerator

from pytest_looker.compile.translate.bigquery import QUARTER_CODE
from pytest_looker.compile.translate.functions import IsoWeekday, SundayWeekday, ToTimestampAny, merged

#: MySQL WEEK() modes → the strftime code with the same numbering (MySQL manual, WEEK() modes:
#: 0 = Sunday first, 0–53, week 1 has a Sunday; 3 = ISO; 5 = Monday first, 0–53, week 1 has a Monday).
_WEEK_MODES = {"0": "%U", "3": "%V", "5": "%W"}
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_UTC = "UTC"


def wall_clock(value: exp.Expr, zone: exp.Expr) -> exp.Expr:
    """The wall-clock time in ``zone`` of the instant ``value`` (naive UTC or TIMESTAMPTZ)."""
    if value.is_type(exp.DType.TIMESTAMPTZ, exp.DType.TIMESTAMPLTZ):
        return exp.AtTimeZone(this=value, zone=zone)
    instant = exp.AtTimeZone(this=exp.cast(value, exp.DType.TIMESTAMP), zone=exp.Literal.string(_UTC))
    return exp.AtTimeZone(this=instant, zone=zone)


def _time_to_str(gen: Any, node: exp.TimeToStr) -> str:
    zone = node.args.get("zone")
    value: exp.Expr = node.this
    if zone is not None:
        value = wall_clock(value, zone)
    fmt = gen.format_time(node)
    if fmt and QUARTER_CODE in fmt:
        pieces: list[str] = []
        for i, text in enumerate(fmt.strip("'").split(QUARTER_CODE)):
            if i:
                pieces.append(gen.sql(exp.cast(exp.func("QUARTER", value.copy()), exp.DType.VARCHAR)))
            if text:
                pieces.append(gen.func("STRFTIME", value.copy(), exp.Literal.string(text)))
        return "(" + " || ".join(pieces) + ")"
    return str(gen.func("STRFTIME", value, fmt))


def _to_timestamp_any(gen: Any, node: ToTimestampAny) -> str:
    value = node.this
    if value.is_type(*exp.DataType.NUMERIC_TYPES):
        return str(gen.sql(_from_epoch(value)))
    if value.is_type(*exp.DataType.TEXT_TYPES, *exp.DataType.TEMPORAL_TYPES):
        return str(gen.sql(exp.cast(value, exp.DType.TIMESTAMP)))
    as_timestamp = exp.TryCast(this=value.copy(), to=exp.DataType.build("TIMESTAMP"))
    as_number = exp.TryCast(this=value.copy(), to=exp.DataType.build("DOUBLE"))
    return str(gen.sql(exp.Coalesce(this=as_timestamp, expressions=[_from_epoch(as_number)])))


def _from_epoch(seconds: exp.Expr) -> exp.Expr:
    """Seconds since 1970-01-01 UTC as a naive UTC TIMESTAMP (exact to the microsecond)."""
    micros = exp.cast(exp.Mul(this=seconds, expression=exp.Literal.number(1000000)), exp.DType.BIGINT)
    return exp.func("MAKE_TIMESTAMP", micros)


def _json_keys(gen: Any, node: exp.JSONKeysAtDepth) -> str:
    """BigQuery ``JSON_KEYS(json, 1)``: the object's top-level keys, unique and sorted
    (https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#json_keys).
    Deeper levels list nested keys as dotted paths, which DuckDB has no function for."""
    depth = node.args.get("expression")
    if not (isinstance(depth, exp.Literal) and not depth.is_string and depth.name == "1"):
        gen.unsupported("BigQuery JSON_KEYS below the top level (dotted paths of nested keys)")
    return f"LIST_SORT(JSON_KEYS({gen.sql(node, 'this')}))"


#: DuckDB's ``json_type`` names of a JSON number.
_JSON_NUMBERS = ("BIGINT", "UBIGINT", "HUGEINT", "DOUBLE")
#: RFC 3986's authority, read the way BigQuery's NET.HOST reads it: an optional ``scheme://`` or
#: ``//``, optional ``userinfo@``, then the host — a bracketed IPv6 address, or up to ``:``/``/``/``?``/``#``.
_SUFFIX_FUNCTIONS = frozenset({"REG_DOMAIN", "PUBLIC_SUFFIX"})
_URL_HOST = r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|//)?(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)"


def _json_type_case(value: exp.Expr, branches: list[tuple[tuple[str, ...], exp.Expr]]) -> exp.Expr:
    """``CASE json_type(value) WHEN … THEN …`` (no ELSE: any other JSON type, or SQL NULL, is NULL)."""
    case = exp.Case(this=exp.func("JSON_TYPE", value.copy()))
    for types, result in branches:
        for name in types:
            case = case.when(exp.Literal.string(name), result.copy(), copy=False)
    return case


def _lax_string(gen: Any, node: exp.LaxString) -> str:
    """BigQuery ``LAX_STRING(json)``: a JSON string's text; a boolean ``'true'``/``'false'``; a
    number's text; anything else (null, array, object) NULL — never an error.
    https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#lax_string"""
    value = node.this
    text = exp.func("JSON_EXTRACT_STRING", value.copy(), exp.Literal.string("$"))
    as_text = exp.cast(value.copy(), exp.DType.VARCHAR)
    return str(gen.sql(_json_type_case(value, [(("VARCHAR",), text), (("BOOLEAN", *_JSON_NUMBERS), as_text)])))


def _lax_bool(gen: Any, node: exp.LaxBool) -> str:
    """BigQuery ``LAX_BOOL(json)``: a JSON boolean itself; the strings ``'true'``/``'false'`` in
    any case; a number is FALSE when 0, else TRUE; anything else NULL.
    https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#lax_bool"""
    value = node.this
    text = exp.Lower(this=exp.func("JSON_EXTRACT_STRING", value.copy(), exp.Literal.string("$")))
    from_text = (
        exp.Case()
        .when(exp.EQ(this=text, expression=exp.Literal.string("true")), exp.true())
        .when(exp.EQ(this=text.copy(), expression=exp.Literal.string("false")), exp.false())
    )
    number = exp.NEQ(this=exp.cast(value.copy(), exp.DType.DOUBLE), expression=exp.Literal.number(0))
    branches = [(("BOOLEAN",), exp.cast(value.copy(), exp.DType.BOOLEAN)), (("VARCHAR",), from_text)]
    return str(gen.sql(_json_type_case(value, [*branches, (_JSON_NUMBERS, number)])))


_BASE_UNIX_TO_TIME = DuckDBGenerator.TRANSFORMS[exp.UnixToTime]


def _unix_to_time(gen: Any, node: exp.UnixToTime) -> str:
    """Milliseconds/microseconds since the epoch are integers (see the module docstring)."""
    scale = node.args.get("scale")
    value = node.this
    if scale in (exp.UnixToTime.MILLIS, exp.UnixToTime.MICROS) and not value.is_type(*exp.DataType.INTEGER_TYPES):
        node = node.copy()
        node.set("this", exp.cast(value.copy(), exp.DType.BIGINT))
    return str(_BASE_UNIX_TO_TIME(gen, node))


def _parse_numeric(gen: Any, node: exp.ParseNumeric | exp.ParseBignumeric) -> str:
    """BigQuery ``PARSE_NUMERIC(text)``: the number, spaces around it and between the sign and
    the digits allowed; NUMERIC is DECIMAL(38, 9) (BIGNUMERIC's 76 digits are beyond DuckDB's
    DECIMAL: DOUBLE). https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#parse_numeric"""
    text = exp.Replace(
        this=exp.Trim(this=node.this.copy()), expression=exp.Literal.string(" "), replacement=exp.Literal.string("")
    )
    target = "DECIMAL(38, 9)" if isinstance(node, exp.ParseNumeric) else "DOUBLE"
    return str(gen.sql(exp.cast(text, exp.DataType.build(target))))


def _current_datetime(gen: Any, node: exp.CurrentDatetime) -> str:
    """BigQuery ``CURRENT_DATETIME([zone])``: the wall clock now in ``zone`` (default UTC), a
    DATETIME (https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#current_datetime)."""
    zone = node.this if node.this is not None else exp.Literal.string(_UTC)
    local = exp.AtTimeZone(this=exp.CurrentTimestamp(), zone=zone.copy())
    return str(gen.sql(exp.cast(local, exp.DType.TIMESTAMP)))


def _net_function(gen: Any, node: exp.NetFunc) -> str:
    """BigQuery ``NET.HOST(url)``: the URL's host, surrounding spaces ignored, NULL when there is
    none (https://cloud.google.com/bigquery/docs/reference/standard-sql/net_functions#nethost).
    ``NET.REG_DOMAIN``/``NET.PUBLIC_SUFFIX`` need the public suffix list, the IP functions
    BigQuery's BYTES addresses: no DuckDB equivalent."""
    inner = node.this
    if isinstance(inner, exp.Host):
        url = exp.Trim(this=inner.this.copy())
        host = exp.RegexpExtract(this=url, expression=exp.Literal.string(_URL_HOST), group=exp.Literal.number(1))
        return str(gen.sql(exp.Nullif(this=host, expression=exp.Literal.string(""))))
    name = (inner.name if isinstance(inner, exp.Anonymous) else inner.sql_name()).upper()
    needs = "the public suffix list" if name in _SUFFIX_FUNCTIONS else "BigQuery's BYTES addresses"
    gen.unsupported(f"BigQuery NET.{name} (it needs {needs})")
    return f"NET.{gen.sql(inner)}"


_BASE_JSON_FORMAT = DuckDBGenerator.TRANSFORMS[exp.JSONFormat]
#: DuckDB's JSON_PRETTY indents by four spaces; BigQuery's pretty print by two: each line's indent halved
_TWO_SPACE_INDENT = (
    "ARRAY_TO_STRING(LIST_TRANSFORM(STRING_SPLIT(JSON_PRETTY(TO_JSON({value})), CHR(10)),"
    " LAMBDA _line: REPEAT(' ', (LENGTH(_line) - LENGTH(LTRIM(_line, ' '))) // 2) || LTRIM(_line, ' ')), CHR(10))"
)


def _json_format(gen: Any, node: exp.JSONFormat) -> str:
    """BigQuery ``TO_JSON_STRING(value, pretty_print)``: with ``pretty_print`` true, one element per
    line indented by two spaces; DuckDB's ``TO_JSON`` takes no second argument
    (https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#to_json_string)."""
    pretty = node.args.get("options")
    if pretty is None:
        return str(_BASE_JSON_FORMAT(gen, node))
    compact = node.copy()
    compact.set("options", None)
    plain = str(_BASE_JSON_FORMAT(gen, compact))
    if isinstance(pretty, exp.Boolean) and not pretty.this:
        return plain
    indented = _TWO_SPACE_INDENT.format(value=gen.sql(node, "this"))
    if isinstance(pretty, exp.Boolean):
        return indented
    return f"CASE WHEN {gen.sql(pretty)} THEN {indented} ELSE {plain} END"


_BASE_GROUP_CONCAT = DuckDBGenerator.TRANSFORMS[exp.GroupConcat]


def _aggregated_value(argument: exp.Expr) -> exp.Expr:
    """The value an aggregate's argument aggregates (under its ORDER BY and DISTINCT)."""
    value = argument.this if isinstance(argument, exp.Order) else argument
    return value.expressions[0] if isinstance(value, exp.Distinct) and value.expressions else value


def _first_n(aggregate: exp.Limit, *, ignore_nulls: bool) -> exp.Expr:
    """``ARRAY_AGG(x ORDER BY … LIMIT n)`` in DuckDB, which has no LIMIT inside an aggregate: the
    whole ordered list, sliced to its first ``n`` (``LIST_SLICE`` is 1-based and inclusive)."""
    listed: exp.Expr = exp.ArrayAgg(this=aggregate.this.copy())
    if ignore_nulls:
        value = _aggregated_value(aggregate.this)
        present = exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))
        listed = exp.Filter(this=listed, expression=exp.Where(this=present))
    return exp.func("LIST_SLICE", listed, exp.Literal.number(1), aggregate.expression.copy())


def _group_concat(gen: Any, node: exp.GroupConcat) -> str:
    """BigQuery ``STRING_AGG(x, sep ORDER BY … LIMIT n)``: the first ``n`` non-NULL values in that
    order, joined (NULLs are ignored; the default separator is a comma).
    https://cloud.google.com/bigquery/docs/reference/standard-sql/aggregate_functions#string_agg"""
    if not isinstance(node.this, exp.Limit):
        return str(_BASE_GROUP_CONCAT(gen, node))
    separator = node.args.get("separator") or exp.Literal.string(",")
    joined = exp.func("ARRAY_TO_STRING", _first_n(node.this, ignore_nulls=True), separator.copy())
    return str(gen.sql(joined))


class LookerDuckDB(DuckDB):
    """The DuckDB writer for translated warehouse SQL."""

    # The metaclass rebuilds INVERSE_TIME_MAPPING from this class's own attributes only: restate
    # DuckDB's (``%f_three`` → ``%g`` …) or a subclass silently loses them.
    INVERSE_TIME_MAPPING = merged(DuckDB.INVERSE_TIME_MAPPING)

    class Generator(DuckDBGenerator):
        TRANSFORMS: ClassVar[dict[type[exp.Expr], Any]] = {
            **DuckDBGenerator.TRANSFORMS,
            exp.TimeToStr: _time_to_str,
            ToTimestampAny: _to_timestamp_any,
            # ISODOW is 1 = Monday … 7 = Sunday; DAYOFWEEK is 0 = Sunday … 6.
            IsoWeekday: lambda gen, e: f"(ISODOW({gen.sql(e, 'this')}) - 1)",
            SundayWeekday: lambda gen, e: f"(DAYOFWEEK({gen.sql(e, 'this')}) + 1)",
            exp.JSONKeysAtDepth: _json_keys,
            exp.LaxString: _lax_string,
            exp.LaxBool: _lax_bool,
            exp.NetFunc: _net_function,
            exp.CurrentDatetime: _current_datetime,
            exp.UnixToTime: _unix_to_time,
            exp.ParseNumeric: _parse_numeric,
            exp.ParseBignumeric: _parse_numeric,
            exp.JSONFormat: _json_format,
            exp.GroupConcat: _group_concat,
        }

        def arrayagg_sql(self, expression: exp.ArrayAgg) -> str:
            """BigQuery ``ARRAY_AGG(x ORDER BY … LIMIT n)``: the first ``n`` values in that order.
            https://cloud.google.com/bigquery/docs/reference/standard-sql/aggregate_functions#array_agg"""
            if isinstance(expression.this, exp.Limit):
                return str(self.sql(_first_n(expression.this, ignore_nulls=False)))
            text: str = super().arrayagg_sql(expression)
            return text

        def ignorenulls_sql(self, expression: exp.IgnoreNulls) -> str:
            """``ARRAY_AGG(x IGNORE NULLS ORDER BY … LIMIT n)``: the first ``n`` non-NULL values."""
            inner = expression.this
            if isinstance(inner, exp.ArrayAgg) and isinstance(inner.this, exp.Limit):
                return str(self.sql(_first_n(inner.this, ignore_nulls=True)))
            text: str = super().ignorenulls_sql(expression)
            return text

        def week_sql(self, expression: exp.Week) -> str:
            """MySQL ``WEEK(x, mode)``: the week number in that mode; an unknown mode is a limit."""
            mode = expression.args.get("mode")
            code = _WEEK_MODES.get(mode.name if isinstance(mode, exp.Literal) else "0" if mode is None else "")
            if code is None:
                self.unsupported(f"WEEK() mode {mode.sql() if mode else ''} has no DuckDB equivalent")
                code = "%V"
            strftime = exp.func("STRFTIME", expression.this, exp.Literal.string(code))
            return str(self.sql(exp.cast(strftime, exp.DType.INT)))

        def identifier_sql(self, expression: exp.Identifier) -> str:
            """A name DuckDB cannot read unquoted (``ra-development``) is quoted."""
            if not expression.quoted and not _PLAIN_NAME.fullmatch(expression.name or ""):
                expression = expression.copy()
                expression.set("quoted", True)
            text: str = super().identifier_sql(expression)
            return text

        def timestamptrunc_sql(self, expression: exp.TimestampTrunc) -> str:
            """``TIMESTAMP_TRUNC(x, unit, tz)``: the start of the unit on ``tz``'s wall clock, as a
            naive UTC instant (BigQuery: "truncates … in the given time zone", returns TIMESTAMP)."""
            zone = expression.args.get("zone")
            if zone is None:
                text: str = super().timestamptrunc_sql(expression)
                return text
            local = expression.copy()
            local.set("zone", None)
            local.set("this", wall_clock(expression.this, zone))
            start = f"({super().timestamptrunc_sql(local)})"
            return f"CAST(({start} AT TIME ZONE {self.sql(zone)}) AT TIME ZONE 'UTC' AS TIMESTAMP)"

        def extract_sql(self, expression: exp.Extract) -> str:
            """EXTRACT from a TIMESTAMPTZ reads the part in UTC (BigQuery's default zone)."""
            value = expression.expression
            if value.is_type(exp.DType.TIMESTAMPTZ, exp.DType.TIMESTAMPLTZ):
                expression = expression.copy()
                expression.set("expression", exp.AtTimeZone(this=value.copy(), zone=exp.Literal.string(_UTC)))
            text: str = super().extract_sql(expression)
            return text
