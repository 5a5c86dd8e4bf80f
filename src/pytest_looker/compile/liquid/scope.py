"""The Liquid variables Looker defines in SQL parameters, resolved lazily from a context.

Looker's Liquid names are open-ended: ``{{ orders.status._is_selected }}`` may name any view
and field of the explore, and ``{{ p._parameter_value }}`` a parameter of the current view. We
cannot list them up front (the renderer does not see the model), so the render scope is a
mapping that builds small "drops" on demand:

* ``orders`` → a :class:`_NameDrop`; ``orders.status`` → a :class:`_FieldDrop`;
  ``orders.status._is_selected`` → a bool. ``p._parameter_value`` (a bare name followed by a
  ``_`` attribute) is the field ``p`` of the view being rendered.
* ``_filters``, ``_user_attributes``, ``_model``, ``_explore``, ``_view``, ``_dialect`` and
  ``_query`` are the documented Looker objects.
* ``value``, ``rendered_value``... exist only in html/link parameters: naming them raises.

Drops that are not values themselves (``orders``, ``orders.status``) refuse to be printed,
compared or tested, so a forgotten ``._is_selected`` is an error instead of silently rendering
an empty string: the renderer is strict, like a compiler should be. Looker does not refuse
them, but its Liquid (Shopify's rules) takes any object for true, so ``{% if date.hour %}``
holds for every query and an ``elsif`` chain stops there: the SQL is wrong on the warehouse
(the BigQuery information-schema block's date fill steps by an hour whatever is selected).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pytest_looker.compile.liquid.context import LiquidContext, parameter_sql
from pytest_looker.compile.liquid.errors import LookerLiquidError

#: Attributes a field reference may end with in SQL, and what they mean.
FIELD_ATTRIBUTES = frozenset({"_is_selected", "_in_query", "_is_filtered", "_parameter_value"})
#: Field attributes that only exist where a result value exists (html, link, action).
HTML_ONLY_FIELD_ATTRIBUTES = frozenset({"_value", "_rendered_value", "_linked_value", "_filterable_value", "_link"})
#: Top-level variables that only exist where a result value exists (html, link, action).
HTML_ONLY_ROOTS = frozenset({"value", "rendered_value", "linked_value", "filterable_value", "row"})
#: Top-level Looker objects that exist, but that pytest-looker does not model in SQL.
UNSUPPORTED_ROOTS = frozenset({"_field", "_localization", "_access_filters", "_user_email"})

# sqlglot dialect name → Looker's `_dialect._name`. Unlisted names pass through unchanged.
_LOOKER_DIALECT_NAMES = {
    "bigquery": "bigquery_standard_sql",
    "tsql": "mssql",
}


def looker_dialect_name(dialect: str) -> str:
    """What ``{{ _dialect._name }}`` prints for a sqlglot dialect (Looker's connection dialect)."""
    return _LOOKER_DIALECT_NAMES.get(dialect, dialect)


class LookerScope(Mapping[str, object]):
    """The global namespace of one render: every name Looker's Liquid can see in SQL.

    It is also how custom tags find the :class:`LiquidContext` (``render_context.globals``).
    Iteration is empty on purpose: the names are resolved on demand, never enumerated.
    """

    def __init__(self, ctx: LiquidContext) -> None:
        self.ctx = ctx
        self._objects: dict[str, object] = {
            "_filters": _FiltersDrop(ctx),
            "_user_attributes": _UserAttributesDrop(ctx),
            "_model": {"_name": ctx.model},
            "_explore": {"_name": ctx.explore},
            "_view": {"_name": ctx.view},
            "_dialect": {"_name": looker_dialect_name(ctx.dialect)},
            "_query": {"_query_timezone": ctx.query_timezone},
        }

    def __getitem__(self, key: str) -> object:
        if key in self._objects:
            return self._objects[key]
        if key in HTML_ONLY_ROOTS:
            raise LookerLiquidError(
                f"Liquid variable '{key}' only exists in html, link and action parameters, "
                "where a result value exists; it cannot be used in SQL"
            )
        if key in UNSUPPORTED_ROOTS:
            raise LookerLiquidError(f"Liquid variable '{key}' is not supported in SQL by pytest-looker")
        if key.startswith("_"):
            raise KeyError(key)  # → python-liquid's strict "undefined" error, with position
        return _NameDrop(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __bool__(self) -> bool:
        # RenderContext replaces a falsy globals mapping with `{}`; ours is never empty.
        return True

    def field_attribute(self, name: str, attribute: str, written: str) -> object:
        """The value of ``name._attribute`` (see :func:`field_attribute`)."""
        return field_attribute(self.ctx, name, attribute, written)


def field_attribute(ctx: LiquidContext, name: str, attribute: str, written: str) -> object:
    """The value of ``name._attribute`` (``name`` qualified; ``written`` as in LookML).

    Raises ``KeyError`` for unknown attributes so that python-liquid reports them as
    undefined, with the template position.
    """
    if attribute == "_is_selected":
        return ctx.is_selected(name)
    if attribute == "_in_query":
        return ctx.is_in_query(name)
    if attribute == "_is_filtered":
        return ctx.is_filtered(name)
    if attribute == "_parameter_value":
        info = ctx.parameters.get(name)
        if info is None:
            raise LookerLiquidError(f"'{written}._parameter_value': {unknown_parameter(ctx, name)}")
        return parameter_sql(name, info, ctx.parameter_values.get(name, info.default_value), ctx.dialect)
    if attribute in HTML_ONLY_FIELD_ATTRIBUTES:
        raise LookerLiquidError(
            f"Liquid variable '{written}.{attribute}' only exists in html, link and action "
            "parameters, where a result value exists; it cannot be used in SQL"
        )
    raise KeyError(attribute)


def unknown_parameter(ctx: LiquidContext, name: str) -> str:
    """Why ``name`` is not a parameter, listing the parameters of its view to help fix typos."""
    view = name.rsplit(".", 1)[0]
    known = sorted(key for key in ctx.parameters if key.rsplit(".", 1)[0] == view)
    hint = f"parameters of view '{view}': {', '.join(known)}" if known else f"view '{view}' has none"
    return f"'{name}' is not a parameter ({hint})"


class _NotAValue:
    """Base of the drops that stand for a name, not a value: they refuse to be used as one."""

    def _describe(self) -> str:
        raise NotImplementedError

    def __liquid__(self) -> object:
        # python-liquid calls this before testing truthiness or comparing.
        raise LookerLiquidError(
            f"'{self._describe()}' is a LookML name, not a value: Liquid takes any object for true, so "
            "an {% if %} on it holds whatever the query selects and the branches after it are never "
            "taken; use an attribute such as ._is_selected, ._in_query, ._is_filtered or ._parameter_value"
        )

    def __str__(self) -> str:
        return str(self.__liquid__())


class _NameDrop(_NotAValue):
    """A first identifier: a view (``orders`` in ``orders.status``) or a bare field name."""

    def __init__(self, scope: LookerScope, name: str) -> None:
        self._scope = scope
        self._name = name

    def _describe(self) -> str:
        return self._name

    def __getitem__(self, key: object) -> object:
        if not isinstance(key, str):
            raise KeyError(key)
        # A known attribute of a bare field name (``p._parameter_value``); any other name is a
        # field, even one starting with "_": public blocks name fields ``__millisecond100`` (a
        # dimension group called ``_``) and test ``date.__millisecond100._is_selected``.
        if key in FIELD_ATTRIBUTES or key in HTML_ONLY_FIELD_ATTRIBUTES:
            return self._scope.field_attribute(self._scope.ctx.qualify(self._name), key, self._name)
        return _FieldDrop(self._scope, f"{self._name}.{key}")


class _FieldDrop(_NotAValue):
    """``view.field``: only its ``_`` attributes are values."""

    def __init__(self, scope: LookerScope, name: str) -> None:
        self._scope = scope
        self._name = name

    def _describe(self) -> str:
        return self._name

    def __getitem__(self, key: object) -> object:
        if isinstance(key, str) and key.startswith("_"):
            return self._scope.field_attribute(self._name, key, self._name)
        raise KeyError(key)


class _FiltersDrop:
    """``_filters['view.field']``: the query's raw filter expression, nil when unfiltered.

    The expression is user input; Looker inserts it verbatim, which is why LookML should pipe it
    through ``sql_quote``. We do the same, so tests see what Looker would send.
    """

    def __init__(self, ctx: LiquidContext) -> None:
        self._ctx = ctx

    def __getitem__(self, key: object) -> object:
        if not isinstance(key, str):
            raise KeyError(key)
        name = self._ctx.qualify(key)
        expression = self._ctx.filters.get(name)
        return expression if expression is not None and expression.strip() else None


class _UserAttributesDrop:
    """``_user_attributes['name']``; a missing attribute is an error, as in Looker."""

    def __init__(self, ctx: LiquidContext) -> None:
        self._ctx = ctx

    def __getitem__(self, key: object) -> object:
        try:
            return self._ctx.user_attributes[str(key)]
        except KeyError:
            known = ", ".join(sorted(self._ctx.user_attributes)) or "none"
            raise LookerLiquidError(f"user attribute '{key}' is not set for this query (set: {known})") from None
