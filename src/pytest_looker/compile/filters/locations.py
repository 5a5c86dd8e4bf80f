"""The location grammar: NULL / NOT NULL, an exact point, a circle, a box. One item only.

Regular expressions suffice (the grammar has no nesting or lists). Latitudes must lie in
[-90, 90]; longitudes of points and circle centres in [-180, 180]. Box longitudes are accepted
beyond ±180 because saved Looker dashboards contain such boxes; :mod:`.render` gives them
a wrap-around meaning (our documented choice, see there).
"""

from __future__ import annotations

import re
from decimal import Decimal

from .diagnostics import syntax_error
from .nodes import (
    LocationBox,
    LocationCircle,
    LocationCondition,
    LocationFilter,
    LocationNull,
    LocationPoint,
    Point,
)

_NUM = r"-?(?:\d+(?:\.\d+)?|\.\d+)"
_POINT = rf"(?P<{{p}}lat>{_NUM})\s*,\s*(?P<{{p}}lon>{_NUM})"
_POINT_ONLY = re.compile(r"\s*" + _POINT.format(p="a") + r"\s*")
_CIRCLE = re.compile(
    rf"\s*(?P<distance>{_NUM})\s+(?P<unit>[A-Za-z]+)\s+from\s+" + _POINT.format(p="a") + r"\s*", re.IGNORECASE
)
_BOX = re.compile(
    r"\s*inside\s+box\s+from\s+" + _POINT.format(p="a") + r"\s+to\s+" + _POINT.format(p="b") + r"\s*",
    re.IGNORECASE,
)
_NULL = re.compile(r"\s*null\s*", re.IGNORECASE)
_NOT_NULL = re.compile(r"\s*(?:not\s+null|-null)\s*", re.IGNORECASE)
#: Metres per unit (international mile and foot). Only plural unit names are valid (D).
METERS_PER_UNIT: dict[str, Decimal] = {
    "meters": Decimal(1),
    "feet": Decimal("0.3048"),
    "kilometers": Decimal(1000),
    "miles": Decimal("1609.344"),
}
_SINGULAR = {"meter", "foot", "kilometer", "mile"}


def parse_location(text: str) -> LocationFilter:
    """Parse a location-filter expression into its single condition."""
    return LocationFilter(text=text, condition=_condition(text) if text.strip() else None)


def _condition(text: str) -> LocationCondition:
    if _NULL.fullmatch(text):
        return LocationNull()
    if _NOT_NULL.fullmatch(text):
        return LocationNull(negated=True)
    match = _POINT_ONLY.fullmatch(text)
    if match:
        return LocationPoint(_point(text, match, "a", box=False))
    match = _CIRCLE.fullmatch(text)
    if match:
        unit = match["unit"].lower()
        if unit not in METERS_PER_UNIT:
            hint = " (units are plural: meters, feet, kilometers, miles)" if unit in _SINGULAR else ""
            raise syntax_error("location", text, match.start("unit"), f"unknown distance unit {unit!r}{hint}")
        meters = Decimal(match["distance"]) * METERS_PER_UNIT[unit]
        if meters < 0:
            raise syntax_error("location", text, match.start("distance"), "a distance cannot be negative")
        return LocationCircle(_point(text, match, "a", box=False), meters)
    match = _BOX.fullmatch(text)
    if match:
        return LocationBox(_point(text, match, "a", box=True), _point(text, match, "b", box=True))
    start = len(text) - len(text.lstrip())
    raise syntax_error(
        "location",
        text,
        start,
        "expected NULL, NOT NULL, 'lat, lon', 'N miles from lat, lon' or 'inside box from lat, lon to lat, lon'",
    )


def _point(text: str, match: re.Match[str], prefix: str, *, box: bool) -> Point:
    latitude = Decimal(match[prefix + "lat"])
    longitude = Decimal(match[prefix + "lon"])
    if not -90 <= latitude <= 90:
        raise syntax_error("location", text, match.start(prefix + "lat"), "latitude must be between -90 and 90")
    if not box and not -180 <= longitude <= 180:
        raise syntax_error("location", text, match.start(prefix + "lon"), "longitude must be between -180 and 180")
    return Point(latitude, longitude)


__all__ = ["METERS_PER_UNIT", "parse_location"]
