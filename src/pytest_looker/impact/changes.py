"""What changed since a git ref: the project at the ref, compiled, compared with the working tree.

The project at ``REF`` is extracted with ``git archive`` into a temporary directory (no checkout,
no worktree to clean up, the user's working tree untouched) and loaded with the same settings.
Both sides are fingerprinted (:mod:`pytest_looker.impact.fingerprint`); an item is affected when
its fingerprint differs or exists on one side only. Unit specs live outside the project too, so
each spec file is read at the ref with ``git show``. A change under the seed directory changes
the data every backend item reads, so it selects them all — we cannot tell which rows matter.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_looker.errors import ConfigurationError
from pytest_looker.impact.fingerprint import Fingerprints, ItemKey, fingerprint_project, spec_fingerprint
from pytest_looker.lookml import Project, load_project
from pytest_looker.settings import Settings

__all__ = ["Impact", "compute_impact", "git", "spec_changed"]

#: Item kinds that read the backend's data (a seed change affects them).
DATA_KINDS = frozenset({"sql", "keys", "relationships", "lookml-test"})


def git(directory: Path, *args: str, binary: bool = False) -> Any:
    """Run git in ``directory``; a failure is a :class:`ConfigurationError` with git's message."""
    try:
        done = subprocess.run(["git", "-C", str(directory), *args], capture_output=True, check=False)
    except OSError as exc:
        raise ConfigurationError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ConfigurationError(f"git {' '.join(args[:2])} failed: {message[-1] if message else done.returncode}")
    return done.stdout if binary else done.stdout.decode("utf-8", "replace")


def _check_ref(top: Path, ref: str) -> None:
    """A ref git does not know is one sentence naming it and the refs there are (a CI checkout is
    often shallow, with no ``origin/main``), not git's exit status."""
    try:
        git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except ConfigurationError:
        refs = git(top, "for-each-ref", "--format=%(refname:short)", "--count=12").split()
        known = f"known refs: {', '.join(refs)}" if refs else "the repository has no branches or tags yet"
        hint = " (in CI, fetch it first: git fetch origin main, or actions/checkout with fetch-depth: 0)"
        raise ConfigurationError(
            f"git ref {ref!r} is not a commit of the repository at {top} ({known}){hint if '/' in ref else ''}"
        ) from None


def repository_root(directory: Path) -> Path:
    return Path(git(directory, "rev-parse", "--show-toplevel").strip()).resolve()


def _extract(top: Path, ref: str, prefix: str, into: Path) -> None:
    _check_ref(top, ref)
    listing = git(top, "ls-tree", "-r", "--name-only", ref, "--", prefix or ".").strip()
    if not listing:
        return
    archive = git(top, "archive", "--format=tar", ref, "--", prefix or ".", binary=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
        tar.extractall(into, members=members)


@dataclass
class Impact:
    """Items whose inputs differ between ``ref`` and the working tree, and the changed fields."""

    ref: str
    before: Fingerprints
    after: Fingerprints
    seeds_changed: list[str] = field(default_factory=list)
    spec_cache: dict[tuple[str, str], str | None] = field(default_factory=dict)
    ref_project: Project | None = None
    dialect_for: Callable[[str], str] | None = None
    top: Path | None = None

    def changed_items(self) -> set[ItemKey]:
        keys = set(self.before.items) | set(self.after.items)
        return {k for k in keys if self.before.items.get(k) != self.after.items.get(k)}

    def affects(self, key: ItemKey) -> bool:
        if self.seeds_changed and key[0] in DATA_KINDS:
            return True
        return key in self.changed_items()

    def changed_fields(self) -> dict[str, str]:
        """``model/explore::alias.field`` → ``changed``, ``added`` or ``removed``."""
        result = {}
        for name in set(self.before.fields) | set(self.after.fields):
            old, new = self.before.fields.get(name), self.after.fields.get(name)
            if old != new:
                result[name] = "added" if old is None else "removed" if new is None else "changed"
        return result


def compute_impact(project: Project, settings: Settings, ref: str, root: Path) -> Impact:
    """Compile the project at ``ref`` and now; ``root`` is the project directory."""
    top = repository_root(root)
    prefix = root.resolve().relative_to(top).as_posix() if root.resolve() != top else ""

    def dialect_for_project(target: Project) -> Callable[[str], str]:
        return lambda model: settings.dialect_for(target.models[model].connection if model in target.models else None)

    with tempfile.TemporaryDirectory(prefix="pytest-looker-ref-") as temp:
        _extract(top, ref, prefix, Path(temp))
        old_root = Path(temp) / prefix if prefix else Path(temp)
        old_root.mkdir(parents=True, exist_ok=True)
        old = load_project(
            old_root, constants=settings.constants, dependency_paths=settings.dependency_paths, cache_dir=None
        )
    before = fingerprint_project(old, dialect_for_project(old))
    after = fingerprint_project(project, dialect_for_project(project))
    seeds: list[str] = []
    if settings.seeds is not None and settings.seeds.is_dir():
        try:
            seeds_rel = settings.seeds.resolve().relative_to(top).as_posix()
        except ValueError:
            seeds_rel = None
        if seeds_rel is not None:
            changed = git(top, "diff", "--name-only", ref, "--", seeds_rel).split()
            changed += git(top, "ls-files", "--others", "--exclude-standard", "--", seeds_rel).split()
            seeds = sorted(set(changed))
    return Impact(ref, before, after, seeds, ref_project=old, dialect_for=dialect_for_project(old), top=top)


def spec_changed(impact: Impact, spec: Any, path: Path, project: Project, dialect_for: Callable[[str], str]) -> bool:
    """Whether a unit spec (in the file ``path``) differs from its version at the ref."""
    from pytest_looker.checks.specs import SpecError, load_specs

    assert impact.top is not None and impact.ref_project is not None and impact.dialect_for is not None
    try:
        relative = path.resolve().relative_to(impact.top).as_posix()
    except ValueError:
        return True
    key = (relative, spec.name)
    if key not in impact.spec_cache:
        impact.spec_cache.update(_old_specs(impact, relative, load_specs, SpecError))
        impact.spec_cache.setdefault(key, None)
    old = impact.spec_cache[key]
    if old is None or spec.problem is not None:
        return True
    now = spec_fingerprint(project, spec, dialect_for)
    return now != old


def _old_specs(impact: Impact, relative: str, load_specs: Any, error: type[Exception]) -> dict[tuple[str, str], str]:
    assert impact.top is not None and impact.ref_project is not None and impact.dialect_for is not None
    try:
        text = git(impact.top, "show", f"{impact.ref}:{relative}")
    except ConfigurationError:
        return {}
    with tempfile.TemporaryDirectory(prefix="pytest-looker-spec-") as temp:
        path = Path(temp) / Path(relative).name
        path.write_text(text, encoding="utf-8")
        try:
            specs = load_specs(path, relative)
        except error:
            return {}
    return {(relative, s.name): spec_fingerprint(impact.ref_project, s, impact.dialect_for) for s in specs}


def spec_files(top: Path) -> Iterable[Path]:
    """Every ``*.lkmltest.yml`` in the repository (tracked or new, not ignored)."""
    listed = git(top, "ls-files", "-co", "--exclude-standard", "--", "*.lkmltest.yml", "*.lkmltest.yaml")
    return [top / line for line in listed.splitlines() if line.strip() and (top / line).is_file()]
