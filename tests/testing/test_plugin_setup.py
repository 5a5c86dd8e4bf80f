"""Setup mistakes are said, not silently absorbed: unmapped connections, no data, help anywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import SHOP_SETTINGS, Run, Shop
from pytest_looker.cli import main

NO_DIALECT = SHOP_SETTINGS.replace('dialect = "duckdb"\n', "")


def test_a_connection_no_setting_maps_warns_at_the_model(shop: Shop, run: Run) -> None:
    root = shop(settings=NO_DIALECT)
    result = run("shop.model.lkml", "-k", "lookml", "-W", "always")
    result.assert_outcomes(passed=1, warnings=1)
    assert "model 'shop' uses connection 'db', which no setting maps to a dialect" in result.stdout.str()
    validate = CliRunner().invoke(main, ["validate", "--compile-only", "--project", str(root)])
    assert validate.exit_code == 0 and "uses connection 'db', which no setting maps" in validate.stderr
    # Mapped (or a global dialect): no warning, no item.
    shop(settings=NO_DIALECT + '[tool.pytest-looker.connections.db]\ndialect = "duckdb"\n')
    assert "lookml" not in run("shop.model.lkml", "--collect-only", "-q").stdout.str()


def test_no_seeds_says_how_to_get_data(shop: Shop, run: Run) -> None:
    root = shop(settings=SHOP_SETTINGS.replace('seeds = "seeds"\n', ""))
    result = run("shop.model.lkml", "-k", "sql and orders")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "Catalog Error" in out and out.count("hint: no seeds and no DuckDB file are configured") == 1
    assert "pytest-looker scaffold data --seeds seeds" in out
    validate = CliRunner().invoke(main, ["validate", "--project", str(root)])
    assert validate.exit_code == 1 and "hint: no seeds" in validate.stderr


@pytest.mark.slow
@pytest.mark.parametrize("pyproject", [None, '[tool.pytest-looker]\nbakend = "x"\n'], ids=["no-project", "bad-setting"])
def test_cli_test_help_works_anywhere(tmp_path: Path, pyproject: str | None, clean_env: None) -> None:
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest_looker.cli", "test", "--help"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "--looker-explores" in done.stdout and "--looker-ignore-hidden" in done.stdout
