"""Arithmetic on fields the LookML itself declares text: the warehouse rejects it too.

mozilla's generated nested views key each row with ``sql: ${accounts_events.document_id}-${label}
;;`` — meant as ``document_id || '-' || label``, but in BigQuery ``-`` has no STRING signature,
and BigQuery never converts a STRING value to a number ("Conversion rules": STRING coerces to
nothing). DuckDB reports ``-(VARCHAR, VARCHAR)`` with the same words as for a column the scaffold
typed wrongly, so the failure needs evidence to be called the LookML's: every operand is a field
the LookML states is text (``type: string`` written out, on the field or on a field of the
failing view that is exactly that reference). A field without ``type:`` is no evidence (often a
number shown as a string), and then the failure stays the data's.

Source: https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_rules .
"""

from __future__ import annotations

import re

from pytest_looker.compile.rejected import REJECTED_TOO
from pytest_looker.lookml.model import Field, Model

__all__ = ["declared_text_arithmetic"]

#: Dialects that never convert a text value to a number.
_STRICT_DIALECTS = frozenset({"bigquery"})
_TEXT_OPERANDS = re.compile(r"argument types '([-+*/])\(VARCHAR, VARCHAR\)'")
_TWO_REFERENCES = re.compile(r"^\s*\$\{\s*([\w.]+)\s*\}\s*([-+*/])\s*\$\{\s*([\w.]+)\s*\}\s*$")


def declared_text_arithmetic(model: Model, field: Field, message: str, dialect: str) -> str | None:
    """Why the warehouse rejects ``field`` too, when DuckDB's ``message`` is arithmetic on two
    text values and the field's SQL is that arithmetic on two fields the LookML declares text."""
    error = _TEXT_OPERANDS.search(message)
    shape = _TWO_REFERENCES.match(field.sql or "")
    if dialect.lower() not in _STRICT_DIALECTS or error is None or shape is None or shape.group(2) != error.group(1):
        return None
    left, operator, right = shape.groups()
    if not all(_declared_text(model, field, reference) for reference in (left, right)):
        return None
    return (
        f"{REJECTED_TOO}: {operator} of ${{{left}}} and ${{{right}}}, which the LookML declares"
        f" text (type: string); {dialect} has no {operator} for STRING and never converts a STRING value to a"
        " number (to join text: CONCAT(…))"
    )


def _declared_text(model: Model, field: Field, reference: str) -> bool:
    """Whether the field ``reference`` (from ``field``'s view) is stated ``type: string``: on itself,
    or on a field of ``field``'s view whose SQL is exactly that reference."""
    view_name, _, name = reference.rpartition(".")
    view = model.views.get(view_name or field.view)
    target = view.fields.get(name) if view is not None else None
    if target is not None and _states_string(target):
        return True
    own = model.views.get(field.view)
    if own is None:
        return False
    alias = re.compile(r"^\s*\$\{\s*" + re.escape(reference) + r"\s*\}\s*$")
    return any(_states_string(f) and alias.match(f.sql or "") for f in own.fields.values() if f is not field)


def _states_string(found: Field) -> bool:
    return found.is_dimension and found.type == "string" and "type" in found.raw
