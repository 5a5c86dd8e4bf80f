"""A small Liquid reader for the subset generated LookML writes; python-liquid does the rest.

Why: python-liquid parses in pure Python, token by token, and generated projects write very
large templates. Mozilla's looker-hub has 375 measures and derived tables whose ``sql`` is
~140 ``{% if view.x._is_selected %}${TABLE}.x,{% endif %}`` blocks each (11 MB in all):
parsing them was a third, then (shared by shape) a fifth, of ``validate --compile-only``.

This reader splits a template with one regular expression and builds a small tree for:

* ``if``/``elsif``/``else``/``endif`` whose conditions are ``and``/``or`` chains of paths
  (``view.field._is_selected``, ``p._parameter_value``, an assigned name) and ``==``/``!=``
  comparisons with string or integer literals;
* ``{% assign x = value | plus: 1 | divided_by: 7 %}`` and ``{{ value | minus: 1 }}`` with
  the math filters ``plus``, ``minus``, ``times``, ``divided_by``;
* Looker's ``{% parameter p %}``, ``{% date_start f %}`` and ``{% date_end f %}``.

Anything else — another tag or filter, whitespace control, brackets, parentheses, keywords —
makes :func:`fast_template` return ``None``; anything unexpected while rendering (an unknown
parameter, a value of another type, an error of any kind) raises :class:`Unsupported`. In both
cases the caller renders with python-liquid, so the answer, and every error message, is
python-liquid's. Values are computed by the same functions python-liquid's tags call
(:func:`~.scope.field_attribute`, :func:`~.context.parameter_sql`, the environment's filters,
``to_liquid_string``), and equality and truthiness follow python-liquid's rules for the types
admitted here (bool, str, int, float, None). ``tests/compile/liquid/test_fast.py`` checks both
readers agree on generated templates and contexts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from liquid.stringify import to_liquid_string

from pytest_looker.compile.liquid.context import LiquidContext, parameter_sql
from pytest_looker.compile.liquid.scope import (
    FIELD_ATTRIBUTES,
    HTML_ONLY_FIELD_ATTRIBUTES,
    HTML_ONLY_ROOTS,
    UNSUPPORTED_ROOTS,
    field_attribute,
)


class Unsupported(Exception):
    """The template, or this render of it, is outside the subset: render it with python-liquid."""


_WORD = r"[A-Za-z_][A-Za-z0-9_]*"
_TAG = re.compile(rf"\s*({_WORD})(?:\s+(.*?))?\s*\Z", re.DOTALL)
_NAME = re.compile(rf"{_WORD}(?:\.{_WORD})?\Z")
_ASSIGN = re.compile(rf"({_WORD})\s*=\s*(.+)\Z", re.DOTALL)
#: The tokens of an expression: a string or number literal, a path, an operator, a pipe or colon.
_TOKEN = re.compile(
    rf"\s*(?:'([^'\\{{}}%]*)'|\"([^\"\\{{}}%]*)\"|(-?\d+\.\d+)|(-?\d+)(?![\w.])|({_WORD}(?:\.{_WORD})*)|(==|!=|\||:))"
)
_KEYWORDS = frozenset({"and", "or", "not", "contains", "in", "true", "false", "nil", "null", "empty", "blank"})
_KEYWORDS |= frozenset({"if", "else", "with", "for", "as", "by", "limit", "offset", "reversed"})
_MATH_FILTERS = frozenset({"plus", "minus", "times", "divided_by"})
_VALUE_TYPES = (str, int, float, bool, type(None))

# -- the tree: tuples, walked by ``_render`` --------------------------------------------------------
# A value: ("lit", v) | ("path", parts) ; filtered: (value, ((filter, arg value), ...))
# A condition: ("and"|"or", left, right) | ("eq"|"ne", a, b) | ("test", value)
# A node: str (plain text) | ("out", filtered) | ("assign", name, filtered)
#         | ("if", ((condition, body), ...), else body or None) | ("param"|"start"|"end", name)
_Node = str | tuple[Any, ...]


class FastTemplate:
    """A parsed template of the subset; :meth:`render` gives python-liquid's output or raises
    :class:`Unsupported`."""

    __slots__ = ("_nodes",)

    def __init__(self, nodes: list[_Node]) -> None:
        self._nodes = nodes

    def render(self, ctx: LiquidContext) -> str:
        out: list[str] = []
        try:
            _Render(ctx, out).block(self._nodes)
        except Unsupported:
            raise
        except Exception as error:  # python-liquid gives the real error and its position
            raise Unsupported(str(error)) from error
        return "".join(out)


@lru_cache(maxsize=2048)
def fast_template(text: str) -> FastTemplate | None:
    """``text`` parsed by the small reader, or ``None`` when it is outside the subset."""
    try:
        return FastTemplate(_parse(text))
    except Unsupported:
        return None


#: ``{% if … %}plain{% endif %}`` with no brace or percent sign inside but ``${…}`` references:
#: thousands of them, many written alike, in generated templates; read as one piece (the same
#: tokens as apart).
_SIMPLE_IF = r"\{%[ \t\r\n]*if[ \t\r\n][^{}%]*%\}(?:[^{}%$]|\$\{[^{}%]*\}|\$(?!\{))*\{%[ \t\r\n]*endif[ \t\r\n]*%\}"
#: Splits a template into plain text and tags or outputs, as python-liquid's lexer delimits them
#: (both end at the first closer).
_SPLIT = re.compile(rf"({_SIMPLE_IF}|\{{%.*?%\}}|\{{\{{.*?\}}\}})", re.DOTALL)
_PARAMETER_TAGS = {"parameter": "param", "date_start": "start", "date_end": "end"}


def _parse(text: str) -> list[_Node]:
    """The tree of ``text``; raises :class:`Unsupported` outside the subset."""
    stack: list[tuple[list[_Node], list[tuple[object, list[_Node]]], list[_Node] | None]] = []
    body: list[_Node] = []
    parts = _SPLIT.split(text)
    for index, part in enumerate(parts):
        if not index % 2:
            if part:
                if "{{" in part or "{%" in part:
                    raise Unsupported("an unclosed tag or output")
                body.append(part)
            continue
        kind, payload = _piece(part)
        if kind == "node":
            body.append(payload)  # type: ignore[arg-type]
        elif kind == "if":
            branches: list[tuple[object, list[_Node]]] = [(payload, [])]
            stack.append((body, branches, None))
            body = branches[0][1]
        else:
            if not stack:
                raise Unsupported(f"{kind} outside if")
            outer, branches, otherwise = stack[-1]
            if otherwise is not None and kind != "endif":
                raise Unsupported(f"{kind} after else")
            if kind == "elsif":
                branches.append((payload, []))
                body = branches[-1][1]
            elif kind == "else":
                body = []
                stack[-1] = (outer, branches, body)
            else:
                stack.pop()
                rest = None if otherwise is None else tuple(otherwise)
                outer.append(("if", tuple([(c, tuple(b)) for c, b in branches]), rest))
                body = outer
    if stack:
        raise Unsupported("unclosed if")
    return body


@lru_cache(maxsize=65536)
def _piece(piece: str) -> tuple[str, object]:
    """One ``{% tag %}`` or ``{{ output }}`` (written the same way thousands of times in a
    generated project: read once)."""
    head = piece.find("%}") + 2
    if piece[1] == "%" and head != len(piece):  # a simple if block (``_SIMPLE_IF``)
        tail = piece.rindex("{%")
        kind, condition = _piece(piece[:head])
        if kind != "if" or _piece(piece[tail:])[0] != "endif":
            raise Unsupported("if block")
        plain = piece[head:tail]
        return "node", ("if", ((condition, (plain,) if plain else ()),), None)
    inner = piece[2:-2]
    if not inner or inner[0] == "-" or inner[-1] == "-" or "{" in inner or "}" in inner or "%" in inner:
        raise Unsupported("whitespace control or nested braces")
    if piece[1] == "{":
        return "node", ("out", _filtered(inner))
    found = _TAG.match(inner)
    if found is None:
        raise Unsupported("not a tag")
    name, rest = found.group(1), found.group(2) or ""
    if name in ("if", "elsif"):
        return name, _condition(rest)
    if name in ("else", "endif"):
        if rest:
            raise Unsupported(f"{name} takes no argument")
        return name, None
    if name == "assign":
        assigned = _ASSIGN.match(rest)
        if assigned is None or assigned.group(1) in _KEYWORDS:
            raise Unsupported("assign")
        return "node", ("assign", assigned.group(1), _filtered(assigned.group(2)))
    if name in _PARAMETER_TAGS:
        if not _NAME.match(rest):
            raise Unsupported(f"{name} argument")
        return "node", (_PARAMETER_TAGS[name], rest)
    raise Unsupported(f"tag {name}")


# -- expressions ----------------------------------------------------------------------------------


def _tokens(text: str) -> list[tuple[str, object]]:
    result: list[tuple[str, object]] = []
    position = 0
    end = len(text.rstrip())
    while position < end:
        found = _TOKEN.match(text, position)
        if found is None or found.end() == position:
            raise Unsupported("expression")
        position = found.end()
        single, double, real, integer, path, operator = found.groups()
        if single is not None or double is not None:
            result.append(("lit", single if single is not None else double))
        elif real is not None:
            result.append(("lit", float(real)))
        elif integer is not None:
            result.append(("lit", int(integer)))
        elif path is not None:
            parts = tuple(path.split("."))
            if len(parts) == 1 and path in ("and", "or"):
                result.append(("op", path))
            elif parts[0] in _KEYWORDS:
                raise Unsupported(f"keyword {path}")
            else:
                result.append(("path", parts))
        else:
            result.append(("op", operator))
    return result


def _filtered(text: str) -> tuple[object, tuple[tuple[str, object], ...]]:
    tokens = _tokens(text)
    if not tokens or tokens[0][0] == "op":
        raise Unsupported("value")
    value, rest = tokens[0], tokens[1:]
    filters: list[tuple[str, object]] = []
    while rest:
        if len(rest) < 4 or rest[0] != ("op", "|") or rest[1][0] != "path" or rest[2] != ("op", ":"):
            raise Unsupported("filter")
        parts = rest[1][1]
        assert isinstance(parts, tuple)
        if len(parts) != 1 or parts[0] not in _MATH_FILTERS or rest[3][0] == "op":
            raise Unsupported("filter")
        filters.append((parts[0], rest[3]))
        rest = rest[4:]
    return value, tuple(filters)


def _condition(text: str) -> object:
    tokens = _tokens(text)
    terms: list[object] = []
    joins: list[object] = []
    current: list[tuple[str, object]] = []
    for token in (*tokens, ("op", "end")):
        if token[0] == "op" and token[1] in ("and", "or", "end"):
            terms.append(_term(current))
            joins.append(token[1])
            current = []
        else:
            current.append(token)
    # ``and`` and ``or`` have one precedence and group to the right, as in python-liquid.
    result = terms[-1]
    for index in range(len(terms) - 2, -1, -1):
        result = (joins[index], terms[index], result)
    return result


def _term(tokens: list[tuple[str, object]]) -> object:
    if len(tokens) == 1 and tokens[0][0] != "op":
        return ("test", tokens[0])
    if len(tokens) == 3 and tokens[0][0] != "op" and tokens[2][0] != "op" and tokens[1][0] == "op":
        operator = tokens[1][1]
        if operator in ("==", "!="):
            return ("eq" if operator == "==" else "ne", tokens[0], tokens[2])
    raise Unsupported("condition")


class _Render:
    """One render: the context, the output, the assigned names (python-liquid's locals)."""

    def __init__(self, ctx: LiquidContext, out: list[str]) -> None:
        self.ctx = ctx
        self.out = out
        self.locals: dict[str, object] = {}

    def block(self, nodes: list[_Node] | tuple[_Node, ...]) -> None:
        out = self.out
        for node in nodes:
            if type(node) is str:
                out.append(node)
                continue
            assert isinstance(node, tuple)
            kind = node[0]
            if kind == "if":
                for condition, body in node[1]:
                    if self.truth(condition):
                        self.block(body)
                        break
                else:
                    if node[2] is not None:
                        self.block(node[2])
            elif kind == "out":
                out.append(to_liquid_string(self.filtered(node[1]), autoescape=False))
            elif kind == "assign":
                self.locals[node[1]] = self.filtered(node[2])
            elif kind == "param":
                out.append(self.parameter(str(node[1])))
            else:
                out.append(self.date_bound(str(node[1]), end=kind == "end"))

    # -- values ---------------------------------------------------------------------------------

    def value(self, token: Any) -> object:
        kind, payload = token
        if kind == "lit":
            return payload
        parts: tuple[str, ...] = payload
        root = parts[0]
        if root in self.locals:
            if len(parts) > 1:
                raise Unsupported("a path into an assigned value")
            found = self.locals[root]
        else:
            found = self.looker(parts)
        if not isinstance(found, _VALUE_TYPES):
            raise Unsupported("a value of another type")
        return found

    def looker(self, parts: tuple[str, ...]) -> object:
        """``view.field._attribute`` or ``field._attribute``, as :class:`~.scope.LookerScope`'s
        drops resolve them; anything else (a drop used as a value, ``_filters``...) is left to
        python-liquid."""
        root = parts[0]
        if root.startswith("_") or root in HTML_ONLY_ROOTS or root in UNSUPPORTED_ROOTS:
            raise Unsupported(root)
        ctx = self.ctx
        if len(parts) == 2 and parts[1] in FIELD_ATTRIBUTES:
            return field_attribute(ctx, ctx.qualify(root), parts[1], root)
        # ``view.field._x``: a field drop, unless ``field`` is itself an attribute.
        middle = parts[1] if len(parts) == 3 and parts[2] in FIELD_ATTRIBUTES else ""
        if middle and middle not in FIELD_ATTRIBUTES and middle not in HTML_ONLY_FIELD_ATTRIBUTES:
            name = f"{root}.{middle}"
            return field_attribute(ctx, name, parts[2], name)
        raise Unsupported(".".join(parts))

    def filtered(self, expression: Any) -> object:
        token, filters = expression
        value = self.value(token)
        for name, argument in filters:
            value = _filter(name)(value, self.value(argument))
        return value

    def truth(self, condition: Any) -> bool:
        kind = condition[0]
        if kind == "or":
            return self.truth(condition[1]) or self.truth(condition[2])
        if kind == "and":
            return self.truth(condition[1]) and self.truth(condition[2])
        if kind == "test":
            value = self.value(condition[1])
            return not (value is False or value is None)
        equal = _equal(self.value(condition[1]), self.value(condition[2]))
        return equal if kind == "eq" else not equal

    # -- Looker's tags (what ``tags.ParameterNode``/``DateBoundNode`` render) -------------------

    def parameter(self, written: str) -> str:
        ctx = self.ctx
        name = ctx.qualify(written)
        info = ctx.parameters.get(name)
        if info is None:
            raise Unsupported(name)
        return parameter_sql(name, info, ctx.parameter_values.get(name, info.default_value), ctx.dialect)

    def date_bound(self, written: str, *, end: bool) -> str:
        ctx = self.ctx
        name = ctx.qualify(written)
        if not ctx.is_filtered(name):
            return "NULL"
        bound = ctx.date_bounds(name)[1 if end else 0]
        return "NULL" if bound is None else bound


def _equal(left: object, right: object) -> bool:
    """python-liquid's ``==`` for bool, str, int, float and None (a bool equals only a bool)."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    return left == right


@cache
def _filter(name: str) -> Callable[[object, object], object]:
    """The environment's own filter (python-liquid's math filters, with their number coercion)."""
    from pytest_looker.compile.liquid import _ENV  # the one environment render_liquid uses

    function: Callable[[object, object], object] = _ENV.filters[name]
    return function
