"""Validation failures grouped by root cause, each with what to do about it.

A project seen offline for the first time can fail on thousands of fields for a handful of
reasons: one user attribute not set, one table without data, one broken measure that a native
derived table selects. Listing each field buries the reasons; counting an explore whose fields
all fail as one failure hides how much is broken. A :class:`Cause` is one reason, the failures
it explains (counted per field) and the fix, and says whose problem it is (:data:`KINDS`):

* ``lookml`` — the LookML is wrong: Looker or the warehouse would reject it too;
* ``configuration`` — the run lacks a setting (a user attribute, a parameter value);
* ``data`` — the offline data lacks a table or column, or has another type, than the SQL reads;
* ``translation`` — valid warehouse SQL that pytest-looker cannot express in DuckDB (a limit of
  the tool, never the LookML's fault);
* ``dependency`` — a project the LookML imports is not available.

The kind is read from the error: the compiler's and the translator's own sentences, and the
database's error classes (DuckDB's "Catalog Error", "Binder Error", "Parser Error").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_looker.checks.validation import Failure
from pytest_looker.compile.rejected import REJECTED_TOO
from pytest_looker.compile.transpile import NO_PARAMETER_VALUE, NOT_VALID, TRANSLATION_LIMIT

KINDS = ("lookml", "configuration", "data", "translation", "dependency")

_EVERY_FIELD = "every field fails: "
_FIELD_PREFIX = re.compile(r"^(?:field )?[A-Za-z_][\w]*\.[A-Za-z_][\w]*: ")
_USER_ATTRIBUTE = re.compile(r"user attribute '([^']+)'")
_MISSING_TABLE = re.compile(r"Table with name (\S+?) does not exist")
_MISSING_SCHEMA = re.compile(r"(?:Schema|Catalog) with name (\S+?) does not exist")
_MISSING_COLUMN = re.compile(r'Table "([^"]+)" does not have a column named "([^"]+)"')
_MISSING_REFERENCED = re.compile(r'Referenced column "([^"]+)" not found')
_DERIVED_COLUMN = re.compile(r'Values list "([^"]+)" does not have a column named "([^"]+)"')
_MISSING_FUNCTION = re.compile(r"(?:Scalar|Table|Aggregate) Function with name (\S+?) does not exist")
_UNKNOWN_OBJECT = re.compile(r"unknown (?:explore|view) '")
#: a field missing from a view (``… view 'v' has no field 'f'``), or a view a model does not include
_MISSING_FIELD_OF = re.compile(r"view '(\w+)' has no field '")
_NOT_INCLUDED = re.compile(r"uses view '(\w+)', which model '[^']*' does not include")
_NO_VALUE = re.compile(rf"^{NO_PARAMETER_VALUE} ([\w.]+(?:, [\w.]+)*) ")
_NO_KEY = re.compile(r'Could not find key "([^"]+)" in struct')
_CANDIDATES = re.compile(r"Candidate Entries: (.+)")
_BINDINGS = re.compile(r"Candidate bindings:([^\n]+)")
_SYNTAX = re.compile(rf"{NOT_VALID} \w+ SQL: ")
_NESTED_ERRORS = (
    "UNNEST requires a single list",
    "UNNEST() can only be applied to lists",
    "Cannot extract field",
    "Could not find key",
)
_EXTENSION = re.compile(r"install the required extension '(\w+)")
_TYPE_ERRORS = (
    "No function matches",
    "Cannot compare values",
    "Cannot mix values",
    "Could not choose a best candidate",
    "Conversion Error",
    "Could not convert",
)


@dataclass(frozen=True)
class Cause:
    """One reason for failures: whose problem it is, what it is, what to do, what it breaks."""

    kind: str
    summary: str
    fix: str | None
    failures: tuple[Failure, ...]

    @property
    def fields(self) -> int:
        """How many fields fail for this cause (an explore-wide failure counts each field)."""
        return sum(f.count for f in self.failures)

    @property
    def explores(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f"{f.model}/{f.explore}" for f in self.failures))

    @property
    def locations(self) -> tuple[str, ...]:
        """Where the failing fields are defined (``file:line``), each once."""
        return tuple(dict.fromkeys(f"{f.file}:{f.line}" if f.line else str(f.file) for f in self.failures if f.file))

    @property
    def origins(self) -> tuple[str, ...]:
        """Where the error itself is when that is not the failing fields' own definition (a typo
        in a join's ``sql_on`` breaks the fields that need the join): ``file:line``, each once."""
        own = set(self.locations)
        found = (str(f.cause) for f in self.failures if f.cause is not None)
        return tuple(where for where in dict.fromkeys(found) if where not in own)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "summary": self.summary,
            "fix": self.fix,
            "fields": self.fields,
            "explores": list(self.explores),
            "at": list(self.origins),
            "locations": list(self.locations),
        }


def message_of(failure: Failure) -> str:
    """The failure's reason without the context the report shows anyway: the field's name and
    "every field fails", and without the database's excerpt of the query (its first line only)."""
    text = failure.message
    if text.startswith(_EVERY_FIELD):
        text = text[len(_EVERY_FIELD) :]
    while True:
        stripped = _FIELD_PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text.strip().split("\n")[0].strip()


def diagnose(message: str, view: str | None = None) -> tuple[str, str, str | None]:
    """``(kind, summary, fix)`` of one failure's reason (see the module docstring).

    ``view``: the alias of the failing field's view: a derived table's column missing behind
    another alias is missing behind a subquery of its SQL.
    """
    if message.startswith(REJECTED_TOO):
        if "declares text" in message or "no + for STRING" in message:
            return "lookml", message, "join text with CONCAT(…), or cast the fields to numbers if they hold numbers"
        if "date part keyword" in message:
            return "lookml", message, "write DATE_DIFF(end, start, DAY) (TIMESTAMP_DIFF for timestamps)"
        if "fields of a STRUCT only" in message:
            return "lookml", message, "read the field from the STRUCT column itself (${TABLE}.column.field)"
        return (
            "lookml",
            message,
            "pass the value on untouched (a `_raw` timeframe, not `_time`) or convert the text (TIMESTAMP(…))",
        )
    if message.startswith(TRANSLATION_LIMIT):
        return "translation", message, "run this explore on the warehouse (backend sqlalchemy or looker)"
    found = _USER_ATTRIBUTE.search(message)
    if found:
        name = found.group(1)
        return (
            "configuration",
            f"user attribute {name!r} is not set",
            f"set user_attributes.{name} in [tool.pytest-looker] (or --user-attribute {name}=VALUE)",
        )
    found = _NO_VALUE.match(message)
    if found:
        names = found.group(1).split(", ")
        return (
            "configuration",
            f"parameter {', '.join(names)} has no value, and the SQL does not parse without one",
            f"set {' and '.join(f'parameters.{n}' for n in names)} in [tool.pytest-looker]"
            f" (or {' '.join(f'--parameter {n}=VALUE' for n in names)})",
        )
    found = _EXTENSION.search(message)
    if found:  # a function of a DuckDB extension that cannot be fetched here (no network)
        name = found.group(1)
        return (
            "translation",
            f"{TRANSLATION_LIMIT}: DuckDB needs its {name!r} extension for this SQL and could not install it",
            f"install it once where there is network access (INSTALL {name}), or run on the warehouse",
        )
    found = _MISSING_FUNCTION.search(message)
    if found:
        name = found.group(1).strip('"')
        if name.lower() in _looker_expression_functions():
            return (
                "lookml",
                f"{name}() is a Looker expression (table calculation) function, not SQL",
                "compute it in a table calculation, or write SQL the warehouse has",
            )
        if "." in name:  # a routine of a warehouse dataset or schema: the user's own, not SQL's
            catalog = name.rpartition(".")[0]
            return (
                "configuration",
                f"function {name} is a user-defined function of the warehouse; DuckDB has no definition of it",
                f"define it in the file duckdb_setup in [tool.pytest-looker] points to"
                f" (CREATE SCHEMA {catalog} or ATTACH ':memory:' AS …, then CREATE MACRO {name}(…) AS …),"
                " or run on the warehouse",
            )
        return (
            "translation",
            f"{TRANSLATION_LIMIT}: function {name} exists only on the warehouse (no DuckDB equivalent)",
            f"if it is a user-defined function, define it in the file duckdb_setup points to"
            f" (CREATE TEMP MACRO {name}(…) AS …); else run on the warehouse",
        )
    found = _MISSING_TABLE.search(message) or _MISSING_SCHEMA.search(message)
    if found:
        table = found.group(1).strip('"')
        return (
            "data",
            f"table {table} has no data offline",
            f"add a seed for {table} (`pytest-looker scaffold data` writes one for each table the LookML reads)",
        )
    found = _MISSING_COLUMN.search(message)
    if found:
        table, column = found.groups()
        return (
            "data",
            f"the data of table {table} has no column {column}",
            f"add column {column} to the seed of {table} (re-run `pytest-looker scaffold data`)",
        )
    found = _DERIVED_COLUMN.search(message)
    if found and view is not None and found.group(1) != view:
        # Not the derived table itself but a subquery inside its SQL: most often `SELECT *` of a
        # table whose seed lacks the column (the LookML cannot say which columns it has).
        alias, column = found.groups()
        return (
            "data",
            f"column {column} is missing from the data behind {alias}, a subquery of a derived table",
            f"add column {column} to the seed of the table that {alias} reads (re-run `pytest-looker scaffold data`)",
        )
    if found:
        alias, column = found.groups()
        return (
            "lookml",
            f"{alias} has no column {column}: its derived table's SELECT does not return it",
            f"add {column} to the derived table's SELECT, or fix the field that reads it",
        )
    found = _MISSING_REFERENCED.search(message)
    if found:
        return "data", f"column {found.group(1)} is missing from the data", "re-run `pytest-looker scaffold data`"
    if any(needle in message for needle in _NESTED_ERRORS):
        return (
            "data",
            message,
            "the seed has a plain column where the SQL reads a STRUCT or an ARRAY: re-run scaffold data",
        )
    if any(needle in message for needle in _TYPE_ERRORS):
        return (
            "data",
            message,
            "compare the column types of the seeds with the warehouse's (scaffold data infers them from the LookML)",
        )
    if message.startswith("Parser Error") or _SYNTAX.search(message):
        return "lookml", message, "fix the SQL syntax (the warehouse rejects it too)"
    return "lookml", message, None


def misspelt_column(message: str) -> tuple[str, str, str] | None:
    """``(kind, summary, fix)`` when a column missing from a table's data differs by one typo
    from a column the data has (DuckDB lists those: "Candidate bindings"); ``None`` otherwise.

    Scaffolded seeds hold every column the LookML read when they were made, so a name missing
    from a seed that has one a keystroke away (``nmae`` where ``name`` is) is an edit of the
    LookML since, far more often than a new warehouse column: the user's to fix, not data to add
    (re-scaffolding would seed the typo and hide it).
    """
    found = _MISSING_COLUMN.search(message)
    listed = _BINDINGS.search(message)
    key = _NO_KEY.search(message)
    keys = _CANDIDATES.search(message)
    if found is not None and listed is not None:
        missing, offered, owner = found.group(2), listed.group(1), f"table {found.group(1)} has no column"
    elif key is not None and keys is not None:  # a struct's key (DuckDB: "Candidate Entries")
        missing, offered, owner = key.group(1), keys.group(1), "the struct has no field"
    else:
        return None
    for name in (bound.rsplit(".", 1)[-1] for bound in re.findall(r'"([^"]+)"', offered)):
        if name.lower() != missing.lower() and _one_typo_apart(name.lower(), missing.lower()):
            return (
                "lookml",
                f"{owner} {missing}, but has {name}: a typo in the LookML?",
                f"write {name}; if the warehouse's table really has {missing}, re-run `pytest-looker scaffold data`"
                " (the seeds were scaffolded from the LookML before it read this name)",
            )
    return None


def _one_typo_apart(a: str, b: str) -> bool:
    """One edit (insert, delete, replace) or one swap of neighbours between two names of 4+ letters."""
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        swapped = (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
        return len(diffs) == 1 or swapped
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def built_struct(message: str, seeded_types: Sequence[str] | None) -> tuple[str, str, str] | None:
    """``(kind, summary, fix)`` when a struct lacks a key and no seeded struct has the keys
    DuckDB lists as candidates: the struct is built by the LookML's SQL (``STRUCT(…)``), which
    BigQuery would reject alike. ``None`` when the struct may be the scaffold's."""
    key = _NO_KEY.search(message)
    candidates = _CANDIDATES.search(message)
    if seeded_types is None or key is None or candidates is None:
        return None
    names = re.findall(r'"([^"]+)"', candidates.group(1))
    if not names or any(all(f'"{n}"' in kind for n in names) for kind in seeded_types):
        return None
    return (
        "lookml",
        f"the STRUCT built by the SQL has no field {key.group(1)}",
        f"read a field the STRUCT has (closest: {', '.join(names)}), or add it to the STRUCT(…) that builds it",
    )


def _looker_expression_functions() -> frozenset[str]:
    from pytest_looker.expressions.functions.registry import FUNCTIONS

    return frozenset(FUNCTIONS)


def _missing_from_dependency(summary: str, incomplete_views: Collection[str], known_views: Collection[str]) -> bool:
    """Whether what ``summary`` finds missing is most likely a missing dependency's."""
    if _UNKNOWN_OBJECT.search(summary):
        return True
    field_of = _MISSING_FIELD_OF.search(summary)
    if field_of is not None and field_of.group(1) in incomplete_views:
        return True
    included = _NOT_INCLUDED.search(summary)
    return included is not None and included.group(1) not in known_views


_VIEW_TOKEN = "\x00view\x00"


def _shared_definitions(causes: list[Cause]) -> list[Cause]:
    """Causes that differ only in the failing field's view, at the same definitions, as one.

    A view that many views extend (a census block's ``gender`` behind nine geography views) puts
    one typo into each of them: nine summaries that name nine views, one line to fix. Merged,
    the summary names no view and says how many views share the definition."""
    merged: dict[tuple[str, str, tuple[str, ...]], list[Cause]] = {}
    order: list[tuple[str, str, tuple[str, ...]]] = []
    for cause in causes:
        views = {f.field.split(".")[0] for f in cause.failures if "." in f.field}
        view = next(iter(views)) if len(views) == 1 else None
        generic = _without_view(cause.summary, view) if view else cause.summary
        key = (cause.kind, generic if generic != cause.summary else f"\x01{cause.summary}", cause.locations)
        if key not in merged:
            order.append(key)
        merged.setdefault(key, []).append(cause)
    out: list[Cause] = []
    for key in order:
        group = merged[key]
        if len(group) == 1:
            out.append(group[0])
            continue
        names = sorted({f.field.split(".")[0] for c in group for f in c.failures})
        shown = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
        summary = key[1].replace(f"{_VIEW_TOKEN}.", "").replace(f"view '{_VIEW_TOKEN}'", "the view")
        summary = f"{summary} (in the {len(names)} views sharing this definition: {shown})"
        failures = tuple(f for c in group for f in c.failures)
        out.append(Cause(group[0].kind, summary, group[0].fix, failures))
    return out


def _without_view(summary: str, view: str) -> str:
    """``summary`` with the view's own name (``view.x``, ``view 'view'``) as a placeholder."""
    pattern = re.compile(rf"(?<![\w.]){re.escape(view)}(?=\.)|(?<=view '){re.escape(view)}(?=')")
    return pattern.sub(_VIEW_TOKEN, summary)


def group_failures(
    failures: Iterable[Failure],
    hints: Mapping[str, str] | None = None,
    *,
    missing_dependencies: Sequence[str] = (),
    seeded_types: Sequence[str] | None = None,
    incomplete_views: Collection[str] = (),
    known_views: Collection[str] = (),
) -> list[Cause]:
    """The failures grouped by cause, the cause breaking most fields first.

    ``hints`` maps a summary to a better fix (the caller knows the project: a parameter without
    value behind a missing table, for instance). ``missing_dependencies``: the project's
    ``local_dependency`` projects that were not found; an unknown explore or view is then most
    likely theirs, as is a field missing from one of the ``incomplete_views`` (views that extend
    a view the project does not have) and a view no model of the project has (``known_views``
    are those it has). ``seeded_types``: the column types the scaffold wrote (None: unknown), to
    tell a struct of the seeds from one the SQL builds (DuckDB names some of its keys) (:func:`built_struct`).
    """
    groups: dict[tuple[str, str], list[Failure]] = {}
    fixes: dict[tuple[str, str], str | None] = {}
    for failure in failures:
        # An explore-wide failure's view is taken to be the explore's base view (its alias).
        view = failure.field.split(".")[0] if "." in failure.field else failure.explore
        kind, summary, fix = diagnose(message_of(failure), view)
        if (
            missing_dependencies
            and kind == "lookml"
            and _missing_from_dependency(summary, incomplete_views, known_views)
        ):
            names = ", ".join(missing_dependencies)
            kind, summary = "dependency", f"{summary} (the project imports {names}, which is not available)"
            fix = f"put {names} where dependency_paths in [tool.pytest-looker] points"
        built = (
            built_struct(failure.message, seeded_types) or misspelt_column(failure.message) if kind == "data" else None
        )
        if built is not None:
            kind, summary, fix = built
        key = (kind, summary)
        groups.setdefault(key, []).append(failure)
        fixes.setdefault(key, (hints or {}).get(summary, fix))
    causes = [Cause(kind, summary, fixes[(kind, summary)], tuple(items)) for (kind, summary), items in groups.items()]
    causes = _shared_definitions(causes)
    causes.sort(key=lambda c: (-c.fields, KINDS.index(c.kind), c.summary))
    return causes
