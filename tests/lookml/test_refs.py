"""The one ``${…}`` grammar: kinds, names, suffixes and offsets of every reference form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_looker.lookml.refs import (
    Ref,
    RefKind,
    equalities,
    field_references,
    named_views,
    scan,
    substitute,
    table_column,
    table_columns,
)


def only(text: str) -> Ref:
    [ref] = scan(text)
    return ref


@pytest.mark.parametrize(
    ("text", "kind", "view", "field", "suffix"),
    [
        ("${TABLE}", RefKind.TABLE, None, None, None),
        ("${ TABLE }", RefKind.TABLE, None, None, None),
        ("${EXTENDED}", RefKind.EXTENDED, None, None, None),
        ("${amount}", RefKind.FIELD, None, "amount", None),
        ("${created_month::date}", RefKind.FIELD, None, "created_month", "date"),
        ("${amount :: NUMBER}", RefKind.FIELD, None, "amount", "number"),
        ("${orders.id}", RefKind.VIEW_FIELD, "orders", "id", None),
        ("${ orders . id }", RefKind.VIEW_FIELD, "orders", "id", None),
        ("${orders.created_date::datetime}", RefKind.VIEW_FIELD, "orders", "created_date", "datetime"),
        ("${orders.SQL_TABLE_NAME}", RefKind.SQL_TABLE_NAME, "orders", None, None),
        ("${a.b.c}", RefKind.INVALID, None, None, None),
        ("${foo bar}", RefKind.INVALID, None, None, None),
        ("${}", RefKind.INVALID, None, None, None),
    ],
)
def test_each_form_is_typed(text: str, kind: RefKind, view: str | None, field: str | None, suffix: str | None) -> None:
    ref = only(text)
    assert (ref.kind, ref.view, ref.field, ref.type_suffix) == (kind, view, field, suffix)
    assert (ref.start, ref.end) == (0, len(text))


def test_offsets_point_at_the_references_in_surrounding_text() -> None:
    text = "CASE WHEN ${status} = 'x' THEN ${orders.amount} END"
    refs = list(scan(text))
    assert [text[r.start : r.end] for r in refs] == ["${status}", "${orders.amount}"]
    assert [r.inner for r in refs] == ["status", "orders.amount"]


def test_liquid_inside_the_braces_is_text_and_liquid_beside_them_is_ignored() -> None:
    assert list(scan("${ {{ _view._name }}.id }")) == []
    text = "{% if orders.status._in_query %}${orders.status}{% else %}{{ 'x' }}${TABLE}.y{% endif %}"
    assert [r.kind for r in scan(text)] == [RefKind.VIEW_FIELD, RefKind.TABLE]


def test_substitute_rewrites_and_keeps_what_the_callback_declines() -> None:
    text = "${TABLE}.id + ${a.x::number} + ${EXTENDED}"
    out = substitute(text, lambda r: "t" if r.kind is RefKind.TABLE else None)
    assert out == "t.id + ${a.x::number} + ${EXTENDED}"
    both = substitute(text, lambda r: f"<{r.inner}>", table_column=lambda column: f"T[{column}]")
    assert both == "T[id] + <a.x::number> + <EXTENDED>"


def test_field_references_read_the_way_the_checks_read_them() -> None:
    text = "${TABLE}.a ${b} ${v.c::date} ${v.SQL_TABLE_NAME} ${EXTENDED} ${x.y.z}"
    assert list(field_references(text)) == [
        (None, "TABLE"),
        (None, "b"),
        ("v", "c"),
        ("v", "SQL_TABLE_NAME"),
        (None, "EXTENDED"),
    ]


def test_named_views_once_each_in_order() -> None:
    assert named_views("${b.x} = ${a.y} AND ${b.z} = ${c} AND ${d.SQL_TABLE_NAME}") == ("b", "a")


def test_equalities_are_plain_key_pairs_only() -> None:
    text = "${a.id} = ${c.a_id} AND ${b.k}=${c.k} AND ${a.x} = LOWER(${c.y}) AND ${a.d::date} = ${c.d}"
    assert equalities(text) == [(("a", "id"), ("c", "a_id")), (("b", "k"), ("c", "k"))]


@pytest.mark.parametrize(
    ("sql", "column"),
    [
        ("${TABLE}.id", "id"),
        ("  ( ${ TABLE } . `order id` )  ", "order id"),
        ('${TABLE}."Amount"', "Amount"),
        ("${TABLE}.[Key]", "Key"),
        ("${TABLE}.user$id", "user$id"),
        ("${TABLE}.id + 1", None),
        ("LOWER(${TABLE}.status)", None),
        ("${id}", None),
        (None, None),
    ],
)
def test_table_column_is_exactly_one_column(sql: str | None, column: str | None) -> None:
    assert table_column(sql) == column


def test_table_columns_lists_every_column_with_its_span() -> None:
    text = "COALESCE(${TABLE}.a, ${TABLE}.`b c`) + ${other}"
    found = table_columns(text)
    assert [c.column for c in found] == ["a", "b c"]
    assert [text[c.start : c.end] for c in found] == ["${TABLE}.a", "${TABLE}.`b c`"]


_NAME = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)


@given(st.lists(st.tuples(st.text(alphabet="abc +-*()'=", max_size=6), _NAME, st.none() | _NAME), max_size=6))
def test_substituting_every_reference_by_itself_is_the_identity(parts: list[tuple[str, str, str | None]]) -> None:
    text = "".join(f"{gap}${{{first}.{second}}}" if second else f"{gap}${{{first}}}" for gap, first, second in parts)
    assert substitute(text, lambda r: text[r.start : r.end]) == text
    assert len(list(scan(text))) == len(parts)
