"""Math functions that work row by row (``abs`` … ``multinomial``).

Domain errors (``sqrt(-1)``, ``ln(0)``, ``mod(x, 0)``) give null rather than failing the whole
test, matching the SQL these expressions compile to elsewhere in Looker.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from ..runtime import Column, Context, Typed
from ..types import NUMBER, clean_number
from .registry import CallSite, map_rows, register, scalar

_NUM = frozenset({NUMBER})


# Above these, float64 results overflow (Looker numbers are doubles), so exact big-integer
# arithmetic would only burn time before the value became null anyway.
_MAX_FACTORIAL = 170
_MAX_COMBIN = 10_000


def _integral(value: float, limit: int = _MAX_COMBIN) -> int:
    """Integer argument for fact/combin: truncate like Excel, refuse negatives and huge values."""
    if value < 0 or value > limit:
        raise ValueError("outside the supported range")
    return int(value)


def _as_double(value: int) -> int | float | None:
    """An exact integer result, as a float when it exceeds what a double holds exactly."""
    if abs(value) <= 2**53:
        return value
    return clean_number(float(value))


def _round(value: float, digits: float = 0) -> int | float | None:
    """Half away from zero, in decimal (so 2.675 rounds to 2.68 as written, not as stored)."""
    places = int(digits)
    exponent = Decimal(1).scaleb(-places)
    rounded = Decimal(repr(value)).quantize(exponent, rounding=ROUND_HALF_UP)
    if places <= 0:
        return int(rounded)
    return clean_number(float(rounded))


def _mod(value: float, divisor: float) -> int | float | None:
    """SQL MOD: the sign follows the dividend; ``mod(x, 0)`` is null."""
    if divisor == 0:
        return None
    if isinstance(value, int) and isinstance(divisor, int):
        remainder = abs(value) % abs(divisor)
        return -remainder if value < 0 else remainder
    return clean_number(math.fmod(value, divisor))


def _power(base: float, exponent: float) -> int | float | None:
    """Exact for small integer powers, float64 otherwise; a complex result is null."""
    if isinstance(base, int) and isinstance(exponent, int) and 0 <= exponent <= 64:
        return _as_double(base**exponent)
    return clean_number(math.pow(base, exponent))


def _log10(value: float) -> float:
    return math.log10(value)


def _combin(n: float, k: float) -> int | float | None:
    whole_n, whole_k = _integral(n), _integral(k)
    return _as_double(math.comb(whole_n, whole_k)) if whole_k <= whole_n else None


def _multinomial(*values: float) -> int | float | None:
    whole = [_integral(v) for v in values]
    result = math.factorial(_integral(sum(whole)))
    for v in whole:
        result //= math.factorial(v)
    return _as_double(result)


def _finite(fn: Callable[..., float]) -> Callable[..., int | float | None]:
    """Wrap a float function so non-finite results become null."""

    def wrapped(*args: float) -> int | float | None:
        return clean_number(fn(*args))

    return wrapped


def _build_rand(site: CallSite, args: Sequence[Typed]) -> Typed:
    def run(ctx: Context) -> Column:
        return [ctx.rng.random() for _ in range(ctx.row_count)]

    return Typed(NUMBER, run)


def _build_pi(site: CallSite, args: Sequence[Typed]) -> Typed:
    return Typed(NUMBER, lambda ctx: ctx.constant(math.pi))


def _build_multinomial(site: CallSite, args: Sequence[Typed]) -> Typed:
    checked = [site.expect(args, i, _NUM) for i in range(len(args))]

    def run(ctx: Context) -> Column:
        return map_rows(ctx, [arg.run(ctx) for arg in checked], _multinomial)

    return Typed(NUMBER, run)


_UNARY: dict[str, Callable[..., float]] = {
    "abs": abs,
    "ceiling": math.ceil,
    "floor": math.floor,
    "sqrt": math.sqrt,
    "exp": math.exp,
    "ln": math.log,
    "log": _log10,
    "acos": math.acos,
    "asin": math.asin,
    "atan": math.atan,
    "cos": math.cos,
    "sin": math.sin,
    "tan": math.tan,
    "degrees": math.degrees,
    "radians": math.radians,
}
for _name, _fn in _UNARY.items():
    scalar(_name, [_NUM], NUMBER, _finite(_fn))

scalar("round", [_NUM, _NUM], NUMBER, _round, optional=1)
scalar("mod", [_NUM, _NUM], NUMBER, _mod)
scalar("power", [_NUM, _NUM], NUMBER, _power)
scalar("fact", [_NUM], NUMBER, lambda n: _as_double(math.factorial(_integral(n, _MAX_FACTORIAL))))
scalar("combin", [_NUM, _NUM], NUMBER, _combin)
register("multinomial", 1, None, _build_multinomial)
register("rand", 0, 0, _build_rand)
register("pi", 0, 0, _build_pi)
