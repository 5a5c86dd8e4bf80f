"""LookML data-test semantics for one ``assert: { expression: ... }``.

Looker turns each assert into a table calculation on the test query and the assert passes only if
it is yes on every row (reference section 8). Consequences implemented here:

* ``no`` *and* null fail a row — public tests guard nullable columns with ``is_null(x) OR ...``,
  which only makes sense if null does not pass;
* an empty result passes vacuously, with a warning (rows that do not exist cannot fail);
* every reference must be fully scoped ``${view.field}``;
* the expression must be a yesno; anything else is an error, not a failure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .errors import ExpressionTypeError, UnknownFieldError
from .evaluator import compile_expression, result_type, run
from .nodes import Expression, FieldRef, walk
from .parser import parse_expression
from .runtime import NullLogic
from .types import ANY, YESNO, LexpType

EMPTY_RESULT_WARNING = "the test query returned no rows, so the assert passes vacuously"


@dataclass(frozen=True)
class AssertResult:
    """Outcome of one assert over a query result.

    ``failing_rows`` are 0-based indexes into the rows, in result order; ``values`` holds the
    expression's value on every row (``True``/``False``/``None``).
    """

    passed: bool
    failing_rows: list[int]
    values: list[object]
    warnings: list[str] = field(default_factory=list)

    @property
    def first_failure(self) -> int | None:
        """0-based index of the first failing row, if any."""
        return self.failing_rows[0] if self.failing_rows else None

    def failure_message(self, assert_name: str) -> str:
        """Looker's wording for a failed assert, plus the first failing row (1-based)."""
        index = self.first_failure
        if index is None:
            return f'Assertion "{assert_name}" passed.'
        value = self.values[index]
        shown = "null" if value is None else '"No"'
        return (
            f'Assertion "{assert_name}" failed: expression evaluated to {shown}'
            f" on row {index + 1} of {len(self.values)}."
        )


def check_assert(
    text: str | Expression,
    rows: Sequence[Mapping[str, object]],
    *,
    now: datetime | None = None,
    field_types: Mapping[str, LexpType] | None = None,
    null_logic: NullLogic = "sql",
) -> AssertResult:
    """Evaluate a data-test assert over the test query's ``rows`` (in result order).

    Raises an :class:`~pytest_looker.errors.ExpressionError` subclass when the assert cannot be
    evaluated (syntax, types, unknown or unscoped fields, unsupported functions): the data test
    *errors* rather than fails.
    """
    expression = parse_expression(text) if isinstance(text, str) else text
    for node in walk(expression.root):
        if isinstance(node, FieldRef) and node.view is None:
            raise UnknownFieldError(
                f"${{{node.field}}} is not fully scoped: data-test asserts must reference fields as ${{view.field}}",
                expression.text,
                node.position,
            )
    typed = compile_expression(expression, rows, field_types)
    kind = result_type(typed)
    if kind not in (YESNO, ANY):
        raise ExpressionTypeError(
            f"an assert expression must be a yes/no condition, but this one is a {kind}",
            expression.text,
            0,
        )
    values = run(typed, len(rows), now=now, null_logic=null_logic)
    failing = [index for index, value in enumerate(values) if value is not True]
    warnings = [] if rows else [EMPTY_RESULT_WARNING]
    return AssertResult(not failing, failing, values, warnings)
