"""How the compiler expands each ``${…}`` form, and the errors for the forms it cannot expand."""

from __future__ import annotations

import duckdb
import pytest

from helpers import ProjectFactory
from pytest_looker.compile import Query, compile_query
from pytest_looker.errors import CompileError
from pytest_looker.lookml.model import Project

FILES = {
    "m.model.lkml": 'connection: "db"\ninclude: "/*.view.lkml"\nexplore: t {}\n',
    "t.view.lkml": """
        view: t {
          sql_table_name: (SELECT 2 AS x, DATE '2024-03-15' AS d) ;;
          dimension: x { type: number sql: ${ TABLE } . x ;; }
          dimension: doubled { type: number sql: ${ t . x } * 2 ;; }
          dimension: as_number { type: number sql: ${x :: number} + 1 ;; }
          dimension_group: day { type: time timeframes: [date, month] sql: ${TABLE}.d ;; datatype: date }
          dimension: month_start { type: date sql: ${day_month::date} ;; }
          dimension: malformed { sql: ${t.x.y} ;; }
          dimension: stray { sql: ${EXTENDED} ;; }
          dimension: bad_suffix { sql: ${x::money} ;; }
        }
    """,
}


@pytest.fixture
def project(lookml: ProjectFactory) -> Project:
    return lookml(FILES)


def test_whitespace_and_type_suffixes_expand(project: Project) -> None:
    fields = ["t.x", "t.doubled", "t.as_number", "t.month_start"]
    compiled = compile_query(project, Query("m", "t", fields=fields))
    [row] = duckdb.connect().execute(compiled.sql).fetchall()
    assert row[:3] == (2, 4, 3)
    assert str(row[3]) == "2024-03-01"


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("t.malformed", r"t\.malformed: \$\{t\.x\.y\} is not a reference: expected \$\{field\}"),
        ("t.stray", r"t\.stray: \$\{EXTENDED\} is only allowed in an object that extends another"),
        ("t.bad_suffix", r"unknown type suffix '::money' after 'x' \(known: ::number, ::date, ::datetime\)"),
    ],
)
def test_forms_that_cannot_be_expanded_are_errors_naming_the_field(project: Project, field: str, message: str) -> None:
    with pytest.raises(CompileError, match=message) as info:
        compile_query(project, Query("m", "t", fields=[field]))
    assert info.value.location is not None
    assert info.value.location.file == "t.view.lkml"
