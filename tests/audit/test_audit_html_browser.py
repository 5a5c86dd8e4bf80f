"""The HTML report, rendered by a real headless browser (Debian's chromium; `.ci/run` installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from audit_support import Cli, Project, Run, log_path

HOSTILE_TEST = """
import pytest

@pytest.mark.parametrize("name", ["<b>bold</b>"])
def test_hostile(name):
    assert name == "<img src=x onerror=alert(1)><script>alert(2)</script>"
"""


#: Read at import, before fixtures clear CI variables for the runs under test.
IN_CI = bool(os.environ.get("CI"))


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if IN_CI:
            pytest.fail("chromium is required in CI (.ci/run installs Debian's chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium); required when CI is set")
    return found


def render(html: Path, tmp_path: Path) -> str:
    """The DOM after chromium parsed and laid out the page (no network, a throwaway profile)."""
    done = subprocess.run(
        [
            _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            f"--user-data-dir={tmp_path / 'chromium-profile'}", "--dump-dom", html.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.slow
def test_the_html_report_renders_summary_failures_and_sql(project: Project, run: Run, cli: Cli, tmp_path: Path) -> None:
    chromium = _chromium()
    assert chromium
    root = project(files={"test_hostile.py": HOSTILE_TEST})
    run()
    report = tmp_path / "report.html"
    exported = cli("audit", "export", "--format", "html", "--log", str(log_path(root)), "--output", str(report))
    assert exported.exit_code == 0, exported.output
    assert "http://" not in report.read_text() and "https://" not in report.read_text()  # self-contained

    dom = render(report, tmp_path)
    assert 'id="verification"' in dom and "Chain verified: intact — 6 record(s)" in dom
    assert 'id="summary"' in dom and "1 run(s), 5 item result(s), 2 failure(s)" in dom
    assert "Coverage per model and explore" in dom
    assert "<td>shop</td><td>customers</td><td>sql ×1</td>" in dom
    assert "tests/data.lkml::shop/big_orders" in dom and "over_eight" in dom
    assert '<pre class="sql">SELECT' in dom and "FROM shop.orders AS orders" in dom
    # Hostile text is shown as text: no element was injected.
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;" in dom
    assert "<img" not in dom and "<script" not in dom and "<b>bold" not in dom


@pytest.mark.slow
def test_a_tampered_log_says_so_first(project: Project, run: Run, cli: Cli, tmp_path: Path) -> None:
    import sqlite3

    _chromium()
    root = project()
    run("-k", "four")
    with sqlite3.connect(log_path(root), isolation_level=None) as db:
        db.execute("DROP TRIGGER records_no_update")
        db.execute("UPDATE records SET body = replace(body, '\"passed\"', '\"failed\"') WHERE seq = 2")
    report = tmp_path / "tampered.html"
    cli("audit", "export", "--format", "html", "--log", str(log_path(root)), "--output", str(report))
    dom = render(report, tmp_path)
    assert "Chain verification FAILED — first bad record: 2" in dom
    assert dom.index("verification FAILED") < dom.index('id="summary"')
