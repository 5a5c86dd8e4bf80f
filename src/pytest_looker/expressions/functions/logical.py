"""Logical functions: ``if``, ``case``/``when``, ``coalesce``, ``is_null``.

These are the functions that do *not* propagate null: a null condition takes the else branch
(Looker documents ``if`` as returning the else value whenever the condition is not yes), and
``coalesce``/``is_null`` exist to handle null.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..nodes import Call
from ..runtime import Column, Context, Typed
from ..types import ANY, LIST, YESNO, LexpType, unify
from .registry import CallSite, register

_CONDITION = frozenset({YESNO})


def _common_type(site: CallSite, branches: Sequence[tuple[int, Typed]]) -> LexpType:
    """All result branches must share one type (null fits any)."""
    result: LexpType = LexpType.NULL
    for index, branch in branches:
        if branch.type is LIST:
            raise site.error(f"argument {index + 1} is a list; branches must be single values", index)
        merged = unify(result, branch.type)
        if merged is None:
            raise site.error(
                f"all results must have the same type: argument {index + 1} is {branch.type},"
                f" earlier results are {result}",
                index,
            )
        result = merged
    return ANY if result is LexpType.NULL else result


def _build_if(site: CallSite, args: Sequence[Typed]) -> Typed:
    condition = site.expect(args, 0, _CONDITION)
    then, otherwise = args[1], args[2]
    kind = _common_type(site, [(1, then), (2, otherwise)])

    def run(ctx: Context) -> Column:
        tests, yes_values, no_values = condition.run(ctx), then.run(ctx), otherwise.run(ctx)
        return [y if t is True else n for t, y, n in zip(tests, yes_values, no_values, strict=True)]

    return Typed(kind, run)


def _build_case(site: CallSite, _: Sequence[Typed]) -> Typed:
    """``case(when(c1, v1), ..., [else])``: first ``when`` whose condition is yes wins."""
    nodes = site.call.args
    whens: list[tuple[Typed, Typed]] = []
    branches: list[tuple[int, Typed]] = []
    otherwise: Typed | None = None
    for index, node in enumerate(nodes):
        is_when = isinstance(node, Call) and node.name == "when"
        if is_when and isinstance(node, Call):
            if len(node.args) != 2:
                raise site.error("when() takes 2 arguments: when(condition, value)", index)
            condition = site.compile(node.args[0])
            if condition.type not in (YESNO, LexpType.NULL, ANY):
                raise site.error(f"the condition of when() must be a yesno, got {condition.type}", index)
            value = site.compile(node.args[1])
            whens.append((condition, value))
            branches.append((index, value))
        elif index == len(nodes) - 1 and whens:
            otherwise = site.compile(node)
            branches.append((index, otherwise))
        else:
            raise site.error(
                "arguments must be when(condition, value), optionally followed by one else value",
                index,
            )
    kind = _common_type(site, branches)
    fallback = otherwise

    def run(ctx: Context) -> Column:
        result: Column = list(fallback.run(ctx)) if fallback is not None else ctx.constant(None)
        decided = [False] * ctx.row_count
        for condition, value in whens:
            tests, values = condition.run(ctx), value.run(ctx)
            for i in range(ctx.row_count):
                if not decided[i] and tests[i] is True:
                    result[i] = values[i]
                    decided[i] = True
        return result

    return Typed(kind, run)


def _build_when(site: CallSite, _: Sequence[Typed]) -> Typed:
    raise site.error("when() can only be used as an argument of case()")


def _build_coalesce(site: CallSite, args: Sequence[Typed]) -> Typed:
    kind = _common_type(site, list(enumerate(args)))

    def run(ctx: Context) -> Column:
        columns = [arg.run(ctx) for arg in args]
        return [next((v for v in row if v is not None), None) for row in zip(*columns, strict=True)]

    return Typed(kind, run)


def _build_is_null(site: CallSite, args: Sequence[Typed]) -> Typed:
    (value,) = args
    return Typed(YESNO, lambda ctx: [v is None for v in value.run(ctx)])


register("if", 3, 3, _build_if)
register("case", 1, None, _build_case, raw=True)
register("when", 2, 2, _build_when, raw=True)
register("coalesce", 1, None, _build_coalesce)
register("is_null", 1, 1, _build_is_null)
