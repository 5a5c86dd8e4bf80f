"""Shared data for the Lexp tests: the reference's conformance result set, in two encodings."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pytest_looker.expressions import LexpType

DATA = Path(__file__).parent / "data"
CONFORMANCE: dict[str, Any] = json.loads((DATA / "conformance.json").read_text(encoding="utf-8"))
NOW = datetime.fromisoformat(CONFORMANCE["now"])
FIELD_TYPES = {name: LexpType(kind) for name, kind in CONFORMANCE["field_types"].items()}


def native_rows() -> list[dict[str, object]]:
    """The conformance rows as a DB driver returns them: real dates and bools, no declared types."""
    rows: list[dict[str, object]] = []
    for raw in CONFORMANCE["rows"]:
        row = dict(raw)
        row["orders.created_date"] = date.fromisoformat(raw["orders.created_date"])
        row["orders.is_returned"] = raw["orders.is_returned"] == "Yes"
        rows.append(row)
    return rows
