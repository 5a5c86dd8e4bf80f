"""An access-token cache shared by every process and run of one user: log in once, not per worker.

Looker counts API calls against licence quotas and each login opens an API session, so
pytest-xdist workers (and consecutive runs) share one token through a file in the user's cache
directory::

    $XDG_CACHE_HOME/pytest-looker/tokens/<sha256(base_url, client_id)>.json

* the file is created with mode 0600 inside a 0700 directory; a file that is not ours or is
  readable by others is ignored (and replaced), never trusted;
* a lock file (``fcntl.flock``) serialises logins: the first worker logs in while the others
  wait, then read its token — one login for the whole run;
* a token is refreshed a margin *before* it expires (a quarter of its lifetime, at most 60 s),
  so no request goes out with a token that dies in flight;
* the API session behind a cached token may have been left in either workspace by an earlier
  run, so every process checks its workspace once before its first query
  (:meth:`~.backend.LookerBackend.prepare`).

``PYTEST_LOOKER_TOKEN_CACHE=off`` disables the file (tokens stay in memory); a path there moves it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from pytest_looker.secrets import Secret

__all__ = ["CachedToken", "TokenCache", "default_cache_dir", "refresh_margin"]

ENV_VAR = "PYTEST_LOOKER_TOKEN_CACHE"


def refresh_margin(lifetime: float) -> float:
    """Seconds before expiry at which a token counts as stale."""
    return min(60.0, max(0.0, lifetime) / 4)


@dataclass(frozen=True)
class CachedToken:
    """An access token and when it stops being usable (Unix seconds)."""

    access_token: Secret
    expires_at: float
    lifetime: float

    def fresh(self, now: float | None = None) -> bool:
        """True while the token has more than the refresh margin left."""
        return (now if now is not None else time.time()) < self.expires_at - refresh_margin(self.lifetime)


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """The token directory, or ``None`` when the cache is switched off."""
    env = os.environ if environ is None else environ
    chosen = env.get(ENV_VAR, "").strip()
    if chosen.lower() in ("off", "0", "no", "false"):
        return None
    if chosen:
        return Path(chosen)
    base = env.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base else Path.home() / ".cache"
    return root / "pytest-looker" / "tokens"


class TokenCache:
    """The cache file for one (base URL, client id)."""

    def __init__(self, directory: Path, base_url: str, client_id: str) -> None:
        digest = hashlib.sha256(f"{base_url}\n{client_id}".encode()).hexdigest()[:32]
        self.directory = directory
        self.path = directory / f"{digest}.json"
        self.lock_path = directory / f"{digest}.lock"

    def load(self) -> CachedToken | None:
        """The stored token if the file is safe to trust and well-formed."""
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if stat.S_IMODE(info.st_mode) & 0o077 or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
                return None
            with os.fdopen(fd, encoding="utf-8", closefd=False) as handle:
                data = json.load(handle)
            token = CachedToken(Secret(str(data["access_token"])), float(data["expires_at"]), float(data["lifetime"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        finally:
            os.close(fd)
        return token if token.access_token else None

    def store(self, token: CachedToken) -> None:
        """Write atomically: a reader sees the old file or the new one, never half of one."""
        self._ensure_directory()
        fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".token-", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(
                    {
                        "access_token": token.access_token.reveal(),
                        "expires_at": token.expires_at,
                        "lifetime": token.lifetime,
                    },
                    handle,
                )
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def get(self, login: Callable[[], CachedToken]) -> CachedToken:
        """A fresh token: the cached one, or ``login()``'s (one process logs in, the rest wait)."""
        cached = self.load()
        if cached is not None and cached.fresh():
            return cached
        with self.locked():
            cached = self.load()  # another process may have logged in while we waited
            if cached is not None and cached.fresh():
                return cached
            token = login()
            self.store(token)
            return token

    def discard(self, token: Secret) -> None:
        """Forget ``token`` if it is still the cached one (Looker rejected it)."""
        with self.locked():
            cached = self.load()
            if cached is not None and cached.access_token == token:
                with contextlib.suppress(OSError):
                    self.path.unlink()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cache's lock file exclusively (advisory, released if the process dies)."""
        self._ensure_directory()
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                import fcntl
            except ImportError:  # pragma: no cover - Windows: no flock; a second login is the cost
                yield
                return
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _ensure_directory(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(OSError):
            os.chmod(self.directory, 0o700)
