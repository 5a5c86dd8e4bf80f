"""Spectacles 2.4.20, unchanged, against the emulator serving the example project.

Spectacles is a real Looker client with strict response models (pydantic), so it fails loudly
on any answer that is not Looker's shape. The emulator serves a git copy of the example:
``main`` is the example as shipped; ``feature`` adds a dimension whose SQL the database rejects
and a data test that fails; ``lookml-broken`` adds a dimension referencing a field that does not
exist. The content directory is the example's plus a Look, in the API user's personal folder,
that names a field no explore has. One emulator serves the whole module.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")

from client_support import EXAMPLE, git
from spectacles_support import Spectacles, spectacles_executable

from pytest_looker.looker.emulator.testing import running_emulator

BROKEN_SQL = """
view: +events {
  dimension: broken_sql {
    type: number
    sql: ${TABLE}.no_such_column + 1 ;;
  }
}
"""
FAILING_TEST = """
test: planted_failing_test {
  explore_source: orders {
    column: count { field: orders.count }
  }
  assert: impossible_count { expression: ${orders.count} < 0 ;; }
}
"""
BAD_REFERENCE = """
view: +users {
  dimension: bad_reference {
    sql: ${no_such_field} ;;
  }
}
"""
BROKEN_LOOK = """title: Revenue by tier (broken)
query:
  model: ecommerce
  view: orders
  fields: [orders.order_total_tier, orders.total_amount_renamed]
"""


def _commit(root: Path, message: str) -> None:
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", message)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("spectacles")
    root = base / "ecommerce"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".pytest-looker", "__pycache__", ".pytest_cache"))
    content = base / "content"
    shutil.copytree(root / "looker-content", content)
    (content / "personal").mkdir()
    (content / "personal" / "broken.look.yaml").write_text(BROKEN_LOOK)
    git(root, "init", "--quiet", "-b", "main")
    _commit(root, "the example")
    git(root, "checkout", "--quiet", "-b", "feature")
    (root / "views" / "planted.view.lkml").write_text(BROKEN_SQL)
    (root / "tests" / "planted.lkml").write_text(FAILING_TEST)
    _commit(root, "a dimension the database rejects, a failing data test")
    git(root, "checkout", "--quiet", "-b", "lookml-broken", "main")
    (root / "views" / "planted.view.lkml").write_text(BAD_REFERENCE)
    _commit(root, "a dimension referencing a field that does not exist")
    git(root, "checkout", "--quiet", "main")
    return root, content


@pytest.fixture(scope="module")
def spectacles(project: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Spectacles]:
    executable = spectacles_executable()
    root, content = project
    with running_emulator(root, content=content, client_id="spec-id", client_secret="spec-secret") as url:
        yield Spectacles(executable, url, "spec-id", "spec-secret", tmp_path_factory.mktemp("spectacles-logs"))


def test_connect(spectacles: Spectacles) -> None:
    result = spectacles("connect", project=None)
    assert result.returncode == 0, result
    assert "Connected to Looker version 26.12.3 using Looker API 4.0" in result.output


@pytest.mark.parametrize("options", [(), ("--fail-fast",), ("--use-legacy-result-format",)], ids=str)
def test_sql_on_the_example_passes(spectacles: Spectacles, options: tuple[str, ...]) -> None:
    result = spectacles("sql", *options)
    assert result.returncode == 0, result
    for explore in ("ecommerce.orders", "ecommerce.users", "marketing.customers"):
        assert f"✓ {explore} passed" in result.output, result


@pytest.mark.parametrize("options", [(), ("--use-legacy-result-format",)], ids=str)
def test_sql_names_the_broken_dimension(spectacles: Spectacles, options: tuple[str, ...]) -> None:
    result = spectacles("sql", "--branch", "feature", *options)
    assert result.returncode == 102, result
    assert "✗ ecommerce.events failed" in result.output and "ecommerce/events.broken_sql" in result.output, result
    assert 'does not have a column named "no_such_column"' in result.output, result
    assert "✓ ecommerce.orders passed" in result.output, result


def test_sql_fail_fast_reports_the_explore(spectacles: Spectacles) -> None:
    result = spectacles("sql", "--branch", "feature", "--fail-fast", "--explores", "ecommerce/events")
    assert result.returncode == 102, result
    assert "✗ ecommerce.events failed" in result.output and "no_such_column" in result.output, result
    assert "rerun Spectacles without --fail-fast" in " ".join(result.output.split()), result


def test_sql_incremental_reports_only_what_the_branch_broke(spectacles: Spectacles) -> None:
    result = spectacles("sql", "--branch", "feature", "--incremental")
    assert result.returncode == 102, result
    assert "ecommerce/events.broken_sql" in result.output, result
    assert "skipped" in result.output and "ecommerce.orders passed" not in result.output, result


def test_assert_runs_the_data_tests(spectacles: Spectacles) -> None:
    clean = spectacles("assert")
    assert clean.returncode == 0, clean
    assert "✓ ecommerce.orders passed" in clean.output, clean
    broken = spectacles("assert", "--branch", "feature")
    assert broken.returncode == 102, broken
    assert "ecommerce/orders/planted_failing_test" in broken.output, broken


def test_content_reports_the_broken_look(spectacles: Spectacles) -> None:
    result = spectacles("content")
    assert result.returncode == 102, result
    assert (
        "Revenue by tier (broken)" in result.output and 'Unknown field "orders.total_amount_renamed"' in result.output
    )
    assert "Monthly revenue" not in result.output, result  # the declared dashboard is sound
    personal = spectacles("content", "--exclude-personal")
    assert personal.returncode == 0, personal


def test_lookml(spectacles: Spectacles) -> None:
    clean = spectacles("lookml")
    assert clean.returncode == 0 and "No LookML errors found" in clean.output, clean
    broken = spectacles("lookml", "--branch", "lookml-broken")
    assert broken.returncode == 102, broken
    assert "views/planted.view.lkml" in broken.output and "no_such_field" in broken.output, broken
    again = spectacles("lookml")  # production was never touched, and its validation is not stale
    assert again.returncode == 0, again
