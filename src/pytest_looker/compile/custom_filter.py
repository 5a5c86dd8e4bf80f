"""Custom filters: a Looker expression (``Query.filter_expression``) compiled into WHERE or HAVING.

Looker's API and Explore accept a *custom filter*, a Looker expression such as
``${tasks.type} = "ColocatedTask" AND matches_filter(${tasks.created_date}, `7 days`)``. Looker
compiles it to SQL, not pastes it: ``1=2`` becomes ``1 = 2``, a field reference becomes the
field's SQL, a string literal a SQL string (recorded Looker responses in Spectacles' cassettes;
Caseflow's Redshift queries). It is AND-ed to WHERE after the field filters, in one pair of
parentheses; one that reads a measure goes to HAVING (inferred from where measure filters go).

The row functions of custom filters (``looker-expressions.md`` §1, contexts A and F) are
translated through sqlglot nodes, so each dialect gets its own spelling; a function that only
table calculations allow, or that we do not translate, is a :class:`CompileError` naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from pytest_looker.compile.clock import Clock, ClockContext
from pytest_looker.compile.fields import FieldCompiler
from pytest_looker.compile.filters import sqlbuild
from pytest_looker.compile.predicates import filter_condition
from pytest_looker.compile.sqltext import Sql
from pytest_looker.errors import CompileError, ExpressionError
from pytest_looker.expressions import parse_expression
from pytest_looker.expressions.nodes import (
    Binary,
    Call,
    FieldRef,
    FilterLiteral,
    Node,
    Null,
    Number,
    String,
    Unary,
    YesNo,
)

_COMPARISONS: dict[str, type[exp.Binary]] = {
    "=": exp.EQ,
    "!=": exp.NEQ,
    ">": exp.GT,
    "<": exp.LT,
    ">=": exp.GTE,
    "<=": exp.LTE,
}
_ARITHMETIC: dict[str, type[exp.Binary]] = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul, "/": exp.Div}
#: Timeframes whose value in an expression is a date, or a date and time.
_TYPED_TIMEFRAMES = {
    **dict.fromkeys(("date", "week", "month", "quarter", "year"), "::date"),
    **dict.fromkeys(("time", "hour", "minute", "second"), "::datetime"),
}


@dataclass(frozen=True)
class CustomFilter:
    """The compiled condition and whether it belongs in HAVING (it reads a measure)."""

    sql: Sql
    having: bool


def compile_custom_filter(fc: FieldCompiler, text: str) -> CustomFilter | None:
    """``text`` (a Looker expression) as one parenthesised SQL condition; None when blank."""
    if not text.strip():
        return None
    try:
        expression = parse_expression(text)
    except ExpressionError as error:
        raise CompileError(f"custom filter {text!r}: {error.message}") from None
    translator = _Translator(fc, text)
    node = translator.node(expression.root)
    condition = exp.Paren(this=node)
    sql = Sql(condition.sql(dialect=fc.state.dialect_name), frozenset(translator.aliases))
    return CustomFilter(sql, translator.reads_measure)


class _Translator:
    def __init__(self, fc: FieldCompiler, text: str) -> None:
        self.fc = fc
        self.text = text
        self.aliases: set[str] = set()
        self.reads_measure = False
        self.functions: dict[str, Callable[[Call], exp.Expr]] = {
            "is_null": lambda c: exp.Is(this=self.arg(c, 0), expression=exp.Null()),
            "coalesce": lambda c: exp.Coalesce(this=self.arg(c, 0), expressions=self.args(c)[1:]),
            "if": lambda c: exp.If(this=self.arg(c, 0), true=self.arg(c, 1), false=self.arg(c, 2)),
            "contains": lambda c: exp.GT(
                this=exp.StrPosition(this=self.arg(c, 0), substr=self.arg(c, 1)), expression=exp.Literal.number(0)
            ),
            "starts_with": lambda c: self.affix(c, start=True),
            "ends_with": lambda c: self.affix(c, start=False),
            "length": lambda c: exp.Length(this=self.arg(c, 0)),
            "lower": lambda c: exp.Lower(this=self.arg(c, 0)),
            "upper": lambda c: exp.Upper(this=self.arg(c, 0)),
            "trim": lambda c: exp.Trim(this=self.arg(c, 0)),
            "concat": lambda c: exp.Concat(expressions=self.args(c)),
            "substring": lambda c: exp.Substring(this=self.arg(c, 0), start=self.arg(c, 1), length=self.arg(c, 2)),
            "abs": lambda c: exp.Abs(this=self.arg(c, 0)),
            "round": lambda c: exp.Round(this=self.arg(c, 0), decimals=self.args(c)[1] if len(c.args) > 1 else None),
            "floor": lambda c: exp.Floor(this=self.arg(c, 0)),
            "ceiling": lambda c: exp.Ceil(this=self.arg(c, 0)),
            "mod": lambda c: exp.Mod(this=self.arg(c, 0), expression=self.arg(c, 1)),
            "power": lambda c: exp.Pow(this=self.arg(c, 0), expression=self.arg(c, 1)),
            "sqrt": lambda c: exp.Sqrt(this=self.arg(c, 0)),
            "date": lambda c: exp.DateFromParts(year=self.arg(c, 0), month=self.arg(c, 1), day=self.arg(c, 2)),
            "add_days": lambda c: self.date_add(c, "DAY"),
            "add_months": lambda c: self.date_add(c, "MONTH"),
            "add_years": lambda c: self.date_add(c, "YEAR"),
            "now": lambda c: self.now(),
            "matches_filter": self.matches_filter,
        }

    def fail(self, problem: str) -> CompileError:
        return CompileError(f"custom filter {self.text!r}: {problem}")

    # -- nodes -------------------------------------------------------------------------------------

    def node(self, node: Node) -> exp.Expr:
        if isinstance(node, Number):
            return exp.Literal.number(node.value)
        if isinstance(node, String):
            return exp.Literal.string(node.value)
        if isinstance(node, YesNo):
            return exp.true() if node.value else exp.false()
        if isinstance(node, Null):
            return exp.Null()
        if isinstance(node, FieldRef):
            return self.field(node)
        if isinstance(node, FilterLiteral):
            raise self.fail("a `filter expression` is only allowed as the second argument of matches_filter")
        if isinstance(node, Unary):
            operand = self.node(node.operand)
            return exp.Not(this=exp.Paren(this=operand)) if node.op == "NOT" else exp.Neg(this=operand)
        if isinstance(node, Binary):
            return self.binary(node)
        function = self.functions.get(node.name)
        if function is None:
            raise self.fail(f"{node.name}() cannot be used in a custom filter (or is not translated to SQL)")
        return function(node)

    def binary(self, node: Binary) -> exp.Expr:
        left, right = self.node(node.left), self.node(node.right)
        if node.op in ("AND", "OR"):
            connective = exp.And if node.op == "AND" else exp.Or
            return connective(this=_grouped(left), expression=_grouped(right))
        if node.op in ("=", "!=") and isinstance(node.right, Null):
            null = exp.Is(this=left, expression=exp.Null())
            return null if node.op == "=" else exp.Not(this=null)
        kind = _COMPARISONS.get(node.op) or _ARITHMETIC[node.op]
        return kind(this=_operand(left), expression=_operand(right))

    def field(self, ref: FieldRef) -> exp.Expr:
        if ref.view is None or ref.suffix:
            raise self.fail(f"${{{ref.name}}} must name a field as ${{view.field}}")
        alias, target = self.fc.scope.resolve(ref.name, context="the custom filter")
        self.fc.scope.check_selectable(alias, target)
        # A timeframe is a date or a time in a Looker expression, not the text it selects
        # ('YYYY-MM', Snowflake's 'YYYY-MM-DD'): compare its typed value.
        typed = _TYPED_TIMEFRAMES.get(target.timeframe or "", "")
        sql = self.fc.reference(alias, target.name + typed, context=f"custom filter on {alias}.{target.name}")
        self.aliases |= sql.aliases
        self.reads_measure = self.reads_measure or target.is_measure
        return sqlbuild.raw(sql.text)

    # -- functions -----------------------------------------------------------------------------------

    def args(self, call: Call) -> list[exp.Expr]:
        return [self.node(arg) for arg in call.args]

    def arg(self, call: Call, index: int) -> exp.Expr:
        if index >= len(call.args):
            raise self.fail(f"{call.name}() needs at least {index + 1} argument(s)")
        return self.node(call.args[index])

    def affix(self, call: Call, *, start: bool) -> exp.Expr:
        text, affix = self.arg(call, 0), self.arg(call, 1)
        length = exp.Length(this=affix.copy())
        cut = exp.Left if start else exp.Right
        return exp.EQ(this=cut(this=text, expression=length), expression=affix)

    def date_add(self, call: Call, unit: str) -> exp.Expr:
        amount, moment = self.arg(call, 0), self.arg(call, 1)
        return exp.DateAdd(this=moment, expression=amount, unit=exp.var(unit))

    def now(self) -> exp.Expr:
        state = self.fc.state
        clock = ClockContext(
            query_timezone=state.timezone,
            database_timezone=state.database_timezone,
            timezone_given=state.timezone_given,
            convert_tz=False,
            now=state.now,
        )
        return sqlbuild.trusted(state.dialect.moment_sql(Clock(), clock))

    def matches_filter(self, call: Call) -> exp.Expr:
        ref, literal = (*call.args, None, None)[:2]
        if len(call.args) != 2 or not isinstance(ref, FieldRef) or not isinstance(literal, FilterLiteral):
            raise self.fail("matches_filter takes a field and a `filter expression`: matches_filter(${v.f}, `7 days`)")
        alias, target = self.fc.scope.resolve(ref.name, context="the custom filter")
        self.fc.scope.check_selectable(alias, target)
        self.reads_measure = self.reads_measure or target.is_measure
        condition = filter_condition(self.fc, alias, target, literal.text, origin="custom filter")
        if condition is None:
            return exp.true()
        self.aliases |= condition.aliases
        return sqlbuild.raw(condition.text)


def _grouped(node: exp.Expr) -> exp.Expr:
    """An OR inside an AND keeps its parentheses (sqlglot prints the tree as built)."""
    return exp.Paren(this=node) if isinstance(node, exp.Or) else node


def _operand(node: exp.Expr) -> exp.Expr:
    return exp.Paren(this=node) if isinstance(node, (exp.Binary, exp.Connector)) else node
