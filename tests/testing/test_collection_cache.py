"""The collection cache: a warm collection makes exactly the items an uncached one makes.

The example project has every kind of item (SQL validation, key checks, data tests, unit-test
specs, dashboards, a file with LookML diagnostics), so its node ids and collector tree are
compared between a run without cache, the run that stores the plan, and a run from it — and
again after a LookML file, a spec file or the settings change. No timing here (``benchmarks/startup.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml  # noqa: F401 - kept loaded across the in-process runs (the dashboards' loaders are built once per process)

from helpers import Run

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecommerce"


def _collected(run: Run, *args: str) -> list[str]:
    """The collector tree and the node ids of ``--collect-only`` (without the timing line)."""
    tree = run("--collect-only", *args).outlines
    ids = run("--collect-only", "-q", *args).outlines
    return [line for line in tree if line.strip().startswith("<")] + [line for line in ids if "::" in line]


@pytest.fixture
def example(pytester: pytest.Pytester, clean_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The example project in pytester's directory; returns the cache directory (not yet set)."""
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    # and a file with a LookML problem, for a diagnostics item
    (pytester.path / "views" / "broken.view.lkml").write_text("view: broken {\n  dimension: x {\n    sql: 1 ;;\n")
    return tmp_path / "cache"


def _uncached(run: Run, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    with monkeypatch.context() as patch:
        patch.setenv("PYTEST_LOOKER_CACHE_DIR", "")
        return _collected(run, *args)


def _without_describing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the run if it describes items or loads the project: it must come from the plan."""
    from pytest_looker.lookml import loader
    from pytest_looker.testing import describe

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("collected without the cache")

    monkeypatch.setattr(describe, "describe", refuse)
    monkeypatch.setattr(loader, "load_project", refuse)


def test_a_warm_collection_makes_the_items_an_uncached_one_makes(
    example: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    uncached = _uncached(run, monkeypatch)
    monkeypatch.setenv("PYTEST_LOOKER_CACHE_DIR", str(example))
    cold = _collected(run)
    assert any((example / "collections").iterdir())
    with monkeypatch.context() as patch:
        _without_describing(patch)
        warm = _collected(run)
    kinds = ("::sql[", "::keys[", "::relationships[", ".lkmltest.yml::", ".dashboard.lookml::", "::lookml")
    kinds += ("data_tests.lkml::",)
    assert not [kind for kind in kinds if not any(kind in line for line in warm)]
    assert uncached == cold == warm


def test_an_edited_lookml_file_invalidates_the_plan(example: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_LOOKER_CACHE_DIR", str(example))
    before = _collected(run)
    path = Path.cwd() / "marketing.model.lkml"  # pytester's directory holds the project
    path.write_text(path.read_text() + "\nexplore: customers_again {\n  from: customers\n}\n")
    after = _collected(run)
    assert after == _uncached(run, monkeypatch)
    assert after != before
    assert any("sql[marketing/customers_again]" in line for line in after)


def test_an_edited_spec_file_gives_its_new_tests(example: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_LOOKER_CACHE_DIR", str(example))
    before = _collected(run)
    spec = Path.cwd() / "tests" / "metrics.lkmltest.yml"
    spec.write_text(spec.read_text().replace("name: completed_revenue_by_year_on_the_seeds", "name: renamed_test"))
    after = _collected(run)
    assert after == _uncached(run, monkeypatch)
    assert any("renamed_test" in line for line in after) and not any("renamed_test" in line for line in before)


def test_settings_that_select_items_have_their_own_plan(
    example: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_LOOKER_CACHE_DIR", str(example))
    everything = _collected(run)
    selected = _collected(run, "--looker-explores", "ecommerce/orders")
    assert selected == _uncached(run, monkeypatch, "--looker-explores", "ecommerce/orders")
    assert selected != everything
    assert _collected(run) == everything


def test_items_from_the_plan_run_as_fresh_ones(example: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    selection = ("-k", "sql or lookml or dashboard or completed_revenue")
    fresh = _uncached_outcomes(run, monkeypatch, *selection)
    monkeypatch.setenv("PYTEST_LOOKER_CACHE_DIR", str(example))
    run("--collect-only", "-q")  # stores the plan
    with monkeypatch.context() as patch:
        from pytest_looker.testing import describe

        patch.setattr(describe, "describe", lambda *a: pytest.fail("described again"))
        warm = run(*selection).parseoutcomes()
    assert warm == fresh and warm.get("passed", 0) > 5


def _uncached_outcomes(run: Run, monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[str, int]:
    with monkeypatch.context() as patch:
        patch.setenv("PYTEST_LOOKER_CACHE_DIR", "")
        return run(*args).parseoutcomes()
