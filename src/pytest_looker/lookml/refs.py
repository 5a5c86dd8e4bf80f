"""The one grammar of LookML's ``${…}`` substitution operator.

LookML SQL names other objects with ``${…}`` (docs: "Incorporating SQL and referring to LookML
objects"): ``${TABLE}`` is the view's alias, ``${field}`` a field of the same view,
``${view.field}`` a field of another view of the explore, ``${view.SQL_TABLE_NAME}`` the table
(or derived-table name) of a view, and ``${EXTENDED}`` the parent's value under ``extends``.
A field reference may carry a type suffix (``${created_month::date}``, ``${amount::number}``)
asking for the value as that type. Whitespace inside the braces is allowed (``${ view.field }``).

Every module that reads LookML SQL — the loader's checks, the compiler, scaffold, the key
checks — scans it here, so they all agree on what a reference is. :func:`scan` returns typed
:class:`Ref` tokens with their offsets; :func:`substitute` rewrites them. A ``${`` whose braces
hold a brace (``${ {{ x }} }``, Liquid that has not been rendered yet) is text, not a
reference; a ``${…}`` that is none of the forms above is a :attr:`RefKind.INVALID` token, so
the compiler can name it in an error while the checks ignore it.
"""

from __future__ import annotations

import enum
import functools
import itertools
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from pytest_looker.immutable import record

__all__ = [
    "SPECIAL_NAMES",
    "Ref",
    "RefKind",
    "TableColumn",
    "equalities",
    "field_references",
    "has_refs",
    "named_views",
    "scan",
    "scanned",
    "sole",
    "substitute",
    "table_column",
    "table_columns",
]


class RefKind(enum.Enum):
    """What a ``${…}`` names."""

    TABLE = "table"  # ${TABLE}
    EXTENDED = "extended"  # ${EXTENDED}
    FIELD = "field"  # ${field}: a field of the view the SQL belongs to
    VIEW_FIELD = "view_field"  # ${view.field}
    SQL_TABLE_NAME = "sql_table_name"  # ${view.SQL_TABLE_NAME}
    INVALID = "invalid"  # ${…} that is none of the above


class Ref(NamedTuple):
    """One ``${…}`` of a text: its kind, the names it holds and where it is (``text[start:end]``).

    ``view`` is set for ``${view.field}`` and ``${view.SQL_TABLE_NAME}``; ``field`` for field
    references; ``type_suffix`` is the lower-cased word after ``::`` (``date``), if any;
    ``inner`` is the stripped text between the braces, for error messages. A named tuple: the
    compiler scans every field's SQL of every query, and these are made by the million.
    """

    kind: RefKind
    start: int
    end: int
    inner: str
    view: str | None = None
    field: str | None = None
    type_suffix: str | None = None

    @property
    def is_field(self) -> bool:
        """``${field}`` or ``${view.field}`` (with or without a type suffix)."""
        return self.kind is RefKind.FIELD or self.kind is RefKind.VIEW_FIELD


@record
class TableColumn:
    """``${TABLE}.column`` in a text: the column (unquoted) and the span of the whole form."""

    column: str
    start: int
    end: int


#: Names a ``${…}`` may hold that are not fields (``${TABLE}``, ``${EXTENDED}``,
#: ``${view.SQL_TABLE_NAME}``): checks of field references skip them.
SPECIAL_NAMES = frozenset({"TABLE", "EXTENDED", "SQL_TABLE_NAME"})

_BRACES = re.compile(r"\$\{([^{}]*)\}")
_INNER = re.compile(r"\s*(\w+)(?:\s*\.\s*(\w+))?(?:\s*::\s*(\w+))?\s*")
#: ``${TABLE}.column``; the column bare or quoted with backticks, double quotes or brackets.
_TABLE_COLUMN = re.compile(
    r"\$\{\s*TABLE\s*\}\s*\.\s*(?:`([^`]+)`|\"([^\"]+)\"|\[([^\]]+)\]|([A-Za-z_][A-Za-z0-9_$]*))"
)
_EXACT_TABLE_COLUMN = re.compile(r"\s*\(?\s*" + _TABLE_COLUMN.pattern + r"\s*\)?\s*")
_Parsed = tuple[RefKind, str | None, str | None, str | None]


@functools.lru_cache(maxsize=4096)
def _parse_inner(inner: str) -> _Parsed:
    """(kind, view, field, type suffix) of the text between ``${`` and ``}``."""
    match = _INNER.fullmatch(inner)
    if match is None:
        return RefKind.INVALID, None, None, None
    first, second, suffix = match.group(1), match.group(2), match.group(3)
    suffix = suffix.lower() if suffix else None
    if second is None:
        if suffix is None and first == "TABLE":
            return RefKind.TABLE, None, None, None
        if suffix is None and first == "EXTENDED":
            return RefKind.EXTENDED, None, None, None
        return RefKind.FIELD, None, first, suffix
    if second == "SQL_TABLE_NAME" and suffix is None:
        return RefKind.SQL_TABLE_NAME, first, None, None
    return RefKind.VIEW_FIELD, first, second, suffix


def has_refs(text: str | None) -> bool:
    """Whether ``text`` may hold a reference (a cheap test before :func:`scan`)."""
    return text is not None and "${" in text


def scan(text: str | None) -> Iterator[Ref]:
    """Every ``${…}`` of ``text``, in order."""
    if not text or "${" not in text:
        return
    for match in _BRACES.finditer(text):
        inner = match.group(1)
        kind, view, field, suffix = _parse_inner(inner)
        yield Ref(kind, match.start(), match.end(), inner.strip(), view, field, suffix)


@functools.lru_cache(maxsize=16384)
def scanned(text: str) -> tuple[Ref, ...]:
    """:func:`scan` of ``text`` as a tuple, remembered per text.

    The compiler expands the same field SQL in every query that reaches the field (twice when a
    query fans out); scanning it again was a fifth of a single-field query's compile time. The
    loader's checks, which read each text once, keep using :func:`scan`.
    """
    return tuple(scan(text))


def sole(text: str | None) -> Ref | None:
    """The reference when ``text`` is exactly one reference (surrounding whitespace aside)."""
    if not text or "${" not in text:
        return None
    stripped = text.strip()
    found = list(scan(stripped))
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(stripped):
        return found[0]
    return None


def substitute(
    text: str,
    replace: Callable[[Ref], str | None],
    *,
    table_column: Callable[[str], str] | None = None,
) -> str:
    """``text`` with every reference replaced by ``replace(ref)`` (``None`` keeps it as written).

    With ``table_column``, a whole ``${TABLE}.column`` is replaced by ``table_column(column)``
    instead (the column unquoted), before the other references are visited.
    """
    if "${" not in text:
        return text
    if table_column is not None:
        text = _TABLE_COLUMN.sub(lambda m: table_column(_column_of(m)), text)
        if "${" not in text:
            return text
    parts: list[str] = []
    last = 0
    for ref in scan(text):
        replaced = replace(ref)
        if replaced is None:
            continue
        parts.append(text[last : ref.start])
        parts.append(replaced)
        last = ref.end
    parts.append(text[last:])
    return "".join(parts)


def field_references(text: str | None) -> Iterator[tuple[str | None, str]]:
    """``(view or None, name)`` of every well-formed reference, the way the checks read them.

    ``${TABLE}`` is ``(None, "TABLE")``, ``${EXTENDED}`` ``(None, "EXTENDED")`` and
    ``${v.SQL_TABLE_NAME}`` ``("v", "SQL_TABLE_NAME")``, so callers can skip
    :data:`SPECIAL_NAMES`; type suffixes are dropped (they name the same field).
    """
    if not text or "${" not in text:
        return
    for match in _BRACES.finditer(text):  # the loader's hot path: no Ref objects
        kind, view, field, _ = _parse_inner(match.group(1))
        if kind is RefKind.FIELD or kind is RefKind.VIEW_FIELD:
            yield view, field or ""
        elif kind is RefKind.SQL_TABLE_NAME:
            yield view, "SQL_TABLE_NAME"
        elif kind is RefKind.TABLE:
            yield None, "TABLE"
        elif kind is RefKind.EXTENDED:
            yield None, "EXTENDED"


def named_views(text: str | None) -> tuple[str, ...]:
    """The views ``${view.field}`` references of ``text`` name, once each, in order."""
    return tuple(dict.fromkeys(ref.view for ref in scan(text) if ref.kind is RefKind.VIEW_FIELD and ref.view))


def equalities(text: str | None) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """``((view, field), (view, field))`` for each ``${a.x} = ${b.y}`` of ``text`` (a join key).

    Only an ``=`` with nothing but whitespace between two ``${view.field}`` references counts:
    ``${a.x} = LOWER(${b.y})`` is not a plain key equality.
    """
    found: list[tuple[tuple[str, str], tuple[str, str]]] = []
    if not text:
        return found
    for left, right in itertools.pairwise(scan(text)):
        if left.kind is not RefKind.VIEW_FIELD or right.kind is not RefKind.VIEW_FIELD:
            continue
        if left.type_suffix or right.type_suffix or text[left.end : right.start].strip() != "=":
            continue
        assert left.view and left.field and right.view and right.field
        found.append(((left.view, left.field), (right.view, right.field)))
    return found


def table_columns(text: str | None) -> list[TableColumn]:
    """Every ``${TABLE}.column`` of ``text``: the columns of the view's table it reads."""
    if not text or "${" not in text:
        return []
    return [TableColumn(_column_of(m), m.start(), m.end()) for m in _TABLE_COLUMN.finditer(text)]


def table_column(text: str | None) -> str | None:
    """The column when ``text`` is exactly ``${TABLE}.column`` (maybe parenthesised), else None."""
    if not text or "${" not in text:
        return None
    match = _EXACT_TABLE_COLUMN.fullmatch(text)
    return _column_of(match) if match is not None else None


def _column_of(match: re.Match[str]) -> str:
    return next(group for group in match.groups() if group)
