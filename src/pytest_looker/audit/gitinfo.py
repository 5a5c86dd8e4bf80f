"""The LookML project's version: git commit, branch, dirty state — and its files' content hashes.

Git answers "which version of the models was tested"; the content hashes answer it even when
git cannot (no git, a dirty tree, a tarball): an auditor can hash the files they are shown
and compare. Git is asked through a subprocess with a short timeout; anything that goes wrong
(no git, not a repository, a refused safe.directory) is recorded as unknown with the reason,
never raised — the tests ran whatever git says.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path
from typing import Any

from pytest_looker.secrets import mask_url

__all__ = ["git_info", "lookml_hashes"]

_TIMEOUT = 5.0
#: How many dirty paths are listed (the count is always given).
_MAX_DIRTY = 50
#: Directories never walked for LookML files.
_SKIP_DIRS = frozenset({".git", ".pytest-looker", "node_modules", "__pycache__", ".venv", "venv"})
_SUFFIXES = (".lkml", ".lookml", ".lkmltest.yml", ".lkmltest.yaml")


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        check=False,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
    )
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise RuntimeError(lines[0] if lines else f"git {args[0]} failed")
    return done.stdout


def git_info(project: Path, exclude: tuple[Path, ...] = ()) -> dict[str, Any]:
    """``{"status": "ok"|"unknown: why", "commit", "branch", "dirty", "dirty_files", "remote"}``.

    Dirty means uncommitted changes (or untracked files) inside the project directory, not
    elsewhere in the repository; ``exclude`` (the audit log itself) does not count.
    """
    unknown: dict[str, Any] = {"commit": None, "branch": None, "dirty": None, "dirty_files": [], "remote": None}
    try:
        commit = _git(project, "rev-parse", "--verify", "HEAD").strip()
    except FileNotFoundError:
        return {"status": "unknown: git is not installed", **unknown}
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        reason = str(exc) or "git failed"
        if "not a git repository" in reason:
            reason = "not a git repository"
        return {"status": f"unknown: {reason}", **unknown}
    info: dict[str, Any] = {"status": "ok", **unknown, "commit": commit}
    try:
        branch = _git(project, "rev-parse", "--abbrev-ref", "HEAD").strip()
        info["branch"] = None if branch == "HEAD" else branch  # detached HEAD has no branch
    except (RuntimeError, OSError, subprocess.SubprocessError):
        pass
    try:
        pathspec = [".", ":(exclude,glob)**/.pytest-looker/**"]
        for path in exclude:
            try:
                pathspec.append(f":(exclude,literal){path.resolve().relative_to(project.resolve()).as_posix()}")
            except ValueError:
                continue
        status = _git(project, "status", "--porcelain", "--untracked-files=normal", "--", *pathspec)
        changed = [line[3:] for line in status.splitlines() if line.strip()]
        info["dirty"] = bool(changed)
        info["dirty_count"] = len(changed)
        info["dirty_files"] = changed[:_MAX_DIRTY]
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        info["status"] = f"partial: dirty state unknown ({exc})"
    try:
        remote = _git(project, "config", "--get", "remote.origin.url").strip()
        info["remote"] = mask_url(remote) if remote else None
    except (RuntimeError, OSError, subprocess.SubprocessError):
        pass
    return info


def lookml_hashes(project: Path) -> dict[str, Any]:
    """sha256 of every LookML (and unit-spec) file under ``project``, and one digest of them all."""
    files: dict[str, str] = {}
    root = project.resolve()
    for directory, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in names:
            if name.endswith(_SUFFIXES):
                path = Path(directory, name)
                try:
                    files[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
                except OSError as exc:
                    files[path.relative_to(root).as_posix()] = f"unreadable: {exc.strerror}"
    ordered = dict(sorted(files.items()))
    digest = hashlib.sha256("".join(f"{p}\0{h}\n" for p, h in ordered.items()).encode()).hexdigest()
    return {"root": str(root), "files": ordered, "digest": digest, "count": len(ordered)}
