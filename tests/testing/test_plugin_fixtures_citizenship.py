"""Python-test fixtures, the marker, report header, JUnit properties, xdist and the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from pytest_looker import assert_rows
from pytest_looker.cli import main
from pytest_looker.testing import QueryResult, compare_rows

Shop = Callable[..., Path]
Run = Callable[..., pytest.RunResult]

PYTHON_TESTS = """
import pytest
from pytest_looker import assert_rows

def test_query(looker, lookml_project):
    assert "shop" in lookml_project.models
    result = looker.query("shop/orders", fields=["orders.status", "orders.count"],
                          filters={"orders.status": "complete"})
    assert result.rows == [{"orders.status": "complete", "orders.count": 3}]
    assert result.column("orders.count") == [3]
    assert "FROM shop.orders" in result.sql
    assert "orders.status | orders.count" in repr(result)

@pytest.mark.looker(backend="duckdb")
def test_assert_rows_diff(looker):
    result = looker.query("shop/orders", fields=["orders.status", "orders.total_amount"])
    assert_rows(result, [{"orders.total_amount": 5}, {"orders.total_amount": 37.7}], tolerance=0.1)
    assert_rows(result, [{"orders.status": "cancelled", "orders.total_amount": 5},
                         {"orders.status": "complete", "orders.total_amount": 30}])
"""


def test_looker_fixture_query_and_assert_rows(shop: Shop, run: Run, pytester: pytest.Pytester) -> None:
    shop()
    pytester.makepyfile(test_python=PYTHON_TESTS)
    result = run("test_python.py", "--strict-markers")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "actual differs from expected: 1 row(s) differ" in out
    assert "~ complete      | 30 → 37.75" in out and "SQL:" in out
    result.stdout.fnmatch_lines(["python *1 passed, 1 failed"])


def test_fixtures_fail_clearly_without_a_project(
    pytester: pytest.Pytester, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTEST_LOOKER_PROJECT", raising=False)
    pytester.makepyfile("def test_it(looker):\n    pass\n")
    result = run()
    result.assert_outcomes(errors=1)
    assert "no LookML project is configured" in result.stdout.str()


def test_report_header_names_project_dialect_backend_and_environment(shop: Shop, run: Run) -> None:
    shop(settings='[tool.pytest-looker]\nproject = "."\nseeds = "seeds"\n[tool.pytest-looker.environments.ci]\n')
    result = run("--collect-only", "-q", "--looker-env", "ci")
    result_header = run("--collect-only", "--looker-env", "ci").stdout.str()
    assert re.search(
        r"looker: project=\S+, dialect=duckdb, backend=duckdb \(in memory\), seeds \S+, environment=ci", result_header
    )
    assert result.ret == 0


def test_junit_xml_carries_the_sql_and_passing_reports_a_section(
    shop: Shop, run: Run, pytester: pytest.Pytester
) -> None:
    shop()
    result = run("tests/data.lkml", "--junitxml=report.xml", "-rP")
    result.assert_outcomes(passed=1)
    xml = (pytester.path / "report.xml").read_text()
    assert '<property name="sql" value="SELECT' in xml and "FROM shop.orders AS orders" in xml
    assert '<property name="looker_kind" value="lookml-test"' in xml
    result.stdout.fnmatch_lines(["*looker SQL*", "SELECT"])


def _outcomes(stdout: str) -> dict[str, str]:
    found = re.findall(r"(PASSED|FAILED|SKIPPED) (\S+)", stdout) + [
        (o, n) for n, o in re.findall(r"^(\S+::\S+) (PASSED|FAILED|SKIPPED)", stdout, re.M)
    ]
    return {name: outcome for outcome, name in found}


@pytest.mark.slow
def test_xdist_gives_the_same_outcomes(shop: Shop, pytester: pytest.Pytester) -> None:
    shop(
        relationship="many_to_one",
        files={
            "specs/s.lkmltest.yml": "tests:\n  - name: n\n    explore: shop/orders\n"
            "    query: {fields: [orders.count]}\n    expect: {rows: [{orders.count: 4}]}\n"
        },
    )
    args = ("-p", "no:benchmark", "-p", "no:hypothesispytest", "-p", "no:cacheprovider", "-v", "--looker-check-keys")
    serial = pytester.runpytest_subprocess(*args)
    parallel = pytester.runpytest_subprocess(*args, "-n", "2")
    expected = _outcomes(serial.stdout.str())
    assert len(expected) == 8 and list(expected.values()).count("FAILED") == 1
    assert _outcomes(parallel.stdout.str()) == expected
    parallel.stdout.fnmatch_lines(["relationships *1 passed, 1 failed"])


@pytest.mark.slow
def test_cli_test_runs_pytest_on_the_project_and_passes_the_exit_code(shop: Shop) -> None:
    root = shop()
    passing = subprocess.run(
        [sys.executable, "-m", "pytest_looker.cli", "test", "-q", "-p", "no:benchmark", "-p", "no:hypothesispytest"],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "lookml-test    1 passed" in passing.stdout
    failing = subprocess.run(
        [sys.executable, "-m", "pytest_looker.cli", "test", "-q", "-p", "no:benchmark", "--looker-check-keys",
         "-k", "relationships"],
        cwd=shop(relationship="many_to_one"), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert failing.returncode == 1 and "1 failed" in failing.stdout


def test_cli_validate_shows_a_summary_table_and_keeps_json(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(shop())
    text = CliRunner().invoke(main, ["validate"])
    assert text.exit_code == 0, text.output
    assert re.search(r"explore\s+fields\s+failures\s+status", text.output)
    assert re.search(r"shop/orders\s+\d+\s+0\s+ok", text.output)
    as_json = CliRunner().invoke(main, ["validate", "--format", "json"])
    # the contract's keys stay; failed_fields, causes, warnings and lookml_errors were added beside them
    keys = {"explores", "fields", "failures", "failed_fields", "causes", "warnings", "lookml_errors"}
    assert set(json.loads(as_json.stdout)) == keys


def test_compare_rows_semantics() -> None:
    actual = [{"a": "Yes", "n": 1.0000000001, "d": "2024-01-05"}, {"a": "No", "n": None, "d": None}]
    assert not compare_rows(actual, [{"a": True, "n": 1}, {"a": "No", "n": None}])
    assert compare_rows(actual, [{"a": "No", "n": None}, {"a": True, "n": 1}], ordered=True)
    assert compare_rows(actual, [{"a": True, "n": 1.04}], tolerance=0.05) is not False
    diff = compare_rows(actual, [{"a": "Yes", "x": 1}], available=["a", "n", "d"])
    assert "expected column(s) x not in the query's fields" in diff.render()
    result = QueryResult([{"v.f": 1}], ("v.f",), "SELECT 1")
    with pytest.raises(AssertionError, match=r"(?s)1 expected row\(s\) missing, 1 unexpected row\(s\).*SELECT 1"):
        assert_rows(result, [{"v.f": 2}])
    with pytest.raises(KeyError, match=r"columns: v\.f"):
        result.column("v.g")


TYPO_TESTS = """
from pytest_looker import assert_rows

def test_field_typo(looker):
    looker.query("shop/orders", fields=["orders.cuont"])

def test_explore_typo(looker):
    looker.sql("shop/ordrs", fields=["orders.count"])

def test_rows_differ(looker):
    result = looker.query("shop/orders", fields=["orders.status", "orders.count"])
    assert_rows(result, [{"orders.status": "complete", "orders.count": 2}])
"""


@pytest.mark.parametrize("style", ["short", "auto"])
def test_python_test_failures_show_the_users_line_and_one_message(
    shop: Shop, run: Run, pytester: pytest.Pytester, style: str
) -> None:
    shop()
    pytester.makepyfile(test_typos=TYPO_TESTS)
    result = run("test_typos.py", f"--tb={style}")
    result.assert_outcomes(failed=3)
    out = result.stdout.str()
    assert "pytest_looker/" not in out.split("pytest-looker audit")[0]  # not one frame of ours
    assert "def assert_rows" not in out and "__tracebackhide__" not in out
    assert "unknown field orders.cuont (referenced by the query's fields)" in out and "(did you mean 'count'?)" in out
    assert "unknown explore 'ordrs' in model 'shop' (did you mean 'orders'?)" in out
    assert "~ complete      | 2 → 3" in out
    sections = re.split(r"_{5,} test_\w+ _{5,}", out.split("pytest-looker audit")[0])[1:]
    assert len(sections) == 3 and all(len(s.strip().splitlines()) <= 25 for s in sections[:2]), sections
