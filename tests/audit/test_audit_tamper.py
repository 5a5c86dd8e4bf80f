"""Tamper tests: `audit verify` catches changed, deleted, inserted and reordered records."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from audit_support import Cli

from pytest_looker.audit.chain import KEY_ENV, canonical_json, record_hash
from pytest_looker.audit.store import AuditStore

RawDb = Callable[[Path], AbstractContextManager[sqlite3.Connection]]


def body(run: str, n: int) -> dict[str, object]:
    return {"schema": 1, "type": "item", "run_id": run, "nodeid": f"t.py::test_{n}", "outcome": "passed"}


@pytest.fixture
def log(tmp_path: Path, clean_env: None) -> Path:
    """Six records in three batches (runs), unsigned."""
    path = tmp_path / "audit.db"
    with AuditStore(path) as store:
        for run in ("r1", "r2", "r3"):
            store.append([{"schema": 1, "type": "run", "run_id": run}, body(run, 1)])
    return path


def verify(cli: Cli, path: Path) -> tuple[int, str]:
    result = cli("audit", "verify", "--log", str(path))
    return result.exit_code, result.output


def test_an_intact_log_verifies(cli: Cli, log: Path) -> None:
    code, out = verify(cli, log)
    assert code == 0 and "intact — 6 record(s)" in out


def test_records_are_append_only_in_sqlite(log: Path) -> None:
    with sqlite3.connect(log) as db, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE records SET body = '{}' WHERE seq = 2")


def test_an_edited_field_is_caught(cli: Cli, log: Path, raw_db: RawDb) -> None:
    with raw_db(log) as db:
        db.execute("UPDATE records SET body = replace(body, '\"passed\"', '\"failed\"') WHERE seq = 4")
    code, out = verify(cli, log)
    assert code == 1
    assert "NOT INTACT — first bad record: 4" in out and "record 4: content changed" in out


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(cli: Cli, log: Path, raw_db: RawDb) -> None:
    with raw_db(log) as db:
        text, prev = db.execute("SELECT body, prev_hash FROM records WHERE seq = 4").fetchone()
        forged = text.replace('"passed"', '"failed"')
        db.execute("UPDATE records SET body = ?, hash = ? WHERE seq = 4", (forged, record_hash(prev, forged)))
    code, out = verify(cli, log)
    assert code == 1 and "first bad record: 5" in out and "record 5: does not follow record 4" in out


def test_a_deleted_record_is_caught(cli: Cli, log: Path, raw_db: RawDb) -> None:
    with raw_db(log) as db:
        db.execute("DELETE FROM records WHERE seq = 3")
    code, out = verify(cli, log)
    assert code == 1 and "first bad record: 4" in out and "record(s) 3 missing before it" in out


def test_a_deleted_last_record_is_caught(cli: Cli, log: Path, raw_db: RawDb) -> None:
    with raw_db(log) as db:
        db.execute("DELETE FROM records WHERE seq = 6")
    code, out = verify(cli, log)
    assert code == 1 and "first bad record: 6" in out and "the log ends at record 5" in out


def test_an_inserted_forged_record_is_caught(cli: Cli, log: Path, raw_db: RawDb) -> None:
    """A careful forger: links the new record to its predecessor and renumbers the rest."""
    with raw_db(log) as db:
        prev = db.execute("SELECT hash FROM records WHERE seq = 2").fetchone()[0]
        db.execute("UPDATE records SET seq = seq + 100 WHERE seq >= 3")
        db.execute("UPDATE records SET seq = seq - 99 WHERE seq >= 103")
        text = canonical_json({**body("r1", 2), "seq": 3, "prev": prev})
        db.execute("INSERT INTO records VALUES (3, 'item', 'r1', ?, ?, ?, NULL)", (text, prev, record_hash(prev, text)))
    code, out = verify(cli, log)
    assert code == 1 and "first bad record: 4" in out
    assert "record 4: content says it is record 3" in out and "record 4: does not follow record 3" in out


def test_reordered_records_are_caught(cli: Cli, log: Path, raw_db: RawDb) -> None:
    with raw_db(log) as db:
        db.execute("UPDATE records SET seq = -1 WHERE seq = 3")
        db.execute("UPDATE records SET seq = 3 WHERE seq = 4")
        db.execute("UPDATE records SET seq = 4 WHERE seq = -1")
    code, out = verify(cli, log)
    assert code == 1 and "first bad record: 3" in out and "record 3: content says it is record 4" in out


def test_json_output_names_the_first_bad_record(cli: Cli, log: Path, raw_db: RawDb) -> None:
    with raw_db(log) as db:
        db.execute("DELETE FROM records WHERE seq = 2")
    result = cli("audit", "verify", "--log", str(log), "--format", "json")
    document = json.loads(result.output)
    assert result.exit_code == 1 and document["ok"] is False and document["first_bad_record"] == 3


def test_a_missing_log_is_usage_and_garbage_is_not_intact(cli: Cli, tmp_path: Path, clean_env: None) -> None:
    missing = cli("audit", "verify", "--log", str(tmp_path / "nope.db"))
    assert missing.exit_code == 2 and "does not exist" in missing.output
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    assert cli("audit", "verify", "--log", str(garbage)).exit_code == 1


# HMAC signing.


@pytest.fixture
def signed(tmp_path: Path, clean_env: None) -> Path:
    path = tmp_path / "signed.db"
    with AuditStore(path) as store:
        for run in ("r1", "r2"):
            store.append([{"schema": 1, "type": "run", "run_id": run}, body(run, 1)], key=b"k3y-for-tests")
    return path


def test_a_signed_log_verifies_with_its_key(cli: Cli, signed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = verify(cli, signed)
    assert code == 0 and "4 signed, HMAC not checked" in out and "signatures not checked" in out
    monkeypatch.setenv(KEY_ENV, "k3y-for-tests")
    code, out = verify(cli, signed)
    assert code == 0 and "4 signed, HMAC checked" in out
    assert "k3y-for-tests" not in out


def test_a_wrong_key_fails_every_signature(cli: Cli, signed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "another-key")
    code, out = verify(cli, signed)
    assert code == 1 and "first bad record: 1" in out and "HMAC signature mismatch" in out


def test_a_consistent_rewrite_is_caught_only_by_the_hmac(
    cli: Cli, signed: Path, raw_db: RawDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone rewrites the last record and its hash and the head: the chain alone is fooled."""
    with raw_db(signed) as db:
        text, prev = db.execute("SELECT body, prev_hash FROM records WHERE seq = 4").fetchone()
        forged = text.replace('"passed"', '"failed"')
        digest = record_hash(prev, forged)
        db.execute("UPDATE records SET body = ?, hash = ? WHERE seq = 4", (forged, digest))
        db.execute("UPDATE head SET hash = ? WHERE id = 1", (digest,))
    assert verify(cli, signed)[0] == 0
    monkeypatch.setenv(KEY_ENV, "k3y-for-tests")
    code, out = verify(cli, signed)
    assert code == 1 and "record 4: HMAC signature mismatch" in out


def test_unsigned_records_after_signed_ones_fail_with_the_key(
    cli: Cli, signed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with AuditStore(signed) as store:
        store.append([{"schema": 1, "type": "run", "run_id": "r3"}])
    monkeypatch.setenv(KEY_ENV, "k3y-for-tests")
    code, out = verify(cli, signed)
    assert code == 1 and "record 5: not signed, but earlier records are" in out


def test_signing_an_e2e_run(project: Callable[..., Path], run: Callable[..., pytest.RunResult], cli: Cli,
                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    root = project()
    monkeypatch.setenv(KEY_ENV, "a-run-key-1234")
    run("-k", "order_count_is_four").stdout.fnmatch_lines(["audit: run * recorded in * (records 1–2, head *, signed)"])
    log = root / ".pytest-looker" / "audit.db"
    assert b"a-run-key-1234" not in log.read_bytes()
    assert cli("audit", "verify", "--log", str(log)).exit_code == 0
    monkeypatch.delenv(KEY_ENV)
    unsigned = run("-k", "order_count_is_four")
    unsigned.stdout.fnmatch_lines(["*warning: the log is signed but PYTEST_LOOKER_AUDIT_KEY is not set*"])


def test_verify_says_what_an_unkeyed_chain_cannot_prove_and_keygen_sets_up_signing(
    cli: Cli, log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = verify(cli, log)
    assert code == 0 and "not a consistent rewrite of the whole log" in out and "pytest-looker audit keygen" in out
    generated = cli("audit", "keygen")
    key = generated.stdout.strip()
    assert generated.exit_code == 0 and len(key) == 64 and int(key, 16) >= 0
    assert KEY_ENV in generated.stderr
    assert cli("audit", "keygen").stdout.strip() != key  # random each time
    monkeypatch.setenv(KEY_ENV, key)
    with AuditStore(log) as store:
        store.append([{"schema": 1, "type": "run", "run_id": "signed"}], key.encode())
    signed = verify(cli, log)[1]
    assert "HMAC checked" in signed and "consistent rewrite" not in signed
