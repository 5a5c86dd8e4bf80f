"""What `pytest-looker inspect` imports: no compiler, no secret patterns (no timing asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ecommerce"

_PROBE = """
import sys
from pytest_looker.cli import main
try:
    main(["inspect", "--project", sys.argv[1]])
except SystemExit:
    pass
print(sorted(m for m in sys.modules if m.startswith(("pytest_looker.compile", "pytest_looker.secrets", "logging"))))
"""


def test_inspect_imports_neither_the_compiler_nor_the_secret_patterns(tmp_path: Path) -> None:
    env = {"PYTEST_LOOKER_CACHE_DIR": "", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(EXAMPLE)], capture_output=True, text=True, check=True, env=env
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
