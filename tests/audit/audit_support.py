"""Helpers for the audit tests (importable: pytest puts this directory on sys.path)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

Project = Callable[..., Path]
Run = Callable[..., pytest.RunResult]
Cli = Callable[..., Result]


def log_path(root: Path) -> Path:
    return root / ".pytest-looker" / "audit.db"


def records(path: Path) -> list[dict[str, Any]]:
    """Every record body, in chain order (read with plain sqlite3, as an auditor would)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return [json.loads(body) for (body,) in db.execute("SELECT body FROM records ORDER BY seq")]


class Hook:
    """A webhook receiver on 127.0.0.1: answers with ``statuses`` in turn (the last one repeats)."""

    def __init__(self, statuses: Sequence[int]) -> None:
        self.statuses = list(statuses)
        self.bodies: list[bytes] = []
        self.paths: list[str] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                hook.bodies.append(self.rfile.read(length))
                hook.paths.append(self.path)
                status = hook.statuses[min(len(hook.bodies), len(hook.statuses)) - 1]
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/s3cr3t-path-token"

    def json(self, index: int = -1) -> Any:
        return json.loads(self.bodies[index])

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
