"""What a check is about and what it found, as data: :class:`Target` and :class:`Outcome`.

Checks return outcomes instead of text so that every consumer renders them its own way: pytest
as a failure report at the LookML file:line, JUnit as properties, the audit trail as records,
the emulator as Looker's API shapes, CI as annotations — and none of them has to parse a string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_looker.errors import Location

__all__ = ["Outcome", "Problem", "Target"]


@dataclass(frozen=True)
class Target:
    """The LookML thing an item or a check is about.

    ``kind`` is the item kind (``lookml-test``, ``unit``, ``sql``, ``keys``, ``relationships``,
    ``dashboard``, ``lookml``, ``python``); ``label`` how reports name it (``model/explore``…).
    """

    kind: str
    label: str
    location: Location | None = None
    model: str | None = None
    explore: str | None = None
    view: str | None = None
    test: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able form (it travels on pytest reports from xdist workers)."""
        data: dict[str, Any] = {"kind": self.kind, "label": self.label}
        if self.location is not None:
            data["file"] = self.location.file
            data["line"] = self.location.line
        for key in ("model", "explore", "view", "test"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Target:
        file = data.get("file")
        location = Location(str(file), data.get("line")) if file else None
        return cls(
            kind=str(data.get("kind", "")),
            label=str(data.get("label", "")),
            location=location,
            model=data.get("model"),
            explore=data.get("explore"),
            view=data.get("view"),
            test=data.get("test"),
        )


@dataclass(frozen=True)
class Problem:
    """One finding: a sentence, where it is, and what it is about.

    ``detail`` holds a multi-line body (failing rows, a table diff); ``field`` the
    ``view.field`` it concerns; ``cause`` a key shared by problems with one root cause (a
    missing user attribute, a missing table), so reports can group them.
    """

    message: str
    location: Location | None = None
    field: str | None = None
    detail: str | None = None
    cause: str | None = None

    def text(self) -> str:
        """The problem as a paragraph of a report."""
        head = f"{self.location}  {self.field}\n    {self.message}" if self.field else self.message
        if self.field is None and self.location is not None and str(self.location) not in self.message:
            head = f"{self.message} ({self.location})"
        return f"{head}\n{self.detail}" if self.detail else head


@dataclass(frozen=True)
class Outcome:
    """What one check found about its target.

    ``headline`` summarises a failure ("2 of 5 assert(s) failed"); ``sql`` is every statement it
    ran (or, for a failure, the one to look at first); ``skipped`` says why it did not run.
    ``warnings`` are problems that do not fail the target; each keeps its own location (a file's
    LookML warnings are at different lines), so reports point at the line it is about.
    """

    target: Target
    problems: tuple[Problem, ...] = ()
    headline: str | None = None
    warnings: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    sql: tuple[str, ...] = ()
    rows: int | None = None
    skipped: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.problems and self.skipped is None

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    def report(self) -> str:
        """The whole failure as text: headline, each problem, and the SQL to look at."""
        if self.headline is None and len(self.problems) == 1:
            parts = [self.problems[0].text()]
        else:
            parts = [self.headline or f"{self.target.kind} {self.target.label}: {len(self.problems)} problem(s)"]
            parts += [problem.text() for problem in self.problems]
        if self.sql:
            parts.append("SQL:\n" + self.sql[-1])
        return "\n\n".join(parts)
