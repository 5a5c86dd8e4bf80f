"""Malformed expressions raise FilterSyntaxError naming the expression and the position."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from pytest_looker.compile.filters import (
    FilterContext,
    FilterKind,
    filter_sql,
    parse_filter,
    substitute_user_attributes,
)
from pytest_looker.errors import CompileError, FilterSyntaxError

NOW = datetime(2024, 3, 2, 12, tzinfo=timezone.utc)

BAD: list[tuple[FilterKind, str, int]] = [
    # (kind, expression, 1-based position the message must name)
    (FilterKind.STRING, "ab^c", 3),
    (FilterKind.STRING, "abc^", 4),
    (FilterKind.STRING, "FOO,,BAR", 5),
    (FilterKind.STRING, "FOO,", 5),
    (FilterKind.STRING, '"unterminated', 1),
    (FilterKind.STRING, '"a"b', 4),
    (FilterKind.STRING, "C:\\Users", 3),
    (FilterKind.STRING, "-", 2),
    (FilterKind.STRING, "{{ _user_attributes['region'] }}", 1),
    (FilterKind.TIER, "10%", 3),
    (FilterKind.TIER, "sub_region", 4),
    (FilterKind.NUMBER, ">>5", 2),
    (FilterKind.NUMBER, "abc", 1),
    (FilterKind.NUMBER, "-NULL", 1),
    (FilterKind.NUMBER, "--1", 1),
    (FilterKind.NUMBER, "0.1.1.1", 4),
    (FilterKind.NUMBER, "(,)", 1),
    (FilterKind.NUMBER, "[inf,10]", 2),
    (FilterKind.NUMBER, "(1,inf]", 4),
    (FilterKind.NUMBER, "AND", 1),
    (FilterKind.NUMBER, "OR", 1),
    (FilterKind.NUMBER, "^12345", 1),
    (FilterKind.NUMBER, "1234^, 567", 5),
    (FilterKind.NUMBER, "to", 3),
    (FilterKind.NUMBER, "1,,2", 3),
    (FilterKind.NUMBER, "=5", 1),
    (FilterKind.NUMBER, ">1 AND >5", 8),
    (FilterKind.NUMBER, "NOT NOT 5", 5),
    (FilterKind.NUMBER, "007", 1),
    (FilterKind.NUMBER, "5 6", 3),
    (FilterKind.DATE, "3 dayz ago", 3),
    (FilterKind.DATE, "3days", 1),
    (FilterKind.DATE, "next 2 weeks", 6),
    (FilterKind.DATE, "this hour", 6),
    (FilterKind.DATE, "2023-02-29", 1),
    (FilterKind.DATE, "2024-13", 6),
    (FilterKind.DATE, "2024-03-01 24:00", 12),
    (FilterKind.DATE, "not a valid date", 1),
    (FilterKind.DATE, "today,", 7),
    (FilterKind.DATE, "2024 to 2025", 6),
    (FilterKind.DATE, "before", 7),
    (FilterKind.DATE, "fy2024", 1),
    (FilterKind.DATE, "3 days ago for", 15),
    (FilterKind.DATE, "999999 years ago", 1),
    (FilterKind.YESNO, "maybe", 1),
    (FilterKind.YESNO, "true", 1),
    (FilterKind.YESNO, "Yes,No", 4),
    (FilterKind.YESNO, " yes, no", 5),
    (FilterKind.LOCATION, "1 mile from 1, 2", 3),
    (FilterKind.LOCATION, "95, 10", 1),
    (FilterKind.LOCATION, "10, 200", 5),
    (FilterKind.LOCATION, "somewhere", 1),
]


@pytest.mark.parametrize(("kind", "text", "position"), BAD, ids=[f"{k.value}:{t}" for k, t, _ in BAD])
def test_malformed_expression_is_reported(kind: FilterKind, text: str, position: int) -> None:
    column: str | tuple[str, str] = ("lat", "lon") if kind is FilterKind.LOCATION else "x"
    with pytest.raises(FilterSyntaxError) as caught:
        filter_sql(kind, text, column, FilterContext(now=NOW))
    message = str(caught.value)
    assert repr(text) in message
    assert f"{kind.value} filter" in message
    assert f"at position {position}:" in message
    assert isinstance(caught.value, CompileError)


def test_error_messages_are_helpful() -> None:
    with pytest.raises(FilterSyntaxError, match=re.escape("write e.g. '1 week from now for 2 weeks'")):
        parse_filter(FilterKind.DATE, "next 2 weeks")
    with pytest.raises(FilterSyntaxError, match="NOT NULL"):
        parse_filter(FilterKind.NUMBER, "-NULL")
    with pytest.raises(FilterSyntaxError, match="plural"):
        parse_filter(FilterKind.LOCATION, "1 mile from 1, 2")
    with pytest.raises(FilterSyntaxError, match=r"\^\^ for a caret"):
        parse_filter(FilterKind.STRING, "ab^c")


def test_user_attribute_errors() -> None:
    with pytest.raises(FilterSyntaxError, match="bad-name"):
        substitute_user_attributes("{{ _user_attributes['bad-name'] }}", {})
    with pytest.raises(FilterSyntaxError, match="no value"):
        substitute_user_attributes("{{ _user_attributes['region'] }}", {})
    with pytest.raises(FilterSyntaxError, match="malformed"):
        substitute_user_attributes("{{ _user_attributes[region] }}", {"region": "x"})
    assert substitute_user_attributes('{{_user_attributes["region"]}},x', {"region": "West"}) == "West,x"


def test_bad_context_is_a_compile_error() -> None:
    with pytest.raises(CompileError, match="dialect"):
        FilterContext(dialect="oracle", now=NOW)
    with pytest.raises(CompileError, match="aware"):
        FilterContext(now=datetime(2024, 3, 2))
    with pytest.raises(CompileError, match="time zone"):
        FilterContext(now=NOW, timezone="Mars/Olympus")
    with pytest.raises(CompileError, match="week_start_day"):
        FilterContext(now=NOW, week_start_day="funday")


@pytest.mark.parametrize("text", ["Yes,No", "no,yes", "YES, NO"])
def test_a_yesno_list_is_refused_without_guessing_what_looker_does(text: str) -> None:
    # Looker documents yes/no only (filter expressions, "Boolean"); a list's meaning is undocumented.
    with pytest.raises(FilterSyntaxError) as caught:
        parse_filter(FilterKind.YESNO, text)
    message = caught.value.message
    assert "takes one value, yes or no" in message and "documents no list" in message
    assert 'remove the filter or give it an empty value ("", is any value)' in message
    for fine in ("yes", "No", ""):
        parse_filter(FilterKind.YESNO, fine)
