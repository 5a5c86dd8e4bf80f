"""Secrets that cannot leak: a masked wrapper type and a scrubber for every error path.

A client secret, an access token or a proxy credential must never reach a log line, a repr, an
exception message, a pytest report or JUnit XML — those end up in CI logs that many people
read. Two defences, because either alone has holes:

* :class:`Secret` wraps the value so that ``repr``/``str``/f-strings show ``Secret('***')``;
  the value is reachable only through :meth:`Secret.reveal`, which makes every use greppable.
* every secret value ever revealed is registered, and :func:`scrub` replaces any registered
  value in a text. Error paths (SDK errors echo response bodies; ``requests`` errors echo
  URLs) pass their text through it, and :class:`ScrubbingFilter` does the same for log records.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

__all__ = ["MASK", "ScrubbingFilter", "Secret", "install_log_filter", "register", "scrub"]

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
    """``text`` with every registered secret replaced by ``***`` (longest first, so that a
    secret containing another is removed whole)."""
    if not text:
        return text
    with _lock:
        values = sorted(_known, key=len, reverse=True)
    for value in values:
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
