"""HTTP for looker-sdk: our own ``requests`` session, retries, status codes and clear failures.

looker-sdk's ``RequestsTransport`` sends each request once, swallows network errors into a
string and forgets the HTTP status (reference §1.9, §5). This subclass keeps its interface and
adds what a test runner needs:

* **a configured session** — extra headers (``Proxy-Authorization`` for an identity-aware
  proxy; Looker keeps ``Authorization``), an HTTPS proxy, a CA bundle, timeouts;
* **retries** with exponential backoff and jitter, honouring ``Retry-After``, bounded in tries
  and in total sleep. Idempotent calls (GET, and POSTs that only read: login, query creation —
  Looker de-duplicates queries —, inline runs, query tasks, validation) are retried on
  429/502/503/504 and on network errors. Mutations (git branch changes, resets, deploys,
  logout) are never retried blindly: only when the request provably did not reach Looker
  (connection refused) or Looker refused it unprocessed (429);
* **token renewal**: a 401 on an authenticated call drops the token and retries once with a
  new one (the SDK itself never re-logs in, reference §1.7);
* **the status on the response**, so errors can say "HTTP 404" and callers can branch on it;
* network failures raise :class:`LookerUnreachableError` naming the host and the cause.
"""

from __future__ import annotations

import email.utils
import logging
import random
import re
import threading
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import requests
from looker_sdk.rtl import requests_transport, transport

from pytest_looker.looker.client.errors import LookerUnreachableError
from pytest_looker.secrets import scrub

__all__ = ["RetryPolicy", "RetryingTransport", "TransportStats", "is_idempotent", "make_session"]

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 502, 503, 504})

#: POST endpoints that only read or create immutable things: safe to send twice.
_SAFE_POSTS = (
    re.compile(r"/api/[\d.]+/login$"),
    re.compile(r"/api/[\d.]+/queries$"),
    re.compile(r"/api/[\d.]+/queries/run/[^/]+$"),
    re.compile(r"/api/[\d.]+/query_tasks$"),
    re.compile(r"/api/[\d.]+/projects/[^/]+/validate$"),
)
#: PATCH /session only sets the workspace: sending the same value twice changes nothing.
_SAFE_PATCHES = (re.compile(r"/api/[\d.]+/session$"),)


def is_idempotent(method: str, url: str) -> bool:
    """Whether sending this request twice is as good as once."""
    path = url.split("?", 1)[0]
    verb = method.upper()
    if verb in ("GET", "HEAD", "OPTIONS"):
        return True
    if verb == "POST":
        return any(p.search(path) for p in _SAFE_POSTS)
    if verb == "PATCH":
        return any(p.search(path) for p in _SAFE_PATCHES)
    return False


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts per request, backoff, and a cap on any single wait."""

    attempts: int = 5
    base_delay: float = 0.25
    max_delay: float = 8.0
    max_retry_after: float = 30.0
    #: a refused connection means nothing listens: fail fast instead of backing off for long
    refused_attempts: int = 2

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before try ``attempt + 1`` (``attempt`` counts from 1)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return float(backoff * (0.5 + random.random() / 2))


@dataclass
class TransportStats:
    """Counters for reports and tests: requests sent, retries, 401 renewals."""

    requests: int = 0
    retries: int = 0
    renewals: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, what: str, status: int | None = None) -> None:
        with self.lock:
            setattr(self, what, getattr(self, what) + 1)
            if status is not None:
                self.by_status[status] = self.by_status.get(status, 0) + 1


def make_session(
    *,
    headers: MutableMapping[str, str] | None = None,
    proxy: str | None = None,
    ca_bundle: str | None = None,
) -> requests.Session:
    """A ``requests`` session with the proxy, CA bundle and extra headers of an environment.

    ``trust_env`` stays on, so ``HTTPS_PROXY``/``NO_PROXY``/``REQUESTS_CA_BUNDLE`` keep working
    when the settings say nothing; explicit settings win over them.
    """
    session = requests.Session()
    if proxy:
        session.proxies.update({"https": proxy, "http": proxy})
    if headers:
        session.headers.update(headers)
    # verify is set by RequestsTransport from settings.verify_ssl; the CA bundle is applied after.
    session.ca_bundle = ca_bundle  # type: ignore[attr-defined]
    return session


class RetryingTransport(requests_transport.RequestsTransport):
    """``RequestsTransport`` with retries, token renewal, status codes and typed network errors."""

    def __init__(
        self,
        settings: transport.PTransportSettings,
        session: requests.Session,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(settings, session)
        bundle = getattr(session, "ca_bundle", None)
        if bundle and settings.verify_ssl:
            session.verify = bundle
        self.policy = policy or RetryPolicy()
        self.stats = TransportStats()
        self.sleep = sleep
        #: called with the rejected ``Authorization`` value on a 401; returns True if renewed
        self.on_unauthorized: Callable[[str], bool] | None = None

    def request(
        self,
        method: transport.HttpMethod,
        path: str,
        query_params: MutableMapping[str, str] | None = None,
        body: bytes | None = None,
        authenticator: transport.TAuthenticator = None,
        transport_options: transport.TransportOptions | None = None,
    ) -> transport.Response:
        options = transport_options or {}
        timeout = options.get("timeout") or self.settings.timeout
        idempotent = is_idempotent(method.name, path)
        renewed = False
        attempt = 0
        while True:
            attempt += 1
            headers: dict[str, str] = {}
            if authenticator:
                headers.update(authenticator(options))
            if options.get("headers"):
                headers.update(options["headers"])
            log.debug("%s %s (try %d)", method.name, path, attempt)
            self.stats.count("requests")
            try:
                resp = self.session.request(
                    method.name,
                    path,
                    auth=requests_transport.NullAuth(),
                    params=query_params,
                    data=body,
                    headers=headers,
                    timeout=timeout,
                )
            except requests.exceptions.RequestException as exc:
                refused = _not_sent(exc)
                limit = self.policy.refused_attempts if refused else self.policy.attempts
                if (idempotent or refused) and attempt < limit:
                    self.stats.count("retries")
                    self.sleep(self.policy.delay(attempt))
                    continue
                raise LookerUnreachableError(_describe(exc, path, attempt)) from None
            status = resp.status_code
            with self.stats.lock:
                self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
            if status == 401 and authenticator and not renewed and self.on_unauthorized is not None:
                renewed = True
                if self.on_unauthorized(headers.get("Authorization", "")):
                    self.stats.count("renewals")
                    attempt -= 1  # a renewal is not a failure of the request
                    continue
            if status in RETRY_STATUSES and (idempotent or status == 429) and attempt < self.policy.attempts:
                self.stats.count("retries")
                self.sleep(self.policy.delay(attempt, _retry_after(resp)))
                continue
            return _response(resp)


def _response(resp: requests.Response) -> transport.Response:
    result = transport.Response(resp.ok, resp.content, transport.response_mode(resp.headers.get("content-type")))
    encoding = requests.utils.get_encoding_from_headers(resp.headers)
    if encoding:
        result.encoding = encoding
    result.status = resp.status_code  # type: ignore[attr-defined]
    return result


def status_of(response: transport.Response) -> int:
    """The HTTP status our transport attached (0 for responses from elsewhere)."""
    return int(getattr(response, "status", 0))


def _retry_after(resp: requests.Response) -> float | None:
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment.timestamp() - time.time()


def _not_sent(exc: BaseException) -> bool:
    """True when the request certainly never reached the server (safe to resend anything)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        text = repr(exc.args[0]) if exc.args else ""
        return "NewConnectionError" in text or "Connection refused" in text or "NameResolutionError" in text
    return False


def _describe(exc: BaseException, url: str, attempts: int) -> str:
    host = re.sub(r"^(\w+://[^/]+).*$", r"\1", url)
    text = repr(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        cause = "the TLS handshake failed (set ca_bundle, or verify_ssl = false for a test instance)"
    elif isinstance(exc, requests.exceptions.ProxyError):
        cause = "the proxy refused the connection"
    elif "NameResolutionError" in text or "Name or service not known" in text:
        cause = "the host name does not resolve"
    elif "Connection refused" in text or "NewConnectionError" in text:
        cause = "the connection was refused (nothing listens there)"
    elif isinstance(exc, requests.exceptions.Timeout):
        cause = "it did not answer in time"
    else:
        cause = "the connection was dropped"
    tries = f" after {attempts} tries" if attempts > 1 else ""
    return scrub(f"cannot reach Looker at {host}: {cause}{tries}")


def describe_response(response: transport.Response) -> str:
    """The ``message`` of a Looker error body, else its text (trimmed)."""
    import json

    text = response.value.decode(response.encoding or "utf-8", errors="replace")
    try:
        data: Any = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        message = data["message"]
        details = [e.get("message") for e in data.get("errors") or [] if isinstance(e, dict) and e.get("message")]
        if details:
            message += ": " + "; ".join(str(d) for d in details)
        return scrub(message)
    return scrub(" ".join(text.split())[:300]) or "(empty response)"
