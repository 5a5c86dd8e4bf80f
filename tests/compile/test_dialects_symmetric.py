"""Symmetric aggregates: over a fanned-out table they equal the aggregates over the distinct rows.

Property (semantics §1b, recommendation 3): duplicate each (key, value) row 1..5 times — as a
join fan-out does — add rows whose key is NULL (what a filtered measure's CASE leaves), then
``symmetric_sum/average/count`` over the fanned table must equal SUM/AVG/COUNT over
``SELECT DISTINCT key, value`` (NULL keys ignored). DuckDB: exact for integers and DECIMAL;
DOUBLE within 1e-9 of the sum of magnitudes. Looker's hashed formulas for the other dialects
run on DuckDB where sqlglot can transpile them (with the shims documented below); they scale
values by 10^6 and FLOOR, so they are checked on values with at most 4 decimals.
"""

from __future__ import annotations

import decimal
from typing import Any

import duckdb
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_looker.compile.dialects import get_dialect

VALUE_TYPES = {
    "BIGINT": st.integers(min_value=-(10**15), max_value=10**15),
    "DECIMAL(18,4)": st.decimals(
        min_value=-(10**12), max_value=10**12, places=4, allow_nan=False, allow_infinity=False
    ),
    "DECIMAL(38,6)": st.decimals(
        min_value=-(10**25), max_value=10**25, places=6, allow_nan=False, allow_infinity=False
    ),
    "DOUBLE": st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
}

KEYS = st.one_of(st.integers(min_value=-(10**9), max_value=10**9), st.text(min_size=1, max_size=6))


def fanned_rows(draw: st.DrawFn, values: st.SearchStrategy[Any], key_kind: str) -> list[tuple[Any, Any]]:
    n = draw(st.integers(min_value=0, max_value=12))
    keys = draw(
        st.lists(
            st.integers(min_value=-(10**9), max_value=10**9) if key_kind == "int" else st.text(min_size=1, max_size=6),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    rows: list[tuple[Any, Any]] = []
    for key in keys:
        value = draw(st.one_of(st.none(), values))
        rows += [(key, value)] * draw(st.integers(min_value=1, max_value=5))
    # rows a filtered measure nulls out: the key is NULL, the value may not be
    rows += [(None, draw(st.one_of(st.none(), values))) for _ in range(draw(st.integers(0, 3)))]
    return draw(st.permutations(rows))


@st.composite
def tables(draw: st.DrawFn, value_types: tuple[str, ...] = tuple(VALUE_TYPES)) -> tuple[str, str, list[Any]]:
    value_type = draw(st.sampled_from(value_types))
    key_kind = draw(st.sampled_from(["int", "text"]))
    return value_type, key_kind, fanned_rows(draw, VALUE_TYPES[value_type], key_kind)


def load(rows: list[tuple[Any, Any]], value_type: str, key_kind: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    key_type = "BIGINT" if key_kind == "int" else "VARCHAR"
    con.execute(f"CREATE TABLE f (k {key_type}, v {value_type})")
    if rows:
        con.executemany("INSERT INTO f VALUES (?, ?)", rows)
    return con


def reference(con: duckdb.DuckDBPyConnection) -> tuple[Any, Any, int]:
    got = con.sql(
        "SELECT COALESCE(SUM(v), 0), AVG(v), COUNT(DISTINCT k) FROM (SELECT DISTINCT k, v FROM f WHERE k IS NOT NULL)"
    ).fetchall()[0]
    return got[0], got[1], got[2]


def magnitude(con: duckdb.DuckDBPyConnection) -> float:
    total = con.sql("SELECT SUM(ABS(v)) FROM (SELECT DISTINCT k, v FROM f WHERE k IS NOT NULL)").fetchall()[0][0]
    return float(total or 0)


def close(a: Any, b: Any, scale: float, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= tolerance * max(1.0, scale)


def symmetric(con: duckdb.DuckDBPyConnection, dialect: str, value: str = "v", key: str = "k") -> tuple[Any, ...]:
    d = get_dialect(dialect)
    parts = [d.symmetric_sum(value, key), d.symmetric_average(value, key), d.symmetric_count(key)]
    if dialect != "duckdb":
        parts = [to_duckdb(p, dialect) for p in parts]
    return tuple(con.sql(f"SELECT {', '.join(parts)} FROM f").fetchall()[0])


# -- DuckDB: exact --------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_duckdb_symmetric_aggregates_equal_distinct_aggregates(table: tuple[str, str, list[Any]]) -> None:
    value_type, key_kind, rows = table
    con = load(rows, value_type, key_kind)
    total, average, count = symmetric(con, "duckdb")
    ref_total, ref_average, ref_count = reference(con)
    assert count == ref_count
    if value_type == "DOUBLE":
        scale = magnitude(con)
        assert close(total, ref_total, scale, 1e-9)
        assert close(average, ref_average, scale, 1e-9)
    else:
        assert decimal.Decimal(total) == decimal.Decimal(ref_total)  # exact
        assert close(average, ref_average, magnitude(con), 1e-12)  # AVG is DOUBLE on both sides


@settings(max_examples=60, deadline=None)
@given(tables(("BIGINT", "DECIMAL(18,4)")), st.integers(min_value=0, max_value=100))
def test_duckdb_filtered_measure_wrapping(table: tuple[str, str, list[Any]], threshold: int) -> None:
    """The planner wraps value and key in CASE WHEN cond …; the result is the filtered distinct sum."""
    value_type, key_kind, rows = table
    con = load(rows, value_type, key_kind)
    cond = f"(ABS(HASH(k)) % 100) < {threshold}"
    d = get_dialect("duckdb")
    value, key = f"CASE WHEN {cond} THEN v ELSE NULL END", f"CASE WHEN {cond} THEN k ELSE NULL END"
    got = con.sql(f"SELECT {d.symmetric_sum(value, key)}, {d.symmetric_count(key)} FROM f").fetchall()[0]
    ref = con.sql(
        "SELECT COALESCE(SUM(v), 0), COUNT(DISTINCT k)"
        f" FROM (SELECT DISTINCT k, v FROM f WHERE k IS NOT NULL AND {cond})"
    ).fetchall()[0]
    assert got[1] == ref[1]
    assert decimal.Decimal(got[0]) == decimal.Decimal(ref[0])


def test_duckdb_symmetric_median_and_percentile() -> None:
    con = load([(1, 10.0), (1, 10.0), (1, 10.0), (2, 20.0), (3, 40.0), (None, 99.0), (4, None)], "DOUBLE", "int")
    d = get_dialect("duckdb")
    got = con.sql(f"SELECT {d.symmetric_median('v', 'k')}, {d.symmetric_percentile('v', 'k', 75)} FROM f").fetchall()
    assert got == [(20.0, 30.0)]  # over 10, 20, 40 — not over the fanned 10, 10, 10, 20, 40


def test_duckdb_empty_input() -> None:
    con = load([], "DOUBLE", "int")
    assert symmetric(con, "duckdb") == (0, None, 0)


def test_duckdb_never_adds_a_double_to_a_hash() -> None:
    # Large doubles with tiny fractions: a hash-plus-double form loses them entirely.
    con = load([(1, 1e15 + 0.5), (1, 1e15 + 0.5), (2, -1e15), (3, 0.25)], "DOUBLE", "int")
    assert symmetric(con, "duckdb")[0] == pytest.approx(0.75, abs=1e-6)


# -- Looker's formulas of the other dialects, transpiled to DuckDB ------------------------------------


def to_duckdb(sql: str, dialect: str) -> str:
    out = sqlglot.transpile(sql, read=dialect, write="duckdb", unsupported_level=sqlglot.ErrorLevel.RAISE)[0]
    if dialect == "bigquery":
        # Shim: sqlglot writes BigQuery NUMERIC as a bare DECIMAL, which DuckDB reads as
        # DECIMAL(18,3); BigQuery's NUMERIC is DECIMAL(38,9).
        out = out.replace("AS DECIMAL)", "AS DECIMAL(38, 9))")
    if dialect == "redshift":
        # Shim: Redshift (like Postgres) types the literal 1.0e8 as NUMERIC, DuckDB as DOUBLE,
        # which would turn Looker's exact DECIMAL(38,0) key into a float and lose the values.
        out = out.replace("1.0e8", "CAST(100000000 AS DECIMAL(38, 0))")
    return out


def shim_connection(con: duckdb.DuckDBPyConnection) -> None:
    # Shim: Redshift STRTOL(hex, 16) transpiles to FROM_BASE(hex, 16), which DuckDB lacks; this
    # macro gives the same value for base 16 (the only base Looker's formula uses).
    con.execute("CREATE MACRO from_base(s, b) AS CAST('0x' || s AS BIGINT)")


UNRUNNABLE = {
    "postgres": "Looker's Postgres key casts 'x' || md5 to bit(64)::bigint; DuckDB's BIT cannot parse hex",
    "snowflake": "sqlglot cannot transpile Snowflake TO_NUMBER(md5, 'XXXX…') (UnsupportedError)",
}


@pytest.mark.parametrize("dialect", ["redshift", "bigquery", "postgres", "snowflake"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=tables(("BIGINT", "DECIMAL(18,4)")))
def test_looker_formulas_transpiled_to_duckdb(dialect: str, table: tuple[str, str, list[Any]]) -> None:
    if dialect in UNRUNNABLE:
        pytest.skip(UNRUNNABLE[dialect])
    value_type, key_kind, rows = table
    # DECIMAL(38,4) column: DuckDB does not widen a DECIMAL(18) product the way Redshift and
    # BigQuery do, so `x * (1000000*1.0)` would overflow on DuckDB only.
    con = load(rows, value_type.replace("(18,", "(38,"), key_kind)
    shim_connection(con)
    total, average, count = symmetric(con, dialect)
    ref_total, ref_average, ref_count = reference(con)
    assert count == ref_count
    # DOUBLE PRECISION / FLOAT64 result: 1e-6 absolute per unit of magnitude is Looker's own
    # resolution (values scaled by 10^6, or rounded to 6 decimals on BigQuery).
    scale = magnitude(con)
    assert close(total, ref_total, scale, 1e-9)
    assert close(average, ref_average, scale, 1e-9)


@pytest.mark.parametrize("dialect", ["postgres", "snowflake"])
def test_unrunnable_formulas_fail_loudly(dialect: str) -> None:
    """The skip above is honest: these formulas really cannot run on DuckDB via sqlglot."""
    con = load([(1, 1), (1, 1), (2, 5)], "BIGINT", "int")
    with pytest.raises((sqlglot.errors.UnsupportedError, duckdb.Error)):
        symmetric(con, dialect)
