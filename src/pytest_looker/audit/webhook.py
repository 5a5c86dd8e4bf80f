"""Posting a run's summary to a webhook: JSON, or Slack's ``{"text", "blocks"}``.

The post happens after the run is in the local log and can only fail on its own: every error is
caught and returned as a :class:`Delivery`, which the terminal summary reports and the log
records. Attempts are bounded (3, with 0.5 s and 1 s pauses, a 5 s timeout each), so a dead
endpoint costs at most ~17 s, and only errors worth retrying (network, 408, 429, 5xx) are retried.

The payload is built from the stored, scrubbed records; the webhook URL itself (a secret for
Slack, whose URL is the credential) is never logged or printed — only its host.
Standard library only: one POST does not earn a dependency.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["FORMATS", "Delivery", "build_payload", "host_of", "post"]

FORMATS = ("json", "slack")
TIMEOUT = 5.0
ATTEMPTS = 3
BACKOFF = 0.5
_MAX_PAUSE = 4.0
_RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_SLACK_FAILURES = 10


@dataclass(frozen=True)
class Delivery:
    """How a post went: ``ok``, how many attempts, the last HTTP status and error."""

    host: str
    format: str
    ok: bool
    attempts: int
    status: int | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "channel": "webhook",
            "host": self.host,
            "format": self.format,
            "ok": self.ok,
            "attempts": self.attempts,
            "status": self.status,
            "error": self.error,
        }


def host_of(url: str) -> str:
    """The host (and port) of a URL: all of it that may be shown."""
    try:
        parts = urlsplit(url)
        return parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else "?"
    except ValueError:
        return "?"


def build_payload(summary: Mapping[str, Any], audit: Mapping[str, Any], fmt: str) -> dict[str, Any]:
    """The body to post: ``{"event", "summary", "audit"}`` or a Slack message."""
    if fmt == "slack":
        return _slack(summary, audit)
    return {"event": "pytest-looker.run", "summary": dict(summary), "audit": dict(audit)}


def _escape(text: object) -> str:
    """Slack mrkdwn treats &, < and > as markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack(summary: Mapping[str, Any], audit: Mapping[str, Any]) -> dict[str, Any]:
    counts = ", ".join(f"{n} {o}" for o, n in summary.get("counts", {}).items()) or "no items"
    git = summary.get("git") or {}
    commit = (git.get("commit") or "unknown")[:10]
    where = f"{git.get('branch') or '?'} @ {commit}{' (dirty)' if git.get('dirty') else ''}"
    status = "FAILED" if summary.get("outcome") == "failed" else "passed"
    env = summary.get("environment") or "-"
    who = summary.get("who") or {}
    text = f"pytest-looker run {status}: {counts} — {where}, environment {env}"
    fields = [
        f"*Outcome*\n{_escape(status)}: {_escape(counts)}",
        f"*Version*\n{_escape(where)}",
        f"*Environment*\n{_escape(env)} ({_escape((summary.get('backend') or {}).get('name'))})",
        f"*Who*\n{_escape(who.get('user'))} ({_escape(who.get('source'))})",
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"pytest-looker: {status}"[:150]}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]},
    ]
    failures = summary.get("failures") or []
    if failures:
        lines = [
            f"• `{_escape(f.get('nodeid'))}` ({_escape(f.get('kind'))}): {_escape(_first_line(f))}"[:300]
            for f in failures[:_SLACK_FAILURES]
        ]
        if len(failures) > _SLACK_FAILURES:
            lines.append(f"… and {len(failures) - _SLACK_FAILURES} more")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "*Failures*\n" + "\n".join(lines)}})
    context = f"run {summary.get('run_id')} · audit head {str(audit.get('head') or '')[:16]}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _escape(context)}]})
    return {"text": text, "blocks": blocks}


def _first_line(failure: Mapping[str, Any]) -> str:
    error = str(failure.get("error") or "").strip()
    return error.splitlines()[0] if error else str(failure.get("outcome"))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: the payload goes to the configured host or nowhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def post(
    url: str,
    payload: Mapping[str, Any],
    *,
    fmt: str = "json",
    timeout: float = TIMEOUT,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """POST ``payload`` as JSON, retrying transient failures; never raises."""
    host = host_of(url)
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    opener = urllib.request.build_opener(_NoRedirect)
    status: int | None = None
    error: str | None = None
    tried = 0
    for attempt in range(1, max(1, attempts) + 1):
        tried = attempt
        request = urllib.request.Request(
            url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "pytest-looker-audit"},
        )
        retry = True
        try:
            with opener.open(request, timeout=timeout) as response:
                status = int(response.status)
                return Delivery(host, fmt, True, attempt, status)
        except urllib.error.HTTPError as exc:
            status, error = exc.code, f"HTTP {exc.code} {exc.reason}"
            retry = exc.code in _RETRY_STATUS
        except ValueError:  # its message would quote the URL
            status, error, retry = None, "invalid webhook URL", False
        except (urllib.error.URLError, OSError) as exc:
            status, error = None, _reason(exc)
        if not retry or attempt == attempts:
            break
        sleep(min(backoff * 2 ** (attempt - 1), _MAX_PAUSE))
    return Delivery(host, fmt, False, tried, status, error)


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    return f"{type(reason).__name__}: {reason}" if not isinstance(reason, str) else reason
