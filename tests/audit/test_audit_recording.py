"""End to end: a pytest run with the plugin appends one intact, hash-chained batch to the log."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from audit_support import Cli, Project, Run, log_path, records

from helpers import FAST

PYTHON_TESTS = """
def test_plain():
    assert True

def test_uses_looker(looker):
    assert looker is not None
"""


def test_a_run_records_who_what_and_every_item(project: Project, run: Run, cli: Cli) -> None:
    root = project(files={"test_python.py": PYTHON_TESTS})
    result = run()
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(["*pytest-looker audit*", "audit: run * recorded in *audit.db (records 1–7, head *"])
    bodies = records(log_path(root))
    run_record, items = bodies[0], bodies[1:]
    assert [b["seq"] for b in bodies] == list(range(1, 8))
    assert run_record["type"] == "run" and all(b["type"] == "item" for b in items)
    assert {b["run_id"] for b in bodies} == {run_record["run_id"]}
    assert run_record["counts"] == {"failed": 1, "passed": 5} and run_record["exit_status"] == 1
    assert run_record["who"]["source"] == "local" and run_record["who"]["user"]
    assert run_record["backend"]["name"] == "duckdb" and run_record["backend"]["seeds"].endswith("seeds")
    assert run_record["explores"] == ["shop/customers", "shop/orders"]
    files = run_record["lookml"]["files"]
    model = (root / "shop.model.lkml").read_bytes()
    assert files["shop.model.lkml"] == hashlib.sha256(model).hexdigest()
    assert set(files) == {"shop.model.lkml", "views/orders.view.lkml", "views/customers.view.lkml", "tests/data.lkml"}
    assert run_record["started"] <= run_record["finished"]

    by_id = {b["nodeid"]: b for b in items}
    big = by_id["tests/data.lkml::shop/big_orders"]
    assert big["kind"] == "lookml-test" and big["outcome"] == "failed"
    assert (big["model"], big["explore"], big["test"]) == ("shop", "orders", "big_orders")
    assert "over_eight" in big["error"] and "FROM shop.orders" in big["sql"]
    assert len(big["sql_hashes"]) == 1 and big["sql_hashes"][0] == hashlib.sha256(big["sql"].encode()).hexdigest()
    four = by_id["tests/data.lkml::shop/order_count_is_four"]
    assert four["outcome"] == "passed" and four["sql"] is None and four["error"] is None and four["sql_hashes"]
    assert (four["rows"], big["rows"]) == (1, 4)  # the rows each data test's query returned
    sql = by_id["shop.model.lkml::sql[shop/orders]"]
    assert (sql["kind"], sql["target"], sql["explore"]) == ("sql", "shop/orders", "orders")
    assert by_id["test_python.py::test_uses_looker"]["kind"] == "python"
    assert by_id["test_python.py::test_plain"]["kind"] == "pytest"
    assert all(b["duration"] >= 0 for b in items)

    verified = cli("audit", "verify", "--log", str(log_path(root)))
    assert verified.exit_code == 0, verified.output
    assert "intact — 7 record(s)" in verified.output


def test_every_run_appends_to_the_same_chain(project: Project, run: Run, cli: Cli) -> None:
    root = project()
    run("-k", "order_count_is_four")
    run("-k", "big_orders")
    bodies = records(log_path(root))
    runs = [b for b in bodies if b["type"] == "run"]
    assert len(runs) == 2 and runs[0]["run_id"] != runs[1]["run_id"]
    assert bodies[2]["prev"] != "0" * 64 and [b["seq"] for b in bodies] == [1, 2, 3, 4]
    shown = cli("audit", "show", "--log", str(log_path(root)))
    assert shown.exit_code == 0
    lines = shown.output.splitlines()
    assert len(lines) == 2 and "passed" in lines[0] and "failed" in lines[1]
    detail = cli("audit", "show", "--log", str(log_path(root)), "--run", runs[1]["run_id"][:8])
    assert "FAILED tests/data.lkml::shop/big_orders [lookml-test]" in detail.output


@pytest.mark.slow
def test_xdist_workers_produce_one_intact_chain(project: Project, pytester: pytest.Pytester, cli: Cli) -> None:
    root = project(files={"test_python.py": PYTHON_TESTS})
    result = pytester.runpytest_subprocess(*FAST, "-n", "2")
    result.assert_outcomes(passed=5, failed=1)
    bodies = records(log_path(root))
    assert [b["type"] for b in bodies] == ["run"] + ["item"] * 6
    assert bodies[0]["pytest"]["workers"] == 2
    assert {b["nodeid"] for b in bodies[1:]} == {
        "tests/data.lkml::shop/order_count_is_four",
        "tests/data.lkml::shop/big_orders",
        "shop.model.lkml::sql[shop/orders]",
        "shop.model.lkml::sql[shop/customers]",
        "test_python.py::test_plain",
        "test_python.py::test_uses_looker",
    }
    big = next(b for b in bodies if b.get("nodeid") == "tests/data.lkml::shop/big_orders")
    assert big["explore"] == "orders" and "FROM shop.orders" in big["sql"]  # described by the worker
    assert cli("audit", "verify", "--log", str(log_path(root))).exit_code == 0


def test_audit_off_and_a_configured_log_path(project: Project, run: Run, pytester: pytest.Pytester) -> None:
    root = project()
    run("--looker-audit=off", "-k", "order_count_is_four").assert_outcomes(passed=1)
    assert not log_path(root).exists()
    run("--looker-audit-log", "evidence/runs.db", "-k", "order_count_is_four").assert_outcomes(passed=1)
    assert len(records(root / "evidence" / "runs.db")) == 2 and not log_path(root).exists()

    project(settings_extra='audit_log = "from-config.db"')
    run("-k", "order_count_is_four").assert_outcomes(passed=1)
    assert (root / "from-config.db").exists()


def test_a_bad_audit_setting_is_a_usage_error(project: Project, run: Run) -> None:
    project(settings_extra='audit_webhook_format = "xml"')
    result = run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*audit_webhook_format must be one of json, slack, not 'xml'*"])
    project(settings_extra='audit_logg = "x.db"')
    run().stderr.fnmatch_lines(["*unknown setting(s) audit_logg*"])


def test_inert_without_a_project(pytester: pytest.Pytester, clean_env: None, run: Run) -> None:
    pytester.makepyfile("def test_plain():\n    assert True\n")
    run().assert_outcomes(passed=1)
    assert not log_path(pytester.path).exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_commit_branch_and_dirty_state(project: Project, run: Run, pytester: pytest.Pytester) -> None:
    root = project()

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    git("init", "-q", "-b", "audit-branch")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "models")
    git("remote", "add", "origin", "https://ci-bot:hunter2secret@git.example.com/shop.git")
    run("-k", "order_count_is_four")
    first = records(log_path(root))[0]["git"]
    assert first["commit"] == git("rev-parse", "HEAD") and first["branch"] == "audit-branch"
    assert first["dirty"] is False  # the audit log itself does not make the project dirty
    assert first["remote"] == "https://ci-bot:***@git.example.com/shop.git"

    (root / "views" / "orders.view.lkml").write_text(ORDERS_CHANGED, encoding="utf-8")
    run("-k", "order_count_is_four")
    second = [b for b in records(log_path(root)) if b["type"] == "run"][1]
    assert second["git"]["dirty"] is True and second["git"]["dirty_files"] == ["views/orders.view.lkml"]
    assert second["lookml"]["digest"] != first_digest(root, 0)


ORDERS_CHANGED = "view: orders {\n  sql_table_name: shop.orders ;;\n  measure: count { type: count }\n}\n"


def first_digest(root: Path, index: int) -> str:
    return str([b for b in records(log_path(root)) if b["type"] == "run"][index]["lookml"]["digest"])


def test_without_git_the_version_is_unknown(
    project: Project, run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = project()
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on PATH
    run("-k", "order_count_is_four").assert_outcomes(passed=1)
    git = records(log_path(root))[0]["git"]
    assert git["status"] == "unknown: git is not installed" and git["commit"] is None and git["dirty"] is None


def test_the_json_export_can_be_reverified_offline(project: Project, run: Run, cli: Cli, tmp_path: Path) -> None:
    import json

    from pytest_looker.audit.chain import Row, verify_rows

    root = project()
    run("-k", "four")
    out = tmp_path / "export.json"
    cli("audit", "export", "--format", "json", "--log", str(log_path(root)), "--output", str(out))
    document = json.loads(out.read_text())
    rows = [Row(**r) for r in document["records"]]
    assert verify_rows(rows, None).problems[0].message.startswith("the head")  # only the head is not exported
    assert document["verification"]["ok"] is True and document["runs"][0]["summary"]["counts"] == {"passed": 1}
    assert [c["explore"] for c in document["runs"][0]["coverage"]] == ["customers", "orders"]
    assert document["runs"][0]["coverage"][0]["covered"] is False  # deselected: shown as untested


def test_a_replayed_run_is_recorded_as_a_replay_not_as_the_database(project: Project, run: Run, cli: Cli) -> None:
    root = project()
    run("--looker-record=once", "-k", "order_count_is_four").assert_outcomes(passed=1)
    replayed = run("--looker-record=none", "-k", "order_count_is_four")
    replayed.assert_outcomes(passed=1)
    assert "backend=replay (record=none: recordings of duckdb, nothing live)" in replayed.stdout.str()
    runs = [b for b in records(log_path(root)) if b["type"] == "run"]
    assert runs[0]["backend"]["name"] == "duckdb (record=once)"
    assert (runs[1]["backend"]["name"], runs[1]["backend"]["replayed_from"]) == ("replay", "duckdb")
    shown = cli("audit", "show", "--log", str(log_path(root)), "--run", runs[1]["run_id"][:8])
    assert "backend replay" in shown.output


def test_collect_only_is_not_recorded_as_a_run(project: Project, run: Run) -> None:
    root = project()
    result = run("--collect-only", "-q")
    assert "audit: not recorded: --collect-only runs no test" in result.stdout.str()
    assert not log_path(root).exists()
    run("-k", "order_count_is_four")
    assert [b["type"] for b in records(log_path(root))] == ["run", "item"]


def test_the_log_directory_ignores_itself_in_git(project: Project, run: Run) -> None:
    import subprocess

    root = project()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    run("-k", "order_count_is_four")
    assert (root / ".pytest-looker" / ".gitignore").read_text().splitlines()[-1] == "*"
    status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True)
    assert ".pytest-looker" not in status.stdout
