"""``DuckDBBackend.create_tables``: hermetic tables from rows, and the typing rules they follow."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from helpers import write_files
from pytest_looker.errors import BackendError
from pytest_looker.run import DuckDBBackend
from pytest_looker.run.typing_rules import check_type, infer_type


@pytest.fixture
def backend() -> Iterator[DuckDBBackend]:
    with DuckDBBackend() as opened:
        yield opened


def column_types(backend: DuckDBBackend, table: str) -> dict[str, str]:
    """``{column: type}`` as DuckDB reports them."""
    return {row[0]: row[1] for row in backend.execute(f"DESCRIBE {table}").rows}


def test_types_are_inferred_from_values(backend: DuckDBBackend) -> None:
    row: Mapping[str, object] = {
        "i": 1,
        "f": 1.5,
        "s": "x",
        "b": True,
        "ts": dt.datetime(2024, 1, 15, 10, 30),
        "d": dt.date(2024, 1, 15),
        "dec": decimal.Decimal("12.345"),
    }
    backend.create_tables({"t": [row]})
    assert column_types(backend, "t") == {
        "i": "BIGINT",
        "f": "DOUBLE",
        "s": "VARCHAR",
        "b": "BOOLEAN",
        "ts": "TIMESTAMP",
        "d": "DATE",
        "dec": "DECIMAL(38,3)",
    }
    assert backend.execute("SELECT * FROM t").rows == (tuple(row.values()),)


def test_timestamp_looking_text_stays_text_unless_typed(backend: DuckDBBackend) -> None:
    rows = [{"id": 1, "created_at": "2024-01-15 10:30:00"}]
    backend.create_tables({"main.untyped": rows})
    assert column_types(backend, "main.untyped")["created_at"] == "VARCHAR"
    backend.create_tables({"main.typed": rows}, {"main.typed": {"created_at": "TIMESTAMP"}})
    assert column_types(backend, "main.typed")["created_at"] == "TIMESTAMP"
    month = backend.execute("SELECT STRFTIME(created_at, '%Y-%m') FROM main.typed")
    assert month.rows == (("2024-01",),)


def test_columns_the_rows_leave_out_are_typed_nulls(backend: DuckDBBackend) -> None:
    backend.create_tables(
        {"shop.orders": [{"id": 1, "status": "complete"}, {"id": 2, "note": None}]},
        {"shop.orders": {"returned_at": "TIMESTAMP", "amount": "DECIMAL(10,2)"}},
    )
    assert column_types(backend, "shop.orders") == {
        "id": "BIGINT",
        "status": "VARCHAR",
        "note": "VARCHAR",  # only NULLs and no type given: VARCHAR
        "returned_at": "TIMESTAMP",
        "amount": "DECIMAL(10,2)",
    }
    assert backend.execute("SELECT * FROM shop.orders ORDER BY id").rows == (
        (1, "complete", None, None, None),
        (2, None, None, None, None),
    )


def test_empty_tables_need_types(backend: DuckDBBackend) -> None:
    backend.create_tables({"main.order_items": []}, {"main.order_items": {"id": "INTEGER", "sale_price": "DOUBLE"}})
    assert column_types(backend, "main.order_items") == {"id": "INTEGER", "sale_price": "DOUBLE"}
    assert backend.execute("SELECT COUNT(*) FROM main.order_items").rows == ((0,),)
    with pytest.raises(BackendError, match=r"table main.nothing has no rows and no column types"):
        backend.create_tables({"main.nothing": []})


def test_types_match_table_names_however_qualified(backend: DuckDBBackend) -> None:
    backend.create_tables({"Shop.Orders": [{"ID": 1, "x": None}]}, {"shop.orders": {"x": "date", "id": "integer"}})
    assert column_types(backend, "shop.orders") == {"ID": "INTEGER", "x": "DATE"}


def test_schemas_and_catalogs_are_created(backend: DuckDBBackend) -> None:
    backend.create_tables({"proj.ds.t": [{"x": 1}], "ecommerce.orders": [{"id": 1}], "plain": [{"y": 2}]})
    assert backend.table_names() == ["ecommerce.orders", "main.plain", "proj.ds.t"]
    assert backend.execute('SELECT x FROM "proj"."ds"."t"').rows == ((1,),)


def test_given_tables_replace_seeded_ones(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"shop/orders.csv": "id,status\n1,a\n2,b\n"})
    with DuckDBBackend(seeds=seeds) as backend:
        backend.create_tables({"shop.orders": [{"id": 9}]})
        assert backend.execute("SELECT * FROM shop.orders").rows == ((9,),)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 2.5], "DOUBLE"),
        ([1, decimal.Decimal("2.50")], "DECIMAL(38,2)"),
        ([decimal.Decimal("1.5"), 2.5], "DOUBLE"),
        ([dt.date(2024, 1, 1), dt.datetime(2024, 1, 2, 3, 4)], "TIMESTAMP"),
        ([dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)], "TIMESTAMPTZ"),
        ([None, None], "VARCHAR"),
        ([True, None], "BOOLEAN"),
        ([b"\x00"], "BLOB"),
        ([dt.timedelta(days=1)], "INTERVAL"),
    ],
)
def test_inference_widens_without_losing_information(values: list[object], expected: str) -> None:
    assert infer_type(values, "column t.c") == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([1, "2"], r"column t\.c: values of mixed types \(BIGINT, VARCHAR\)"),
        ([True, 1], r"mixed types \(BIGINT, BOOLEAN\)"),
        ([[1, 2]], r"cannot infer a SQL type for list value \[1, 2\]; give it in column_types"),
    ],
)
def test_inference_errors_name_the_column(values: list[object], message: str) -> None:
    with pytest.raises(BackendError, match=message):
        infer_type(values, "column t.c")


@pytest.mark.parametrize("sql_type", ["INTEGER", "decimal(10, 2)", "DOUBLE PRECISION", "VARCHAR[]", "TIMESTAMP"])
def test_sql_types_are_accepted(sql_type: str) -> None:
    assert check_type(sql_type, "c") == " ".join(sql_type.split()).upper()


@pytest.mark.parametrize("sql_type", ["INTEGER); DROP TABLE x; --", "", "1NT", "DECIMAL(a,b)"])
def test_bad_types_are_rejected_before_reaching_sql(backend: DuckDBBackend, sql_type: str) -> None:
    with pytest.raises(BackendError, match=r"column main\.t\.c: .* is not a SQL type"):
        backend.create_tables({"main.t": [{"c": 1}]}, {"main.t": {"c": sql_type}})


def test_a_value_that_does_not_fit_names_table_and_row(backend: DuckDBBackend) -> None:
    rows: Sequence[Mapping[str, object]] = [{"id": i, "at": "2024-01-01"} for i in range(450)]
    bad = [*rows[:449], {"id": 449, "at": "not a date"}]
    with pytest.raises(BackendError, match=r"table main\.events, row 450: Conversion Error"):
        backend.create_tables({"main.events": bad}, {"main.events": {"at": "DATE"}})


def test_many_rows_are_inserted(backend: DuckDBBackend) -> None:
    backend.create_tables({"t": [{"id": i, "v": i * 0.5} for i in range(1000)]})
    assert backend.execute("SELECT COUNT(*), SUM(id), SUM(v) FROM t").rows == ((1000, 499500, 249750.0),)


def test_malformed_rows(backend: DuckDBBackend) -> None:
    with pytest.raises(BackendError, match=r"table t: row 2 is list, not a mapping"):
        backend.create_tables({"t": [{"a": 1}, [1, 2]]})  # type: ignore[list-item]
    with pytest.raises(BackendError, match="table T is given twice"):
        backend.create_tables({"t": [{"a": 1}], "T": [{"a": 1}]})


def test_read_only_file_refuses_tables(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"shop/orders.csv": "id\n1\n"})
    DuckDBBackend(tmp_path / "db.duckdb", seeds=seeds).close()
    with DuckDBBackend(tmp_path / "db.duckdb") as backend:
        with pytest.raises(BackendError, match=r"cannot create table shop\.orders in the read-only DuckDB database"):
            backend.create_tables({"shop.orders": [{"id": 2}]})
        backend.create_tables({"proj.ds.t": [{"id": 2}]})  # other catalogs live in memory
        assert backend.execute("SELECT id FROM proj.ds.t").rows == ((2,),)
