"""The webhook: posted after the run is recorded, retried, reported when it fails, never blocking."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from audit_support import Cli, Project, Run, log_path, records

from pytest_looker.audit.webhook import build_payload, post

Hook = Callable[..., Any]


def test_json_summary_is_posted_and_the_delivery_recorded(project: Project, run: Run, hook: Hook) -> None:
    receiver = hook(200)
    root = project()
    result = run("--looker-audit-webhook", receiver.url)
    result.stdout.fnmatch_lines(["audit: webhook delivered to 127.0.0.1:* (json, 1 attempt)"])
    payload = receiver.json()
    summary = payload["summary"]
    assert payload["event"] == "pytest-looker.run"
    assert summary["counts"] == {"passed": 3, "failed": 1} and summary["outcome"] == "failed"
    assert summary["failures"][0]["nodeid"] == "tests/data.lkml::shop/big_orders"
    bodies = records(log_path(root))
    assert payload["audit"]["head"] and payload["audit"]["seq"] == len(bodies) - 1  # the run, before delivery
    delivery = bodies[-1]
    assert delivery["type"] == "delivery" and delivery["ok"] is True and delivery["host"].startswith("127.0.0.1")
    assert "s3cr3t-path-token" not in str(bodies)  # only the host of the URL is kept


def test_slack_format(project: Project, run: Run, hook: Hook) -> None:
    receiver = hook(200)
    project(settings_extra=f'audit_webhook = "{receiver.url}"\naudit_webhook_format = "slack"')
    run().stdout.fnmatch_lines(["audit: webhook delivered to * (slack, 1 attempt)"])
    message = receiver.json()
    assert set(message) == {"text", "blocks"}
    assert message["text"].startswith("pytest-looker run FAILED: 3 passed, 1 failed")
    failures = next(b for b in message["blocks"] if b["type"] == "section" and "text" in b)
    assert "tests/data.lkml::shop/big_orders" in failures["text"]["text"]


def test_a_failing_server_is_retried_then_succeeds(project: Project, run: Run, hook: Hook) -> None:
    receiver = hook(500, 200)
    project()
    run("--looker-audit-webhook", receiver.url, "-k", "four").stdout.fnmatch_lines(
        ["audit: webhook delivered to * (json, 2 attempts)"]
    )
    assert len(receiver.bodies) == 2 and receiver.bodies[0] == receiver.bodies[1]


def test_a_server_that_always_fails_is_reported_and_the_record_kept(
    project: Project, run: Run, hook: Hook, cli: Cli
) -> None:
    receiver = hook(503)
    root = project()
    result = run("--looker-audit-webhook", receiver.url, "-k", "four")
    result.assert_outcomes(passed=1)
    assert result.ret == 0  # a failed post never fails the tests
    result.stdout.fnmatch_lines(
        ["audit: WEBHOOK FAILED to 127.0.0.1:* after 3 attempts: HTTP 503 * — the local record is intact"]
    )
    assert len(receiver.bodies) == 3
    bodies = records(log_path(root))
    assert [b["type"] for b in bodies] == ["run", "item", "delivery"]
    assert bodies[-1]["ok"] is False and bodies[-1]["status"] == 503 and bodies[-1]["attempts"] == 3
    assert cli("audit", "verify", "--log", str(log_path(root))).exit_code == 0


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_post_retries_with_bounded_backoff_and_never_raises() -> None:
    pauses: list[float] = []
    delivery = post(f"http://127.0.0.1:{_closed_port()}/x", {"a": 1}, attempts=4, sleep=pauses.append)
    assert not delivery.ok and delivery.attempts == 4 and delivery.status is None
    assert "refused" in (delivery.error or "").lower()
    assert pauses == [0.5, 1.0, 2.0]


def test_client_errors_are_not_retried(hook: Hook) -> None:
    receiver = hook(404)
    delivery = post(receiver.url, {"a": 1}, sleep=lambda _: None)
    assert (delivery.ok, delivery.attempts, delivery.status) == (False, 1, 404)


def test_slack_text_is_escaped() -> None:
    summary = {"outcome": "failed", "counts": {"failed": 1}, "git": {}, "who": {}, "backend": {},
               "failures": [{"nodeid": "t.py::test_<b>", "kind": "pytest", "error": "a < b & c > d"}]}  # fmt: skip
    message = build_payload(summary, {"head": "abc"}, "slack")
    text = str(message["blocks"])
    assert "test_&lt;b&gt;" in text and "a &lt; b &amp; c &gt; d" in text and "<b>" not in text
