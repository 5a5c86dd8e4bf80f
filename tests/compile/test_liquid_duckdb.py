"""End to end: a derived table with a templated filter renders to SQL that DuckDB runs correctly."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pytest
from sqlglot import exp

from pytest_looker.compile.liquid import LiquidContext, ParameterInfo, render_liquid

DERIVED_TABLE_SQL = """
SELECT id, status, amount
FROM raw_orders
WHERE {% condition orders_dt.status_filter %} status {% endcondition %}
  AND amount >= {% parameter min_amount %}
  {% if orders_dt.label._is_selected %}AND label = {% parameter label %}{% endif %}
"""


def in_list_condition(filters: dict[str, str]) -> Callable[[str, str], str]:
    """The planner's filter compiler, reduced to ``a,b`` → ``sql IN ('a', 'b')``."""

    def condition(field: str, sql: str) -> str:
        values = ", ".join(exp.Literal.string(v).sql(dialect="duckdb") for v in filters[field].split(","))
        return f"{sql} IN ({values})"

    return condition


def make_ctx(filters: dict[str, str], values: dict[str, str], selected: frozenset[str]) -> LiquidContext:
    return LiquidContext(
        model="shop",
        explore="orders_dt",
        view="orders_dt",
        dialect="duckdb",
        condition_sql=in_list_condition(filters),
        date_bounds=lambda field: (None, None),
        parameters={
            "orders_dt.min_amount": ParameterInfo("number", (), "0"),
            "orders_dt.label": ParameterInfo("string", (), "none"),
        },
        parameter_values=values,
        filters=filters,
        selected=selected,
    )


@pytest.fixture
def connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE raw_orders (id INTEGER, status VARCHAR, amount INTEGER, label VARCHAR)")
    con.execute(
        "INSERT INTO raw_orders VALUES (1, 'complete', 10, 'a'), (2, 'shipped', 20, 'b'), "
        "(3, 'cancelled', 30, 'it''s'), (4, 'complete', 40, 'b')"
    )
    return con


@pytest.mark.parametrize(
    ("filters", "values", "selected", "expected_ids"),
    [
        ({}, {}, frozenset(), [1, 2, 3, 4]),
        ({"orders_dt.status_filter": "complete"}, {}, frozenset(), [1, 4]),
        (
            {"orders_dt.status_filter": "complete,shipped"},
            {"orders_dt.min_amount": "15"},
            frozenset(),
            [2, 4],
        ),
        ({}, {"orders_dt.label": "it's"}, frozenset({"orders_dt.label"}), [3]),
        ({}, {"orders_dt.label": "x' OR '1'='1"}, frozenset({"orders_dt.label"}), []),
    ],
)
def test_liquid_derived_table_with_condition_runs_on_duckdb(
    connection: duckdb.DuckDBPyConnection,
    filters: dict[str, str],
    values: dict[str, str],
    selected: frozenset[str],
    expected_ids: list[int],
) -> None:
    sql = render_liquid(DERIVED_TABLE_SQL, make_ctx(filters, values, selected), where="orders_dt derived_table")
    rows = connection.execute(f"SELECT id FROM ({sql}) AS orders_dt ORDER BY id").fetchall()
    assert [row[0] for row in rows] == expected_ids
