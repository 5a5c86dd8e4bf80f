"""Put Looker in the state a run needs — and always put it back.

``--looker-env NAME`` picks an environment; its section may ask for the ``dev`` workspace, a
``branch`` to check out, or a ``commit`` to test (a temporary branch made at that commit).
Looker keeps the dev branch per *user*, so a run that checks out a branch and forgets to
switch back leaves the API user (often a shared CI account, sometimes a human's) on the wrong
branch. :class:`LookerEnvironment` therefore:

* records the workspace and branch it found before changing anything, and writes that to a
  journal file in the user's cache directory;
* restores them in ``__exit__`` whatever happened (failure, ``KeyboardInterrupt``); SIGTERM is
  turned into ``KeyboardInterrupt`` while it is active, and SIGINT is ignored *during* the
  restore, so a second Ctrl-C cannot cut it in half; ``atexit`` is the last resort;
* deletes the temporary branch it made;
* on entry, finishes the restore of a previous run that was killed outright (SIGKILL, power
  loss), found through the journal, before doing anything else.

This follows Spectacles' branch manager (peers.md §2.5), including its temporary-branch
naming, and adds the journal and signal handling its users asked for.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import logging
import os
import signal
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from looker_sdk.sdk.api40 import models as m

from pytest_looker.errors import LookerError
from pytest_looker.looker.client.api import LookerAPI
from pytest_looker.looker.client.tokens import default_cache_dir

__all__ = ["EnvironmentState", "LookerEnvironment", "RestoreWarning"]

log = logging.getLogger(__name__)
TEMP_PREFIX = "tmp_pytest_looker_"


class RestoreWarning(UserWarning):
    """Looker's previous state could not be (fully) restored."""


@dataclass
class EnvironmentState:
    """What was there before the run (and what the run created), as written to the journal."""

    base_url: str
    project: str
    workspace: str
    branch: str | None
    temporary_branch: str | None = None
    pid: int = 0


class LookerEnvironment:
    """Context manager: enter = switch workspace/branch/commit; exit = restore. Idempotent."""

    def __init__(self, backend: LookerAPI, *, journal_dir: Path | None = None) -> None:
        self.backend = backend
        self.options = backend.client.options
        self.state: EnvironmentState | None = None
        self.entered = False
        self._restored = False
        self._lock = threading.Lock()
        directory = journal_dir
        if directory is None:
            tokens = default_cache_dir()
            directory = tokens.parent / "state" if tokens is not None else None
        self.journal_dir = directory
        self._previous_sigterm: Any = None

    # -- entry ------------------------------------------------------------------------------------
    def __enter__(self) -> LookerEnvironment:
        self.enter()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.restore()

    def enter(self) -> None:
        """Record the current state, then switch to the environment's workspace, branch or commit."""
        options = self.options
        if not options.needs_dev_mode:
            self.backend.ensure_workspace("production")
            return
        sdk = self.backend.sdk
        # Read the workspace the session had *before* we touch it: with the login-time switch off,
        # a fresh login shows Looker's own default (production), a cached token its real state.
        auth = self.backend.client.auth
        auth.workspace = None
        project = self.backend.project_id()
        self._recover_previous(project)
        self._install_signals()
        atexit.register(self.restore)
        workspace = self.backend.workspace()
        self.state = EnvironmentState(self.backend.client.base_url, project, workspace, None, pid=os.getpid())
        self.entered = True
        auth.workspace = "dev"
        self.backend.ensure_workspace("dev")
        self.state.branch = _name(sdk.git_branch(project))
        self._write_journal()
        if options.branch is not None and options.branch != self.state.branch:
            sdk.update_git_branch(project, m.WriteGitBranch(name=options.branch))
        if options.branch is not None and options.remote_reset:
            sdk.reset_project_to_remote(project)
        if options.commit is not None:
            temporary = TEMP_PREFIX + hashlib.sha1(f"{time.time()}{os.getpid()}".encode()).hexdigest()[:10]
            self.state.temporary_branch = temporary
            self._write_journal()  # before creating it: a crash right after must still delete it
            created = sdk.create_git_branch(project, m.WriteGitBranch(name=temporary, ref=options.commit))
            if (
                created.ref
                and not str(created.ref).startswith(options.commit)
                and not options.commit.startswith(str(created.ref))
            ):
                sdk.update_git_branch(project, m.WriteGitBranch(name=temporary, ref=options.commit))

    # -- exit -------------------------------------------------------------------------------------
    def restore(self) -> None:
        """Check the previous branch out, delete the temporary one, restore the workspace."""
        with self._lock:
            if self._restored or not self.entered or self.state is None:
                self._uninstall_signals()
                return
            self._restored = True
        with _sigint_ignored():
            problems = _restore(self.backend, self.state)
        self._uninstall_signals()
        with contextlib.suppress(Exception):
            atexit.unregister(self.restore)
        if problems:
            warnings.warn(
                "pytest-looker could not fully restore Looker's state: " + "; ".join(problems),
                RestoreWarning,
                stacklevel=2,
            )
        else:
            self._remove_journal()

    # -- journal ----------------------------------------------------------------------------------
    def _journal_path(self, project: str) -> Path | None:
        if self.journal_dir is None:
            return None
        key = hashlib.sha256(f"{self.backend.client.base_url}\n{project}".encode()).hexdigest()[:24]
        return self.journal_dir / f"{key}.json"

    def _write_journal(self) -> None:
        if self.state is None:
            return
        path = self._journal_path(self.state.project)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self.state)), encoding="utf-8")
        os.replace(temporary, path)

    def _remove_journal(self) -> None:
        if self.state is not None and (path := self._journal_path(self.state.project)) is not None:
            with contextlib.suppress(OSError):
                path.unlink()

    def _recover_previous(self, project: str) -> None:
        path = self._journal_path(project)
        if path is None or not path.is_file():
            return
        try:
            previous = EnvironmentState(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            path.unlink(missing_ok=True)
            return
        if previous.pid and previous.pid != os.getpid() and _alive(previous.pid):
            raise LookerError(
                f"another pytest-looker run (pid {previous.pid}) is using the dev branch of this Looker user;"
                " runs of one API user cannot share a dev workspace: wait for it, or use another API user"
            )
        warnings.warn(
            f"restoring Looker state left by an interrupted run (branch {previous.branch!r})",
            RestoreWarning,
            stacklevel=3,
        )
        problems = _restore(self.backend, previous)
        if not problems:
            path.unlink(missing_ok=True)

    # -- signals ----------------------------------------------------------------------------------
    def _install_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        with contextlib.suppress(ValueError, OSError):
            current = signal.getsignal(signal.SIGTERM)
            if current in (signal.SIG_DFL, None):
                self._previous_sigterm = current
                signal.signal(signal.SIGTERM, _sigterm_to_interrupt)

    def _uninstall_signals(self) -> None:
        if self._previous_sigterm is None or threading.current_thread() is not threading.main_thread():
            return
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGTERM, self._previous_sigterm)
        self._previous_sigterm = None


def _restore(backend: LookerAPI, state: EnvironmentState) -> list[str]:
    """Undo what ``state`` records; each step tried even if an earlier one failed."""
    sdk = backend.sdk
    problems: list[str] = []
    try:
        backend.ensure_workspace("dev")
    except LookerError as exc:
        problems.append(f"switching to dev to restore: {exc}")
    if state.branch is not None:
        try:
            if _name(sdk.git_branch(state.project)) != state.branch:
                sdk.update_git_branch(state.project, m.WriteGitBranch(name=state.branch))
        except LookerError as exc:
            problems.append(f"checking out {state.branch!r} again: {exc}")
    if state.temporary_branch is not None:
        try:
            sdk.delete_git_branch(state.project, state.temporary_branch)
        except LookerError as exc:
            if getattr(exc, "status", 0) != 404:  # never created, or already gone
                problems.append(f"deleting the temporary branch {state.temporary_branch!r}: {exc}")
    try:
        backend.client.auth.workspace = state.workspace
        backend.ensure_workspace(state.workspace)
    except LookerError as exc:
        problems.append(f"switching back to the {state.workspace} workspace: {exc}")
    return problems


def _name(branch: m.GitBranch) -> str | None:
    return str(branch.name) if branch.name else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sigterm_to_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT (main thread only) so a second Ctrl-C cannot interrupt the restore."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
