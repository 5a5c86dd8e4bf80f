"""Looker expressions (Lexp): parse and evaluate data-test asserts and table calculations.

Looker runs each ``assert: { expression: ... ;; }`` of a LookML data test as a table calculation
over the test query's result, and the test passes only if it is yes on every row. This package
re-implements that offline, from the reference in ``looker-expressions.md``::

    >>> from pytest_looker.expressions import check_assert
    >>> rows = [{"orders.count": 1}, {"orders.count": 2}]
    >>> check_assert("${orders.count} = 1", rows).failing_rows
    [1]

Layers, each its own module: :mod:`.lexer` → :mod:`.parser` (→ :mod:`.nodes`, the AST) →
:mod:`.evaluator` (type check + column-wise evaluation, with :mod:`.operators` and the
:mod:`.functions` registry) → :mod:`.asserts` (data-test rules). Everything a user can get wrong
raises a :class:`pytest_looker.errors.ExpressionError` subclass (see :mod:`.errors`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from .asserts import AssertResult, check_assert
from .errors import (
    ExpressionError,
    ExpressionSyntaxError,
    ExpressionTypeError,
    UnknownFieldError,
    UnsupportedFunctionError,
)
from .evaluator import compile_expression
from .evaluator import referenced_fields as _referenced
from .evaluator import run as _run
from .nodes import Expression, to_text
from .parser import parse_expression
from .runtime import NullLogic
from .types import LexpType

__all__ = [
    "AssertResult",
    "Expression",
    "ExpressionError",
    "ExpressionSyntaxError",
    "ExpressionTypeError",
    "LexpType",
    "NullLogic",
    "UnknownFieldError",
    "UnsupportedFunctionError",
    "check_assert",
    "evaluate",
    "parse_expression",
    "referenced_fields",
    "to_text",
]


def referenced_fields(expr: Expression | str) -> frozenset[str]:
    """The fields an expression reads, as written inside ``${...}`` (e.g. ``"orders.count"``).

    Callers use this to add the fields to the test query, or to report which assert needs a
    column that the ``explore_source`` does not select.
    """
    return _referenced(parse_expression(expr) if isinstance(expr, str) else expr)


def evaluate(
    expr: Expression | str,
    rows: Sequence[Mapping[str, object]],
    *,
    now: datetime | None = None,
    field_types: Mapping[str, LexpType] | None = None,
    null_logic: NullLogic = "sql",
    seed: int | None = None,
) -> list[object]:
    """The value of ``expr`` on each of ``rows`` (a table calculation).

    ``rows`` are keyed ``"view.field"`` (matched case-insensitively) and in result order, which
    ``offset()``, ``row()`` and ``running_total()`` depend on. ``now`` is the clock for ``now()``
    (naive, in the query timezone; default: the local clock). ``field_types`` declares LookML
    types for columns whose Python values are ambiguous (``"Yes"`` text in a yesno column,
    ``"2024-03"`` in a month column); otherwise types are inferred from the values. ``seed`` makes
    ``rand()`` repeatable. Values come back as ``int``/``float``, ``str``, ``bool``, ``date``,
    ``datetime``, ``tuple`` (lists) or ``None``.
    """
    expression = parse_expression(expr) if isinstance(expr, str) else expr
    typed = compile_expression(expression, rows, field_types)
    return _run(typed, len(rows), now=now, null_logic=null_logic, seed=seed)
