"""The one place that knows what a secret is and keeps it out of every output.

Client secrets, access tokens, warehouse passwords and webhook URLs end up, by accident, in
exactly the places many people read: CI logs, pytest reports, JUnit XML, cassettes, the audit
log and its exports. Three defences share this module:

* :class:`Secret` wraps a value so that ``repr``/``str``/f-strings show ``Secret('***')``; the
  value is reachable only through :meth:`Secret.reveal`, which makes every use greppable;
* a process-wide registry: every secret value wrapped or :func:`register`-ed (a URL's password,
  a driver's ``connect_args`` token) is replaced by :func:`scrub` in any text, and
  :func:`install_log_filter` applies it to every log record;
* :class:`Scrubber` for evidence that is kept (audit records, cassettes): the registry, the
  values of the environment's secret-looking variables, explicitly named secrets, and patterns
  that look like credentials whatever their origin (URL passwords, bearer tokens, GitHub/Slack/
  AWS/JWT shapes, private keys).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

__all__ = [
    "MASK",
    "Scrubber",
    "ScrubbingFilter",
    "Secret",
    "install_log_filter",
    "mask_url",
    "redact",
    "register",
    "scrub",
    "secret_env_values",
]

MASK = "***"
#: Values shorter than this are not scrubbed from free text: replacing "a" everywhere would
#: mangle messages while protecting nothing (no real secret is that short).
_MIN_SCRUB = 6

_known: set[str] = set()
_lock = threading.Lock()


def register(value: str) -> None:
    """Remember ``value`` so :func:`scrub` removes it from any text from now on."""
    if value and len(value) >= _MIN_SCRUB:
        with _lock:
            _known.add(value)


def scrub(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    if not text:
        return text
    with _lock:
        values = list(_known)
    return redact(text, values)


def redact(text: str, values: Iterable[str]) -> str:
    """``text`` with each of ``values`` replaced by ``***``, longest first, so that a secret
    containing another is removed whole. No minimum length: the caller names real secrets."""
    for value in sorted((v for v in values if v), key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    return text


class Secret:
    """A secret string whose every printable form is masked.

    Equality compares values (tests and caches need it) but hashing is by value too, so a
    ``Secret`` can key a dict without exposing itself. Pickling is refused: a secret has no
    business crossing into an xdist worker or onto disk by accident.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        self._value = str(value)
        register(self._value)

    def reveal(self) -> str:
        """The plain value: call it only where the value is sent to Looker."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")


class ScrubbingFilter(logging.Filter):
    """Rewrites a record's message (after %-formatting) with :func:`scrub` applied."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the caller's bug; leave the record alone
            return True
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and _known:
            # Tracebacks carry exception messages (SDK errors echo response bodies).
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


_factory_installed = False


def install_log_filter() -> None:
    """Scrub every log record of the process, whichever logger or handler it goes through.

    A filter on a logger does not see its children's records and a handler filter misses
    handlers added later (pytest adds its capture handlers per test), so the scrubbing sits
    in the log record factory instead: each record is cleaned once, when it is created.
    Installed once, wrapping whatever factory was there.
    """
    global _factory_installed
    with _lock:
        if _factory_installed:
            return
        _factory_installed = True
    previous = logging.getLogRecordFactory()
    cleaner = ScrubbingFilter()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        cleaner.filter(record)
        return record

    logging.setLogRecordFactory(factory)


#: Environment variable names whose values are treated as secrets.
_SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSW|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH|SESSION|COOKIE|SIGNATURE"
    r"|(^|_)KEY($|_)|(^|_)PAT($|_)|WEBHOOK|DSN|(^|_)PW($|_)",
    re.IGNORECASE,
)
#: Variables matching the pattern above that hold no secret (paths, sockets, flags).
_NOT_SECRET = frozenset({"PWD", "OLDPWD", "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "XAUTHORITY", "KEYTIMEOUT"})
#: Shorter values are too likely to occur by chance in ordinary text to be replaced everywhere.
_MIN_SECRET_LENGTH = 6
#: Explicitly named secrets (a configured URL's password) may be shorter.
_MIN_EXPLICIT_LENGTH = 4

#: Query-string keys whose values are secrets.
_SECRET_PARAM = re.compile(r"pass|pwd|secret|token|key|auth|credential|signature|sig$|session", re.IGNORECASE)

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # scheme://user:password@host → scheme://user:***@host
    (re.compile(r"(?P<keep>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]*:)[^\s@/]+(?=@)"), r"\g<keep>" + MASK),
    # password=..., "token": "...", api_key: ...
    (
        re.compile(
            r"(?P<keep>\b[\w-]*(?:password|passwd|pwd|secret|token|api_?key|access_?key|private_?key)"
            r"[\w-]*[\"']?\s*[=:]\s*[\"']?)(?P<value>[^\s\"'&,;]{3,})",
            re.IGNORECASE,
        ),
        r"\g<keep>" + MASK,
    ),
    (re.compile(r"(?P<keep>\b(?:Bearer|Basic|token)\s+)[A-Za-z0-9._~+/=-]{8,}"), r"\g<keep>" + MASK),
    (re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"), MASK),
    (re.compile(r"\bglpat-[A-Za-z0-9_-]{16,}"), MASK),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), MASK),
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), MASK),
    (re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"), MASK),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+"), MASK),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.DOTALL), MASK),
    (re.compile(r"(?P<keep>hooks\.slack\.com/services/)[A-Za-z0-9/]+"), r"\g<keep>" + MASK),
)


def secret_env_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """Values of the environment's secret-looking variables, longest first."""
    env = os.environ if environ is None else environ
    values = {
        value
        for name, value in env.items()
        if name not in _NOT_SECRET and _SECRET_NAME.search(name) and len(value) >= _MIN_SECRET_LENGTH
    }
    return sorted(values, key=len, reverse=True)


def _url_password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def mask_url(url: str) -> str:
    """``url`` with its password and secret query parameters replaced by ``***``.

    Unparseable text is scrubbed by pattern instead, so the result is never the raw input.
    """
    try:
        parts = urlsplit(url)
        masked = url
        if parts.password is not None:
            userinfo, _, host = parts.netloc.rpartition("@")
            masked = masked.replace(parts.netloc, f"{userinfo.split(':', 1)[0]}:{MASK}@{host}", 1)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if any(_SECRET_PARAM.search(k) for k, _ in pairs):
            query = urlencode([(k, MASK if _SECRET_PARAM.search(k) else v) for k, v in pairs], safe="*")
            masked = masked.replace("?" + parts.query, "?" + query, 1)
        return masked
    except ValueError:
        return Scrubber().text(url)


class Scrubber:
    """Replaces known secret values and credential-shaped text in strings and JSON trees."""

    def __init__(
        self, secrets: Iterable[str] = (), *, literals: Iterable[str] = (), environ: Mapping[str, str] | None = None
    ) -> None:
        """``secrets``: values (or URLs whose password is) secret; ``literals``: texts such as a
        webhook URL that are replaced whole wherever they appear, whatever their shape."""
        explicit = [s for s in secrets if s]
        known = set(secret_env_values(environ))
        for value in [*known, *explicit]:
            password = _url_password(value) if "://" in value else None
            if password and len(password) >= _MIN_EXPLICIT_LENGTH:
                known.add(password)
        # A configured URL is masked by pattern (only its password is secret); a secret
        # variable's whole value is secret, URL or not (a DSN's user part can be the key).
        known.update(s for s in explicit if "://" not in s and len(s) >= _MIN_EXPLICIT_LENGTH)
        known.update(s for s in literals if len(s) >= _MIN_EXPLICIT_LENGTH)
        with _lock:
            known.update(_known)
        self.secrets = sorted(known, key=len, reverse=True)

    def text(self, value: str, *, patterns: bool = True) -> str:
        """``value`` without secrets; ``patterns=False`` replaces only the known values (for
        query results, where a credential-shaped pattern would corrupt real data)."""
        value = redact(value, self.secrets)
        if patterns:
            for pattern, replacement in _PATTERNS:
                value = pattern.sub(replacement, value)
        return value

    def tree(self, value: Any, *, patterns: bool = True) -> Any:
        """A copy of a JSON-like tree with every string (keys too) scrubbed."""
        if isinstance(value, str):
            return self.text(value, patterns=patterns)
        if isinstance(value, Mapping):
            return {self.text(str(k), patterns=patterns): self.tree(v, patterns=patterns) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.tree(v, patterns=patterns) for v in value]
        return value
