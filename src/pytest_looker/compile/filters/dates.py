"""The date/time grammar: absolute dates, relative periods, bounds, NULL.

Parsing only: the tree says *what* period an item means ("3 days ago for 2 days") and
:mod:`.calendar` computes *when* that is for a given clock, so the same parsed filter can be
rendered for any ``now`` and time zone. Items are comma-separated and never contain commas, so
each is parsed on its own by a small token-based parser; absolute dates and datetimes, which
contain spaces and separators, are matched by anchored regular expressions.
"""

from __future__ import annotations

import calendar as pycalendar
import re
from dataclasses import dataclass

from pytest_looker.errors import FilterSyntaxError

from .diagnostics import syntax_error
from .nodes import (
    AbsoluteFor,
    AbsolutePeriod,
    AbsoluteRange,
    DateBound,
    DateFilter,
    DateItem,
    DateNull,
    DateRangeNode,
    DateUnit,
    DayWord,
    Now,
    RelativeLast,
    RelativeOffset,
    RelativePeriod,
    Span,
    ThisToUnit,
)

_UNITS: dict[str, DateUnit] = {}
for _unit in DateUnit:
    if " " not in _unit.value:
        _UNITS[_unit.value] = _unit
        _UNITS[_unit.value + "s"] = _unit
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_OFFSETS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_END = r"(?=[\s,]|$)"
_TIME = r"(?:\s+(?P<hh>\d{2}):(?P<mi>\d{2})(?::(?P<ss>\d{2}))?)?"
_ABSOLUTE_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fiscal", re.compile(r"FY(?P<y>\d{4})(?:-[Qq](?P<q>[1-4]))?" + _END)),
    ("datetime", re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{2})[-/](?P<d>\d{2})" + _TIME + _END)),
    ("quarter", re.compile(r"(?P<y>\d{4})[-/][Qq](?P<q>[1-4])" + _END)),
    ("month", re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{2})" + _END)),
    ("year_offset", re.compile(r"(?P<y>\d{4})-(?P<k>\d)" + _END)),
    ("year", re.compile(r"(?P<y>\d{4})" + _END)),
)
_POINT_LENGTHS = (DateUnit.DAY, DateUnit.MINUTE, DateUnit.SECOND)


def parse_date(text: str) -> DateFilter:
    """Parse a date-filter expression (``3 days ago for 2 days, NULL``) into its items."""
    if not text.strip():
        return DateFilter(text=text, items=())
    items: list[DateItem] = []
    start = 0
    for piece in text.split(","):
        if not piece.strip():
            raise syntax_error("date", text, start, "empty item (two commas in a row or a trailing comma)")
        items.append(_ItemParser(text, start, piece).item())
        start += len(piece) + 1
    return DateFilter(text=text, items=tuple(items))


@dataclass(frozen=True)
class _Word:
    lower: str
    position: int


class _ItemParser:
    """Parses one comma-free item; ``position`` values are offsets into the whole expression."""

    def __init__(self, text: str, offset: int, piece: str) -> None:
        self.text = text
        self.words = [_Word(m.group().lower(), offset + m.start()) for m in re.finditer(r"\S+", piece)]
        self.index = 0
        self.end_position = offset + len(piece.rstrip())

    # -- helpers ------------------------------------------------------------------------------

    def fail(self, problem: str, position: int | None = None) -> FilterSyntaxError:
        where = self.current.position if position is None and self.current else position
        return syntax_error("date", self.text, self.end_position if where is None else where, problem)

    @property
    def current(self) -> _Word | None:
        return self.words[self.index] if self.index < len(self.words) else None

    def at(self, *words: str) -> bool:
        return self.current is not None and self.current.lower in words

    def word_after(self, offset: int = 1) -> str | None:
        index = self.index + offset
        return self.words[index].lower if index < len(self.words) else None

    def take(self) -> _Word:
        word = self.current
        if word is None:
            raise self.fail("the expression ends too early")
        self.index += 1
        return word

    def expect_end(self) -> None:
        if self.current is not None:
            raise self.fail(f"unexpected {self.current.lower!r}")

    # -- grammar ------------------------------------------------------------------------------

    def item(self) -> DateItem:
        first = self.current
        assert first is not None  # parse_date never passes a blank piece
        if first.lower == "null" and len(self.words) == 1:
            return DateNull()
        if first.lower == "not" and self.word_after() == "null" and len(self.words) == 2:
            return DateNull(negated=True)
        if first.lower == "-null" and len(self.words) == 1:
            # Looker's filter UI grammar has no -NULL for dates, but Looker's own blocks write it in
            # measure filters (llooker/atomfashion_bq, llooker/block-google-campaign-manager-dts:
            # `filters: [first_ad_click_date: "-NULL"]`), which Looker's server evaluates: NOT NULL.
            return DateNull(negated=True)
        if first.lower in ("before", "after"):
            self.take()
            bound = DateBound(after=first.lower == "after", target=self.bound_target())
            self.expect_end()
            return bound
        if first.lower.isdigit() and (self.word_after() or "") in _UNITS:
            # "1500 days" (Looker's GA360 block): a count of units, not the year 1500
            result: DateItem = self.relative()
            self.expect_end()
            return result
        absolute = self.absolute()
        result = self.absolute_tail(absolute) if absolute is not None else self.relative()
        self.expect_end()
        return result

    def absolute_tail(self, absolute: AbsolutePeriod) -> DateRangeNode:
        if self.at("to"):
            # Looker also joins months: "2019/10 to 2019/12" is [2019-10-01, 2019-12-01)
            # (real MySQL output in the issue-16 research).
            self.require_point(absolute, "'to'", months=True)
            self.take()
            end = self.absolute()
            if end is None:
                raise self.fail("'to' must be followed by a date, a date and time, or a YYYY-MM month")
            self.require_point(end, "'to'", months=True)
            return AbsoluteRange(absolute, end)
        if self.at("for"):
            if absolute.length.unit not in (*_POINT_LENGTHS, DateUnit.MONTH) or absolute.fiscal:
                raise self.fail("'for' needs a date, a date and time, or a YYYY-MM month before it")
            self.take()
            return AbsoluteFor(absolute, self.span())
        return absolute

    def require_point(self, absolute: AbsolutePeriod, what: str, *, months: bool = False) -> None:
        allowed = (*_POINT_LENGTHS, DateUnit.MONTH) if months else _POINT_LENGTHS
        if absolute.length.unit not in allowed or absolute.fiscal:
            forms = "dates, dates with times or YYYY-MM months" if months else "dates or dates with times"
            raise self.fail(f"{what} joins {forms} (YYYY-MM-DD [hh:mm[:ss]])")

    def relative(self) -> DateRangeNode:
        word = self.current
        if word is None:  # pragma: no cover - guarded by item()
            raise self.fail("expected a date")
        if word.lower == "last":
            self.take()
            if self.current is not None and self.current.lower.isdigit():
                return RelativeLast(self.span())
            return RelativePeriod(self.unit(), -1)
        if word.lower in ("this", "next"):
            self.take()
            if self.current is not None and self.current.lower[:1].isdigit():
                raise self.fail(f"'{word.lower}' takes a unit, not a number; write e.g. '1 week from now for 2 weeks'")
            unit_position = self.current.position if self.current else None
            unit = self.unit()
            if word.lower == "this" and self.at("to"):
                self.take()
                return ThisToUnit(unit, self.unit())
            if not unit.at_least_day:
                raise self.fail(f"'{word.lower}' needs a unit of a day or longer", unit_position)
            return RelativePeriod(unit, 0 if word.lower == "this" else 1)
        if word.lower in _DAY_OFFSETS or word.lower in _WEEKDAYS:
            return self.day_word(allow_for=True)
        if word.lower[:1].isdigit():
            span = self.span()
            if self.at("ago") or (self.at("from") and self.word_after() == "now"):
                future = self.take().lower == "from"
                if future:
                    self.take()
                duration = None
                if self.at("for"):
                    self.take()
                    duration = self.span()
                return RelativeOffset(span, future, duration)
            return RelativeLast(span)
        raise self.fail(f"{word.lower!r} does not start a date expression")

    def day_word(self, *, allow_for: bool) -> DayWord:
        word = self.take().lower
        duration = None
        if allow_for and self.at("for"):
            self.take()
            duration = self.span()
        if word in _DAY_OFFSETS:
            return DayWord(days_from_today=_DAY_OFFSETS[word], duration=duration)
        return DayWord(weekday=_WEEKDAYS.index(word), duration=duration)

    def bound_target(self) -> DateRangeNode | Now:
        word = self.current
        if word is None:
            raise self.fail("'before'/'after' must be followed by a date")
        if word.lower == "now":
            self.take()
            return Now()
        if word.lower in ("this", "next", "last"):
            self.take()
            unit_position = self.current.position if self.current else None
            unit = self.unit()
            if not unit.at_least_day:
                raise self.fail(f"'{word.lower}' needs a unit of a day or longer here", unit_position)
            return RelativePeriod(unit, {"this": 0, "next": 1, "last": -1}[word.lower])
        if word.lower in _DAY_OFFSETS or word.lower in _WEEKDAYS:
            return self.day_word(allow_for=False)
        absolute = self.absolute()
        if absolute is not None:
            self.require_point(absolute, "'before'/'after'")
            return absolute
        if word.lower[:1].isdigit():
            span = self.span()
            future = False
            if self.at("ago"):
                self.take()
            elif self.at("from") and self.word_after() == "now":
                self.take()
                self.take()
                future = True
            return RelativeOffset(span, future)
        raise self.fail(f"{word.lower!r} is not a date")

    def span(self) -> Span:
        word = self.current
        if word is None:
            raise self.fail("expected a number of units, e.g. '3 days'")
        if not word.lower.isdigit():
            if re.fullmatch(r"\d+[a-z ]+", word.lower):
                raise self.fail("write a space between the number and the unit, e.g. '3 days'")
            raise self.fail(f"expected a number of units, found {word.lower!r}")
        self.take()
        if len(word.lower) > 6:
            raise self.fail("the number of units is too large", word.position)
        return Span(int(word.lower), self.unit())

    def unit(self) -> DateUnit:
        word = self.current
        if word is None:
            raise self.fail("expected a unit (day, week, month, …)")
        if word.lower == "fiscal":
            self.take()
            following = self.current
            if following is not None and following.lower in ("quarter", "quarters", "year", "years"):
                self.take()
                return DateUnit.FISCAL_QUARTER if following.lower.startswith("q") else DateUnit.FISCAL_YEAR
            raise self.fail("'fiscal' must be followed by quarter or year")
        if word.lower not in _UNITS:
            raise self.fail(f"unknown unit {word.lower!r}")
        self.take()
        return _UNITS[word.lower]

    def absolute(self) -> AbsolutePeriod | None:
        """Match an absolute date at the current word; consume the words it covers."""
        word = self.current
        if word is None:
            return None
        for form, pattern in _ABSOLUTE_FORMS:
            match = pattern.match(self.text, word.position)
            if match is None or match.end() > self.end_position:
                continue
            period = self.build_absolute(form, match)
            while self.current is not None and self.current.position < match.end():
                self.index += 1
            return period
        if re.match(r"\d{4}[-/]", word.lower):
            raise self.fail(f"{word.lower!r} is not a valid date (use YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY)")
        return None

    def build_absolute(self, form: str, match: re.Match[str]) -> AbsolutePeriod:
        position = match.start()
        year = int(match["y"])
        if year < 1:
            raise self.fail("year 0000 does not exist", position)
        if form == "fiscal":
            quarter = match["q"]
            if quarter is None:
                return AbsolutePeriod(year, fiscal=True, length=Span(1, DateUnit.FISCAL_YEAR))
            return AbsolutePeriod(
                year, 1 + 3 * (int(quarter) - 1), fiscal=True, length=Span(1, DateUnit.FISCAL_QUARTER)
            )
        if form == "year":
            return AbsolutePeriod(year, length=Span(1, DateUnit.YEAR))
        if form == "year_offset":
            # Looker documents "2016-1" as "2016 minus one year": a year offset, not a month.
            if year - int(match["k"]) < 1:
                raise self.fail("year out of range", position)
            return AbsolutePeriod(year - int(match["k"]), length=Span(1, DateUnit.YEAR))
        if form == "quarter":
            return AbsolutePeriod(year, 1 + 3 * (int(match["q"]) - 1), length=Span(1, DateUnit.QUARTER))
        month = int(match["m"])
        if not 1 <= month <= 12:
            raise self.fail(f"month {match['m']} does not exist", match.start("m"))
        if form == "month":
            return AbsolutePeriod(year, month, length=Span(1, DateUnit.MONTH))
        day = int(match["d"])
        if not 1 <= day <= pycalendar.monthrange(year, month)[1]:
            raise self.fail(f"{match['y']}-{match['m']}-{match['d']} is not a calendar date", position)
        if match["hh"] is None:
            return AbsolutePeriod(year, month, day, length=Span(1, DateUnit.DAY))
        hour, minute = int(match["hh"]), int(match["mi"])
        second = int(match["ss"]) if match["ss"] is not None else 0
        if hour > 23 or minute > 59 or second > 59:
            raise self.fail("time out of range (hh 00-23, mm and ss 00-59)", match.start("hh"))
        length = Span(1, DateUnit.SECOND if match["ss"] is not None else DateUnit.MINUTE)
        return AbsolutePeriod(year, month, day, hour, minute, second, length=length)


__all__ = ["parse_date"]
