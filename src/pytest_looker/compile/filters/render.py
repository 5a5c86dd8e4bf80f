"""Turn a parsed filter into one SQL condition (a sqlglot expression) for a column.

One function per filter kind. The shapes follow Looker's generated SQL (filter-expressions.md
§2–§7): positives OR-ed, negatives AND-ed, negated equalities keep NULL rows, negated LIKEs do
not, date items become half-open bounds over the warehouse clock. Rendering to text for a dialect is left to
sqlglot so literal escaping is always the dialect's own.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from sqlglot import exp

from pytest_looker.compile.dialects import get_dialect

from . import sqlbuild as sql
from .calendar import item_bounds, item_moments
from .context import FilterContext
from .nodes import (
    DateBound,
    DateFilter,
    DateNull,
    DateRangeNode,
    FilterExpression,
    LocationBox,
    LocationCircle,
    LocationFilter,
    LocationNull,
    LocationPoint,
    NumberCompare,
    NumberCore,
    NumberEquals,
    NumberFilter,
    NumberIsNull,
    NumberOutside,
    NumberRange,
    Point,
    StringFilter,
    StringItem,
    StringMatch,
    TierFilter,
    Wildcard,
    YesNoFilter,
)

#: Mean Earth radius (IUGG) in metres, for great-circle distances; Looker's exact value is unknown.
EARTH_RADIUS_M = Decimal("6371008.8")
_DEGREES_TO_RADIANS = Decimal("0.017453292519943295")


def render(
    expression: FilterExpression, column: exp.Expr | tuple[exp.Expr, exp.Expr], ctx: FilterContext
) -> exp.Expr | None:
    """The condition for ``expression`` on ``column`` (a (lat, lon) pair for locations)."""
    if isinstance(expression, LocationFilter):
        if not isinstance(column, tuple):
            raise TypeError("a location filter needs a (latitude, longitude) column pair")
        return _location(expression, column[0], column[1])
    if isinstance(column, tuple):
        raise TypeError(f"a {expression.kind.value} filter needs one column expression")
    if isinstance(expression, StringFilter):
        return _string(expression, column, ctx)
    if isinstance(expression, TierFilter):
        return _tier(expression, column)
    if isinstance(expression, NumberFilter):
        return _number(expression, column, aggregate=ctx.aggregate)
    if isinstance(expression, DateFilter):
        return _date(expression, column, ctx)
    return _yesno(expression, column)


def _argument(column: exp.Expr) -> exp.Expr:
    """The column without the outer parentheses, for use as a function argument."""
    return column.this if isinstance(column, exp.Paren) else column


def _combine(positives: list[exp.Expr], negatives: list[exp.Expr]) -> exp.Expr | None:
    parts = ([sql.any_of(positives)] if positives else []) + negatives
    return sql.all_of(parts) if parts else None


# -- string -----------------------------------------------------------------------------------


def _string(expression: StringFilter, column: exp.Expr, ctx: FilterContext) -> exp.Expr | None:
    folded = sql.lower(_argument(column)) if not ctx.case_sensitive else column

    def value(text: str) -> exp.Expr:
        literal = sql.string(text)
        return literal if ctx.case_sensitive else sql.lower(literal)

    positives: list[exp.Expr] = []
    negatives: list[exp.Expr] = []
    equal = [item.value for item in expression.items if item.match is StringMatch.EQUALS and not item.negated]
    unequal = [item.value for item in expression.items if item.match is StringMatch.EQUALS and item.negated]
    for item in expression.items:
        target = negatives if item.negated else positives
        if item.match is StringMatch.EQUALS:
            values = unequal if item.negated else equal
            if values and item.value == values[0]:
                literals = [value(v) for v in dict.fromkeys(values)]
                target.append(sql.not_in(folded, literals, column) if item.negated else sql.in_list(folded, literals))
                values.clear()
        elif item.match is StringMatch.NULL:
            target.append(sql.is_not_null(column) if item.negated else sql.is_null(column))
        elif item.match is StringMatch.EMPTY:
            target.append(_empty(column, item.negated))
        else:
            pattern, escaped = _like_pattern(item)
            target.append(
                sql.like(
                    column,
                    pattern,
                    negate=item.negated,
                    case_sensitive=ctx.case_sensitive,
                    escaped=escaped,
                    dialect=ctx.dialect,
                )
            )
    return _combine(positives, negatives)


def _empty(column: exp.Expr, negated: bool) -> exp.Expr:
    length = exp.Length(this=_argument(column).copy())
    if negated:
        return exp.Paren(this=exp.and_(sql.is_not_null(column), exp.NEQ(this=length, expression=exp.Literal.number(0))))
    return exp.Paren(this=exp.or_(sql.is_null(column), exp.EQ(this=length, expression=exp.Literal.number(0))))


def _like_pattern(item: StringItem) -> tuple[str, bool]:
    if item.match is StringMatch.LIKE:
        pieces: list[str] = []
        any_escaped = False
        for part in item.pattern:
            if isinstance(part, Wildcard):
                pieces.append(part.value)
            else:
                text, escaped = sql.escape_like(part)
                pieces.append(text)
                any_escaped = any_escaped or escaped
        return "".join(pieces), any_escaped
    text, escaped = sql.escape_like(item.value)
    if item.match is StringMatch.CONTAINS:
        return f"%{text}%", escaped
    if item.match is StringMatch.STARTS_WITH:
        return f"{text}%", escaped
    return f"%{text}", escaped


# -- tier -------------------------------------------------------------------------------------


def _tier(expression: TierFilter, column: exp.Expr) -> exp.Expr | None:
    # The tier CASE never yields NULL (NULL gets the "Undefined" label), so no NULL arm.
    labels = list(dict.fromkeys(i.label for i in expression.items if not i.negated))
    excluded = list(dict.fromkeys(i.label for i in expression.items if i.negated))
    positives = [sql.in_list(column, [sql.string(v) for v in labels])] if labels else []
    negatives: list[exp.Expr] = []
    if len(excluded) == 1:
        negatives.append(exp.NEQ(this=column.copy(), expression=sql.string(excluded[0])))
    elif excluded:
        negatives.append(exp.Not(this=sql.in_list(column, [sql.string(v) for v in excluded])))
    return _combine(positives, negatives)


# -- number -----------------------------------------------------------------------------------


def _number(expression: NumberFilter, column: exp.Expr, *, aggregate: bool = False) -> exp.Expr | None:
    """Dimension negations keep NULL rows, ``(x <> 5 OR x IS NULL)``; a measure's (HAVING) are
    ``NOT (x = 0)``, as Looker writes them (real Redshift: ``HAVING (NOT (COUNT(DISTINCT …) = 0))``)."""
    if aggregate:
        return _negated_measure(expression, column)
    positives: list[exp.Expr] = []
    negatives: list[exp.Expr] = []
    equal = [i.core.value for i in expression.items if isinstance(i.core, NumberEquals) and not i.negated]
    unequal = [i.core.value for i in expression.items if isinstance(i.core, NumberEquals) and i.negated]
    for item in expression.items:
        core = item.core
        if isinstance(core, NumberEquals):
            values = unequal if item.negated else equal
            if values and core.value == values[0]:
                literals = [sql.number(v) for v in dict.fromkeys(values)]
                if item.negated:
                    negatives.append(sql.not_in(column, literals, column))
                else:
                    positives.append(sql.in_list(column, literals))
                values.clear()
        elif isinstance(core, NumberIsNull):
            (negatives if item.negated else positives).append(
                sql.is_not_null(column) if item.negated else sql.is_null(column)
            )
        elif item.negated:
            negatives.append(sql.or_null(_number_core(core, column, inverted=True), column))
        else:
            positives.append(_number_core(core, column, inverted=False))
    return _combine(positives, negatives)


def _negated_measure(expression: NumberFilter, column: exp.Expr) -> exp.Expr | None:
    """``NOT (…)`` around the negated items of a measure's filter, AND-ed to the others."""
    negated = [dataclasses.replace(i, negated=False) for i in expression.items if i.negated]
    negated = [i for i in negated if not isinstance(i.core, NumberIsNull)]
    kept = [i for i in expression.items if not i.negated or isinstance(i.core, NumberIsNull)]
    parts = [_number(NumberFilter(expression.text, tuple(kept)), column)] if kept else []
    if negated:
        excluded = _number(NumberFilter(expression.text, tuple(negated)), column)
        parts.append(None if excluded is None else exp.Not(this=exp.Paren(this=excluded)))
    present = [part for part in parts if part is not None]
    return sql.all_of(present) if present else None


_INVERSE = {">": "<=", ">=": "<", "<": ">=", "<=": ">"}
_COMPARISONS: dict[str, type[exp.Binary]] = {">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}


def _compare(column: exp.Expr, op: str, value: Decimal) -> exp.Expr:
    return _COMPARISONS[op](this=column.copy(), expression=sql.number(value))


def _number_core(core: NumberCore, column: exp.Expr, *, inverted: bool) -> exp.Expr:
    """The core's condition, or (``inverted``) its complement among non-NULL values."""
    if isinstance(core, NumberCompare):
        return _compare(column, _INVERSE[core.op] if inverted else core.op, core.value)
    if isinstance(core, NumberOutside):
        below = _compare(column, core.below.op, core.below.value)
        above = _compare(column, core.above.op, core.above.value)
        if inverted:
            below = _compare(column, _INVERSE[core.below.op], core.below.value)
            above = _compare(column, _INVERSE[core.above.op], core.above.value)
            return exp.Paren(this=exp.and_(below, above))
        return exp.Paren(this=exp.or_(below, above))
    if isinstance(core, NumberRange):
        sides: list[exp.Expr] = []
        if core.low is not None:
            op = ">=" if core.low_inclusive else ">"
            sides.append(_compare(column, _INVERSE[op] if inverted else op, core.low))
        if core.high is not None:
            op = "<=" if core.high_inclusive else "<"
            sides.append(_compare(column, _INVERSE[op] if inverted else op, core.high))
        if not sides:  # (-inf, inf): every non-NULL value
            return exp.false() if inverted else sql.is_not_null(column)
        if len(sides) == 1:
            return sides[0]
        return exp.Paren(this=exp.or_(*sides) if inverted else exp.and_(*sides))
    if isinstance(core, NumberEquals):
        return (exp.NEQ if inverted else exp.EQ)(this=column.copy(), expression=sql.number(core.value))
    raise AssertionError(f"unexpected number node {core!r}")  # pragma: no cover


# -- date -------------------------------------------------------------------------------------


def _date(expression: DateFilter, column: exp.Expr, ctx: FilterContext) -> exp.Expr | None:
    conditions: list[exp.Expr] = []
    for item in expression.items:
        if isinstance(item, DateNull):
            conditions.append(sql.is_not_null(column) if item.negated else sql.is_null(column))
            continue
        start, end = bound_sql(item, ctx, expression.text)
        sides: list[exp.Expr] = []
        if start is not None:
            sides.append(exp.GTE(this=column.copy(), expression=start))
        if end is not None:
            sides.append(exp.LT(this=column.copy(), expression=end))
        conditions.append(sides[0] if len(sides) == 1 else exp.and_(*sides))
    if not conditions:
        return None
    if len(conditions) == 1:
        return conditions[0]
    return exp.or_(*(exp.Paren(this=c) if isinstance(c, exp.And) else c for c in conditions))


def bound_sql(
    item: DateRangeNode | DateBound, ctx: FilterContext, text: str
) -> tuple[exp.Expr | None, exp.Expr | None]:
    """The SQL of an item's ``[start, end)``: Looker's expressions over the warehouse clock, in
    the dialect's spelling (the injected ``now``, if any, in place of the clock)."""
    item_bounds(item, ctx, text)  # a date out of range fails here, not in the warehouse
    dialect = get_dialect(ctx.dialect)
    clock = ctx.clock()
    return tuple(  # type: ignore[return-value]
        None if moment is None else exp.Paren(this=sql.trusted(dialect.moment_sql(moment, clock)))
        for moment in item_moments(item, ctx.fiscal_month_offset)
    )


# -- yesno ------------------------------------------------------------------------------------


def _yesno(expression: YesNoFilter, column: exp.Expr) -> exp.Expr | None:
    if expression.value is None:
        return None
    condition = exp.Paren(this=_argument(column).copy())
    if expression.value:
        return condition
    return exp.Paren(this=exp.or_(exp.Not(this=condition), sql.is_null(condition)))


# -- location ---------------------------------------------------------------------------------


def _location(expression: LocationFilter, lat: exp.Expr, lon: exp.Expr) -> exp.Expr | None:
    condition = expression.condition
    if condition is None:
        return None
    if isinstance(condition, LocationNull):
        if condition.negated:
            return exp.Paren(this=exp.and_(sql.is_not_null(lat), sql.is_not_null(lon)))
        return exp.Paren(this=exp.or_(sql.is_null(lat), sql.is_null(lon)))
    if isinstance(condition, LocationPoint):
        return exp.Paren(
            this=exp.and_(
                exp.EQ(this=lat.copy(), expression=sql.number(condition.point.latitude)),
                exp.EQ(this=lon.copy(), expression=sql.number(condition.point.longitude)),
            )
        )
    if isinstance(condition, LocationCircle):
        return exp.LTE(this=_distance_m(lat, lon, condition.center), expression=sql.number(condition.meters))
    return _box(condition, lat, lon)


def _radians(value: exp.Expr) -> exp.Expr:
    return exp.Mul(this=value, expression=sql.number(_DEGREES_TO_RADIANS))


def _distance_m(lat: exp.Expr, lon: exp.Expr, center: Point) -> exp.Expr:
    """Haversine great-circle distance in metres, from functions every dialect has."""

    def half_sine_squared(value: exp.Expr, origin: Decimal) -> exp.Expr:
        subtrahend = sql.number(origin)
        if origin < 0:  # never let "x - -1" become a "--" comment in any spelling
            subtrahend = exp.Paren(this=subtrahend)
        difference = exp.Paren(this=exp.Sub(this=value.copy(), expression=subtrahend))
        sine = sql.call("SIN", exp.Div(this=_radians(difference), expression=exp.Literal.number(2)))
        return exp.Mul(this=sine, expression=sine.copy())

    cosines = exp.Mul(
        this=sql.call("COS", _radians(sql.number(center.latitude))),
        expression=sql.call("COS", _radians(lat.copy())),
    )
    inner = exp.Add(
        this=half_sine_squared(lat, center.latitude),
        expression=exp.Mul(this=cosines, expression=half_sine_squared(lon, center.longitude)),
    )
    root = sql.call("LEAST", exp.Literal.number("1.0"), sql.call("SQRT", inner))
    return exp.Mul(this=exp.Literal.number(str(2 * EARTH_RADIUS_M)), expression=sql.call("ASIN", root))


def _box(box: LocationBox, lat: exp.Expr, lon: exp.Expr) -> exp.Expr:
    """Latitude between the corners; longitude eastwards from the west to the east corner.

    Our choice for longitudes beyond ±180 (seen in saved dashboards) and for a west corner east
    of the east corner: the box spans eastwards from west to east, wrapping at the antimeridian;
    a span of 360° or more places no condition on longitude.
    """
    south = min(box.north_west.latitude, box.south_east.latitude)
    north = max(box.north_west.latitude, box.south_east.latitude)
    conditions: list[exp.Expr] = [exp.Between(this=lat.copy(), low=sql.number(south), high=sql.number(north))]
    west, east = box.north_west.longitude, box.south_east.longitude
    span = east - west if east >= west else (east - west) % 360 + (360 if (east - west) % 360 < 0 else 0)
    if span < 360:
        start = (west + 180) % 360
        start = (start + 360 if start < 0 else start) - 180
        end = start + span
        if end <= 180:
            conditions.append(exp.Between(this=lon.copy(), low=sql.number(start), high=sql.number(end)))
        else:
            conditions.append(
                exp.Paren(
                    this=exp.or_(
                        exp.GTE(this=lon.copy(), expression=sql.number(start)),
                        exp.LTE(this=lon.copy(), expression=sql.number(end - 360)),
                    )
                )
            )
    return exp.Paren(this=exp.and_(*conditions))
