"""CI citizenship: GitHub annotations at the LookML file:line, the job summary, a Markdown file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from helpers import Run, Shop
from pytest_looker.cli import main
from pytest_looker.testing.ci import CiProblem, github_annotation, markdown_summary

ROOT = Path(__file__).resolve().parents[2]

BROKEN = """
  dimension: broken {
    type: number
    sql: ${TABLE}.no_such_column ;;
  }
"""

PYTHON = """
def test_counts(looker):
    result = looker.query("shop/orders", fields=["orders.count"])
    assert result.column("orders.count") == [5]
"""


@pytest.fixture
def in_github(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, shop: Shop) -> Path:
    """Running inside GitHub Actions: the variables the runner sets (after ``shop`` cleaned them)."""
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    return summary


def _annotations(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("::")]


def test_failures_are_annotated_at_the_lookml_line_and_summarised(
    shop: Shop, run: Run, in_github: Path, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = shop(extra_fields=BROKEN, files={"test_python.py": PYTHON, "views/oops.view.lkml": "view: oops {\n"})
    monkeypatch.setenv("GITHUB_WORKSPACE", str(root.parent))  # the project is a folder of the repository
    folder = root.name
    result = run("-p", "no:randomly")
    annotations = _annotations(result.stdout.str())
    sql = f"::error file={folder}/views/orders.view.lkml,line=40,title=[sql] shop/orders::orders.broken: "
    assert any(a.startswith(sql) for a in annotations), annotations
    assert any(a.startswith(f"::error file={folder}/views/oops.view.lkml,line=") and "syntax error" in a
               for a in annotations)  # fmt: skip
    python = next(a for a in annotations if "test_python.py" in a)
    assert python.startswith(f"::error file={folder}/test_python.py,line=3,")  # the failing assert's line
    assert "%0A" not in python.split("::", 2)[1]  # properties stay on one line

    summary = in_github.read_text(encoding="utf-8")
    assert summary.startswith("## ❌ pytest-looker:")
    assert re.search(r"\| sql \| 0 \| 2 \|", summary) and re.search(r"\| lookml \| 0 \| 1 \|", summary)
    assert re.search(r"\| python \| 0 \| 1 \|", summary)
    assert f"`{folder}/views/orders.view.lkml:40`" in summary and "no_such_column" in summary


def test_outside_github_nothing_is_annotated_unless_asked(shop: Shop, run: Run, tmp_path: Path) -> None:
    shop(extra_fields=BROKEN)
    assert _annotations(run().stdout.str()) == []
    forced = run("--looker-annotations", "github")
    assert any(a.startswith("::error file=") for a in _annotations(forced.stdout.str()))
    off = run("--looker-annotations", "off")
    assert _annotations(off.stdout.str()) == []


@pytest.mark.slow
def test_the_markdown_summary_file_for_any_ci_with_xdist(shop: Shop, pytester: pytest.Pytester) -> None:
    shop(extra_fields=BROKEN)
    result = pytester.runpytest_subprocess(
        "-p", "no:benchmark", "-p", "no:hypothesispytest", "-p", "no:cacheprovider", "-n", "2",
        "--looker-summary", "reports/looker.md",
    )  # fmt: skip
    result.assert_outcomes(passed=1, failed=2)
    text = (pytester.path / "reports" / "looker.md").read_text(encoding="utf-8")
    assert text.count("## ❌ pytest-looker: 1 passed, 2 failed") == 1  # written once, by the controller
    assert "### Failures (2)" in text and "`views/orders.view.lkml:40`" in text
    assert "[gw" not in text


def test_validate_annotates_in_github_actions(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    root = shop(extra_fields=BROKEN)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["validate", "--compile-only"])
    assert result.exit_code == 0  # compiles: the column is only missing on the database
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert "::error file=views/orders.view.lkml,line=40,title=[sql] shop/orders orders.broken::" in result.stdout
    as_json = CliRunner().invoke(main, ["validate", "--format", "json"])
    assert "::error" not in as_json.stdout


def test_annotation_escaping_and_summary_shape() -> None:
    problem = CiProblem("error", "[sql] m/e, x: y", "line one\nline 100%", "a,b:c.lkml", 3, "```\ninner\n```")
    assert github_annotation(problem) == (
        "::error file=a%2Cb%3Ac.lkml,line=3,title=[sql] m/e%2C x%3A y::line one%0Aline 100%25"
    )
    warning = CiProblem("warning", "[lookml] x", "careful", "x.lkml", None)
    assert github_annotation(warning) == "::warning file=x.lkml,title=[lookml] x::careful"
    text = markdown_summary({"sql": {"passed": 1, "failed": 1}}, [problem, warning])
    assert "| kind | passed | failed |" in text and "| sql | 1 | 1 |" in text
    assert "### Failures (1)" in text and "### Warnings (1)" in text
    assert "````text\n```\ninner\n```\n````" in text  # a fence the detail cannot close


def test_the_composite_action_and_the_pre_commit_hook_run_the_cli() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    script = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "pytest-looker test" in script and "PYTEST_LOOKER_ANNOTATIONS" in str(action)
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    validate = next(h for h in hooks if h["id"] == "pytest-looker-validate")
    assert validate["entry"] == "pytest-looker validate --compile-only" and validate["pass_filenames"] is False
    assert re.search(validate["files"], "views/orders.view.lkml") and not re.search(validate["files"], "a.py")
    example = ROOT / "examples" / "ecommerce"
    ran = CliRunner().invoke(main, [*validate["entry"].split()[1:], "--project", str(example)])
    assert ran.exit_code == 0, ran.output  # what pre-commit runs, on a clean project
