"""Looker's own Liquid tags and filters, and the python-liquid environment that holds them.

Tags: ``{% parameter p %}``, ``{% condition f %} sql {% endcondition %}``,
``{% date_start f %}`` and ``{% date_end f %}``. Each takes a field name (``view.field`` or a
bare name of the current view), not a Liquid expression, so the name is parsed here from the
raw tag text. ``{% condition %}`` without a name is allowed in a field's own ``sql`` (Looker's
``filter:`` fields use it to apply their own value, docs ``param-field-filter``).
``{% incrementcondition %} sql {% endincrementcondition %}`` (incremental PDTs) renders as a
true condition: offline every derived table is built in full, as Looker builds one the first
time (docs ``incremental-pdts``), so there is no increment to restrict to.

Conditions may group with parentheses (``{% if (a._in_query or b._in_query) and c %}``):
standard Liquid forbids them, but Looker accepts them and public Looker blocks use them.

Filters: ``sql_quote`` (a string literal in the query's dialect) and ``sql_boolean`` (the
dialect's boolean literal). ``url_encode`` and the standard string filters come with
python-liquid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from liquid import Environment, StrictUndefined
from liquid.ast import BlockNode, Node
from liquid.exceptions import LiquidSyntaxError
from liquid.filter import with_context
from liquid.parser import get_parser
from liquid.stringify import to_liquid_string
from liquid.tag import Tag
from liquid.token import TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_TAG, Token
from sqlglot import exp

from pytest_looker.compile.liquid.context import parameter_sql, sql_string
from pytest_looker.compile.liquid.errors import LookerLiquidError
from pytest_looker.compile.liquid.scope import LookerScope, unknown_parameter

if TYPE_CHECKING:
    from liquid import RenderContext
    from liquid.stream import TokenStream

#: What Looker renders for ``{% condition %}`` when the query does not filter the field.
ALWAYS_TRUE = "1=1"

# `p` or `view.p`, LookML identifiers (Looker lower-cases them, we accept either case).
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?\Z")


def looker_scope(context: RenderContext) -> LookerScope:
    """The :class:`LookerScope` of this render (only ``render_liquid`` renders our templates)."""
    scope = context.globals
    if not isinstance(scope, LookerScope):  # pragma: no cover - a programming error
        raise LookerLiquidError("Looker Liquid tags need render_liquid()'s render context")
    return scope


def _parse_field_name(stream: TokenStream, tag: Token) -> str:
    """Read the ``view.field`` argument of a tag at the head of ``stream`` (not consumed)."""
    expression = stream.current
    if expression.kind != TOKEN_EXPRESSION:
        raise LiquidSyntaxError(f"'{tag.value}' needs a field name, like {{% {tag.value} view.field %}}", token=tag)
    name = expression.value.strip()
    if not _FIELD_NAME.match(name):
        raise LiquidSyntaxError(f"'{tag.value}' expects one field name (view.field), found {name!r}", token=expression)
    return name


class FieldTagNode(Node):
    """A Looker tag whose argument names a field; :func:`liquid_references` collects them."""

    __slots__ = ("field_name",)

    def __init__(self, token: Token, field_name: str) -> None:
        super().__init__(token)
        self.field_name = field_name
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        """Write the tag's SQL to ``buffer``."""
        return buffer.write(self.sql(context))

    def sql(self, context: RenderContext) -> str:
        """The SQL this tag stands for in this render."""
        raise NotImplementedError


class ParameterNode(FieldTagNode):
    """``{% parameter p %}``: the parameter's value, quoted per its type."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{{% parameter {self.field_name} %}}"

    def sql(self, context: RenderContext) -> str:
        """The quoted (or validated unquoted) value, or the default when the query sets none."""
        ctx = looker_scope(context).ctx
        name = ctx.qualify(self.field_name)
        info = ctx.parameters.get(name)
        if info is None:
            raise LookerLiquidError(unknown_parameter(ctx, name), token=self.token)
        try:
            return parameter_sql(name, info, ctx.parameter_values.get(name, info.default_value), ctx.dialect)
        except LookerLiquidError as err:
            err.token = self.token
            raise


class DateBoundNode(FieldTagNode):
    """``{% date_start f %}`` / ``{% date_end f %}``: a bound of the date filter, or NULL."""

    __slots__ = ("end",)

    def __init__(self, token: Token, field_name: str, *, end: bool) -> None:
        super().__init__(token, field_name)
        self.end = end

    def __str__(self) -> str:
        return f"{{% {'date_end' if self.end else 'date_start'} {self.field_name} %}}"

    def sql(self, context: RenderContext) -> str:
        """Looker renders NULL for an open bound and for an unfiltered field."""
        ctx = looker_scope(context).ctx
        name = ctx.qualify(self.field_name)
        if not ctx.is_filtered(name):
            return "NULL"
        bound = ctx.date_bounds(name)[1 if self.end else 0]
        return "NULL" if bound is None else bound


class ConditionNode(FieldTagNode):
    """``{% condition f %} sql {% endcondition %}``: the query's filter on ``f`` applied to sql.

    An empty :attr:`field_name` is the bare ``{% condition %}``: the field being rendered
    (:attr:`LiquidContext.field`), which is how a ``filter:`` field's ``sql`` applies its own
    value to a column of the author's choosing.
    """

    __slots__ = ("block",)

    def __init__(self, token: Token, field_name: str, block: BlockNode) -> None:
        super().__init__(token, field_name)
        self.block = block

    def __str__(self) -> str:
        name = f" {self.field_name}" if self.field_name else ""
        return f"{{% condition{name} %}}{self.block}{{% endcondition %}}"

    def sql(self, context: RenderContext) -> str:
        """The planner's filter SQL for the rendered body; ``1=1`` when the field is unfiltered."""
        ctx = looker_scope(context).ctx
        own = self.field_name or ctx.field
        if not own:
            raise LookerLiquidError(
                "{% condition %} without a field name is only allowed in a field's own sql "
                "(it applies that field's filter); name the field: {% condition view.field %}",
                token=self.token,
            )
        name = ctx.qualify(own)
        if not ctx.is_filtered(name):
            return ALWAYS_TRUE
        buffer = context.get_buffer()
        self.block.render(context, buffer)
        return ctx.condition_sql(name, buffer.getvalue().strip())

    def children(
        self,
        static_context: RenderContext,
        *,
        include_partials: bool = True,
    ) -> Iterable[Node]:
        """The body, so that static analysis sees the variables inside it."""
        yield self.block


class IncrementConditionNode(Node):
    """``{% incrementcondition %} sql {% endincrementcondition %}`` of an incremental PDT.

    Looker replaces it with "``sql`` is after the last increment" on incremental builds and
    builds the whole table the first time. Offline each query builds its derived tables from
    scratch, so the condition is always true; the body is parsed (a syntax error in it is still
    reported) but not rendered.
    """

    __slots__ = ("block",)

    def __init__(self, token: Token, block: BlockNode) -> None:
        super().__init__(token)
        self.block = block
        self.blank = False

    def __str__(self) -> str:
        return f"{{% incrementcondition %}}{self.block}{{% endincrementcondition %}}"

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        """Write the always-true condition of a full build."""
        return buffer.write(ALWAYS_TRUE)

    def children(
        self,
        static_context: RenderContext,
        *,
        include_partials: bool = True,
    ) -> Iterable[Node]:
        """The body, so that static analysis sees the variables inside it."""
        yield self.block


class ParameterTag(Tag):
    """Parses ``{% parameter p %}``."""

    name = "parameter"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        """Read the tag and its field name; the parser consumes the expression token."""
        token = stream.eat(TOKEN_TAG)
        return ParameterNode(token, _parse_field_name(stream, token))


class DateStartTag(Tag):
    """Parses ``{% date_start f %}``."""

    name = "date_start"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        """Read the tag and its field name."""
        token = stream.eat(TOKEN_TAG)
        return DateBoundNode(token, _parse_field_name(stream, token), end=False)


class DateEndTag(Tag):
    """Parses ``{% date_end f %}``."""

    name = "date_end"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        """Read the tag and its field name."""
        token = stream.eat(TOKEN_TAG)
        return DateBoundNode(token, _parse_field_name(stream, token), end=True)


class ConditionTag(Tag):
    """Parses ``{% condition f %} ... {% endcondition %}``; the body may hold Liquid too."""

    name = "condition"
    end = "endcondition"

    def parse(self, stream: TokenStream) -> Node:
        """Read the field name (none for the bare form), then the body up to ``endcondition``."""
        token = stream.eat(TOKEN_TAG)
        field_name = ""
        if stream.current.kind == TOKEN_EXPRESSION:
            field_name = _parse_field_name(stream, token)
            next(stream)
        block = get_parser(self.env).parse_block(stream, (self.end, TOKEN_EOF))
        stream.expect(TOKEN_TAG, value=self.end)
        return ConditionNode(token, field_name, block)


class IncrementConditionTag(Tag):
    """Parses ``{% incrementcondition %} ... {% endincrementcondition %}``."""

    name = "incrementcondition"
    end = "endincrementcondition"

    def parse(self, stream: TokenStream) -> Node:
        """Read the body up to ``endincrementcondition``; the tag takes no argument."""
        token = stream.eat(TOKEN_TAG)
        if stream.current.kind == TOKEN_EXPRESSION:
            raise LiquidSyntaxError("'incrementcondition' takes no argument", token=stream.current)
        block = get_parser(self.env).parse_block(stream, (self.end, TOKEN_EOF))
        stream.expect(TOKEN_TAG, value=self.end)
        return IncrementConditionNode(token, block)


def _as_text(value: object) -> str:
    return to_liquid_string(value, autoescape=False)


@with_context
def sql_quote(value: object, *, context: RenderContext) -> str:
    """Looker's ``sql_quote``: the value as a string literal, escaped for the query's dialect."""
    return sql_string(_as_text(value), looker_scope(context).ctx.dialect)


_BOOLEAN_TEXT = {"true": True, "yes": True, "false": False, "no": False}


@with_context
def sql_boolean(value: object, *, context: RenderContext) -> str:
    """Looker's ``sql_boolean``: a Liquid true/false as the dialect's boolean literal.

    Anything but a boolean (or the words true/false/yes/no) is an error: guessing would hide a
    template bug in the generated SQL.
    """
    if isinstance(value, bool):
        truth = value
    elif isinstance(value, str) and value.strip().lower() in _BOOLEAN_TEXT:
        truth = _BOOLEAN_TEXT[value.strip().lower()]
    else:
        raise LookerLiquidError(f"sql_boolean expects true or false, got {_as_text(value)!r}")
    return (exp.true() if truth else exp.false()).sql(dialect=looker_scope(context).ctx.dialect)


class LookerEnvironment(Environment):
    """python-liquid with the one non-standard syntax Looker's Liquid accepts in LookML.

    ``logical_parentheses``: python-liquid's option for grouping terms of ``if``/``unless``
    conditions with parentheses, which Shopify's Liquid rejects and Looker accepts.
    """

    logical_parentheses = True


def make_environment() -> Environment:
    """A strict python-liquid environment with Looker's tags and filters.

    Strict undefined: a misspelt variable is an error, not an empty string in the SQL.
    ``include``/``render`` are removed: LookML has no partial templates to load.
    """
    env = LookerEnvironment(undefined=StrictUndefined, strict_filters=True)
    for tag in (ParameterTag, ConditionTag, IncrementConditionTag, DateStartTag, DateEndTag):
        env.add_tag(tag)
    env.add_filter("sql_quote", sql_quote)
    env.add_filter("sql_boolean", sql_boolean)
    for name in ("include", "render"):
        env.tags.pop(name, None)
    return env
