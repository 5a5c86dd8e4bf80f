"""Git branch endpoints over the project's local checkout, through the ``git`` command.

Looker keeps one production branch and a personal dev branch per developer; branch changes
are only allowed in the ``dev`` workspace. The emulator has one working tree: the branch checked
out when it started is the production branch, and a checkout in dev mode changes the files the
emulator serves (the engine reloads the project afterwards). ``PUT`` with a ``ref`` is Looker's
"reset the branch to this commit" (``git reset --hard``); there is no remote to force-push to.

Branch names come from clients, so they are checked with ``git check-ref-format`` and always
passed after ``--`` or as a full ``refs/heads/`` name: never as an option.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from pytest_looker.looker.emulator.errors import ApiError, validation_error

_SHA = re.compile(r"^[0-9a-fA-F]{4,40}$")


class GitRepo:
    """The project's checkout; every method raises :class:`ApiError` with Looker's statuses."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.production_branch: str | None = None
        if self.available:
            self.production_branch = self.current()

    @property
    def available(self) -> bool:
        """Whether the project directory is the top of a git work tree.

        A Looker project is a whole repository. A project in a subdirectory of a larger
        repository (an example inside its tool's repo, a monorepo) is served without git
        endpoints, so that a checkout through the API never switches somebody else's tree.
        """
        try:
            done = self._git("rev-parse", "--show-toplevel", check=False)
        except ApiError:
            return False
        if done.returncode != 0 or not done.stdout.strip():
            return False
        return Path(done.stdout.strip()).resolve() == self.root.resolve()

    def _git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        try:
            done = subprocess.run(
                ["git", "-C", str(self.root), *args], capture_output=True, text=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ApiError(500, f"git failed: {type(exc).__name__}") from None
        if check and done.returncode != 0:
            raise ApiError(
                422, f"git {args[0]} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}"
            )
        return done

    def require(self) -> None:
        if not self.available:
            raise ApiError(
                400, "the project directory is not the top of a git checkout: git branch endpoints are unavailable"
            )

    def current(self) -> str:
        done = self._git("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        if done.returncode != 0:
            return self._git("rev-parse", "HEAD").stdout.strip()  # detached HEAD: Looker shows the ref
        return done.stdout.strip()

    def branches(self) -> list[dict[str, Any]]:
        """Every local branch as a ``GitBranch``."""
        self.require()
        listing = self._git(
            "for-each-ref", "--format=%(refname:short)%00%(objectname)%00%(committerdate:unix)", "refs/heads"
        ).stdout
        current = self.current()
        result = []
        for line in listing.splitlines():
            name, sha, when = line.split("\x00")
            result.append(self._branch(name, sha, int(when or 0), current))
        return result

    def branch(self, name: str) -> dict[str, Any]:
        """One local branch; 404 when it does not exist."""
        self.require()
        for item in self.branches():
            if item["name"] == name:
                return item
        raise ApiError(404, f"branch {name!r} not found")

    def current_branch(self) -> dict[str, Any]:
        self.require()
        name = self.current()
        try:
            return self.branch(name)
        except ApiError:
            sha = self._git("rev-parse", "HEAD").stdout.strip()
            return self._branch(name, sha, self._commit_time(sha), name)

    def checkout(self, name: str) -> dict[str, Any]:
        """Switch to an existing branch (``PUT`` with only a name)."""
        self._check_name(name)
        self.branch(name)
        self._git("checkout", "--quiet", name, "--")
        return self.current_branch()

    def reset_to(self, name: str, ref: str) -> dict[str, Any]:
        """``PUT {"name", "ref"}``: check the branch out and hard-reset it to ``ref``."""
        sha = self._resolve(ref)
        self.checkout(name)
        self._git("reset", "--quiet", "--hard", sha)
        return self.current_branch()

    def create(self, name: str, ref: str | None) -> dict[str, Any]:
        """``POST``: create a branch (at ``ref`` or HEAD) and check it out; 409 when it exists."""
        self.require()
        self._check_name(name)
        if self._git("show-ref", "--verify", "--quiet", f"refs/heads/{name}", check=False).returncode == 0:
            raise ApiError(409, f"branch {name!r} already exists")
        start = self._resolve(ref) if ref else "HEAD"
        self._git("checkout", "--quiet", "-b", name, start, "--")
        return self.current_branch()

    def delete(self, name: str) -> None:
        """Delete a local branch that is neither checked out nor the production branch."""
        self._check_name(name)
        self.branch(name)
        if name == self.production_branch:
            raise validation_error("name", f"cannot delete the production branch {name!r}")
        if name == self.current():
            raise validation_error("name", f"cannot delete the checked-out branch {name!r}")
        self._git("branch", "--quiet", "-D", name)

    def _resolve(self, ref: str) -> str:
        if ref.startswith("-"):
            raise validation_error("ref", f"invalid ref {ref!r}")
        done = self._git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        if done.returncode != 0:
            raise validation_error("ref", f"ref {ref!r} does not exist")
        return done.stdout.strip()

    def _check_name(self, name: str) -> None:
        if not name or name.startswith("-"):
            raise validation_error("name", f"invalid branch name {name!r}")
        if self._git("check-ref-format", "--branch", name, check=False).returncode != 0:
            raise validation_error("name", f"invalid branch name {name!r}")

    def _commit_time(self, sha: str) -> int:
        text = self._git("show", "-s", "--format=%ct", sha, check=False).stdout.strip()
        return int(text) if text.isdigit() else 0

    def _branch(self, name: str, sha: str, when: int, current: str) -> dict[str, Any]:
        production = name == self.production_branch
        return {
            "name": name,
            "remote": None,
            "remote_name": None,
            "error": None,
            "message": None,
            "owner_name": None,
            "readonly": production,
            "personal": not production,
            "is_local": True,
            "is_remote": False,
            "is_production": production,
            "ahead_count": 0,
            "behind_count": 0,
            "commit_at": when,
            "ref": sha,
            "remote_ref": None,
            "can": {},
        }
