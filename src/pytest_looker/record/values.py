"""Result values to JSON-native cassette values and back, exactly.

A replayed test must see the very objects a live run would have handed it — ``Decimal("1.50")``
stays a Decimal with its scale, a ``date`` stays a date — or assertions that passed live would
fail in replay (or worse, the other way round). YAML could carry some of these natively, but
its implicit typing is a trap for reviewers and loaders alike, so the cassette holds only
JSON-native values (null, bool, int, float, string, list, mapping) plus a type name per column:

* a column whose non-null values all have one non-JSON type gets ``types: {column: decimal}``
  and plain string values (``"1.50"``) — readable in a pull request;
* anything else that is not JSON-native (mixed columns, values nested in lists or structs,
  NaN) is tagged per value as ``{"$type": "decimal", "value": "1.50"}``.
"""

from __future__ import annotations

import base64
import math
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from pytest_looker.errors import LookerError

__all__ = ["TAG", "column_type", "decode_value", "encode_value", "type_name"]

#: The key of a per-value type tag.
TAG = "$type"


def _timedelta_text(value: timedelta) -> str:
    return f"{value.days}d{value.seconds}s{value.microseconds}us"


def _timedelta_parse(text: str) -> timedelta:
    days, rest = text.split("d", 1)
    seconds, rest = rest.split("s", 1)
    return timedelta(days=int(days), seconds=int(seconds), microseconds=int(rest.removesuffix("us")))


# name → (python type, to text, from text). Order matters: datetime is a subclass of date.
_TYPES: dict[str, tuple[type, Callable[[Any], str], Callable[[str], Any]]] = {
    "datetime": (datetime, lambda v: v.isoformat(), datetime.fromisoformat),
    "date": (date, lambda v: v.isoformat(), date.fromisoformat),
    "time": (time, lambda v: v.isoformat(), time.fromisoformat),
    "decimal": (Decimal, str, Decimal),
    "timedelta": (timedelta, _timedelta_text, _timedelta_parse),
    "uuid": (uuid.UUID, str, uuid.UUID),
    "bytes": (bytes, lambda v: base64.b64encode(v).decode("ascii"), base64.b64decode),
    "float": (float, repr, float),  # only for NaN and infinities, which JSON lacks
}


def type_name(value: Any) -> str | None:
    """The cassette type name of a value that is not JSON-native (``None`` when it is)."""
    if value is None or isinstance(value, bool | int | str):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else "float"
    for name, (kind, _, _) in _TYPES.items():
        if isinstance(value, kind):
            return name
    return None


def column_type(values: Sequence[Any]) -> str | None:
    """The one non-JSON type every non-null value of a column has, else ``None``."""
    names = {type_name(v) for v in values if v is not None}
    if len(names) == 1:
        (name,) = names
        return name if name not in (None, "float") else None
    return None


def encode_value(value: Any, declared: str | None = None) -> Any:
    """``value`` as a JSON-native value; ``declared`` is its column's type (plain text then)."""
    if value is None:
        return None
    if declared is not None:
        return _TYPES[declared][1](value)
    name = type_name(value)
    if name is not None:
        return {TAG: name, "value": _TYPES[name][1](value)}
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): encode_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode_value(v) for v in value]
    raise LookerError(f"cannot record a value of type {type(value).__name__} ({value!r}) in a cassette")


def decode_value(value: Any, declared: str | None = None) -> Any:
    """The inverse of :func:`encode_value`."""
    if value is None:
        return None
    if declared is not None:
        return _parse(declared, value)
    if isinstance(value, Mapping):
        if set(value) == {TAG, "value"}:
            return _parse(str(value[TAG]), value["value"])
        return {str(k): decode_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    return value


def _parse(name: str, text: Any) -> Any:
    entry = _TYPES.get(name)
    if entry is None or not isinstance(text, str):
        raise LookerError(f"cassette value {text!r} of type {name!r} cannot be read (edited by hand?)")
    return entry[2](text)
