"""A writer killed mid-append (SIGKILL: no cleanup at all) leaves a log that still verifies."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from audit_support import Cli

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pytest_looker.audit.store import AuditStore

    store = AuditStore(Path(sys.argv[1]))
    run = 0
    while True:  # batches big enough that a kill often lands inside a transaction
        run += 1
        batch = [{"schema": 1, "type": "run", "run_id": f"r{run}"}]
        batch += [
            {"schema": 1, "type": "item", "run_id": f"r{run}", "nodeid": f"t::{i}", "error": "x" * 2000}
            for i in range(200)
        ]
        store.append(batch, key=b"crash-key")
        print(run, flush=True)
    """
)


def _count(path: Path) -> int:
    try:
        with sqlite3.connect(path, timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM records").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_while_appending_leaves_a_verifiable_log(
    tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch, clean_env: None
) -> None:
    log = tmp_path / "audit.db"
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    monkeypatch.setenv("PYTEST_LOOKER_AUDIT_KEY", "crash-key")
    for delay in (0.05, 0.13, 0.29):
        before = _count(log)
        writer = subprocess.Popen([sys.executable, str(script), str(log)], stdout=subprocess.PIPE)
        assert writer.stdout is not None
        writer.stdout.readline()  # at least one batch committed by this writer
        time.sleep(delay)
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        assert writer.returncode == -signal.SIGKILL
        count = _count(log)
        assert count > before and count % 201 == 0, "a batch is all or nothing"
        result = cli("audit", "verify", "--log", str(log))
        assert result.exit_code == 0, result.output
