"""Property tests: no filter value can change the structure of the generated SQL.

For arbitrary text (quotes, backslashes, semicolons, comment starters, LIKE wildcards,
carets, newlines, unicode) we check, on DuckDB, that exact-match and LIKE filters select
exactly the rows a Python oracle says they should; and, for every dialect, that the SQL
parses as a single condition whose string literal holds exactly the intended text. Finally
any text at all either compiles or raises ``FilterSyntaxError`` — never another exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timezone

import duckdb
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from pytest_looker.compile.filters import FilterContext, FilterKind, filter_sql, quote_string_value
from pytest_looker.compile.filters.strings import escape_string_text
from pytest_looker.errors import FilterSyntaxError

NOW = datetime(2024, 3, 2, 12, tzinfo=timezone.utc)
DIALECTS = ["duckdb", "bigquery", "snowflake", "postgres", "redshift", "mysql"]
NASTY = [
    "'",
    '"',
    "\\",
    ";",
    "--",
    "/*",
    "*/",
    "%",
    "_",
    "^",
    ",",
    "-",
    " ",
    "\n",
    "\t",
    "\r",
    "é",
    "😀",
    "ß",
    "İ",
]

#: Text mixing hostile fragments with arbitrary unicode (no NUL: no dialect stores it in text).
values = st.lists(
    st.one_of(
        st.sampled_from(NASTY),
        st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=4),
    ),
    max_size=8,
).map("".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute("CREATE TABLE s (id INTEGER, x VARCHAR)")
    yield connection
    connection.close()


def load(db: duckdb.DuckDBPyConnection, rows: list[str]) -> None:
    db.execute("DELETE FROM s")
    db.executemany("INSERT INTO s VALUES (?, ?)", [*list(enumerate(rows)), (len(rows), None)])


def matching(db: duckdb.DuckDBPyConnection, condition: str | None) -> set[int]:
    where = "TRUE" if condition is None else condition
    return {row[0] for row in db.execute(f"SELECT id FROM s WHERE {where}").fetchall()}


def decoys(value: str) -> list[str]:
    return [
        value,
        value + "x",
        "x" + value,
        value.upper(),
        value.lower(),
        value[:-1],
        "",
        "'",
        "\\",
        value * 2,
    ]


def literals_of(condition: str, dialect: str) -> list[str]:
    """Parse ``condition`` as one WHERE clause and return its string literals."""
    statements = sqlglot.parse(f"SELECT 1 FROM s WHERE {condition}", read=dialect)
    assert len(statements) == 1
    assert statements[0] is not None
    where = statements[0].args["where"]
    assert not list(where.find_all(exp.Command, exp.Semicolon))
    return [node.this for node in where.find_all(exp.Literal) if node.is_string]


def like_pattern(condition: str, dialect: str) -> str:
    """The pattern literal of the single LIKE in ``condition``."""
    where = sqlglot.parse_one(f"SELECT 1 FROM s WHERE {condition}", read=dialect).args["where"]
    (like,) = list(where.find_all(exp.Like))
    return str(like.expression.this)


@SETTINGS
@given(value=values)
def test_quoted_exact_match_selects_exactly_equal_rows(db: duckdb.DuckDBPyConnection, value: str) -> None:
    rows = decoys(value)
    load(db, rows)
    expression = quote_string_value(value)
    condition = filter_sql(FilterKind.STRING, expression, "x", FilterContext(now=NOW))
    assert matching(db, condition) == {i for i, row in enumerate(rows) if row == value}
    negated = filter_sql(FilterKind.STRING, "-" + expression, "x", FilterContext(now=NOW))
    assert matching(db, negated) == {i for i, row in enumerate(rows) if row != value} | {len(rows)}
    for dialect in DIALECTS:
        sql = filter_sql(FilterKind.STRING, expression, "x", FilterContext(dialect=dialect, now=NOW))
        assert sql is not None
        assert literals_of(sql, dialect) == [value]


LIKE_FORMS: dict[str, tuple[str, Callable[[str, str], bool]]] = {
    "contains": ("%{}%", lambda row, v: v in row),
    "starts": ("{}%", lambda row, v: row.startswith(v)),
    "ends": ("%{}", lambda row, v: row.endswith(v)),
}


@SETTINGS
@given(value=values.map(lambda v: v.strip(" ")).filter(bool), form=st.sampled_from(sorted(LIKE_FORMS)))
def test_escaped_like_forms_match_the_literal_text(db: duckdb.DuckDBPyConnection, value: str, form: str) -> None:
    template, oracle = LIKE_FORMS[form]
    rows = [*decoys(value), "a%b", "a_b", "100%", "x\\y"]
    load(db, rows)
    expression = template.format(escape_string_text(value))
    condition = filter_sql(FilterKind.STRING, expression, "x", FilterContext(now=NOW))
    assert matching(db, condition) == {i for i, row in enumerate(rows) if oracle(row, value)}
    for dialect in DIALECTS:
        sql = filter_sql(FilterKind.STRING, expression, "x", FilterContext(dialect=dialect, now=NOW))
        assert sql is not None
        assert value.replace("\\", "") in "".join(literals_of(sql, dialect)).replace("\\", "")
        pattern = like_pattern(sql, dialect)
        body = pattern[1 if template.startswith("%") else 0 : -1 if template.endswith("%") else None]
        unescaped = re.sub(r"\\(.)", r"\1", body, flags=re.S)
        assert unescaped == value


ascii_values = st.text(st.sampled_from("ab%_^'\\\";- "), min_size=1, max_size=5).map(lambda v: v.strip(" "))


@SETTINGS
@given(before=ascii_values.filter(bool), after=ascii_values.filter(bool))
def test_raw_like_pattern_with_one_wildcard(db: duckdb.DuckDBPyConnection, before: str, after: str) -> None:
    """``a_b``: the unescaped ``_`` is one character, everything escaped stays literal."""
    rows = [before + c + after for c in "x_%"] + [before + after, before + "xy" + after, "zz"]
    load(db, rows)
    expression = escape_string_text(before) + "_" + escape_string_text(after)
    condition = filter_sql(FilterKind.STRING, expression, "x", FilterContext(now=NOW))
    oracle = re.compile(re.escape(before) + "." + re.escape(after), re.S)
    assert matching(db, condition) == {i for i, row in enumerate(rows) if oracle.fullmatch(row)}


@SETTINGS
@given(value=values, case_sensitive=st.booleans())
def test_case_insensitive_forms_parse_as_one_condition(value: str, case_sensitive: bool) -> None:
    expression = quote_string_value(value) + ",%" + escape_string_text(value.strip(" ") or "a") + "%"
    for dialect in DIALECTS:
        ctx = FilterContext(dialect=dialect, now=NOW, case_sensitive=case_sensitive)
        sql = filter_sql(FilterKind.STRING, expression, "x", ctx)
        assert sql is not None
        assert value in literals_of(sql, dialect)


GRAMMAR_TEXT = st.text(
    st.sampled_from(list("0123456789 ,.-+()[]<>=!^%_\"'\\:/abcdefinorstuwyzADNOTLQFY")), max_size=30
) | st.sampled_from(
    ["NOT NULL", "3 days ago for 2 days", "FY2024-Q1", "1 to", "[1,5)", "inside box from 1, 2 to 3, 4"]
).flatmap(lambda s: st.integers(0, len(s)).map(lambda i: s[:i]))


@settings(max_examples=400, deadline=None)
@given(kind=st.sampled_from(list(FilterKind)), text=GRAMMAR_TEXT)
def test_any_text_compiles_or_raises_filter_syntax_error(kind: FilterKind, text: str) -> None:
    column: str | tuple[str, str] = ("lat", "lon") if kind is FilterKind.LOCATION else "x"
    error: FilterSyntaxError | None = None
    try:
        sql = filter_sql(kind, text, column, FilterContext(now=NOW))
    except FilterSyntaxError as caught:
        error, sql = caught, None
    if error is not None:
        assert repr(text) in str(error)
    elif sql is not None:
        assert len(sqlglot.parse(f"SELECT 1 WHERE {sql}", read="duckdb")) == 1
