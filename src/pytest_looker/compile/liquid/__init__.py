"""Looker's Liquid in LookML SQL parameters, rendered offline the way Looker renders it.

Looker expands Liquid in every ``sql*`` parameter (``sql``, ``sql_on``, ``sql_table_name``,
derived-table ``sql``, ``sql_always_where``...) *before* it substitutes ``${...}``
references. The query planner calls :func:`render_liquid` once per such text, with a
:class:`LiquidContext` describing the query, and expands ``${...}`` in the result.

Supported (Looker semantics, docs ``liquid-variable-reference``, ``templated-filters``,
``param-field-parameter``):

* ``{% parameter p %}`` / ``{% parameter view.p %}`` and ``{{ view.p._parameter_value }}``:
  ``string``/``date``/``date_time`` values as string literals (so ``_parameter_value`` of a
  string parameter includes the quotes, as in Looker), ``number`` as a validated number,
  ``unquoted`` raw but only when it is an ``allowed_value`` or a plain identifier,
  ``yesno`` as ``true``/``false``.
* ``{% condition f %} sql {% endcondition %}`` → the planner's filter SQL, ``1=1`` if unfiltered
  (without ``f``, in a field's own ``sql``: that field, as ``filter:`` fields use it);
  ``{% date_start f %}`` / ``{% date_end f %}`` → bound literals or ``NULL``;
  ``{% incrementcondition %} sql {% endincrementcondition %}`` → ``1=1`` (a full PDT build).
* Parentheses grouping ``if``/``unless`` conditions, which Looker accepts.
* ``view.f._is_selected``, ``._in_query``, ``._is_filtered``; ``_filters['view.f']``;
  ``_user_attributes['name']``; ``_model._name``, ``_explore._name``, ``_view._name``,
  ``_dialect._name``, ``_query._query_timezone``.
* Filters ``sql_quote``, ``sql_boolean``, ``url_encode`` and standard Liquid.

Everything else is a :class:`~pytest_looker.errors.CompileError` naming ``where`` and the
position: syntax errors, undefined variables, variables that only exist in html/link
parameters (``value``, ``_rendered_value``...), unknown parameters, missing user attributes
and unsafe parameter values.
"""

from __future__ import annotations

from functools import lru_cache
from io import StringIO

from liquid import BoundTemplate, RenderContext
from liquid.exceptions import LiquidError, LiquidSyntaxError
from liquid.token import TOKEN_EOF

from pytest_looker.compile.liquid.context import LiquidContext, ParameterInfo
from pytest_looker.compile.liquid.fast import Unsupported, fast_template
from pytest_looker.compile.liquid.references import collect_references
from pytest_looker.compile.liquid.scope import LookerScope
from pytest_looker.compile.liquid.shapes import shape_of
from pytest_looker.compile.liquid.tags import make_environment
from pytest_looker.errors import CompileError, Location

__all__ = [
    "LiquidContext",
    "ParameterInfo",
    "contains_liquid",
    "liquid_references",
    "render_liquid",
]

_ENV = make_environment()


def contains_liquid(text: str) -> bool:
    """Whether ``text`` has Liquid markup (``{{`` or ``{%``); plain SQL skips the renderer.

    ``${...}`` LookML references are not Liquid.
    """
    return "{{" in text or "{%" in text


def render_liquid(template: str, ctx: LiquidContext, *, where: str, location: Location | None = None) -> str:
    """Render the Liquid in one LookML SQL text for one query.

    Args:
        template: The LookML text (``${...}`` references are left as they are).
        ctx: The query as Liquid sees it.
        where: What is rendered, for error messages (``"orders.status"``,
            ``"explore orders sql_always_where"``).
        location: The LookML file and line of the text, attached to errors.

    Returns:
        The SQL with every Liquid tag and output replaced. Text without Liquid is returned
        unchanged.

    Raises:
        CompileError: for a Liquid syntax error, an undefined or html-only variable, an unknown
            parameter, a missing user attribute or an unsafe parameter value; the message names
            ``where`` and the line and column in ``template``. Errors raised by
            ``ctx.condition_sql``/``ctx.date_bounds`` propagate unchanged.
    """
    if not contains_liquid(template):
        return template
    fast = fast_template(template)
    if fast is not None:
        try:  # the subset generated LookML writes, read without python-liquid (see ``fast``)
            return fast.render(ctx)
        except Unsupported:
            pass  # python-liquid renders it, and reports its errors with their positions
    shape = shape_of(template)
    if shape is not None:
        try:  # many templates share one shape: parsed once (see ``shapes``)
            return shape.fill(_render(_parse_cached(shape.text), ctx))
        except LiquidError:
            pass  # rendered again from the template's own text: the error names its positions
    bound = _parse(template, where, location)
    try:
        return _render(bound, ctx)
    except LiquidError as err:
        raise _compile_error(err, where, location) from err


def _render(bound: BoundTemplate, ctx: LiquidContext) -> str:
    buffer = StringIO()
    bound.render_with_context(RenderContext(bound, globals=LookerScope(ctx)), buffer)
    return buffer.getvalue()


def liquid_references(text: str, *, view: str | None = None, where: str = "Liquid template") -> frozenset[str]:
    """The ``view.field`` names a template refers to, without rendering it.

    The planner uses them to include the joins a template may need and to check the names
    exist: fields of ``{% parameter %}``, ``{% condition %}``, ``{% date_start/end %}``,
    ``x._is_selected``/``._in_query``/``._is_filtered``/``._parameter_value`` and
    ``_filters['x']``. Bare names (``{% parameter p %}``) are qualified with ``view``; without
    ``view`` they are returned bare.

    Raises:
        CompileError: if ``text`` is not valid Liquid.
    """
    if not contains_liquid(text):
        return frozenset()
    return collect_references(_parse(text, where, None), view)


@lru_cache(maxsize=2048)
def _parse_cached(text: str) -> BoundTemplate:
    return _ENV.from_string(text)


def _parse(text: str, where: str, location: Location | None) -> BoundTemplate:
    """Parse once per distinct text: the planner renders the same SQL for many queries."""
    try:
        return _parse_cached(text)
    except LiquidError as err:
        raise _compile_error(err, where, location) from err


def _compile_error(err: LiquidError, where: str, location: Location | None) -> CompileError:
    """One sentence: what, where in the template, why."""
    kind = "Liquid syntax error" if isinstance(err, LiquidSyntaxError) else "Liquid error"
    position = ""
    try:
        context = err.context()
    except ValueError:  # pragma: no cover - token index outside the source
        context = None
    if context is not None:
        line, column, _, current, _ = context
        position = f" at line {line}, column {column + 1} (near {current.strip()!r})"
    elif err.token is not None and err.token.kind == TOKEN_EOF:
        position = " at the end of the template"
    message = err.message if err.message is not None else type(err).__name__
    return CompileError(f"{where}: {kind}{position}: {message}", location)
