"""What loading the plugin imports: a run pays only for what it uses (no timing asserted here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import Shop


def _imports_none_of(pytester: pytest.Pytester, *modules: str) -> None:
    """A run's Python test asserts that collecting it imported none of ``modules``."""
    lines = "".join(f"    assert {module!r} not in sys.modules\n" for module in modules)
    pytester.makepyfile(test_modules=f"import sys\n\ndef test_not_imported():\n{lines}")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-k", "not_imported")
    result.assert_outcomes(passed=1)


def test_collecting_a_project_without_workers_does_not_import_xdists_scheduler(
    shop: Shop, pytester: pytest.Pytester
) -> None:
    # xdist's scheduler (and execnet behind it) was a tenth of the plugin's cost on collection.
    shop(relationship="many_to_one")
    _imports_none_of(pytester, "xdist.scheduler")


def test_the_plugin_without_a_project_imports_no_row_helpers(pytester: pytest.Pytester) -> None:
    # pytest imports pytest_looker.testing to load the plugin in every run, project or not.
    _imports_none_of(pytester, "xdist.scheduler", "pytest_looker.checks.diff", "pytest_looker.run.query_result")


def test_the_row_helpers_are_still_importable_from_the_testing_package() -> None:
    import pytest_looker.testing as testing
    from pytest_looker.checks.diff import RowsDiff, assert_rows, compare_rows
    from pytest_looker.run.query_result import QueryResult

    assert (testing.QueryResult, testing.RowsDiff) == (QueryResult, RowsDiff)
    assert (testing.assert_rows, testing.compare_rows) == (assert_rows, compare_rows)
    assert set(testing.__all__) <= set(dir(testing))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        testing.nothing  # noqa: B018


def test_a_warm_collection_imports_neither_the_loader_nor_the_checks(
    shop: Shop, pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The collection cache (testing/plan.py): items are made from the stored plan.
    shop()
    monkeypatch.setenv("PYTEST_LOOKER_CACHE_DIR", str(tmp_path / "cache"))
    pytester.runpytest_subprocess("--collect-only", "-q", "-p", "no:cacheprovider").assert_outcomes()
    _imports_none_of(
        pytester,
        "pytest_looker.lookml.loader",
        "pytest_looker.lookml.model",
        "pytest_looker.checks.validation",
        "pytest_looker.compile",
        "pytest_looker.run.runner",
        "yaml",
    )
