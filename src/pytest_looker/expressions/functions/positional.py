"""Functions that look at other rows: ``row``, ``offset``, ``index``, ``lookup``, running totals, pivots.

They follow the result's row order, so sorts matter. Any position outside the result is null.
A data-test query cannot pivot, so the pivot functions return what Looker documents for an
unpivoted result: null (and ``pivot_column()`` is 1).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..runtime import Column, Context, Typed
from ..types import ANY, LIST, NUMBER, SCALARS, WILDCARDS, YESNO, LexpType, unify
from .registry import CallSite, register

_NUM = frozenset({NUMBER})
# offset_list() beyond this length gives null instead of building a huge list of nulls.
_MAX_LIST = 1_000_000


def _value_type(arg: Typed) -> LexpType:
    return ANY if arg.type in WILDCARDS else arg.type


def _position(value: object) -> int | None:
    """A row offset/index argument: whole numbers only (a fraction truncates toward zero)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    return int(value)


def _build_row(site: CallSite, args: Sequence[Typed]) -> Typed:
    return Typed(NUMBER, lambda ctx: list(range(1, ctx.row_count + 1)))


def _build_offset(site: CallSite, args: Sequence[Typed]) -> Typed:
    column = site.expect(args, 0, SCALARS)
    shift = site.expect(args, 1, _NUM)

    def run(ctx: Context) -> Column:
        values, shifts = column.run(ctx), shift.run(ctx)
        out: Column = []
        for i, step in enumerate(shifts):
            k = _position(step)
            j = None if k is None else i + k
            out.append(values[j] if j is not None and 0 <= j < ctx.row_count else None)
        return out

    return Typed(_value_type(column), run)


def _build_offset_list(site: CallSite, args: Sequence[Typed]) -> Typed:
    column = site.expect(args, 0, SCALARS)
    shift, count = site.expect(args, 1, _NUM), site.expect(args, 2, _NUM)

    def run(ctx: Context) -> Column:
        values, shifts, counts = column.run(ctx), shift.run(ctx), count.run(ctx)
        out: Column = []
        for i in range(ctx.row_count):
            k, size = _position(shifts[i]), _position(counts[i])
            if k is None or size is None or not 0 <= size <= _MAX_LIST:
                out.append(None)
                continue
            start = i + k
            out.append(tuple(values[j] if 0 <= j < ctx.row_count else None for j in range(start, start + size)))
        return out

    return Typed(LIST, run, element=_value_type(column))


def _build_index(site: CallSite, args: Sequence[Typed]) -> Typed:
    source = args[0]
    if source.type is not LIST:
        site.expect(args, 0, SCALARS)
    position = site.expect(args, 1, _NUM)
    per_row = source.type is LIST
    kind = source.element if per_row else _value_type(source)

    def run(ctx: Context) -> Column:
        values, positions = source.run(ctx), position.run(ctx)
        out: Column = []
        for i in range(ctx.row_count):
            n = _position(positions[i])
            items = values[i] if per_row else values
            if n is None or not isinstance(items, (list, tuple)) or not 1 <= n <= len(items):
                out.append(None)
            else:
                out.append(items[n - 1])
        return out

    return Typed(kind, run)


def _build_lookup(site: CallSite, args: Sequence[Typed]) -> Typed:
    value, keys, results = (site.expect(args, i, SCALARS) for i in range(3))
    if unify(value.type, keys.type) is None:
        raise site.error(f"cannot look up a {value.type} in a column of {keys.type} values", 0)

    def run(ctx: Context) -> Column:
        wanted, key_column, result_column = value.run(ctx), keys.run(ctx), results.run(ctx)
        first: dict[object, object] = {}
        for key, result in zip(key_column, result_column, strict=True):
            if key is not None and key not in first:
                first[key] = result
        return [None if w is None else first.get(w) for w in wanted]

    return Typed(_value_type(results), run)


def _build_list(site: CallSite, args: Sequence[Typed]) -> Typed:
    kind: LexpType = LexpType.NULL
    for index in range(len(args)):
        merged = unify(kind, site.expect(args, index, SCALARS).type)
        if merged is None:
            raise site.error(f"all elements must have one type: argument {index + 1} is {args[index].type}")
        kind = merged

    def run(ctx: Context) -> Column:
        return [tuple(row) for row in zip(*(arg.run(ctx) for arg in args), strict=True)]

    return Typed(LIST, run, element=ANY if kind in WILDCARDS else kind)


def _running(name: str, start: int, step: str) -> None:
    """``running_total``/``running_product``: null counts as 0/1 and repeats the running value."""

    def build(site: CallSite, args: Sequence[Typed]) -> Typed:
        column = site.expect(args, 0, _NUM)

        def run(ctx: Context) -> Column:
            total: int | float = start
            out: Column = []
            for value in column.run(ctx):
                if isinstance(value, (int, float)):
                    total = total + value if step == "+" else total * value
                out.append(total)
            return out

        return Typed(NUMBER, run)

    register(name, 1, 1, build)


def _pivot(name: str, arity: int, result: LexpType | None) -> None:
    """Pivot functions on an unpivoted result: null, typed like their value argument."""

    def build(site: CallSite, args: Sequence[Typed]) -> Typed:
        if name == "pivot_where":
            site.expect(args, 0, frozenset({YESNO}))
        for index in range(len(args)):
            if index > 0 or name != "pivot_where":
                site.expect(args, index, SCALARS)
        value_index = 1 if name == "pivot_where" else 0
        kind = result if result is not None else _value_type(args[value_index])
        element = _value_type(args[0]) if kind is LIST and args else ANY
        return Typed(kind, lambda ctx: ctx.constant(None), element=element)

    register(name, arity, arity, build)


def _build_pivot_column(site: CallSite, args: Sequence[Typed]) -> Typed:
    return Typed(NUMBER, lambda ctx: ctx.constant(1))


register("row", 0, 0, _build_row)
register("offset", 2, 2, _build_offset)
register("offset_list", 3, 3, _build_offset_list)
register("index", 2, 2, _build_index)
register("lookup", 3, 3, _build_lookup)
register("list", 1, None, _build_list)
register("pivot_column", 0, 0, _build_pivot_column)
_running("running_total", 0, "+")
_running("running_product", 1, "*")
_pivot("pivot_index", 2, None)
_pivot("pivot_offset", 2, None)
_pivot("pivot_offset_list", 3, LIST)
_pivot("pivot_row", 1, LIST)
_pivot("pivot_where", 2, None)
