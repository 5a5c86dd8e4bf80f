"""liquid_references and contains_liquid: what the planner learns from a template unrendered."""

from __future__ import annotations

import pytest

from pytest_looker.compile.liquid import contains_liquid, liquid_references
from pytest_looker.errors import CompileError


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("${TABLE}.id", set()),
        ("{% parameter p %}", {"orders.p"}),
        ("{% parameter users.p %}", {"users.p"}),
        ("{{ p._parameter_value }}", {"orders.p"}),
        ("{{ users.tier._parameter_value }}", {"users.tier"}),
        ("{% condition status %} s {% endcondition %}", {"orders.status"}),
        (
            "{% date_start created_date %} {% date_end users.signup_date %}",
            {"orders.created_date", "users.signup_date"},
        ),
        ("{% if users.name._is_selected %}x{% endif %}", {"users.name"}),
        ("{% unless id._in_query %}x{% endunless %}", {"orders.id"}),
        ("{{ users.email._is_filtered | sql_boolean }}", {"users.email"}),
        ("{{ _filters['users.state'] | sql_quote }}", {"users.state"}),
        ("{{ _filters['state'] }}", {"orders.state"}),
        (
            "{% condition status %}{% if users.name._is_selected %}a{% endif %}{% endcondition %}",
            {"orders.status", "users.name"},
        ),
        (
            "{% case metric._parameter_value %}{% when 'a' %}{{ users.a._in_query }}{% endcase %}",
            {"orders.metric", "users.a"},
        ),
        # not field references: Looker objects, locals, loop variables, computed keys
        ("{{ _user_attributes['region'] }} {{ _model._name }} {{ _query._query_timezone }}", set()),
        ("{% assign a = 'x' %}{{ a._in_query }}", set()),
        ("{% for i in (1..2) %}{{ i._is_selected }}{% endfor %}", set()),
        ("{% assign k = 'users.x' %}{{ _filters[k] }}", set()),
        ("{{ users.name._value }}", set()),
    ],
)
def test_liquid_references_qualified(template: str, expected: set[str]) -> None:
    assert liquid_references(template, view="orders") == expected


def test_liquid_references_without_view_keeps_bare_names() -> None:
    template = "{% parameter p %}{{ users.x._is_selected }}{% condition f %}x{% endcondition %}"
    assert liquid_references(template) == {"p", "users.x", "f"}


def test_liquid_references_syntax_error_names_where() -> None:
    with pytest.raises(CompileError, match=r"^orders\.dim: Liquid syntax error at the end of the template"):
        liquid_references("{% if x %}", view="orders", where="orders.dim")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${TABLE}.id", False),
        ("CASE WHEN ${status} = 'x' THEN 1 END", False),
        ("{{ _user_attributes['a'] }}", True),
        ("{% parameter p %}", True),
        ("a {%- if x -%} b {% endif %}", True),
        ("100% {sure}", False),
    ],
)
def test_contains_liquid(text: str, expected: bool) -> None:
    assert contains_liquid(text) is expected
