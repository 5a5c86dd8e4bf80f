"""render_liquid: injection attempts through query-controlled text, and every error path.

Parameter values, filter expressions and user attributes come from whoever runs the query.
Quoted values must round-trip as one string literal in every dialect; unquoted and number
values that are not plainly safe must be refused, never pasted into SQL.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from pytest_looker.compile.liquid import LiquidContext, ParameterInfo, render_liquid
from pytest_looker.errors import CompileError, Location

PAYLOADS = [
    "x'; DROP TABLE orders; --",
    "a\\' OR 1=1 --",
    "\\",
    "it''s",
    "' OR '1'='1",
    "semi;colon -- comment /* c */",
    "line\nbreak",
]
DIALECTS = ["postgres", "bigquery", "snowflake", "duckdb", "redshift", "mysql", "tsql"]


def make_ctx(dialect: str = "postgres", **changes: object) -> LiquidContext:
    ctx = LiquidContext(
        model="shop",
        explore="orders",
        view="orders",
        dialect=dialect,
        condition_sql=lambda field, sql: f"{sql} = 'x'",
        date_bounds=lambda field: (None, None),
        parameters={
            "orders.label": ParameterInfo("string", (), "a"),
            "orders.day": ParameterInfo("date", (), "2024-01-01"),
            "orders.metric": ParameterInfo("unquoted", (("Revenue", "revenue"),), "revenue"),
            "orders.n": ParameterInfo("number", (), "1"),
            "orders.flag": ParameterInfo("yesno", (), "yes"),
            "orders.shape": ParameterInfo("location", (), "1,2"),
            "orders.no_value": ParameterInfo("unquoted"),
        },
        filters={"orders.status": "complete"},
        user_attributes={"region": "EU"},
    )
    return replace(ctx, **changes)  # type: ignore[arg-type]


def string_literal_value(sql: str, dialect: str) -> str:
    """Parse ``sql`` as one expression and return it if it is exactly one string literal."""
    parsed = sqlglot.parse_one(f"SELECT {sql}", read=dialect)
    projections = parsed.expressions
    assert len(projections) == 1, sql
    literal = projections[0]
    assert isinstance(literal, exp.Literal), sql
    assert literal.is_string, sql
    return str(literal.this)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(
    "template",
    ["{% parameter label %}", "{{ orders.label._parameter_value }}", "{% parameter orders.day %}"],
)
def test_liquid_quoted_parameter_values_stay_one_literal(template: str, payload: str, dialect: str) -> None:
    name = "orders.day" if "day" in template else "orders.label"
    ctx = make_ctx(dialect, parameter_values={name: payload})
    rendered = render_liquid(template, ctx, where="orders.dim")
    assert string_literal_value(rendered, dialect) == string_literal_value(
        exp.Literal.string(payload).sql(dialect=dialect), dialect
    )


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_liquid_sql_quote_on_filters_stays_one_literal(payload: str, dialect: str) -> None:
    ctx = make_ctx(dialect, filters={"orders.status": payload})
    rendered = render_liquid("{{ _filters['orders.status'] | sql_quote }}", ctx, where="orders.dim")
    assert string_literal_value(rendered, dialect) == string_literal_value(
        exp.Literal.string(payload).sql(dialect=dialect), dialect
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_liquid_quoted_values_round_trip_on_duckdb(payload: str) -> None:
    ctx = make_ctx("duckdb", parameter_values={"orders.label": payload}, filters={"orders.status": payload})
    sql = render_liquid(
        "SELECT {% parameter label %} AS p, {{ _filters['orders.status'] | sql_quote }} AS f", ctx, where="x"
    )
    assert duckdb.connect().execute(sql).fetchall() == [(payload, payload)]


def test_liquid_raw_filters_output_is_verbatim_like_looker() -> None:
    # Looker inserts `_filters[...]` unescaped; LookML must use `sql_quote`. We mirror it.
    ctx = make_ctx(filters={"orders.status": "x' OR 1=1 --"})
    assert render_liquid("{{ _filters['orders.status'] }}", ctx, where="x") == "x' OR 1=1 --"


@pytest.mark.parametrize(
    "value",
    ["revenue; DROP TABLE orders", "1=1 --", "a'b", "x) OR (1=1", "revenue --", "a b", "`x`", "x/*"],
)
@pytest.mark.parametrize("template", ["{% parameter metric %}", "{{ metric._parameter_value }}"])
def test_liquid_unsafe_unquoted_values_are_refused(value: str, template: str) -> None:
    ctx = make_ctx(parameter_values={"orders.metric": value})
    with pytest.raises(CompileError) as info:
        render_liquid(template, ctx, where="orders.total_metric")
    message = str(info.value)
    assert message.startswith("orders.total_metric: ")
    assert "unquoted parameter 'orders.metric'" in message
    assert "'revenue'" in message  # lists the allowed values


@pytest.mark.parametrize("value", ["1 OR 1=1", "1;--", "1)", "one", "0x10", "1e"])
def test_liquid_non_numbers_for_number_parameters_are_refused(value: str) -> None:
    ctx = make_ctx(parameter_values={"orders.n": value})
    with pytest.raises(CompileError, match=r"^orders\.dim: .*number parameter 'orders\.n' is not a number"):
        render_liquid("LIMIT {% parameter n %}", ctx, where="orders.dim")


def test_liquid_bad_yesno_value_is_refused() -> None:
    ctx = make_ctx(parameter_values={"orders.flag": "maybe'"})
    with pytest.raises(CompileError, match=r"yesno parameter 'orders\.flag' is not yes or no"):
        render_liquid("{% parameter flag %}", ctx, where="orders.dim")


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [("s", "string", "x = ''"), ("u", "unquoted", "x = "), ("n", "number", "x = "), ("y", "yesno", "x = ")],
)
@pytest.mark.parametrize("given", [None, ""])
def test_liquid_parameter_without_value_renders_the_empty_value(
    name: str, kind: str, expected: str, given: str | None
) -> None:
    """No value and no default_value: what Looker inserts when nothing is selected (quoted types
    quote the empty string); an explicit empty value (``always_filter: [p: ""]``) is the same."""
    values = {} if given is None else {f"orders.{name}": given}
    ctx = make_ctx(parameters={f"orders.{name}": ParameterInfo(kind)}, parameter_values=values)
    assert render_liquid(f"x = {{% parameter {name} %}}", ctx, where="orders.dim") == expected


def render_error(template: str, *, where: str = "orders.dim", **changes: object) -> str:
    with pytest.raises(CompileError) as info:
        render_liquid(template, make_ctx(**changes), where=where)  # type: ignore[arg-type]
    return str(info.value)


@pytest.mark.parametrize(
    ("template", "fragments"),
    [
        ("{% parameter nope %}", ["'orders.nope' is not a parameter", "orders.label", "at line 1, column 4"]),
        ("{% parameter users.p %}", ["'users.p' is not a parameter", "view 'users' has none"]),
        ("{{ nope._parameter_value }}", ["'nope._parameter_value'", "'orders.nope' is not a parameter"]),
        ("{% parameter shape %}", ["type 'location'", "cannot insert"]),
    ],
)
def test_liquid_parameter_errors(template: str, fragments: list[str]) -> None:
    message = render_error(template)
    assert message.startswith("orders.dim: Liquid error")
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize(
    ("template", "variable"),
    [
        ("{{ value }}", "'value'"),
        ("{{ rendered_value }}", "'rendered_value'"),
        ("{{ linked_value }}", "'linked_value'"),
        ("{{ filterable_value }}", "'filterable_value'"),
        ("{{ row['orders.id'] }}", "'row'"),
        ("{% if value > 10 %}x{% endif %}", "'value'"),
        ("{{ orders.status._value }}", "'orders.status._value'"),
        ("{{ status._rendered_value }}", "'status._rendered_value'"),
        ("{{ orders.status._linked_value }}", "'orders.status._linked_value'"),
        ("{{ orders.status._link }}", "'orders.status._link'"),
    ],
)
def test_liquid_html_only_variables_are_errors(template: str, variable: str) -> None:
    message = render_error(template, where="orders.status_label")
    assert message.startswith("orders.status_label: Liquid error at line 1")
    assert f"Liquid variable {variable} only exists in html, link and action parameters" in message


def test_liquid_missing_user_attribute_names_it() -> None:
    message = render_error("WHERE region = {{ _user_attributes['sales_region'] | sql_quote }}")
    assert message.startswith("orders.dim: Liquid error at line 1")
    assert "user attribute 'sales_region' is not set for this query (set: region)" in message


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("{{ _nope }}", "'_nope' is undefined"),
        ("{{ orders.status.bad }}", "orders.status.bad is undefined"),
        ("{{ _model.name }}", "_model.name is undefined"),
        ("{{ orders }}", "'orders' is a LookML name, not a value"),
        ("{{ orders.status }}", "'orders.status' is a LookML name, not a value"),
        ("{% if orders.status %}x{% endif %}", "'orders.status' is a LookML name, not a value"),
        ("{{ _field._name }}", "'_field' is not supported in SQL"),
        ("{{ orders.id._is_selected | sql_boolean }}{{ 'maybe' | sql_boolean }}", "sql_boolean expects"),
        ("{{ 'x' | no_such_filter }}", "unknown filter 'no_such_filter'"),
    ],
)
def test_liquid_undefined_and_misused_variables_are_errors(template: str, fragment: str) -> None:
    message = render_error(template)
    assert message.startswith("orders.dim: Liquid error")
    assert fragment in message


@pytest.mark.parametrize(
    ("template", "position", "fragment"),
    [
        ("{% if orders.id._is_selected %}x", "at the end of the template", "expected tag endif"),
        ("a\nb {{ x ", "at line 2, column 3", ""),
        ("{% frobnicate %}", "at line 1, column 4", "unexpected tag 'frobnicate'"),
        ("SELECT\n  1,\n  {% parameter %}", "at line 3, column 6", "'parameter' needs a field name"),
        ("{% condition a b %}x{% endcondition %}", "at line 1, column 14", "expects one field name"),
        ("{% condition status %}x", "at the end of the template", "endcondition"),
        ("{% date_start 'x' %}", "at line 1, column 15", "expects one field name"),
        ("{% include 'other' %}", "at line 1, column 4", "unexpected tag 'include'"),
        ("{% if 1 = 1 %}x{% endif %}", "at line 1", ""),
    ],
)
def test_liquid_syntax_errors_name_where_and_position(template: str, position: str, fragment: str) -> None:
    message = render_error(template, where="explore orders sql_always_where")
    assert message.startswith(f"explore orders sql_always_where: Liquid syntax error {position}"), message
    assert fragment in message


def test_liquid_error_position_on_later_line() -> None:
    message = render_error("SELECT\n  id,\n  {{ value }}\nFROM t")
    assert "at line 3, column 3 (near '{{ value }}')" in message


def test_liquid_error_carries_location() -> None:
    location = Location("views/orders.view.lkml", 12)
    with pytest.raises(CompileError) as info:
        render_liquid("{{ value }}", make_ctx(), where="orders.dim", location=location)
    assert info.value.location == location
    assert str(info.value).startswith("views/orders.view.lkml:12: orders.dim: ")
