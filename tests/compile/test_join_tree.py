"""The compiler and the loader hang joins from the same views, and the result is right on DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from shop import SHOP

from helpers import CHAIN_JOIN_PROJECT, ProjectFactory
from pytest_looker.compile import Query, compile_query
from pytest_looker.errors import CompileError
from pytest_looker.lookml import load_project
from pytest_looker.lookml.jointree import explore_join_tree
from pytest_looker.lookml.model import Project

DATA = """
    CREATE TABLE a AS SELECT * FROM (VALUES (1), (2), (3)) t(id);
    -- a 1 has two b rows (b fans a out); (a_id, k) is unique, as b -> c one_to_many says.
    CREATE TABLE b AS SELECT * FROM (VALUES (1, 1, 10), (2, 1, 20), (3, 2, 10)) t(id, a_id, k);
    CREATE TABLE c AS SELECT * FROM (VALUES (1, 10, 5), (1, 10, 7), (1, 20, 11), (2, 10, 13), (2, 99, 17))
        t(a_id, k, val);
"""


@pytest.fixture
def issue(lookml: ProjectFactory) -> Project:
    return lookml(CHAIN_JOIN_PROJECT)


def run(project: Project, db: duckdb.DuckDBPyConnection, fields: list[str]) -> list[tuple[Any, ...]]:
    compiled = compile_query(project, Query("m", "a", fields=fields))
    cursor = db.execute(compiled.sql)
    names = [d[0] for d in cursor.description]
    rows = compiled.finish([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
    return sorted(tuple(row[f] for f in fields) for row in rows)


def test_issue_example_sums_c_plainly_and_dedupes_a_and_b(issue: Project) -> None:
    db = duckdb.connect()
    db.execute(DATA)
    fields = ["a.id", "a.count", "b.count", "c.total"]
    got = run(issue, db, fields)
    expected = sorted(
        db.execute(
            """
            SELECT a.id, 1,
                   (SELECT COUNT(*) FROM b WHERE b.a_id = a.id),
                   (SELECT COALESCE(SUM(c.val), 0) FROM c JOIN b ON b.a_id = c.a_id AND b.k = c.k
                    WHERE c.a_id = a.id)
            FROM a
            """
        ).fetchall()
    )
    assert got == expected
    assert got == [(1, 1, 2, 23), (2, 1, 1, 13), (3, 1, 0, 0)]
    compiled = compile_query(issue, Query("m", "a", fields=fields))
    assert "COALESCE(SUM(c.val), 0)" in compiled.sql
    assert set(compiled.fanned) == {"a", "b"}


def test_loader_and_compiler_agree_on_the_issue_example(issue: Project) -> None:
    model = issue.models["m"]
    tree = explore_join_tree(model.explores["a"], model.views)
    compiled = compile_query(issue, Query("m", "a", fields=["a.count", "b.count", "c.total"]))
    assert tree.parent("c") == "b"
    assert dict(compiled.fanned) == tree.fanned(compiled.joins)
    assert not [d for d in issue.diagnostics if "fan out" in d.message]


def _every_join_query(project: Project, model_name: str, explore_name: str) -> Query | None:
    model = project.models[model_name]
    explore = model.explores[explore_name]
    fields: list[str] = []
    for alias, view_name in explore.aliases().items():
        view = model.views.get(view_name)
        dimension = next((f for f in view.fields.values() if f.is_dimension), None) if view else None
        if dimension is None:
            return None
        fields.append(f"{alias}.{dimension.name}")
    return Query(model_name, explore_name, fields=fields)


EXAMPLE = Path(__file__).parents[2] / "examples" / "ecommerce"
THELOOK = Path(__file__).parent / "projects" / "thelook"


@pytest.mark.parametrize("root", [SHOP, THELOOK, EXAMPLE], ids=lambda p: p.name)
def test_loader_and_compiler_agree_on_every_explore(root: Path) -> None:
    project = load_project(root)
    checked = 0
    for model in project.models.values():
        for explore in model.explores.values():
            query = None if explore.extension_required else _every_join_query(project, model.name, explore.name)
            if query is None:
                continue
            try:
                compiled = compile_query(project, query)
            except CompileError:
                continue  # the shop project keeps broken explores for the error tests
            tree = explore_join_tree(explore, model.views)
            assert dict(compiled.fanned) == tree.fanned(compiled.joins), explore.name
            checked += 1
    assert checked >= 2
