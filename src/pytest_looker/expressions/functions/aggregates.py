"""Aggregates over the whole result column (or over a list, per row).

Looker evaluates a table calculation like ``sum(${x})`` over every row of the result and shows the
same value on each row; given a list (``mean(offset_list(${x}, 0, 7))``) the same functions reduce
that row's list instead. :func:`aggregate` implements both modes once: *column* parameters are
reduced, *value* parameters (``percentile``'s p, ``rank``'s value) are read per row, and results
are cached per distinct value tuple so an aggregate is computed once, not once per row.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..runtime import Column, Context, Typed
from ..types import LIST, NUMBER, ORDERED, SCALARS, WILDCARDS, LexpType, clean_number, fits, unify
from .registry import CallSite, register

Reducer = Callable[[list[list[object]], list[object]], object]
_DOMAIN_ERRORS = (ValueError, OverflowError, ZeroDivisionError, ArithmeticError, statistics.StatisticsError)
_NUM = frozenset({NUMBER})


@dataclass(frozen=True)
class Param:
    """One parameter: ``column=True`` for a reduced column/list, else a per-row value."""

    allowed: frozenset[LexpType]
    column: bool = True


def aggregate(
    name: str,
    params: Sequence[Param],
    returns: LexpType | Callable[[Sequence[Typed]], LexpType],
    reduce: Reducer,
    optional: int = 0,
    check: Callable[[CallSite, Sequence[Typed]], None] | None = None,
) -> None:
    """Register an aggregate. ``reduce(columns, values)`` sees raw columns (nulls included)."""

    def build(site: CallSite, args: Sequence[Typed]) -> Typed:
        modes: set[bool] = set()
        for index, (param, arg) in enumerate(zip(params, args, strict=False)):
            if param.column and arg.type is LIST:
                if not fits(arg.element, param.allowed):
                    raise site.error(
                        f"argument {index + 1} must hold {'/'.join(sorted(param.allowed))} values,"
                        f" this list holds {arg.element}",
                        index,
                    )
                modes.add(True)
            else:
                site.expect(args, index, param.allowed)
                if param.column:
                    modes.add(False)
        if len(modes) > 1:
            raise site.error("cannot mix a list and a column in one call")
        per_row = modes == {True}
        if check is not None:
            check(site, args)
        result = returns if isinstance(returns, LexpType) else returns(args)
        column_args = [arg for param, arg in zip(params, args, strict=False) if param.column]
        value_args = [arg for param, arg in zip(params, args, strict=False) if not param.column]

        def safe(columns: list[list[object]], values: list[object]) -> object:
            if any(value is None for value in values):
                return None
            try:
                return reduce(columns, values)
            except _DOMAIN_ERRORS:
                return None

        def run(ctx: Context) -> Column:
            columns = [arg.run(ctx) for arg in column_args]
            values = [arg.run(ctx) for arg in value_args]
            rows = range(ctx.row_count)
            if per_row:
                out: Column = []
                for i in rows:
                    lists = [column[i] for column in columns]
                    if any(not isinstance(items, tuple) for items in lists):
                        out.append(None)
                        continue
                    out.append(
                        safe(
                            [list(items) for items in lists if isinstance(items, tuple)],
                            [v[i] for v in values],
                        )
                    )
                return out
            cache: dict[tuple[object, ...], object] = {}
            whole = [list(column) for column in columns]
            results: Column = []
            for i in rows:
                key = tuple(v[i] for v in values)
                if key not in cache:
                    cache[key] = safe(whole, list(key))
                results.append(cache[key])
            return results

        return Typed(result, run)

    register(name, len(params) - optional, len(params), build)


def element_type(args: Sequence[Typed]) -> LexpType:
    """Return-type rule: the element type of the first argument (min, max, mode)."""
    kind = args[0].element if args[0].type is LIST else args[0].type
    return LexpType.ANY if kind in WILDCARDS else kind


def present(column: list[object]) -> list[object]:
    return [value for value in column if value is not None]


def numbers(column: list[object]) -> list[float]:
    return [float(value) for value in column if isinstance(value, (int, float))]


def pairs(first: list[object], second: list[object]) -> tuple[list[float], list[float]]:
    """Rows where both columns are non-null numbers."""
    kept = [
        (float(a), float(b))
        for a, b in zip(first, second, strict=True)
        if isinstance(a, (int, float)) and isinstance(b, (int, float))
    ]
    return [a for a, _ in kept], [b for _, b in kept]


def _sum(columns: list[list[object]], _: list[object]) -> object:
    values = present(columns[0])
    if not values:
        return None
    if all(isinstance(v, int) for v in values):
        return sum(v for v in values if isinstance(v, int))
    return clean_number(math.fsum(numbers(values)))


def _numeric(fn: Callable[[list[float]], float | int | None]) -> Reducer:
    """A reducer over the non-null numbers of the first column; none at all gives null."""

    def reduce(columns: list[list[object]], _: list[object]) -> object:
        values = numbers(columns[0])
        if not values:
            return None
        result = fn(values)
        return None if result is None else clean_number(result)

    return reduce


def _extreme(pick: Callable[[list[object]], object]) -> Reducer:
    def reduce(columns: list[list[object]], _: list[object]) -> object:
        values = present(columns[0])
        return pick(values) if values else None

    return reduce


def _mode(columns: list[list[object]], _: list[object]) -> object:
    values = present(columns[0])
    if not values:
        return None
    counts = Counter(values)
    return max(counts, key=lambda value: counts[value])  # first seen wins ties


def percentile_inc(values: list[float], fraction: float) -> float | None:
    """Excel PERCENTILE.INC: linear interpolation between closest ranks; p outside [0,1] → null."""
    if not 0 <= fraction <= 1 or not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _percentile(columns: list[list[object]], values: list[object]) -> object:
    fraction = values[0]
    assert isinstance(fraction, (int, float))
    result = percentile_inc(numbers(columns[0]), float(fraction))
    return None if result is None else clean_number(result)


def _kth(largest: bool) -> Reducer:
    def reduce(columns: list[list[object]], values: list[object]) -> object:
        data = sorted(numbers(columns[0]), reverse=largest)
        k = values[0]
        assert isinstance(k, (int, float))
        if k != int(k) or not 1 <= k <= len(data):
            return None
        return clean_number(data[int(k) - 1])

    return reduce


def _geomean(values: list[float]) -> float | None:
    if any(v <= 0 for v in values):
        return None
    return math.exp(math.fsum(math.log(v) for v in values) / len(values))


def _standardised_moments(values: list[float], power: int) -> float:
    mean = statistics.fmean(values)
    sd = statistics.stdev(values)
    if sd == 0:
        raise ZeroDivisionError("constant data")
    return math.fsum(((v - mean) / sd) ** power for v in values)


def _skew(values: list[float]) -> float | None:
    """Sample skewness, as Excel SKEW (needs 3 values)."""
    n = len(values)
    if n < 3:
        return None
    return n / ((n - 1) * (n - 2)) * _standardised_moments(values, 3)


def _kurtosis(values: list[float]) -> float | None:
    """Sample excess kurtosis, as Excel KURT (needs 4 values)."""
    n = len(values)
    if n < 4:
        return None
    scale = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3))
    correction = 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))
    return scale * _standardised_moments(values, 4) - correction


def _at_least(count: int, fn: Callable[[list[float]], float]) -> Callable[[list[float]], float | None]:
    def wrapped(values: list[float]) -> float | None:
        return fn(values) if len(values) >= count else None

    return wrapped


def _two_columns(fn: Callable[[list[float], list[float]], float | None]) -> Reducer:
    def reduce(columns: list[list[object]], _: list[object]) -> object:
        first, second = pairs(columns[0], columns[1])
        result = fn(first, second) if first else None
        return None if result is None else clean_number(result)

    return reduce


def _covariance(xs: list[float], ys: list[float], ddof: int) -> float | None:
    n = len(xs)
    if n - ddof <= 0:
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (n - ddof)


def _slope(ys: list[float], xs: list[float]) -> float | None:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    return math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def _intercept(ys: list[float], xs: list[float]) -> float | None:
    slope = _slope(ys, xs)
    return None if slope is None else statistics.fmean(ys) - slope * statistics.fmean(xs)


def _correl(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 2:
        return None
    return statistics.correlation(xs, ys)


def _rank(average: bool) -> Reducer:
    """1 = largest; ties share the lowest rank (or the average with ``rank_avg``); absent → null."""

    def reduce(columns: list[list[object]], values: list[object]) -> object:
        value = values[0]
        assert isinstance(value, (int, float))
        data = numbers(columns[0])
        ties = sum(1 for x in data if x == value)
        if ties == 0:
            return None
        greater = sum(1 for x in data if x > value)
        return clean_number(1 + greater + (ties - 1) / 2) if average else 1 + greater

    return reduce


def _percent_rank(columns: list[list[object]], values: list[object]) -> object:
    """Excel PERCENTRANK.INC: share of values below, interpolated between neighbours."""
    data = sorted(numbers(columns[0]))
    assert isinstance(values[0], (int, float))
    value = float(values[0])
    if not data or value < data[0] or value > data[-1]:
        return None
    if len(data) == 1:
        return 1
    below = sum(1 for x in data if x < value)
    if value in data:
        return clean_number(below / (len(data) - 1))
    low, high = data[below - 1], data[below]
    return clean_number((below - 1 + (value - low) / (high - low)) / (len(data) - 1))


def _match(columns: list[list[object]], values: list[object]) -> object:
    """1-based position of the first element equal to the value, null when absent."""
    for position, item in enumerate(columns[0], start=1):
        if item is not None and item == values[0]:
            return position
    return None


def _same_type(site: CallSite, args: Sequence[Typed]) -> None:
    value, column = args[0], args[1]
    column_type = column.element if column.type is LIST else column.type
    if unify(value.type, column_type) is None:
        raise site.error(f"cannot look for a {value.type} among {column_type} values")


_ANY_COLUMN = Param(SCALARS)
_NUM_COLUMN = Param(_NUM)
_NUM_VALUE = Param(_NUM, column=False)

aggregate("count", [_ANY_COLUMN], NUMBER, lambda c, _: len(present(c[0])))
aggregate("count_distinct", [_ANY_COLUMN], NUMBER, lambda c, _: len(set(present(c[0]))))
aggregate("sum", [_NUM_COLUMN], NUMBER, _sum)
aggregate("product", [_NUM_COLUMN], NUMBER, _numeric(math.prod))
aggregate("mean", [_NUM_COLUMN], NUMBER, _numeric(statistics.fmean))
aggregate("median", [_NUM_COLUMN], NUMBER, _numeric(statistics.median))
aggregate("geomean", [_NUM_COLUMN], NUMBER, _numeric(_geomean))
aggregate("min", [Param(ORDERED)], element_type, _extreme(min))  # type: ignore[arg-type]
aggregate("max", [Param(ORDERED)], element_type, _extreme(max))  # type: ignore[arg-type]
aggregate("mode", [_ANY_COLUMN], element_type, _mode)
aggregate("stddev_pop", [_NUM_COLUMN], NUMBER, _numeric(statistics.pstdev))
aggregate("stddev_samp", [_NUM_COLUMN], NUMBER, _numeric(_at_least(2, statistics.stdev)))
aggregate("var_pop", [_NUM_COLUMN], NUMBER, _numeric(statistics.pvariance))
aggregate("var_samp", [_NUM_COLUMN], NUMBER, _numeric(_at_least(2, statistics.variance)))
aggregate("skew", [_NUM_COLUMN], NUMBER, _numeric(_skew))
aggregate("kurtosis", [_NUM_COLUMN], NUMBER, _numeric(_kurtosis))
aggregate("percentile", [_NUM_COLUMN, _NUM_VALUE], NUMBER, _percentile)
aggregate("large", [_NUM_COLUMN, _NUM_VALUE], NUMBER, _kth(largest=True))
aggregate("small", [_NUM_COLUMN, _NUM_VALUE], NUMBER, _kth(largest=False))
aggregate("correl", [_NUM_COLUMN, _NUM_COLUMN], NUMBER, _two_columns(_correl))
aggregate("covar_pop", [_NUM_COLUMN, _NUM_COLUMN], NUMBER, _two_columns(lambda x, y: _covariance(x, y, 0)))
aggregate("covar_samp", [_NUM_COLUMN, _NUM_COLUMN], NUMBER, _two_columns(lambda x, y: _covariance(x, y, 1)))
aggregate("slope", [_NUM_COLUMN, _NUM_COLUMN], NUMBER, _two_columns(_slope))
aggregate("intercept", [_NUM_COLUMN, _NUM_COLUMN], NUMBER, _two_columns(_intercept))
aggregate("rank", [_NUM_VALUE, _NUM_COLUMN], NUMBER, _rank(average=False))
aggregate("rank_avg", [_NUM_VALUE, _NUM_COLUMN], NUMBER, _rank(average=True))
aggregate("percent_rank", [_NUM_COLUMN, _NUM_VALUE], NUMBER, _percent_rank)
aggregate("match", [Param(SCALARS, column=False), _ANY_COLUMN], NUMBER, _match, check=_same_type)
