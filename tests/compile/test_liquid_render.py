"""render_liquid: every Looker Liquid construct in SQL, with the exact text it expands to.

String comparison is right here: Liquid is a text template, and these are the characters the
planner will receive before it expands ``${...}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import pytest
from sqlglot import exp

from pytest_looker.compile.liquid import LiquidContext, ParameterInfo, render_liquid
from pytest_looker.errors import CompileError

PARAMETERS: Mapping[str, ParameterInfo] = {
    "orders.metric": ParameterInfo("unquoted", (("Revenue", "revenue"), ("Order count", "order_count")), "revenue"),
    "orders.sort_dir": ParameterInfo("unquoted", (("Up", "ASC"), ("Down", "DESC NULLS LAST")), "ASC"),
    "orders.status_param": ParameterInfo("string", (), "complete"),
    "orders.min_amount": ParameterInfo("number", (), "10"),
    "orders.start_day": ParameterInfo("date", (), "2024-01-01"),
    "orders.start_ts": ParameterInfo("date_time", (), "2024-01-01 10:30:00"),
    "orders.include_tax": ParameterInfo("yesno", (), "yes"),
    "orders.no_default": ParameterInfo("string"),
    "users.tier": ParameterInfo("string", (), "gold"),
}
FILTERS: Mapping[str, str] = {
    "orders.status": "complete,shipped",
    "orders.created_date": "7 days",
    "orders.any_status": "",
}
DATE_BOUNDS = {"orders.created_date": ("TIMESTAMP '2024-05-01'", None)}


def fake_condition(filters: Mapping[str, str], dialect: str) -> Callable[[str, str], str]:
    """A tiny stand-in for the planner's filter compiler: a comma list → ``sql IN (...)``."""

    def condition(field: str, sql: str) -> str:
        values = ", ".join(exp.Literal.string(v).sql(dialect=dialect) for v in filters[field].split(","))
        return f"{sql} IN ({values})"

    return condition


def make_ctx(**changes: Any) -> LiquidContext:
    """The orders explore, rendering the orders view, with a few fields in the query."""
    dialect = changes.pop("dialect", "postgres")
    filters = changes.pop("filters", FILTERS)
    ctx = LiquidContext(
        model="shop",
        explore="orders",
        view="orders",
        dialect=dialect,
        condition_sql=fake_condition(filters, dialect),
        date_bounds=lambda field: DATE_BOUNDS[field],
        parameters=PARAMETERS,
        filters=filters,
        selected=frozenset({"orders.id", "users.name"}),
        in_query=frozenset({"orders.id", "users.name", "orders.total"}),
        user_attributes={"region": "EU", "company": "O'Reilly \\ Sons"},
        query_timezone="Europe/Paris",
    )
    return replace(ctx, **changes)


def render(template: str, **changes: Any) -> str:
    return render_liquid(template, make_ctx(**changes), where="orders.dim")


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        # {% parameter %}, bare and qualified, per type
        ("SUM({% parameter metric %})", "SUM(revenue)"),
        ("SUM({% parameter orders.metric %})", "SUM(revenue)"),
        ("{% parameter users.tier %}", "'gold'"),
        ("status = {% parameter status_param %}", "status = 'complete'"),
        ("amount > {% parameter min_amount %}", "amount > 10"),
        ("day >= {% parameter start_day %}", "day >= '2024-01-01'"),
        ("ts >= {% parameter start_ts %}", "ts >= '2024-01-01 10:30:00'"),
        ("{% parameter include_tax %}", "true"),
        ("ORDER BY 1 {% parameter sort_dir %}", "ORDER BY 1 ASC"),
        # _parameter_value: string types keep their quotes, as in Looker
        ("{{ status_param._parameter_value }}", "'complete'"),
        ("{{ orders.status_param._parameter_value }}", "'complete'"),
        ("{{ metric._parameter_value }}", "revenue"),
        ("{{ min_amount._parameter_value }}", "10"),
        ("[{{ no_default._parameter_value }}]", "['']"),
        (
            "{% if metric._parameter_value == 'revenue' %}SUM(amount){% else %}COUNT(*){% endif %}",
            "SUM(amount)",
        ),
        ("{% if status_param._parameter_value == \"'complete'\" %}yes{% endif %}", "yes"),
        (
            "{% case orders.metric._parameter_value %}{% when 'revenue' %}r{% when 'order_count' %}c"
            "{% else %}x{% endcase %}",
            "r",
        ),
        # {% condition %}
        (
            "WHERE {% condition orders.status %} orders.status {% endcondition %}",
            "WHERE orders.status IN ('complete', 'shipped')",
        ),
        (
            "{% condition status %}${TABLE}.status{% endcondition %}",
            "${TABLE}.status IN ('complete', 'shipped')",
        ),
        ("WHERE {% condition orders.region %} region {% endcondition %}", "WHERE 1=1"),
        ("WHERE {% condition any_status %} x {% endcondition %}", "WHERE 1=1"),
        (
            "{% condition status %}{% if orders.id._is_selected %}a.s{% else %}b.s{% endif %}{% endcondition %}",
            "a.s IN ('complete', 'shipped')",
        ),
        (
            "{%- condition status -%} s {%- endcondition %} AND {% condition users.x %}y{% endcondition %}",
            "s IN ('complete', 'shipped') AND 1=1",
        ),
        # {% date_start %} / {% date_end %}
        (
            "BETWEEN {% date_start created_date %} AND {% date_end orders.created_date %}",
            "BETWEEN TIMESTAMP '2024-05-01' AND NULL",
        ),
        ("{% date_start orders.shipped_date %}/{% date_end shipped_date %}", "NULL/NULL"),
        # _is_selected / _in_query / _is_filtered
        (
            "{{ orders.id._is_selected }} {{ id._is_selected }} {{ orders.total._is_selected }}",
            "true true false",
        ),
        ("{{ users.name._is_selected }} {{ users.email._is_selected }}", "true false"),
        (
            "{{ orders.total._in_query }} {{ orders.status._in_query }} {{ orders.x._in_query }}",
            "true true false",
        ),
        (
            "{{ orders.status._is_filtered }} {{ any_status._is_filtered }} {{ id._is_filtered }}",
            "true false false",
        ),
        ("{{ orders.metric._is_filtered }}", "false"),
        ("{% if orders.id._is_selected %}orders_by_id{% else %}orders{% endif %}", "orders_by_id"),
        ("{% unless users.email._in_query %}slim{% endunless %}", "slim"),
        ("{{ orders.id._is_selected | sql_boolean }} {{ orders.x._in_query | sql_boolean }}", "TRUE FALSE"),
        # _filters
        ("{{ _filters['orders.status'] }}", "complete,shipped"),
        ("{{ _filters['orders.status'] | sql_quote }}", "'complete,shipped'"),
        ("[{{ _filters['orders.region'] }}]", "[]"),
        ("{% if _filters['orders.region'] %}f{% else %}n{% endif %}", "n"),
        ("{{ _filters['status'] }}", "complete,shipped"),
        # query-level objects
        ("{{ _user_attributes['region'] }}", "EU"),
        ("{{ _user_attributes['region'] | sql_quote }}", "'EU'"),
        ("{{ _user_attributes['company'] | sql_quote }}", "'O''Reilly \\ Sons'"),
        ("{{ _model._name }}.{{ _explore._name }}.{{ _view._name }}", "shop.orders.orders"),
        ("{{ _dialect._name }}", "postgres"),
        ("{{ _query._query_timezone }}", "Europe/Paris"),
        (
            "CONVERT_TIMEZONE('UTC', {{ _query._query_timezone | sql_quote }}, ts)",
            "CONVERT_TIMEZONE('UTC', 'Europe/Paris', ts)",
        ),
        # standard Liquid
        ("{% if 2 > 1 and 'abc' contains 'b' %}ok{% endif %}", "ok"),
        (
            "{% if metric._parameter_value == 'x' %}a{% elsif metric._parameter_value != 'y' %}b{% else %}c{% endif %}",
            "b",
        ),
        ("{% assign col = metric._parameter_value | append: '_usd' %}{{ col }}", "revenue_usd"),
        ("{% capture t %}{{ _view._name }}_v2{% endcapture %}{{ t | upcase }}", "ORDERS_V2"),
        ("{% for i in (1..3) %}c{{ i }}{% unless forloop.last %}, {% endunless %}{% endfor %}", "c1, c2, c3"),
        (
            "{{ 'a,b' | split: ',' | join: '|' }} {{ 'X' | downcase }} {{ 'a-b' | replace: '-', '_' }}",
            "a|b x a_b",
        ),
        ("{{ 'a b&c' | url_encode }}", "a+b%26c"),
        ("SELECT 1 {%- comment %} ignored {% endcomment %}", "SELECT 1"),
        ("${TABLE}.id", "${TABLE}.id"),
    ],
)
def test_liquid_construct_renders(template: str, expected: str) -> None:
    assert render(template) == expected


def test_liquid_parameter_value_from_query_overrides_default() -> None:
    values = {"orders.metric": "order_count", "orders.status_param": "returned", "orders.min_amount": "-2.5"}
    rendered = render(
        "{% parameter metric %} {% parameter status_param %} {% parameter min_amount %} {{ metric._is_filtered }}",
        parameter_values=values,
    )
    assert rendered == "order_count 'returned' -2.5 true"


@pytest.mark.parametrize("value", ["ASC", "DESC NULLS LAST", "orders.amount", "_x1", "1", "2024q1"])
def test_liquid_unquoted_accepts_allowed_values_and_identifiers(value: str) -> None:
    assert render("{% parameter sort_dir %}", parameter_values={"orders.sort_dir": value}) == value


@pytest.mark.parametrize("value", ["no", "No", "false", "FALSE"])
def test_liquid_yesno_parameter_false(value: str) -> None:
    assert render("{% parameter include_tax %}", parameter_values={"orders.include_tax": value}) == "false"


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        ("postgres", "postgres"),
        ("bigquery", "bigquery_standard_sql"),
        ("snowflake", "snowflake"),
        ("tsql", "mssql"),
    ],
)
def test_liquid_dialect_name(dialect: str, expected: str) -> None:
    assert render("{{ _dialect._name }}", dialect=dialect) == expected


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [("postgres", "TRUE"), ("bigquery", "TRUE"), ("tsql", "(1 = 1)")],
)
def test_liquid_sql_boolean_per_dialect(dialect: str, expected: str) -> None:
    assert render("{{ orders.id._is_selected | sql_boolean }}", dialect=dialect) == expected


def test_liquid_sql_quote_bigquery_uses_backslash_escapes() -> None:
    rendered = render("{{ _user_attributes['company'] | sql_quote }}", dialect="bigquery")
    assert rendered == "'O\\'Reilly \\\\ Sons'"


def test_liquid_multiline_template_keeps_text() -> None:
    template = (
        "SELECT *\n"
        "FROM {% if _user_attributes['region'] == 'EU' %}eu.orders{% else %}us.orders{% endif %}\n"
        "WHERE {% condition orders.status %} status {% endcondition %}\n"
    )
    assert render(template) == ("SELECT *\nFROM eu.orders\nWHERE status IN ('complete', 'shipped')\n")


def test_liquid_condition_body_passed_to_planner_before_reference_expansion() -> None:
    seen: list[tuple[str, str]] = []

    def condition(field: str, sql: str) -> str:
        seen.append((field, sql))
        return "COND"

    ctx = replace(make_ctx(), condition_sql=condition)
    assert render_liquid("{% condition status %}  ${status}  {% endcondition %}", ctx, where="x") == "COND"
    assert seen == [("orders.status", "${status}")]


def test_liquid_condition_sql_errors_propagate_unchanged() -> None:
    def condition(field: str, sql: str) -> str:
        raise CompileError(f"bad filter on {field}")

    ctx = replace(make_ctx(), condition_sql=condition)
    with pytest.raises(CompileError, match=r"^bad filter on orders\.status$"):
        render_liquid("{% condition status %}s{% endcondition %}", ctx, where="x")
