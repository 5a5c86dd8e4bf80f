"""String and conversion functions (``concat`` … ``to_date``).

Lexp has no implicit coercion, so the conversions are the only bridge between types: ``to_number``
of unparsable text is null (documented), ``to_string(null)`` is ``""`` (documented) and therefore
does *not* propagate null.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from ..runtime import Column, Context, Typed
from ..types import DATE, LIST, NUMBER, SCALARS, STRING, YESNO, format_value
from .registry import CallSite, map_rows, register, scalar

_STR = frozenset({STRING})
_NUM = frozenset({NUMBER})
_NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DATE_TEXT = re.compile(
    r"(?P<y>\d{4})(-(?P<m>\d{1,2})(-(?P<d>\d{1,2})"
    r"([ T](?P<H>\d{1,2})(:(?P<M>\d{2})(:(?P<S>\d{2}))?)?)?)?)?"
)


def _position(text: str, search: str) -> int:
    return text.find(search) + 1


def _replace(text: str, old: str, new: str) -> str:
    """Every occurrence; an empty ``old`` leaves the text alone (as SQL REPLACE does)."""
    return text.replace(old, new) if old else text


def _substring(text: str, start: float, length: float) -> str | None:
    """1-based ``start``; positions before 1 eat into ``length`` like SQL SUBSTRING."""
    if length < 0:
        return None
    begin = int(start)
    end = begin + int(length)
    return text[max(begin, 1) - 1 : max(end, 1) - 1]


def parse_number(text: str) -> int | float | None:
    """``to_number`` semantics: decimal text (optionally with exponent) or null."""
    stripped = text.strip()
    if not _NUMBER_TEXT.fullmatch(stripped):
        return None
    if re.fullmatch(r"[+-]?\d+", stripped):
        return int(stripped)
    return float(stripped)


def parse_date(text: str) -> date | datetime | None:
    """``to_date`` formats: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` and ``YYYY-MM-DD hh[:mm[:ss]]``."""
    match = _DATE_TEXT.fullmatch(text.strip())
    if match is None:
        return None
    parts = match.groupdict()
    try:
        day = date(int(parts["y"]), int(parts["m"] or 1), int(parts["d"] or 1))
        if parts["H"] is None:
            return day
        return datetime(day.year, day.month, day.day, int(parts["H"]), int(parts["M"] or 0), int(parts["S"] or 0))
    except ValueError:
        return None


def _to_number(value: object) -> int | float | None:
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, (int, float)):
        return value
    return parse_number(str(value))


def _build_concat(site: CallSite, args: Sequence[Typed]) -> Typed:
    checked = [site.expect(args, i, _STR) for i in range(len(args))]

    def run(ctx: Context) -> Column:
        return map_rows(ctx, [arg.run(ctx) for arg in checked], lambda *parts: "".join(parts))

    return Typed(STRING, run)


def _build_to_string(site: CallSite, args: Sequence[Typed]) -> Typed:
    value = site.expect(args, 0, SCALARS)
    return Typed(STRING, lambda ctx: [format_value(v) for v in value.run(ctx)])


def _build_split(site: CallSite, args: Sequence[Typed]) -> Typed:
    text, delimiter = site.expect(args, 0, _STR), site.expect(args, 1, _STR)

    def split(value: str, sep: str) -> tuple[str, ...]:
        return tuple(value.split(sep)) if sep else tuple(value)

    def run(ctx: Context) -> Column:
        return map_rows(ctx, [text.run(ctx), delimiter.run(ctx)], split)

    return Typed(LIST, run, element=STRING)


register("concat", 1, None, _build_concat)
register("to_string", 1, 1, _build_to_string)
register("split", 2, 2, _build_split)
scalar("contains", [_STR, _STR], YESNO, lambda text, search: search in text)
scalar("length", [_STR], NUMBER, len)
scalar("lower", [_STR], STRING, str.lower)
scalar("upper", [_STR], STRING, str.upper)
scalar("position", [_STR, _STR], NUMBER, _position)
scalar("replace", [_STR, _STR, _STR], STRING, _replace)
scalar("substring", [_STR, _NUM, _NUM], STRING, _substring)
scalar("to_number", [frozenset({STRING, NUMBER, YESNO})], NUMBER, _to_number)
scalar("to_date", [_STR], DATE, parse_date)
