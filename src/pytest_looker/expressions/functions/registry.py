"""The function registry: one :class:`Function` per Lexp function name, and builder helpers.

A function is a *builder*: given its call site and its compiled arguments it type-checks them and
returns a compiled :class:`Typed` node. Keeping the type rules next to the implementation means a
function cannot be runnable without also being checked. Most functions are row-wise scalars with
null propagation; :func:`scalar` builds those from a plain Python callable so each module stays a
table of one-line entries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import ExpressionTypeError
from ..nodes import Call, Node
from ..runtime import Column, Context, Typed
from ..types import WILDCARDS, LexpType, clean_number, describe, fits


@dataclass(frozen=True)
class CallSite:
    """A call being compiled: the node, the expression text, and a way to compile sub-nodes."""

    call: Call
    text: str
    compile: Callable[[Node], Typed]

    @property
    def name(self) -> str:
        return self.call.name

    def error(self, message: str, argument: int | None = None) -> ExpressionTypeError:
        """A type error pointing at the call, or at its ``argument``-th (0-based) argument."""
        node: Node = self.call
        if argument is not None and argument < len(self.call.args):
            node = self.call.args[argument]
        return ExpressionTypeError(f"{self.name}(): {message}", self.text, node.position)

    def expect(self, args: Sequence[Typed], index: int, allowed: frozenset[LexpType]) -> Typed:
        """Check argument ``index`` against ``allowed`` types and return it."""
        arg = args[index]
        if arg.type is LexpType.LIST and LexpType.LIST not in allowed:
            raise self.error(
                f"argument {index + 1} is a list; lists are only accepted by aggregate functions,"
                " index(), match(), rank() and percent_rank()",
                index,
            )
        if not fits(arg.type, allowed):
            raise self.error(f"argument {index + 1} must be a {describe(allowed)}, got {arg.type}", index)
        return arg


Builder = Callable[[CallSite, Sequence[Typed]], Typed]


@dataclass(frozen=True)
class Function:
    """A Lexp function: arity bounds, builder, and whether arguments are compiled for it.

    ``raw`` builders receive no pre-compiled arguments and compile ``site.call.args`` themselves
    (``case`` needs to see its ``when(...)`` arguments as calls, not values).
    """

    name: str
    min_args: int
    max_args: int | None
    build: Builder
    raw: bool = False

    def arity_text(self) -> str:
        if self.max_args is None:
            return f"at least {self.min_args} argument{'s' if self.min_args != 1 else ''}"
        if self.min_args == self.max_args:
            return f"{self.min_args} argument{'s' if self.min_args != 1 else ''}"
        return f"{self.min_args} to {self.max_args} arguments"


FUNCTIONS: dict[str, Function] = {}


def register(name: str, min_args: int, max_args: int | None, build: Builder, raw: bool = False) -> None:
    """Add a function to the registry (each name exactly once)."""
    if name in FUNCTIONS:
        raise RuntimeError(f"Lexp function {name} registered twice")
    FUNCTIONS[name] = Function(name, min_args, max_args, build, raw)


ScalarFn = Callable[..., object]
_DOMAIN_ERRORS = (ValueError, OverflowError, ZeroDivisionError, ArithmeticError)


def map_rows(ctx: Context, columns: Sequence[Column], fn: ScalarFn, propagate_null: bool = True) -> Column:
    """Apply ``fn`` row by row; null in (with ``propagate_null``) or a domain error gives null."""
    out: Column = []
    for i in range(ctx.row_count):
        values = [column[i] for column in columns]
        if propagate_null and any(value is None for value in values):
            out.append(None)
            continue
        try:
            out.append(fn(*values))
        except _DOMAIN_ERRORS:
            out.append(None)
    return out


def scalar(
    name: str,
    params: Sequence[frozenset[LexpType]],
    returns: LexpType | Callable[[Sequence[Typed]], LexpType],
    fn: ScalarFn,
    optional: int = 0,
) -> None:
    """Register a row-wise function with fixed parameter types and SQL-style null propagation.

    ``returns`` is a type or a function of the argument types (``add_days`` on a date is a date,
    on a datetime a datetime). The last ``optional`` parameters may be omitted.
    """

    def build(site: CallSite, args: Sequence[Typed]) -> Typed:
        checked = [site.expect(args, i, params[i]) for i in range(len(args))]
        result = returns if isinstance(returns, LexpType) else returns(checked)

        def run(ctx: Context) -> Column:
            return map_rows(ctx, [arg.run(ctx) for arg in checked], finite)

        return Typed(result, run)

    def finite(*values: object) -> object:
        value = fn(*values)
        if isinstance(value, float):
            return clean_number(value)
        return value

    register(name, len(params) - optional, len(params), build)


def same_as(index: int) -> Callable[[Sequence[Typed]], LexpType]:
    """Return-type rule: the type of argument ``index`` (``null`` arguments give ``any``)."""

    def result(args: Sequence[Typed]) -> LexpType:
        kind = args[index].type
        return LexpType.ANY if kind in WILDCARDS else kind

    return result
