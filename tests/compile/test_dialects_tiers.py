"""Tier labels for every style against the verified page's examples (verified §3).

Each case renders the CASE, runs it on DuckDB for probe values (including NULL) and compares the
label and the ``__sort_`` code with Looker's. The integer example with width-1 tiers is also
compared as SQL with Looker's real output.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pytest
import sqlglot
from golden import validate_fragment
from sqlglot import exp

from pytest_looker.compile.dialects import SUPPORTED_DIALECTS, get_dialect
from pytest_looker.errors import CompileError


def labels(tiers: Sequence[float], style: str, values: Sequence[float | None]) -> list[tuple[str, str]]:
    label, sort = get_dialect("duckdb").tier("x", tiers, style)
    rows = ", ".join(f"({i}, {'NULL' if v is None else v})" for i, v in enumerate(values))
    sql = f"SELECT {label}, {sort} FROM (VALUES {rows}) AS t(i, x) ORDER BY i"
    return [(a, b) for a, b in duckdb.execute(sql).fetchall()]


def test_integer_style_ga4_block() -> None:
    # BigQuery GA4 block, tiers [10,30,…,600]: 'Below 10', '10 to 29', …, '600 or Above';
    # sort codes '00'…'08', ELSE '09'.
    tiers = [10, 30, 60, 120, 180, 300, 450, 600]
    got = labels(tiers, "integer", [5, 10, 29, 30, 599, 600, 10_000, None])
    assert got == [
        ("Below 10", "00"),
        ("10 to 29", "01"),
        ("10 to 29", "01"),
        ("30 to 59", "02"),
        ("450 to 599", "07"),
        ("600 or Above", "08"),
        ("600 or Above", "08"),
        ("Undefined", "09"),
    ]


def test_integer_style_width_one_tiers_match_looker_sql() -> None:
    looker = (
        "CASE WHEN x  < 0 THEN 'Below 0' WHEN x  = 0 THEN '0' WHEN x  = 1 THEN '1' WHEN x  = 2 THEN '2' "
        "WHEN x  >= 3 AND x  < 5 THEN '3 to 4' WHEN x  >= 5 AND x  < 10 THEN '5 to 9' "
        "WHEN x  >= 10 THEN '10 or Above' ELSE 'Undefined' END"
    )
    validate_fragment(lambda d: d.tier("x", [0, 1, 2, 3, 5, 10], "integer")[0], {"bigquery": looker})
    assert [lab for lab, _ in labels([0, 1, 2, 3, 5, 10], "integer", [-1, 0, 1, 2, 4, 9, 10])] == [
        "Below 0", "0", "1", "2", "3 to 4", "5 to 9", "10 or Above",
    ]  # fmt: skip


def test_interval_style_thelook() -> None:
    tiers = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]
    got = labels(tiers, "interval", [-0.5, 0, 9.99, 55, 90, 120, None])
    assert got == [
        ("(-inf,0.0)", "00"),
        ("[0.0,10.0)", "01"),
        ("[0.0,10.0)", "01"),
        ("[50.0,60.0)", "06"),
        ("[90.0,inf)", "10"),
        ("[90.0,inf)", "10"),
        ("Undefined", "11"),
    ]
    label, _ = get_dialect("bigquery").tier("x", tiers, "interval")
    conditions = [w.this.sql() for w in sqlglot.parse_one(label, read="bigquery").find_all(exp.If)]
    assert conditions[0] == "x < 0.0"  # floats, as Looker prints them
    assert conditions[1] == "x >= 0.0 AND x < 10.0"


def test_classic_style_smevening() -> None:
    tiers = [0, 1, 2, 3, 4, 5, 6]
    got = labels(tiers, "classic", [-3, 0, 0.5, 5.5, 6, None])
    assert [lab for lab, _ in got] == [
        "T00 (-inf,0.0)", "T01 [0.0,1.0)", "T01 [0.0,1.0)", "T06 [5.0,6.0)", "T07 [6.0,inf)", "TXX Undefined",
    ]  # fmt: skip
    assert [s for _, s in got] == ["00", "01", "01", "06", "07", "08"]  # classic labels sort the same way


def test_relational_style_fivetran() -> None:
    got = labels([0, 30, 60, 90], "relational", [-1, 0, 45, 90, None])
    assert [lab for lab, _ in got] == [
        "< 0.0",
        ">= 0.0 and < 30.0",
        ">= 30.0 and < 60.0",
        ">= 90.0",
        "Undefined",
    ]


def test_non_integer_cut_points_print_as_given() -> None:
    assert [lab for lab, _ in labels([0.5, 2.25], "interval", [0, 1, 3])] == [
        "(-inf,0.5)", "[0.5,2.25)", "[2.25,inf)",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("tiers", "style", "needle"),
    [
        ([], "classic", "at least one"),
        ([10, 5], "interval", "increasing"),
        ([1, 1], "integer", "increasing"),
        ([0.5, 2], "integer", "whole-number"),
        ([1, 2], "fancy", "fancy"),
    ],
)
def test_bad_tiers(tiers: list[float], style: str, needle: str) -> None:
    with pytest.raises(CompileError, match=needle):
        get_dialect("duckdb").tier("x", tiers, style)


@pytest.mark.parametrize("dialect", SUPPORTED_DIALECTS)
@pytest.mark.parametrize("style", ["classic", "interval", "integer", "relational"])
def test_every_dialect_labels_and_sorts_like_duckdb(dialect: str, style: str) -> None:
    """Each dialect's CASE pair, transpiled to DuckDB, gives the labels and sort codes checked above."""
    probes = [-5, 0, 9.5, 10, 99, 100, 1000, None]
    label, sort = get_dialect(dialect).tier("x", [0, 10, 100], style)
    rows = ", ".join(f"({i}, {'NULL' if v is None else v})" for i, v in enumerate(probes))
    sql = f"SELECT {label}, {sort} FROM (VALUES {rows}) AS t(i, x) ORDER BY i"
    got = duckdb.execute(sqlglot.transpile(sql, read=dialect, write="duckdb")[0]).fetchall()
    assert got == labels([0, 10, 100], style, probes)
