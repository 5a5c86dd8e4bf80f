"""What every benchmark shares: whole-process timing in pairs, and the environment to time in.

Whole processes are timed from outside (wall clock around the child, its CPU seconds and peak
RSS from the kernel's accounting of the reaped child, ``os.wait4``). Two commands are compared
by running them in turn — A B A B … — and taking the median of the pair-by-pair ratios: on a
shared machine whose speed drifts, a pair sees the same conditions, so the ratio is steadier
than either time. CPU seconds are the steadier figure under load (another process's turn on the
core is not counted); wall seconds are printed next to them.

Bytecode: some machines set ``PYTHONDONTWRITEBYTECODE=1``, so every process would compile our
modules from source again — a cost users of a wheel (which has ``.pyc`` files) never pay.
:func:`bench_env` unsets it and points ``PYTHONPYCACHEPREFIX`` at ``.benchmarks/pycache`` so
bytecode is written once and reused, as in a normal install.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".benchmarks"
BIN = Path(sys.executable).parent


def bench_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment to time a command in: bytecode cached as in a normal install."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(BENCH_DIR / "pycache")
    env.update(extra or {})
    return env


def child_json(code: str, *args: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter (``python -c code args…``) and read the JSON object it
    prints last: in-process figures measured away from this process's imports and caches."""
    out = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def loadavg() -> str:
    """The 1-minute load average: printed with every figure (the machine may be shared)."""
    return f"{os.getloadavg()[0]:.1f}"


@dataclass(frozen=True)
class Run:
    """One finished process: wall and CPU seconds, peak RSS in MiB, its exit status."""

    wall: float
    cpu: float
    peak_mib: float
    status: int


def run(
    command: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path | None = None, timeout: float = 3600
) -> Run:
    """Run ``command`` to its end (output discarded) and account for it."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command), env=dict(env) if env is not None else bench_env(), cwd=cwd,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.002)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode)


@dataclass(frozen=True)
class Pair:
    """Medians of A and B and of the pair-by-pair ratios A/B."""

    a: list[Run]
    b: list[Run]

    def median(self, side: str, what: str) -> float:
        runs = self.a if side == "a" else self.b
        return statistics.median(getattr(r, what) for r in runs)

    def ratio(self, what: str = "cpu") -> float:
        """Median of A/B over the pairs (``cpu`` or ``wall``)."""
        pairs = zip(self.a, self.b, strict=True)
        return statistics.median(getattr(x, what) / max(getattr(y, what), 1e-9) for x, y in pairs)

    @property
    def statuses(self) -> set[int]:
        return {r.status for r in (*self.a, *self.b)}


def pair(
    a: Sequence[str],
    b: Sequence[str],
    repeat: int = 5,
    env_a: Mapping[str, str] | None = None,
    env_b: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    warmup: int = 1,
    before_a: object = None,
) -> Pair:
    """Run A and B in turn ``repeat`` times after ``warmup`` unrecorded runs of each.

    ``before_a`` (a callable) runs before each run of A (e.g. to empty a cache A must not find).
    """
    runs_a: list[Run] = []
    runs_b: list[Run] = []
    for index in range(warmup + repeat):
        if callable(before_a):
            before_a()
        first = run(a, env_a or bench_env(), cwd)
        second = run(b, env_b or bench_env(), cwd)
        if index >= warmup:
            runs_a.append(first)
            runs_b.append(second)
    return Pair(runs_a, runs_b)


def median_of(values: Sequence[float]) -> float:
    return statistics.median(values)


def geometric_mean(values: Sequence[float]) -> float:
    return statistics.geometric_mean(values) if values else float("nan")
