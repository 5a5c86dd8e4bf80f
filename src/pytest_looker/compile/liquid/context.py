"""What the query planner tells the Liquid renderer, and how parameter values become SQL.

The renderer never looks at the LookML model: the planner hands it plain data (which fields
the query selects and filters, which parameters exist and what their values are) and two
callbacks into its own filter compiler. That keeps this package independent of the model
classes and lets tests build a context in a few lines.

Parameter values are the one place where a *query* (not the LookML author) chooses text that
ends up in SQL, so this module is also where they are validated and quoted.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from sqlglot import exp

from pytest_looker.compile.liquid.errors import LookerLiquidError

#: Parameter types whose value Looker inserts as a quoted string literal.
QUOTED_PARAMETER_TYPES = frozenset({"string", "date", "date_time", "datetime", "time", "zipcode"})
#: Every parameter type the renderer knows how to insert.
PARAMETER_TYPES = QUOTED_PARAMETER_TYPES | {"unquoted", "number", "yesno"}

# An identifier, optionally dotted (`schema.table`, `DESC`, `orders.revenue`): what an unquoted
# parameter may insert when the LookML author did not list it as an allowed value. No quotes,
# spaces, semicolons or comment markers can get through. A word may start with a digit: Looker
# pastes `1` into `…_{% parameter window_index %}` table names (mozilla/looker-hub).
_SAFE_IDENTIFIER = re.compile(r"[A-Za-z0-9_]+(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")
_YESNO = {"yes": "true", "true": "true", "no": "false", "false": "false"}


@dataclass(frozen=True)
class ParameterInfo:
    """A LookML ``parameter:`` field as far as Liquid needs it.

    Attributes:
        type: The parameter's ``type:`` (``unquoted``, ``string``, ``number``, ``date``,
            ``date_time``, ``yesno``...). It decides how the value is written into SQL.
        allowed_values: ``allowed_value: {label value}`` pairs, in LookML order. For
            ``unquoted`` parameters they are the values trusted verbatim.
        default_value: ``default_value:``, used when the query does not set the parameter.
    """

    type: str = "string"
    allowed_values: tuple[tuple[str, str], ...] = ()
    default_value: str | None = None


@dataclass(frozen=True, kw_only=True)
class LiquidContext:
    """Everything about one query that Liquid in LookML SQL can observe.

    Field names are always fully qualified (``"view.field"``); the renderer qualifies bare names
    written in LookML (``{% parameter p %}``) with :attr:`view`.

    Attributes:
        model: The model name (``{{ _model._name }}``).
        explore: The explore name (``{{ _explore._name }}``).
        view: The view whose SQL is being rendered (for explore-level SQL such as
            ``sql_always_where``, the explore's base view); bare names resolve here
            (``{{ _view._name }}``).
        dialect: A sqlglot dialect name; string literals are quoted the way it reads them.
        condition_sql: ``(field, sql expression) → condition``: the planner's filter
            compiler applied to the query's filter on ``field``. Called only when the field
            is filtered; the expression may still contain ``${...}`` references.
        date_bounds: ``field → (start, end)`` SQL literals of the query's date filter on
            ``field`` for ``{% date_start %}``/``{% date_end %}``; ``None`` renders ``NULL``.
            Called only when the field is filtered.
        parameters: ``"view.param"`` → :class:`ParameterInfo` for every parameter in reach.
        parameter_values: ``"view.param"`` → the value the query sets (else its default).
        filters: ``"view.field"`` → the query's Looker filter expression on that field.
        selected: Fields in the query's SELECT (``_is_selected``).
        in_query: Fields selected, filtered or sorted (``_in_query``); selected and filtered
            fields count even if the planner leaves them out here.
        user_attributes: The querying user's attributes (``_user_attributes['name']``).
        query_timezone: The query time zone (``{{ _query._query_timezone }}``).
        field: The bare name of the field whose own SQL is rendered (``None`` for SQL that
            belongs to no field: derived tables, joins, ``sql_always_where``...). A bare
            ``{% condition %}`` applies this field's filter.
    """

    model: str
    explore: str
    view: str
    dialect: str
    condition_sql: Callable[[str, str], str]
    date_bounds: Callable[[str], tuple[str | None, str | None]]
    parameters: Mapping[str, ParameterInfo] = field(default_factory=dict)
    parameter_values: Mapping[str, str] = field(default_factory=dict)
    filters: Mapping[str, str] = field(default_factory=dict)
    selected: frozenset[str] = frozenset()
    in_query: frozenset[str] = frozenset()
    user_attributes: Mapping[str, str] = field(default_factory=dict)
    query_timezone: str = "UTC"
    field: str | None = None
    #: The fields whose place in the query (``_is_selected``, ``_in_query``) the rendering read,
    #: in order: a rendering that read none is the same for every query with the same filters,
    #: parameters and context (the fields-only shortcut keeps such renderings, see ``fastpath``).
    field_reads: list[str] = dataclasses.field(default_factory=list, compare=False, repr=False)

    def qualify(self, name: str) -> str:
        """``name`` as ``view.field``: bare names belong to the view being rendered."""
        return name if "." in name else f"{self.view}.{name}"

    def is_filtered(self, name: str) -> bool:
        """Whether the query filters ``name`` (an empty expression means "any value")."""
        expression = self.filters.get(name)
        if expression is not None and expression.strip():
            return True
        return name in self.parameters and name in self.parameter_values

    def is_selected(self, name: str) -> bool:
        """Looker's ``_is_selected``."""
        self.field_reads.append(name)
        return name in self.selected

    def is_in_query(self, name: str) -> bool:
        """Looker's ``_in_query``: selected, filtered or otherwise used (sorts)."""
        self.field_reads.append(name)
        return name in self.in_query or name in self.selected or self.is_filtered(name)


@lru_cache(maxsize=4096)
def sql_string(value: str, dialect: str) -> str:
    """``value`` as a string literal that ``dialect`` reads back unchanged.

    sqlglot knows each dialect's escaping (``''`` in Postgres/DuckDB, ``\\'`` and ``\\\\`` in
    BigQuery/Snowflake), so a value can never close the literal early.
    """
    return exp.Literal.string(value).sql(dialect=dialect)


def parameter_sql(name: str, info: ParameterInfo, value: str | None, dialect: str) -> str:
    """The SQL that ``{% parameter name %}`` and ``name._parameter_value`` stand for.

    A parameter the query gives no value and that has no ``default_value`` (``value`` is None)
    has the empty value, as when a Looker user selects nothing: ``''`` for the quoted types,
    nothing at all for ``unquoted``, ``number`` and ``yesno``. Looker documents only that the
    selected value, else ``default_value``, is inserted (param-field-parameter); the empty
    rendering is inferred, and SQL that cannot run without a value then fails as it would on
    Looker. Validation and tests supply values with the ``parameters`` setting or
    ``--parameter view.name=value``.

    Raises:
        LookerLiquidError: for a value that would be unsafe to paste into SQL (an unquoted
            value that is neither an allowed value nor an identifier, a non-number for a
            ``number`` parameter, anything but yes/no for ``yesno``) or an unknown type.
    """
    kind = info.type
    if kind in QUOTED_PARAMETER_TYPES:
        return sql_string(value or "", dialect)
    if not value and kind in PARAMETER_TYPES:
        return ""
    assert value is not None
    if kind == "unquoted":
        if value in {allowed for _, allowed in info.allowed_values} or _SAFE_IDENTIFIER.match(value):
            return value
        allowed_list = ", ".join(repr(allowed) for _, allowed in info.allowed_values) or "none"
        raise LookerLiquidError(
            f"value {value!r} of unquoted parameter '{name}' is neither an allowed value "
            f"(allowed: {allowed_list}) nor a plain identifier; refusing to paste it into SQL"
        )
    if kind == "number":
        if _NUMBER.match(value.strip()):
            return value.strip()
        raise LookerLiquidError(f"value {value!r} of number parameter '{name}' is not a number")
    if kind == "yesno":
        try:
            return _YESNO[value.strip().lower()]
        except KeyError:
            raise LookerLiquidError(f"value {value!r} of yesno parameter '{name}' is not yes or no") from None
    raise LookerLiquidError(
        f"parameter '{name}' has type '{kind}', which pytest-looker cannot insert into SQL "
        f"(supported: {', '.join(sorted(PARAMETER_TYPES))})"
    )
