"""Keep secrets out of the audit log, its exports and the webhook.

The log is evidence that is kept, copied and mailed around, so it must never become a place
secrets leak to. Two defences, applied to every string before it is hashed and stored:

* values of the environment's secret-looking variables (``*_TOKEN``, ``*PASSWORD*``,
  ``PYTEST_LOOKER_AUDIT_KEY``...) and of the passwords inside configured URLs are replaced
  wherever they appear — an assertion message that prints a token is stored without it;
* patterns that look like credentials whatever their origin: URL passwords, ``password=...``,
  bearer tokens and well-known token shapes (GitHub, GitLab, Slack, AWS, JWT, private keys).

Scrubbing happens before hashing, so a record's hash covers exactly what is stored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

__all__ = ["MASK", "Scrubber", "mask_url", "secret_env_values"]

MASK = "***"

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
        self.secrets = sorted(known, key=len, reverse=True)

    def text(self, value: str) -> str:
        """``value`` without secrets."""
        for secret in self.secrets:
            if secret in value:
                value = value.replace(secret, MASK)
        for pattern, replacement in _PATTERNS:
            value = pattern.sub(replacement, value)
        return value

    def tree(self, value: Any) -> Any:
        """A copy of a JSON-like tree with every string (keys too) scrubbed."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.text(str(k)): self.tree(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.tree(v) for v in value]
        return value
