"""Operator semantics: arithmetic, comparison and Kleene ``AND``/``OR``/``NOT`` over columns.

Null rules (reference section 5): arithmetic and comparison with a null operand give null, and
division by zero gives null. ``AND``/``OR`` are three-valued (``no AND null`` is ``no``). The
``two_valued`` policy instead reads Looker's docs literally: a comparison is yes or *no*, never
null, and logic treats null as no.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date
from typing import Any

from .functions.dates import as_datetime
from .runtime import Column, NullLogic
from .types import clean_number

_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}


def arithmetic(op: str, left: Column, right: Column) -> Column:
    """``+ - * /`` row by row; ``/`` is true division and ``x / 0`` is null."""
    out: Column = []
    for a, b in zip(left, right, strict=True):
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
            out.append(None)
        elif op == "/":
            out.append(None if b == 0 else clean_number(a / b))
        else:
            out.append(clean_number(_ARITHMETIC[op](a, b)))
    return out


def negate(values: Column) -> Column:
    return [-v if isinstance(v, (int, float)) else None for v in values]


def _comparable(value: object) -> object:
    """Dates compare with datetimes as midnight."""
    return as_datetime(value) if isinstance(value, date) else value


def compare(op: str, left: Column, right: Column, logic: NullLogic) -> Column:
    """A comparison per row: null operand → null (``sql``) or no (``two_valued``)."""
    test = _COMPARE[op]
    missing = None if logic == "sql" else False
    return [
        missing if a is None or b is None else bool(test(_comparable(a), _comparable(b)))
        for a, b in zip(left, right, strict=True)
    ]


def logical_not(values: Column, logic: NullLogic) -> Column:
    if logic == "two_valued":
        return [v is not True for v in values]
    return [None if v is None else not v for v in values]


def logical_and(left: Column, right: Column, logic: NullLogic) -> Column:
    if logic == "two_valued":
        return [a is True and b is True for a, b in zip(left, right, strict=True)]
    return [
        False if a is False or b is False else (None if a is None or b is None else True)
        for a, b in zip(left, right, strict=True)
    ]


def logical_or(left: Column, right: Column, logic: NullLogic) -> Column:
    if logic == "two_valued":
        return [a is True or b is True for a, b in zip(left, right, strict=True)]
    return [
        True if a is True or b is True else (None if a is None or b is None else False)
        for a, b in zip(left, right, strict=True)
    ]
