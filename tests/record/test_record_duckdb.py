"""Record/replay on DuckDB: exact round-trip, offline replay, staleness, modes, xdist, secrets."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from record_support import cassette, queries

from helpers import ORDERS_CSV

Run = Callable[..., pytest.RunResult]
Shop = Callable[..., Path]

TARGETS = ("test_queries.py", "tests/data.lkml")


def test_record_on_duckdb_then_replay_without_seeds_gives_the_same_results(
    shop: Shop, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = shop(files={"test_queries.py": queries()})
    recorded = run("--looker-record=once", *TARGETS)
    recorded.assert_outcomes(passed=4)
    book = cassette(root / "cassettes" / "test_queries.yaml")
    assert book["version"] == 1 and len(book["entries"]) == 3
    by_fields = {tuple(e["query"]["fields"]): e for e in book["entries"]}
    assert by_fields[("orders.created_date",)]["types"] == {"orders.created_date": "date"}
    assert by_fields[("orders.total_amount",)]["rows"] == [["37.75"]]
    assert by_fields[("orders.total_amount",)]["types"] == {"orders.total_amount": "decimal"}
    assert by_fields[("orders.status", "orders.count")]["backend"] == {
        "database": "memory",
        "dialect": "duckdb",
        "kind": "duckdb",
    }
    assert all(len(e["sql_sha256"]) == 64 and e["recorded_at"] for e in book["entries"])
    assert (root / "tests" / "cassettes" / "data.yaml").is_file()  # the LookML test's own cassette

    shutil.rmtree(root / "seeds")
    monkeypatch.setenv("RECORD_FORBID_LIVE", "1")
    replayed = run("--looker-record=none", *TARGETS)
    replayed.assert_outcomes(passed=4)  # same values, same types (Decimal, date), no backend opened
    assert "LIVE CONTACT" not in replayed.stdout.str()
    assert "record=none" in replayed.stdout.str()


def test_stale_recording_is_reported_for_exactly_the_tests_using_the_changed_field(
    shop: Shop, run: Run, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop(files={"test_queries.py": queries()})
    run("--looker-record=all", *TARGETS).assert_outcomes(passed=4)
    shop(amount_sql="CAST(${TABLE}.amount * 2 AS DECIMAL(10,2))", files={"test_queries.py": queries()})
    monkeypatch.setenv("RECORD_FORBID_LIVE", "1")

    stale = run("--looker-record=none", *TARGETS)
    stale.assert_outcomes(passed=3, failed=1)
    text = stale.stdout.str()
    assert "FAILED test_queries.py::test_amount_total" in text
    assert "stale recording of the query shop/orders fields=['orders.total_amount']" in text
    assert "pytest 'test_queries.py::test_amount_total' --looker-record=new_episodes" in text
    assert "--looker-record=all" in text
    # pytest prints the summary line in full when CI is set: count the failure sections, not mentions
    assert text.count("_ test_amount_total _") == 1 and text.count("_ test_") == 1
    assert "LIVE CONTACT" not in text

    monkeypatch.delenv("RECORD_FORBID_LIVE")
    run("--looker-record=new_episodes", "test_queries.py::test_amount_total").assert_outcomes(failed=1)  # now 75.50
    pytester.path.joinpath("test_queries.py").write_text(queries(total='Decimal("75.50")'))
    monkeypatch.setenv("RECORD_FORBID_LIVE", "1")
    run("--looker-record=none", *TARGETS).assert_outcomes(passed=4)


def test_missing_recording_in_none_mode_fails_clearly_without_any_live_call(
    shop: Shop, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = shop(files={"test_queries.py": queries()})
    monkeypatch.setenv("RECORD_FORBID_LIVE", "1")
    monkeypatch.setenv("PYTEST_LOOKER_RECORD", "none")  # the environment variable works too
    result = run("test_queries.py::test_counts_by_status", "tests/data.lkml")
    result.assert_outcomes(failed=2)
    text = result.stdout.str()
    assert "no recording of the query shop/orders fields=['orders.status', 'orders.count']" in text
    assert "nothing live was contacted" in text and "LIVE CONTACT" not in text
    assert "pytest 'test_queries.py::test_counts_by_status' --looker-record=new_episodes" in text
    assert "no recording of the query shop/orders fields=['orders.count']" in text  # the LookML data test
    assert not (root / "cassettes").exists()


def test_once_new_episodes_and_all_have_pytest_recording_semantics(
    shop: Shop, run: Run, pytester: pytest.Pytester
) -> None:
    root = shop(files={"test_queries.py": queries()})
    path = root / "cassettes" / "test_queries.yaml"
    run("--looker-record=once", "test_queries.py").assert_outcomes(passed=3)  # no cassette: records
    first = cassette(path)

    # A new query in a file whose cassette exists: once only replays.
    extra = '\n\ndef test_new_query(looker):\n    assert len(looker.query("shop/orders", fields=["orders.id"])) == 4\n'
    pytester.path.joinpath("test_queries.py").write_text(queries() + extra)
    once = run("--looker-record=once", "test_queries.py")
    once.assert_outcomes(passed=3, failed=1)
    assert "the cassette existed before this run, so --looker-record=once only replays it" in once.stdout.str()

    # Different data: new_episodes replays the known queries (old rows) and records the new one.
    (root / "seeds" / "shop" / "orders.csv").write_text(ORDERS_CSV + "5,3,complete,1.00,2024-03-01 09:00:00\n")
    run("--looker-record=new_episodes", "test_queries.py").assert_outcomes(passed=3, failed=1)  # 5 ids now
    second = cassette(path)
    assert len(second["entries"]) == 4
    assert [e for e in second["entries"] if e in first["entries"]] == first["entries"]  # untouched

    # all: every query runs again and is re-recorded with the new data.
    run("--looker-record=all", "test_queries.py").assert_outcomes(failed=4)  # every assertion sees the new data
    third = {tuple(e["query"]["fields"]): e for e in cassette(path)["entries"]}
    assert third[("orders.total_amount",)]["rows"] == [["38.75"]]
    assert len(third[("orders.id",)]["rows"]) == 5


@pytest.mark.slow
def test_two_xdist_workers_record_into_one_cassette_file(shop: Shop, run: Run) -> None:
    pytest.importorskip("xdist")
    tests = "\n".join(
        f"def test_limit_{n}(looker):\n"
        f"    result = looker.query('shop/orders', fields=['orders.id'], sorts=['orders.id'], limit={n})\n"
        f"    assert len(result) == {min(n, 4)}\n"
        for n in range(1, 9)
    )
    root = shop(files={"test_many.py": tests})
    run("-n", "2", "--looker-record=new_episodes", "test_many.py").assert_outcomes(passed=8)
    book = cassette(root / "cassettes" / "test_many.yaml")
    assert sorted(e["query"]["limit"] for e in book["entries"]) == list(range(1, 9))
    assert not list((root / "cassettes").glob("*.tmp"))
    run("-n", "2", "--looker-record=none", "test_many.py").assert_outcomes(passed=8)


def test_no_secret_reaches_a_cassette(shop: Shop, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    token = "tok-FAKE-9d8c7b6a5f4e3d2c1b0a"
    password = "pw-FAKE-0123456789"
    monkeypatch.setenv("PYTEST_LOOKER_TEST_API_TOKEN", token)
    monkeypatch.setenv("WAREHOUSE_PASSWORD", password)
    test = f"""
def test_secret_shaped_values(looker):
    result = looker.query(
        "shop/orders", fields=["orders.status", "orders.count"],
        filters={{"orders.status": "-{token}"}}, user_attributes={{"api_token": "{token}", "pw": "{password}"}},
    )
    assert len(result) == 2
"""
    root = shop(files={"test_secrets.py": test})
    run("--looker-record=all", "test_secrets.py").assert_outcomes(passed=1)
    text = (root / "cassettes" / "test_secrets.yaml").read_text()
    assert token not in text and password not in text
    assert "***" in text


def test_live_only_checks_are_skipped_with_a_reason_when_replaying(
    shop: Shop, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop(files={"test_queries.py": queries()})
    run("--looker-record=once", *TARGETS).assert_outcomes(passed=4)
    monkeypatch.setenv("RECORD_FORBID_LIVE", "1")
    replayed = run("--looker-record=none", "-rs", "shop.model.lkml", *TARGETS)
    outcomes = replayed.parseoutcomes()
    assert outcomes.get("passed") == 4 and outcomes.get("skipped", 0) >= 1 and "failed" not in outcomes
    assert "runs live queries, which are not recorded" in replayed.stdout.str()
    assert "LIVE CONTACT" not in replayed.stdout.str()
    refused = run("--looker-record=none", "--looker-compare-sql", *TARGETS)
    assert "cannot replay" in refused.stdout.str() + refused.stderr.str()
