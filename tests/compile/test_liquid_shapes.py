"""Templates that differ only in plain SQL share one parse, and render exactly as from their text.

Each template is rendered twice: through its shape (the fast path) and from its own text with
shapes turned off; the outputs and the errors must be identical.
"""

from __future__ import annotations

import pytest
from test_liquid_render import make_ctx

import pytest_looker.compile.liquid as liquid
from pytest_looker.compile.liquid import render_liquid
from pytest_looker.compile.liquid.shapes import shape_of
from pytest_looker.errors import CompileError

SHAPED = [
    "{% if orders.id._is_selected %}${TABLE}.id,{% endif %}{% if orders.total._is_selected %}${TABLE}.total,"
    "{% endif %}{% if users.name._is_selected %}${TABLE}.name,{% endif %} AVG(${amount})",
    "  lead  {%- if orders.id._is_selected -%}  \n  inside \n {%- else -%} other {%- endif -%}  \n trail ",
    "{% case orders.metric._parameter_value %}{% when 'revenue' %}SUM(${amount}){% when 'order_count' %}"
    "COUNT(*){% else %}0{% endcase %}",
    "{% unless orders.total._in_query %}x{% endunless %}\nline 2 {{ _dialect._name }} {% parameter sort_dir %} ",
    "{% assign days = orders.metric._parameter_value | size | plus: 2 %} INTERVAL {{ days }} DAY\n"
    "  {%- if days > 3 %} AND x{% endif %}",
    "WHERE d >= {% date_start orders.created_date %} AND e < {% date_end orders.created_date %}\n"
    "  AND r = {{ _user_attributes['region'] | sql_quote }} -- 100% {not} a tag }}",
]


@pytest.fixture(autouse=True)
def _without_the_small_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shapes are python-liquid's path: keep the small reader (``liquid.fast``) out of the way."""
    monkeypatch.setattr(liquid, "fast_template", lambda text: None)


def _from_own_text(monkeypatch: pytest.MonkeyPatch, template: str) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(liquid, "shape_of", lambda text: None)
        return render_liquid(template, make_ctx(), where="orders.dim")


@pytest.mark.parametrize("template", SHAPED)
def test_a_shaped_template_renders_as_its_own_text(template: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert shape_of(template) is not None
    expected = _from_own_text(monkeypatch, template)
    assert render_liquid(template, make_ctx(), where="orders.dim") == expected
    assert "\x00" not in expected


def test_templates_differing_only_in_sql_are_parsed_once() -> None:
    first = "{% if orders.id._is_selected %}PARTITION BY ${TABLE}.id{% endif %}\n  AVG(${a})"
    second = "{% if orders.id._is_selected %}PARTITION BY ${TABLE}.code{% endif %}\n  SUM(${b}) / 2"
    shape, other = shape_of(first), shape_of(second)
    assert shape is not None and other is not None and shape.text == other.text
    liquid._parse_cached.cache_clear()
    ctx = make_ctx()
    rendered = [render_liquid(t, ctx, where="orders.dim") for t in (first, second)]
    assert rendered == ["PARTITION BY ${TABLE}.id\n  AVG(${a})", "PARTITION BY ${TABLE}.code\n  SUM(${b}) / 2"]
    assert liquid._parse_cached.cache_info().misses == 1


@pytest.mark.parametrize(
    "template",
    [
        "{% condition status %} ${TABLE}.status {% endcondition %}",
        "{% capture x %}abc{% endcapture %}{{ x | upcase }}",
        "{% raw %}{{ not liquid }}{% endraw %} sql",
        "{% comment %}sql{% endcomment %} sql",
        "{% for i in (1..2) %}a{% endfor %}",
        "{%- # a note -%} sql",
        "{% if orders.id._is_selected %} unclosed {% endif",
        "text with a NUL \x00 {{ _dialect._name }}",
    ],
)
def test_templates_whose_tags_touch_their_text_are_not_shaped(template: str) -> None:
    assert shape_of(template) is None


@pytest.mark.parametrize(
    "template",
    [
        "SELECT\n  a,\n  b {{ no_such_variable }}",
        "SELECT\n  a\n  {% if orders.id._is_selected %} b",
        "SELECT a {% parameter no_such_parameter %}",
    ],
)
def test_errors_name_the_templates_own_positions(template: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CompileError) as own:
        _from_own_text(monkeypatch, template)
    with pytest.raises(CompileError) as shaped:
        render_liquid(template, make_ctx(), where="orders.dim")
    assert str(shaped.value) == str(own.value)
