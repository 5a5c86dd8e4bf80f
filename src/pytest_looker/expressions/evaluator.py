"""Compile a parsed expression against a result's columns, then run it.

Compilation is the type check: each node becomes a :class:`Typed` (static type + a function that
computes its column), and any type error, unknown field or unknown function is raised before a
single row is evaluated — as in Looker, where such an expression never produces values.
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Mapping, Sequence
from datetime import datetime

from . import operators
from .columns import ColumnData, available_columns, load_columns
from .errors import ExpressionTypeError, UnknownFieldError, UnsupportedFunctionError
from .functions import FUNCTIONS, NOT_IN_LEXP, NOT_IN_TABLE_CALCULATIONS, CallSite
from .nodes import (
    Binary,
    Call,
    Expression,
    FieldRef,
    FilterLiteral,
    Node,
    Null,
    Number,
    String,
    Unary,
    YesNo,
    walk,
)
from .runtime import Column, Context, NullLogic, Typed
from .types import (
    ANY,
    FILTER,
    LIST,
    NULL,
    NUMBER,
    ORDERED,
    STRING,
    WILDCARDS,
    YESNO,
    LexpType,
    describe,
    fits,
    unify,
)

_NUM = frozenset({NUMBER})
_YESNO = frozenset({YESNO})


def _constant(kind: LexpType, value: object) -> Typed:
    return Typed(kind, lambda ctx: ctx.constant(value))


class Compiler:
    """Type-checks nodes of one expression against known columns and builds runnable nodes."""

    def __init__(self, expression: Expression, columns: Mapping[str, ColumnData], available: Sequence[str]) -> None:
        self.expression = expression
        self.columns = {name.lower(): column for name, column in columns.items()}
        self.available = sorted(available)

    def error(self, message: str, node: Node) -> ExpressionTypeError:
        return ExpressionTypeError(message, self.expression.text, node.position)

    def compile(self, node: Node) -> Typed:
        if isinstance(node, Number):
            return _constant(NUMBER, node.value)
        if isinstance(node, String):
            return _constant(STRING, node.value)
        if isinstance(node, YesNo):
            return _constant(YESNO, node.value)
        if isinstance(node, Null):
            return _constant(NULL, None)
        if isinstance(node, FilterLiteral):
            raise self.error("a backtick filter expression is only valid inside matches_filter()", node)
        if isinstance(node, FieldRef):
            return self.field(node)
        if isinstance(node, Unary):
            return self.unary(node)
        if isinstance(node, Binary):
            return self.binary(node)
        return self.call(node)

    def field(self, node: FieldRef) -> Typed:
        if node.suffix is not None:
            raise UnsupportedFunctionError(
                f"${{{node.name}:{node.suffix}}} needs Explore totals, which a data-test query does not have",
                self.expression.text,
                node.position,
            )
        column = self.columns.get(node.name.lower())
        if column is None:
            if not self.available:
                return _constant(ANY, None)
            raise unknown_field(self.expression, node, self.available)
        values = column.values
        return Typed(column.type, lambda ctx: list(values))

    def operand(self, node: Node, allowed: frozenset[LexpType], role: str) -> Typed:
        typed = self.compile(node)
        if typed.type is LIST:
            raise self.error(f"{role} cannot be a list", node)
        if not fits(typed.type, allowed):
            raise self.error(f"{role} must be a {describe(allowed)}, got {typed.type}", node)
        return typed

    def unary(self, node: Unary) -> Typed:
        if node.op == "NOT":
            operand = self.operand(node.operand, _YESNO, "the operand of NOT")
            return Typed(YESNO, lambda ctx: operators.logical_not(operand.run(ctx), ctx.null_logic))
        operand = self.operand(node.operand, _NUM, "the operand of unary -")
        return Typed(NUMBER, lambda ctx: operators.negate(operand.run(ctx)))

    def binary(self, node: Binary) -> Typed:
        op = node.op
        if op in ("AND", "OR"):
            left = self.operand(node.left, _YESNO, f"the left side of {op}")
            right = self.operand(node.right, _YESNO, f"the right side of {op}")
            combine = operators.logical_and if op == "AND" else operators.logical_or
            return Typed(YESNO, lambda ctx: combine(left.run(ctx), right.run(ctx), ctx.null_logic))
        if op in ("+", "-", "*", "/"):
            hint = " (use add_days() and friends for dates, concat() for strings)"
            left = self.compile(node.left)
            right = self.compile(node.right)
            for side, typed in (("left", left), ("right", right)):
                if typed.type is LIST or not fits(typed.type, _NUM):
                    raise self.error(f"the {side} side of {op} must be a number, got {typed.type}{hint}", node)
            return Typed(NUMBER, lambda ctx: operators.arithmetic(op, left.run(ctx), right.run(ctx)))
        allowed = ORDERED | {YESNO} if op in ("=", "!=") else ORDERED
        left = self.operand(node.left, allowed, f"the left side of {op}")
        right = self.operand(node.right, allowed, f"the right side of {op}")
        if unify(left.type, right.type) is None:
            raise self.error(
                f"cannot compare {left.type} with {right.type} using {op}: Looker expressions do not"
                " convert types implicitly (use to_number() or to_string())",
                node,
            )
        return Typed(YESNO, lambda ctx: operators.compare(op, left.run(ctx), right.run(ctx), ctx.null_logic))

    def call(self, node: Call) -> Typed:
        text = self.expression.text
        if node.name in NOT_IN_TABLE_CALCULATIONS:
            raise UnsupportedFunctionError(NOT_IN_TABLE_CALCULATIONS[node.name], text, node.position)
        function = FUNCTIONS.get(node.name)
        if function is None:
            raise unknown_function(self.expression, node)
        count = len(node.args)
        if count < function.min_args or (function.max_args is not None and count > function.max_args):
            raise ExpressionTypeError(f"{node.name}() takes {function.arity_text()}, got {count}", text, node.position)
        site = CallSite(node, text, self.compile)
        args = [] if function.raw else [self.compile(arg) for arg in node.args]
        for index, arg in enumerate(args):
            if arg.type is FILTER:
                raise site.error("a filter expression is only valid inside matches_filter()", index)
        return function.build(site, args)


def unknown_field(expression: Expression, node: FieldRef, available: Sequence[str]) -> UnknownFieldError:
    listed = ", ".join(available) if available else "none"
    close = difflib.get_close_matches(node.name.lower(), [a.lower() for a in available], n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    return UnknownFieldError(
        f"unknown field ${{{node.name}}}: the query result has no such column{hint} (available columns: {listed})",
        expression.text,
        node.position,
    )


def unknown_function(expression: Expression, node: Call) -> UnsupportedFunctionError:
    name = node.name
    if name in NOT_IN_LEXP:
        reason = f"{name}() is not a Looker expression function: {NOT_IN_LEXP[name]}"
    else:
        close = difflib.get_close_matches(name, list(FUNCTIONS), n=1)
        hint = f"; did you mean {close[0]}()?" if close else ""
        reason = f"unsupported Looker function {name}(){hint}"
    return UnsupportedFunctionError(reason, expression.text, node.position)


def referenced_fields(expression: Expression) -> frozenset[str]:
    """Every field referenced as ``${...}`` (``view.field`` or an unscoped name), as written."""
    return frozenset(node.name for node in walk(expression.root) if isinstance(node, FieldRef))


def compile_expression(
    expression: Expression,
    rows: Sequence[Mapping[str, object]],
    field_types: Mapping[str, LexpType] | None = None,
) -> Typed:
    """Resolve fields against ``rows`` and type-check; raises before evaluating anything.

    With no rows and no ``field_types`` we cannot know the columns, so unknown fields are
    tolerated (typed ``any``): an empty result evaluates to nothing either way.
    """
    names = available_columns(rows, field_types)
    wanted = [names[ref.lower()] for ref in referenced_fields(expression) if ref.lower() in names]
    columns = load_columns(rows, wanted, field_types)
    return Compiler(expression, columns, list(names.values())).compile(expression.root)


def run(
    typed: Typed,
    row_count: int,
    *,
    now: datetime | None = None,
    null_logic: NullLogic = "sql",
    seed: int | None = None,
) -> Column:
    """Run a compiled expression over ``row_count`` rows."""
    clock = (now or datetime.now()).replace(tzinfo=None)
    ctx = Context(row_count, clock, null_logic, random.Random(seed))
    return typed.run(ctx)


def result_type(typed: Typed) -> LexpType:
    """Static type of a compiled expression, ``any`` for the ``null`` literal."""
    return ANY if typed.type in WILDCARDS else typed.type
