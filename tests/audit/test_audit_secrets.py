"""No secret reaches the log, its exports or the webhook — whichever way it got into the run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from audit_support import Cli, Project, Run, log_path

from pytest_looker.secrets import Scrubber, mask_url

TOKEN = "ghp_FAKEtokenFAKEtoken0123456789abcdef"
PASSWORD = "pa55-w0rd-FAKE"
LEAKY_TEST = f"""
import os

def test_leaks_the_token():
    # The failure message prints the token and a URL with a password.
    assert os.environ["GITHUB_TOKEN"] == "postgresql://app:{PASSWORD}@db.example.com/x"
"""


def test_secrets_are_scrubbed_everywhere(
    project: Project, run: Run, cli: Cli, hook: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    receiver = hook(200)
    root = project(
        settings_extra=f"""
        url = "postgresql://app:{PASSWORD}@db.example.com/warehouse?sslmode=require&api_key=k-{PASSWORD}"
        [tool.pytest-looker.connections.db]
        url = "snowflake://svc:{PASSWORD}@acct/db"
        """,
        files={"test_leak.py": LEAKY_TEST},
    )
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("MY_SERVICE_PASSWORD", "another-FAKE-secret-value")
    result = run(
        "--looker-url", f"postgresql://app:{PASSWORD}@db.example.com/warehouse",
        "--looker-audit-webhook", receiver.url,
        "-k", "leaks or order_count_is_four",
    )  # fmt: skip
    result.assert_outcomes(passed=1, failed=1)
    assert TOKEN in result.stdout.str()  # the run itself shows it: the log must not
    result.stdout.fnmatch_lines(["audit: webhook delivered to 127.0.0.1:* (json, 1 attempt)"])
    assert "s3cr3t-path-token" not in result.stdout.str()

    html, as_json = tmp_path / "report.html", tmp_path / "report.json"
    log = str(log_path(root))
    assert cli("audit", "export", "--format", "html", "--log", log, "--output", str(html)).exit_code == 0
    assert cli("audit", "export", "--format", "json", "--log", log, "--output", str(as_json)).exit_code == 0
    shown = cli("audit", "show", "--log", log, "--format", "json").output
    stored = b"".join(p.read_bytes() for p in log_path(root).parent.iterdir())
    for name, data in {
        "log": stored, "html": html.read_bytes(), "json": as_json.read_bytes(),
        "show": shown.encode(), "webhook": receiver.bodies[0],
    }.items():  # fmt: skip
        for secret in (TOKEN, PASSWORD, "another-FAKE-secret-value", "s3cr3t-path-token"):
            assert secret.encode() not in data, f"{secret} leaked into the {name}"
    document = as_json.read_text()
    assert "postgresql://app:***@db.example.com/warehouse" in document  # masked, still identifiable
    assert "snowflake://svc:***@acct/db" in document
    assert "test_leaks_the_token" in document and "***" in document


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("Authorization: Bearer abcdefghijklmnop123", "abcdefghijklmnop123"),
        ("password=hunter2hunter2 next", "hunter2hunter2"),
        ('{"api_key": "zzz-secret-zzz"}', "zzz-secret-zzz"),
        ("aws AKIAABCDEFGHIJKLMNOP here", "AKIAABCDEFGHIJKLMNOP"),
        ("slack xoxb-1234567890-abcdefghij", "xoxb-1234567890-abcdefghij"),
        ("gitlab glpat-abcdefghij0123456789", "glpat-abcdefghij0123456789"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig", "eyJzdWIiOiIxMjM0NTY3ODkwIn0"),
        ("redis://:topsecret@cache:6379/0", "topsecret"),
    ],
)
def test_credential_shapes_are_scrubbed(text: str, hidden: str) -> None:
    assert hidden not in Scrubber(environ={}).text(text)


def test_mask_url_keeps_what_identifies_the_backend() -> None:
    assert mask_url("postgresql+psycopg://u:p%40ss@h:5432/db?sslmode=require&password=x") == (
        "postgresql+psycopg://u:***@h:5432/db?sslmode=require&password=***"
    )
    assert mask_url("duckdb:///srv/x.duckdb") == "duckdb:///srv/x.duckdb"


def test_plain_text_is_left_alone() -> None:
    text = "LookML data test shop/big_orders: 2 of 4 rows fail; SELECT orders.id FROM shop.orders"
    assert Scrubber(environ={"PWD": "/home/me", "SOME_TOKEN": "abc"}).text(text) == text
