"""The golden-SQL suite: real Looker-generated SQL against ours, by structure and by rows.

Every case in ``data/golden`` (see its README for the format, sources and licences) is compiled
in its dialect and compared with Looker's SQL clause by clause after sqlglot normalisation; each
clause that differs must be listed in the case's ``differences`` with its reason, and a listed
clause that no longer differs fails too, so the documentation stays true. Both statements are
then run on DuckDB over data with fan-out, NULLs and date edges, and must return the same rows.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from golden_cases import CLAUSES, Case, all_cases, comparable, compare_structure, looker_rows, our_rows, setup_database

from helpers import write_files
from pytest_looker.compile import compile_sql
from pytest_looker.lookml import load_project
from pytest_looker.lookml.model import Project

CASES = all_cases()


def project_of(case: Case, root: Path) -> Project:
    return load_project(write_files(root, case.files))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_structure_matches_looker_or_the_difference_is_documented(case: Case, tmp_path: Path) -> None:
    ours = compile_sql(project_of(case, tmp_path), case.to_query(), dialect=case.dialect)
    differences = compare_structure(ours, case.looker_sql, case.dialect)
    undocumented = {clause: pair for clause, pair in differences.items() if clause not in case.differences}
    stale = sorted(set(case.differences) - set(differences))
    report = "\n".join(
        f"{clause}:\n  ours:   {mine}\n  looker: {theirs}" for clause, (mine, theirs) in undocumented.items()
    )
    assert not undocumented, f"undocumented differences:\n{report}\n-- our SQL:\n{ours}"
    assert not stale, f"documented differences that no longer differ: {stale}"


def _rows_params() -> list[object]:
    """A case whose SQL the translator cannot run on DuckDB yet is a strict xfail naming why:
    when the translator learns the construct, the case must start passing."""
    params: list[object] = []
    for case in CASES:
        gap = case.rows.get("translation_gap")
        marks = [pytest.mark.xfail(reason=str(gap), strict=True)] if gap else []
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


@pytest.mark.parametrize("case", _rows_params())
def test_rows_match_lookers_sql_on_duckdb(case: Case, tmp_path: Path) -> None:
    project = project_of(case, tmp_path)
    con = setup_database(case)
    try:
        ours = comparable(our_rows(case, project, con))
        theirs = comparable(looker_rows(case, con))
    finally:
        con.close()
    assert sorted(ours, key=repr) == sorted(theirs, key=repr)
    assert ours or case.rows.get("empty"), "the case's data selects no rows: the comparison would prove little"


def test_every_case_names_its_source_and_licence() -> None:
    for case in CASES:
        where = ("url", "index_id", "path", "description")
        assert case.source.get("kind") and any(case.source.get(key) for key in where), case.id
        assert case.licence.get("name"), case.id
        assert set(case.differences) <= set(CLAUSES), case.id


def test_the_suite_covers_the_collected_cases() -> None:
    """42 real Looker SQLs were collected for issue 16: BigQuery 11, Snowflake 8, Redshift 7,
    PostgreSQL 6, MySQL 10."""
    assert Counter(case.dialect for case in CASES) == {
        "bigquery": 11,
        "snowflake": 8,
        "redshift": 7,
        "postgres": 6,
        "mysql": 10,
    }
