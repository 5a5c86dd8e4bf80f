"""A context manager for tests: a real emulator on 127.0.0.1, on a free port, in a thread.

    from pytest_looker.looker.emulator.testing import running_emulator

    with running_emulator("examples/ecommerce", client_id="id", client_secret="s") as url:
        os.environ["LOOKERSDK_BASE_URL"] = url      # e.g. through monkeypatch.setenv
        ...

The server is real uvicorn over real sockets, so clients are tested exactly as against Looker
(``requests``, retries, connection handling), not through an in-process transport.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from pytest_looker.looker.emulator.settings import EmulatorSettings, Faults


@contextmanager
def running_emulator(
    project: str | Path,
    *,
    duckdb: str | Path | None = None,
    seeds: str | Path | None = None,
    client_id: str = "emulator-client-id",
    client_secret: str = "emulator-client-secret",
    faults: Faults | None = None,
    user_attributes: Mapping[str, str] | None = None,
    log_requests: bool = False,
    content: str | Path | None = None,
    shape_profile: str = "full",
) -> Iterator[str]:
    """Yield the base URL (``http://127.0.0.1:PORT``, no trailing slash) of a running emulator.

    ``log_requests`` logs each request (secrets masked) to the ``pytest_looker.emulator`` logger.
    """
    from pytest_looker.looker.emulator.server import serve_in_thread

    settings = EmulatorSettings(
        project=Path(project),
        client_id=client_id,
        client_secret=client_secret,
        duckdb=Path(duckdb) if duckdb is not None else None,
        seeds=Path(seeds) if seeds is not None else None,
        faults=faults or Faults(),
        user_attributes=dict(user_attributes or {}),
        log_requests=log_requests,
        content=Path(content) if content is not None else None,
        shape_profile=shape_profile,
    )
    with serve_in_thread(settings) as url:
        yield url
