"""Running the emulator on uvicorn, in the foreground (``serve``) or in a thread (tests).

uvicorn's access log is off: it would print query strings, which may carry an
``access_token``. Our middleware logs requests with secrets masked instead. A bound socket can
be handed over so that tests can bind port 0 and know the port before the server starts,
without the race of "find a free port, then bind it".
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from pytest_looker.looker.emulator.app import build_app
from pytest_looker.looker.emulator.metadata import project_id
from pytest_looker.looker.emulator.settings import EmulatorSettings


def make_server(settings: EmulatorSettings, host: str, port: int, *, log_level: str = "warning") -> uvicorn.Server:
    config = uvicorn.Config(
        build_app(settings),
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        proxy_headers=False,
        server_header=False,
        lifespan="on",
        http="h11",
        ws="none",
        timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config)


def served_project_id(server: uvicorn.Server) -> str:
    """The id clients name the served project by (``--project`` of Spectacles, ``/projects/<id>``):
    the manifest's ``project_name``, else the directory's name. A user who guesses the directory
    name for a project whose manifest names it otherwise gets "project not found"."""
    middleware: Any = server.config.app
    return project_id(middleware.app.state.emulator.engine.workspace.project)


@contextmanager
def serve_in_thread(settings: EmulatorSettings, host: str = "127.0.0.1") -> Iterator[str]:
    """Start on a free port in a daemon thread; yield ``http://host:port``; stop cleanly."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = make_server(settings, host, port)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="looker-emulator", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the Looker emulator did not start (see the log above)")
            if time.monotonic() > deadline:
                raise RuntimeError("the Looker emulator did not start within 30 s")
            time.sleep(0.01)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
