"""Git branches as Looker has them: production never moves, dev works in a clone of its own.

Looker keeps the production workspace on the production branch and gives each developer a
dev workspace on branches of their own; changing branches is a dev-mode action and never
changes what production serves. The emulator follows that with two trees:

* **production** is the project directory as it is on disk (uncommitted edits included), on
  the branch checked out there. The API never checks anything out in it.
* **dev** is a clone of the project repository in a temporary directory, made on the first
  branch change. Its ``origin`` is the project directory, so the refs Looker clients send
  (``origin/main``, a commit SHA) resolve as they do on a real instance, and ``reset_to_remote``
  means "reset to the project directory's branch". Each branch change fetches first, so new
  commits in the project directory are seen.

Projects the main one imports (``local_dependency``) get branches that exist only as names
(:class:`ImportedBranches`): clients make temporary branches in them too.

A project directory that is not the top of a git repository (an example inside a tool's
repository, an export) has one read-only pseudo branch, ``main``, whose ``ref`` is the digest of
its files; branch changes then answer 400 naming the reason.

Branch names come from clients, so they are checked with ``git check-ref-format`` and always
passed after ``--`` or as a full ``refs/heads/`` name: never as an option.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_looker.looker.emulator.engine import Engine, project_digest
from pytest_looker.looker.emulator.errors import ApiError, validation_error

#: The production branch of a project directory that is not a git repository.
PSEUDO_BRANCH = "main"
_NOT_A_REPOSITORY = (
    "the project directory is not the top of a git repository, so it has no branches to change:"
    " serve a git checkout of the project for dev-mode branch changes"
)
_SHORT_SHA = re.compile(r"^[0-9a-fA-F]{4,40}$")


class Git:
    """``git -C <root> ...`` with Looker's statuses on failure."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        try:
            done = subprocess.run(
                ["git", "-C", str(self.root), *args], capture_output=True, text=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ApiError(500, f"git failed: {type(exc).__name__}") from None
        if check and done.returncode != 0:
            last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
            raise ApiError(400, f"git {args[0]} failed: {last}")
        return done

    def out(self, *args: str) -> str:
        return self(*args).stdout.strip()

    def is_top(self) -> bool:
        """Whether the directory is the top of a git work tree (a Looker project is a whole repository)."""
        try:
            done = self("rev-parse", "--show-toplevel", check=False)
        except ApiError:
            return False
        top = done.stdout.strip()
        return done.returncode == 0 and bool(top) and Path(top).resolve() == self.root.resolve()

    def head_name(self) -> str:
        """The checked-out branch, or the commit SHA of a detached HEAD (Looker shows the ref)."""
        done = self("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        return done.stdout.strip() if done.returncode == 0 else self.out("rev-parse", "HEAD")

    def sha(self, ref: str) -> str | None:
        done = self("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        return done.stdout.strip() if done.returncode == 0 else None

    def commit_time(self, ref: str) -> int:
        text = self("show", "-s", "--format=%ct", ref, check=False).stdout.strip()
        return int(text) if text.isdigit() else 0


def branch_json(
    name: str, ref: str | None, *, commit_at: int, production: bool, local: bool = True, remote: bool = False
) -> dict[str, Any]:
    """A ``GitBranch``."""
    return {
        "name": name,
        "remote": "origin" if remote else None,
        "remote_name": name if remote else None,
        "error": None,
        "message": None,
        "owner_name": None,
        "readonly": production,
        "personal": not production,
        "is_local": local,
        "is_remote": remote,
        "is_production": production,
        "ahead_count": 0,
        "behind_count": 0,
        "commit_at": commit_at,
        "ref": ref,
        "remote_ref": ref if remote else None,
        "can": {},
    }


class ProjectTrees:
    """The production tree (the project directory) and, once needed, the dev clone.

    ``dev_engine`` builds the engine that serves a directory (sharing production's database).
    Every method raises :class:`ApiError` with Looker's statuses.
    """

    def __init__(self, production: Engine, dev_engine: Callable[[Path], Engine]) -> None:
        self.production = production
        self._make_engine = dev_engine
        self.root = production.root
        self.git = Git(self.root)
        self.is_repository = self.git.is_top()
        self.production_branch = self.git.head_name() if self.is_repository else PSEUDO_BRANCH
        self._lock = threading.RLock()
        self._temp: tempfile.TemporaryDirectory[str] | None = None
        self._dev: Git | None = None
        self.dev: Engine | None = None

    # -- which tree a session reads --------------------------------------------------------------
    def engine_for(self, workspace_id: str) -> Engine:
        """Production's engine, or in dev mode the clone's once a branch was changed."""
        if workspace_id == "dev" and self.dev is not None:
            return self.dev
        return self.production

    # -- reading ---------------------------------------------------------------------------------
    def production_json(self) -> dict[str, Any]:
        """The production branch as it is on disk."""
        if not self.is_repository:
            return branch_json(PSEUDO_BRANCH, project_digest(self.root), commit_at=0, production=True)
        sha = self.git.out("rev-parse", "HEAD")
        return branch_json(self.production_branch, sha, commit_at=self.git.commit_time(sha), production=True)

    def current(self, workspace_id: str) -> dict[str, Any]:
        """``GET git_branch``: production's branch, or the dev clone's checked-out branch."""
        with self._lock:
            if workspace_id != "dev" or self._dev is None:
                return self.production_json()
            name = self._dev.head_name()
            sha = self._dev.out("rev-parse", "HEAD")
            return branch_json(name, sha, commit_at=self._dev.commit_time(sha), production=False)

    def branches(self) -> list[dict[str, Any]]:
        """Every branch: the project directory's (``origin``) and the dev clone's own."""
        with self._lock:
            if not self.is_repository:
                return [self.production_json()]
            git = self._dev or self.git
            if self._dev is not None:
                self._fetch()
            local = self._refs(git, "refs/heads")
            remote = self._refs(git, "refs/remotes/origin") if self._dev is not None else local
            result = []
            for name in sorted({*local, *remote}, key=lambda n: (n != self.production_branch, n)):
                sha, when = local.get(name) or remote[name]
                production = name == self.production_branch
                result.append(
                    branch_json(
                        name, sha, commit_at=when, production=production, local=name in local, remote=name in remote
                    )
                )
            return result

    def branch(self, name: str) -> dict[str, Any]:
        for item in self.branches():
            if item["name"] == name:
                return item
        raise ApiError(404, f"branch {name!r} not found")

    # -- changing (dev mode) ---------------------------------------------------------------------
    def checkout(self, name: str) -> dict[str, Any]:
        """``PUT {"name"}``: check out a branch in the dev clone (from ``origin`` when new there)."""
        with self._lock:
            git = self._ensure_dev()
            self._check_name(git, name)
            local = git.sha(f"refs/heads/{name}")
            remote = git.sha(f"refs/remotes/origin/{name}")
            if local is None and remote is None:
                raise ApiError(404, f"branch {name!r} not found")
            if local is None:
                git("checkout", "--quiet", "-b", name, f"refs/remotes/origin/{name}", "--")
            else:
                git("checkout", "--quiet", name, "--")
                # Nothing commits in the clone, so a branch behind its remote was never changed
                # here: bring it up to date, as a developer pulling before testing would.
                if remote and remote != local and self._is_ancestor(git, local, remote):
                    git("reset", "--quiet", "--hard", remote)
            return self._changed()

    def reset_to(self, name: str, ref: str) -> dict[str, Any]:
        """``PUT {"name", "ref"}``: check the branch out and hard-reset it to ``ref``."""
        with self._lock:
            git = self._ensure_dev()
            sha = self._resolve(git, ref)
            self.checkout(name)
            git("reset", "--quiet", "--hard", sha)
            return self._changed()

    def create(self, name: str, ref: str | None) -> dict[str, Any]:
        """``POST``: create a branch (at ``ref``, else the current one) and check it out; 409 if it exists."""
        with self._lock:
            git = self._ensure_dev()
            self._check_name(git, name)
            if git.sha(f"refs/heads/{name}") is not None:
                raise ApiError(409, f"branch {name!r} already exists")
            start = self._resolve(git, ref) if ref else "HEAD"
            git("checkout", "--quiet", "-b", name, start, "--")
            return self._changed()

    def delete(self, name: str) -> None:
        """Delete a dev branch that is neither checked out nor the production branch (400 otherwise:
        the spec declares no 422 here)."""
        with self._lock:
            git = self._ensure_dev()
            if git("check-ref-format", "--branch", name, check=False).returncode != 0 or name.startswith("-"):
                raise ApiError(400, f"invalid branch name {name!r}")
            if name == self.production_branch:
                raise ApiError(400, f"cannot delete the production branch {name!r}")
            if git.sha(f"refs/heads/{name}") is None:
                raise ApiError(404, f"branch {name!r} not found")
            if name == git.head_name():
                raise ApiError(400, f"cannot delete the checked-out branch {name!r}")
            git("branch", "--quiet", "-D", name)

    def reset_to_remote(self) -> None:
        """Reset the dev branch to the project directory's branch of the same name (if any)."""
        with self._lock:
            git = self._ensure_dev()
            remote = git.sha(f"refs/remotes/origin/{git.head_name()}")
            if remote is not None:
                git("reset", "--quiet", "--hard", remote)
                self._changed()

    def reset_to_production(self) -> None:
        """Reset the dev branch to the production branch's commit."""
        with self._lock:
            git = self._ensure_dev()
            git("reset", "--quiet", "--hard", self._resolve(git, f"origin/{self.production_branch}"))
            self._changed()

    def close(self) -> None:
        with self._lock:
            if self.dev is not None:
                self.dev.workspace.close()
                self.dev = None
            if self._temp is not None:
                with contextlib.suppress(OSError):
                    self._temp.cleanup()
                self._temp = None

    # -- helpers ---------------------------------------------------------------------------------
    def _ensure_dev(self) -> Git:
        """The dev clone, made on first use; fetched so ``origin/*`` is the project directory now."""
        if not self.is_repository:
            raise ApiError(400, _NOT_A_REPOSITORY)
        if self._dev is not None:
            self._fetch()
            return self._dev
        self._temp = tempfile.TemporaryDirectory(prefix="pytest-looker-dev-")
        clone = Path(self._temp.name) / self.root.name
        self.git("clone", "--quiet", "--no-hardlinks", str(self.root), str(clone))
        self._dev = Git(clone)
        self.dev = self._make_engine(clone)
        return self._dev

    def _fetch(self) -> None:
        assert self._dev is not None
        self._dev("fetch", "--quiet", "--prune", "--force", "origin", "+refs/heads/*:refs/remotes/origin/*")

    def _changed(self) -> dict[str, Any]:
        """After a change in the clone: its engine reloads the files; the checked-out branch."""
        assert self._dev is not None and self.dev is not None
        self.dev.reload()
        return self.current("dev")

    @staticmethod
    def _refs(git: Git, prefix: str) -> dict[str, tuple[str, int]]:
        listing = git.out("for-each-ref", "--format=%(refname)%00%(objectname)%00%(committerdate:unix)", prefix)
        found: dict[str, tuple[str, int]] = {}
        for line in listing.splitlines():
            refname, sha, when = line.split("\x00")
            name = refname.removeprefix(prefix + "/")
            if name != "HEAD":
                found[name] = (sha, int(when or 0))
        return found

    @staticmethod
    def _is_ancestor(git: Git, older: str, newer: str) -> bool:
        return git("merge-base", "--is-ancestor", older, newer, check=False).returncode == 0

    @staticmethod
    def _resolve(git: Git, ref: str) -> str:
        """A commit for ``ref``: a branch, ``origin/<branch>``, a tag or a (short) SHA."""
        if not ref or ref.startswith("-"):
            raise validation_error("ref", f"invalid ref {ref!r}")
        for candidate in (ref, f"refs/remotes/{ref}" if ref.startswith("origin/") else None):
            if candidate and (sha := git.sha(candidate)) is not None:
                return sha
        kind = "commit" if _SHORT_SHA.match(ref) else "ref"
        raise validation_error("ref", f"{kind} {ref!r} does not exist")

    @staticmethod
    def _check_name(git: Git, name: str) -> None:
        if not name or name.startswith("-"):
            raise validation_error("name", f"invalid branch name {name!r}")
        if git("check-ref-format", "--branch", name, check=False).returncode != 0:
            raise validation_error("name", f"invalid branch name {name!r}")


class ImportedBranches:
    """Branches of a project the main one imports (``local_dependency``), as clients see them.

    Looker keeps imported projects as projects of their own, and clients such as Spectacles make
    temporary branches in them in dev mode. The emulator serves an import's files as part of the
    main project, as found on disk, so these branches exist only as names: changing them is
    accepted and changes nothing that is served.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._ref = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()
        self._branches = {PSEUDO_BRANCH}
        self._current = PSEUDO_BRANCH
        self._lock = threading.Lock()

    def _json(self, name: str) -> dict[str, Any]:
        return branch_json(name, self._ref, commit_at=0, production=name == PSEUDO_BRANCH)

    def current(self, workspace_id: str) -> dict[str, Any]:
        return self._json(self._current if workspace_id == "dev" else PSEUDO_BRANCH)

    def branches(self) -> list[dict[str, Any]]:
        return [self._json(name) for name in sorted(self._branches)]

    def branch(self, name: str) -> dict[str, Any]:
        if name not in self._branches:
            raise ApiError(404, f"branch {name!r} not found")
        return self._json(name)

    def checkout(self, name: str) -> dict[str, Any]:
        with self._lock:
            self.branch(name)
            self._current = name
            return self._json(name)

    def reset_to(self, name: str, ref: str) -> dict[str, Any]:
        return self.checkout(name)

    def create(self, name: str, ref: str | None) -> dict[str, Any]:
        with self._lock:
            if name in self._branches:
                raise ApiError(409, f"branch {name!r} already exists")
            self._branches.add(name)
            self._current = name
            return self._json(name)

    def delete(self, name: str) -> None:
        with self._lock:
            self.branch(name)
            if name in (PSEUDO_BRANCH, self._current):
                raise ApiError(400, f"cannot delete the production or checked-out branch {name!r}")
            self._branches.discard(name)

    def reset_to_remote(self) -> None:
        return None

    def reset_to_production(self) -> None:
        return None
