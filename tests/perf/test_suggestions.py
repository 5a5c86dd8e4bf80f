"""The "did you mean" hint is worked out when an error is read, once per unknown name.

Validation used to run ``difflib`` over an explore's every field name for each failing field,
including errors that were caught and never shown. No timing here: the figures are in
``benchmarks/``.
"""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from helpers import ProjectFactory
from pytest_looker.compile import Query, compile_query
from pytest_looker.compile import scope as scope_module
from pytest_looker.compile.scope import scope_for, suggest
from pytest_looker.errors import CompileError

LOOKML = {
    "m.model.lkml": """
connection: "db"
explore: orders {
  join: customers {
    relationship: many_to_one
    sql_on: ${orders.customer_id} = ${customers.id} ;;
  }
}
view: orders {
  sql_table_name: orders ;;
  dimension: id { primary_key: yes }
  dimension: customer_id {}
  dimension: status {}
  measure: count { type: count }
}
view: customers {
  sql_table_name: customers ;;
  dimension: id { primary_key: yes }
  dimension: name {}
}
"""
}


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def counting(name: str, candidates: Any) -> str:
        calls.append(name)
        return suggest(name, candidates)

    monkeypatch.setattr(scope_module, "suggest", counting)
    return calls


def _error(project: Any, field: str) -> CompileError:
    with pytest.raises(CompileError) as caught:
        compile_query(project, Query("m", "orders", fields=[field]))
    return caught.value


def test_the_hint_is_computed_only_when_read_and_once_per_name(lookml: ProjectFactory, counted: list[str]) -> None:
    project = lookml(LOOKML)
    errors = [_error(project, "orders.stauts") for _ in range(5)]
    assert counted == []  # raised five times, read never
    assert errors[0].message.endswith("view 'orders' has no field 'stauts' (did you mean 'status'?)")
    assert all(e.message == errors[0].message for e in errors) and str(errors[1]).endswith(errors[1].message)
    assert counted == ["stauts"]
    assert _error(project, "customrs.name").message.endswith("(did you mean 'customers'?)")
    assert _error(project, "status").message.endswith("must be written as 'view.field' (did you mean 'orders.status'?)")
    assert counted == ["stauts", "customrs", "status"]


def test_a_hinted_error_reads_and_pickles_as_a_plain_one(lookml: ProjectFactory) -> None:
    project = lookml(LOOKML)
    error = _error(project, "orders.cuont")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is CompileError and copy.message == error.message and str(copy) == str(error)
    assert "(did you mean 'count'?)" in copy.message
    scope = scope_for(project, project.models["m"], project.models["m"].explores["orders"])
    with pytest.raises(CompileError, match=r"has no field 'zzz'$"):
        scope.field("orders", "zzz")
