"""Start-up cost: ``pytest-looker --help`` and the pytest plugin's import, as ratios.

Usage::

    .venv/bin/python benchmarks/startup.py [--repeat 15]

Runs each command as a whole process ``--repeat`` times, alternating them so that machine noise
hits both alike, and prints the median of each and the ratio to ``python -c pass`` (the floor
any Python command pays). The CLI imports a command's module only when that command runs, so
``--help`` pays for click and the command table only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "pytest-looker --help": [str(BIN / "pytest-looker"), "--help"],
    "import the pytest plugin": [sys.executable, "-c", "import pytest_looker.testing.plugin"],
    "import pytest": [sys.executable, "-c", "import pytest"],
}


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    for command in COMMANDS.values():  # warm the file cache and the bytecode
        timed(command)
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):
        for name, command in COMMANDS.items():
            samples[name].append(timed(command))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    floor = medians["python -c pass"]
    load = os.getloadavg()[0]
    print(f"start-up, median of {args.repeat} runs (load average {load:.2f}):")
    for name, median in medians.items():
        print(f"  {name:<26} {median * 1000:7.1f} ms   {median / floor:5.1f}x python -c pass")
    plugin = medians["import the pytest plugin"] - floor
    pytest_alone = medians["import pytest"] - floor
    print(f"  the plugin's import adds {plugin / pytest_alone:.2f}x of pytest's own import time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
