"""Spectacles, a real Looker client, installed from PyPI into a virtual environment of its own.

Spectacles is never a dependency of pytest-looker: its pins (httpx, pydantic) must not constrain
ours. The first test that needs it creates ``$XDG_CACHE_HOME/pytest-looker/spectacles-<version>``
(``~/.cache`` by default) with ``python -m venv`` and ``pip install spectacles==<version>``; later
runs, and the other pytest-xdist workers, reuse it. A file lock makes concurrent workers wait for
one install instead of racing. When the install fails (no network, no index), the tests skip on
a developer's machine and *fail* under CI (``CI`` set), so CI can never pass without running them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

VERSION = "2.4.20"
#: pip's log of the last install attempt is kept beside the environment, for the failure message.
_INSTALL_TIMEOUT = 600


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pytest-looker"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _install(venv: Path, log: Path) -> str | None:
    """Create the environment and install Spectacles; the reason when it did not work."""
    shutil.rmtree(venv, ignore_errors=True)
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         f"spectacles=={VERSION}"],
    ]  # fmt: skip
    with log.open("w") as out:
        for step in steps:
            try:
                done = subprocess.run(step, stdout=out, stderr=subprocess.STDOUT, timeout=_INSTALL_TIMEOUT, check=False)
            except (OSError, subprocess.TimeoutExpired) as exc:
                return f"{' '.join(step[:4])} failed: {exc}"
            if done.returncode != 0:
                tail = log.read_text(errors="replace").strip().splitlines()[-3:]
                return f"{' '.join(step[:4])} exited {done.returncode}: {' | '.join(tail)}"
    return None


def spectacles_executable() -> Path:
    """The ``spectacles`` command of the cached environment, installing it on first use."""
    venv = cache_root() / f"spectacles-{VERSION}"
    ready = venv / ".pytest-looker-ready"
    with _locked(cache_root() / f"spectacles-{VERSION}.lock"):
        if not ready.exists():
            problem = _install(venv, cache_root() / f"spectacles-{VERSION}.log")
            if problem is not None:
                message = f"could not install Spectacles {VERSION} from PyPI into {venv}: {problem}"
                if os.environ.get("CI"):
                    pytest.fail(message, pytrace=False)
                pytest.skip(message)
            ready.write_text(VERSION)
    return venv / "bin" / "spectacles"


@dataclass(frozen=True)
class Result:
    returncode: int
    output: str

    def __str__(self) -> str:
        return f"exit {self.returncode}\n{self.output}"


@dataclass(frozen=True)
class Spectacles:
    """Runs Spectacles commands against one emulator."""

    executable: Path
    url: str
    client_id: str
    client_secret: str
    logs: Path

    def __call__(self, command: str, *args: str, project: str | None = "ecommerce") -> Result:
        host, _, port = self.url.rpartition(":")
        argv = [str(self.executable), command, "--base-url", host, "--port", port]
        argv += ["--client-id", self.client_id, "--client-secret", self.client_secret]
        argv += ["--log-dir", str(self.logs), "--no-looker-ci-warning"]
        if project is not None:
            argv += ["--project", project]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LOOKERSDK_", "SPECTACLES_"))}
        env.update({"NO_COLOR": "1", "COLUMNS": "200", "NO_PROXY": "127.0.0.1,localhost"})
        done = subprocess.run([*argv, *args], capture_output=True, text=True, timeout=300, env=env, check=False)
        return Result(done.returncode, done.stdout + done.stderr)


def commands(result: Result) -> Sequence[str]:
    return result.output.splitlines()
