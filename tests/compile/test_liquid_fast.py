"""The small Liquid reader gives python-liquid's answer, or leaves the template to python-liquid.

Templates are generated from a grammar that mixes the reader's subset (``if``/``elsif``/``else``
on ``_is_selected``/``_in_query``/``_is_filtered`` and ``==``/``!=``, ``assign`` with math
filters, outputs, ``parameter``, ``date_start``/``date_end``) with what is outside it (other
tags and filters, whitespace control, parentheses, ``contains``, html-only variables, unknown
parameters, unbalanced blocks). Each is rendered through :func:`render_liquid` and with the
reader turned off: outputs and error messages must be identical.
"""

from __future__ import annotations

import random

import pytest
from test_liquid_render import make_ctx

import pytest_looker.compile.liquid as liquid
from pytest_looker.compile.liquid import render_liquid
from pytest_looker.compile.liquid.fast import Unsupported, fast_template
from pytest_looker.errors import CompileError

_FIELDS = ["orders.id", "users.name", "orders.total", "orders.status", "orders.created_date", "users.age"]
_PARAMETERS = ["metric", "orders.sort_dir", "status_param", "min_amount", "include_tax", "no_default", "users.tier"]
_LITERALS = ["'revenue'", '"ASC"', "''", "'complete'", "10", "0", "2.5", "-1", "'10'"]


def _value(rng: random.Random, names: list[str]) -> str:
    choice = rng.random()
    if choice < 0.35:
        return f"{rng.choice(_PARAMETERS)}._parameter_value"
    if choice < 0.55 and names:
        return rng.choice(names)
    if choice < 0.58:
        return rng.choice(["orders.id", "value", "_filters['orders.status']", "orders.id._value"])
    return rng.choice(_LITERALS)


def _condition(rng: random.Random, names: list[str]) -> str:
    terms = []
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        if choice < 0.55:
            attribute = rng.choice(["_is_selected", "_in_query", "_is_filtered", "_is_selected", "_is_selected"])
            attribute = "_rendered_value" if rng.random() < 0.03 else attribute
            terms.append(f"{rng.choice(_FIELDS)}.{attribute}")
        elif choice < 0.9:
            operator = rng.choice(["==", "!="] * 5 + ["contains", ">"])
            terms.append(f"{_value(rng, names)} {operator} {rng.choice(_LITERALS)}")
        else:
            terms.append(f"({rng.choice(_FIELDS)}._in_query)")
    text = terms[0]
    for term in terms[1:]:
        text += f" {rng.choice(['and', 'or', 'or'])}{rng.choice([' ', chr(10) + '   '])}{term}"
    return text


def _filtered(rng: random.Random, names: list[str]) -> str:
    text = _value(rng, names)
    for _ in range(rng.randint(0, 3)):
        name = rng.choice(["plus", "minus", "times", "divided_by"] * 4 + ["size", "round"])
        text += f" | {name}: {rng.choice(['1', '7', '0', '365', '2.5', *names[:1]])}"
    return text


def _template(rng: random.Random, depth: int = 0, names: list[str] | None = None) -> str:
    names = [] if names is None else names
    parts = []
    for _ in range(rng.randint(1, 6)):
        choice = rng.random()
        if choice < 0.3:
            parts.append(rng.choice(["${TABLE}.id,", " SUM(${amount}) ", "\n  ORDER BY 1\n", "x = 'a%}'", ""]))
        elif choice < 0.55 and depth < 3:
            text = f"{{% if {_condition(rng, names)} %}}{_template(rng, depth + 1, names)}"
            for _ in range(rng.randint(0, 2)):
                text += f"{{% elsif {_condition(rng, names)} %}}{_template(rng, depth + 1, names)}"
            if rng.random() < 0.5:
                text += f"{{% else %}}{_template(rng, depth + 1, names)}"
            parts.append(text + ("{% endif %}" if rng.random() < 0.97 else ""))
        elif choice < 0.65:
            name = rng.choice(["adjusted", "preceding", "days"])
            parts.append(f"{{% assign {name} = {_filtered(rng, names)} %}}")
            names.append(name)
        elif choice < 0.78:
            parts.append(f"{{{{ {_filtered(rng, names)} }}}}")
        elif choice < 0.94:
            tag = rng.choice(["parameter", "parameter", "date_start", "date_end"])
            target = rng.choice(_PARAMETERS) if tag == "parameter" else rng.choice(_FIELDS)
            parts.append(f"{{% {tag} {target} %}}")
        else:
            parts.append(
                rng.choice(
                    [
                        "{%- if orders.id._is_selected -%} a {%- endif -%}",
                        "{% unless orders.id._in_query %}b{% endunless %}",
                        "{{ orders.status._parameter_value }}",
                        "{% condition orders.status %} ${TABLE}.status {% endcondition %}",
                        "{{ _dialect._name }}",
                        "{% endif %}",
                        "{% else %}",
                        "{{ 'x' | upcase }}",
                    ]
                )
            )
    return "".join(parts)


def _outcome(template: str, *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(liquid, "fast_template", lambda text: None)
        try:
            return "ok", render_liquid(template, make_ctx(), where="orders.dim")
        except CompileError as error:
            return "error", error.message
        except Exception as error:  # what escapes python-liquid must escape the reader too
            return "raised", f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("seed", range(30))
def test_the_reader_renders_as_python_liquid(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        template = _template(rng)
        expected = _outcome(template, fast=False, monkeypatch=monkeypatch)
        assert _outcome(template, fast=True, monkeypatch=monkeypatch) == expected, template


def test_the_generated_templates_reach_the_reader() -> None:
    """The comparison above is not vacuous: most templates are read and rendered by the reader."""
    rng = random.Random(0)
    read = rendered = 0
    for _ in range(400):
        fast = fast_template(_template(rng))
        if fast is None:
            continue
        read += 1
        try:
            fast.render(make_ctx())
            rendered += 1
        except Unsupported:
            pass
    assert read >= 100
    assert rendered >= 70


LOOKER_HUB_LIKE = (
    "{% if orders.created_date._is_selected or\n      orders.id._is_selected %}\n  AVG(${ratio}) OVER (\n"
    "  PARTITION BY {% if orders.id._is_selected %}${TABLE}.id,{% endif %}"
    "{% if users.name._is_selected %}${TABLE}.name,{% endif %} 1\n"
    '  {% if min_amount._parameter_value != "" %}ORDER BY {% parameter min_amount %}'
    "{% elsif orders.created_date._is_selected %}ORDER BY ${TABLE}.day{% else %}ERROR('pick a date'){% endif %}\n"
    "  {% assign preceding = min_amount._parameter_value | minus: 1 %}"
    "{% assign adjusted = preceding | plus: 365 | divided_by: 7 %}\n"
    "  ROWS BETWEEN {{ adjusted }} PRECEDING AND {{ preceding | plus: 1 }} FOLLOWING)\n"
    "{% else %}ERROR('no date'){% endif %} {% date_start orders.created_date %} {% date_end orders.total %}"
)


def test_generated_lookml_is_read_without_python_liquid(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = fast_template(LOOKER_HUB_LIKE)
    assert fast is not None
    rendered = fast.render(make_ctx())  # no Unsupported: python-liquid is not needed
    assert rendered == _outcome(LOOKER_HUB_LIKE, fast=False, monkeypatch=monkeypatch)[1]
    assert "PARTITION BY ${TABLE}.id,${TABLE}.name, 1" in rendered
    assert "ORDER BY 10" in rendered and "ROWS BETWEEN 53 PRECEDING AND 10 FOLLOWING" in rendered
    assert rendered.endswith(" TIMESTAMP '2024-05-01' NULL")


@pytest.mark.parametrize(
    "template",
    [
        "{%- if orders.id._is_selected %}a{% endif %}",
        "{% if (orders.id._is_selected) %}a{% endif %}",
        "{% if metric._parameter_value contains 'rev' %}a{% endif %}",
        "{% condition orders.status %}x{% endcondition %}",
        "{{ _filters['orders.status'] }}",
        "{{ 'a' | upcase }}",
        "{% if orders.id._is_selected %}a",
        "{% if true %}a{% endif %}",
    ],
)
def test_what_is_outside_the_subset_is_left_to_python_liquid(template: str) -> None:
    assert fast_template(template) is None
