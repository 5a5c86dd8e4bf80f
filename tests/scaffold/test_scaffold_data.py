"""``scaffold data``: schema inference, determinism, join consistency, and a BigQuery project offline."""

from __future__ import annotations

import collections
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from scaffold_helpers import EXAMPLE, FAST

from pytest_looker.checks.validation import validate
from pytest_looker.lookml import load_project
from pytest_looker.run import DuckDBBackend
from pytest_looker.run.runner import LocalRunner
from pytest_looker.scaffold import infer_schema
from pytest_looker.scaffold.data import generate
from pytest_looker.settings import Settings
from pytest_looker.workspace import Workspace

Cli = Callable[..., Result]


def test_bigquery_copy_passes_sql_validation_and_key_checks_on_scaffolded_seeds(
    bq_project: Path, cli: Cli, pytester: pytest.Pytester
) -> None:
    result = cli("scaffold", "data", "--project", str(bq_project), "--seeds", str(bq_project / "seeds"))
    assert result.exit_code == 0, result.output
    assert (bq_project / "seeds" / "acme-prod" / "ecommerce" / "orders.csv").is_file()
    for path in bq_project.iterdir():
        target = pytester.path / path.name
        if path.is_dir():
            import shutil

            shutil.copytree(path, target)
        else:
            target.write_bytes(path.read_bytes())
    run = pytester.runpytest(*FAST, "-q")
    run.assert_outcomes(passed=12)
    run.stdout.fnmatch_lines(["sql *3 passed", "keys *5 passed", "relationships *3 passed", "dashboard *1 passed"])


def test_schema_reads_tables_columns_types_and_keys_from_bigquery_lookml(bq_project: Path) -> None:
    schema = infer_schema(load_project(bq_project, cache_dir=None), "bigquery")
    orders = schema.tables["acme-prod.ecommerce.orders"]
    assert orders.primary_key == ("id",)
    types = {name: column.type for name, column in orders.columns.items()}
    assert types == {
        "id": "integer", "user_id": "integer", "status": "string", "created_at": "timestamp",
        "shipped_at": "timestamp", "shipping_cost": "number", "order_total": "number",
    }  # fmt: skip
    assert "user_order_facts (derived)" in orders.readers  # derived SQL parsed as BigQuery
    assert orders.columns["user_id"].not_null  # it is the derived table's primary key
    assert set(orders.columns["status"].values) >= {"cancelled", "complete"}
    assert schema.tables["acme-prod.ecommerce.products"].columns["sku"].type == "string"  # SUBSTR(sku, ...)
    links = {(k.child_table.split(".")[-1], k.child_column, k.parent_table.split(".")[-1], k.relationship)
             for k in schema.keys}  # fmt: skip
    assert links == {
        ("orders", "user_id", "users", "many_to_one"),
        ("order_items", "order_id", "orders", "one_to_many"),
        ("order_items", "product_id", "products", "many_to_one"),  # sql_on and foreign_key
        ("users", "referrer_user_id", "users", "many_to_one"),
    }


def test_same_seed_gives_identical_files_and_another_seed_does_not(example_project: Path, cli: Cli) -> None:
    def files(directory: Path) -> dict[str, bytes]:
        return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*.csv"))}

    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        out = example_project / name
        assert (
            cli("scaffold", "data", "--project", str(example_project), "--seeds", str(out), "--seed", seed).exit_code
            == 0
        )
    first, second, other = (files(example_project / n) for n in "abc")
    assert len(first) == 7 and first == second
    assert other != first


def test_foreign_keys_hit_primary_keys_and_children_vary_in_number() -> None:
    schema = infer_schema(load_project(EXAMPLE, cache_dir=None))
    data = generate(schema, rows=20, seed=3)
    tables = {name.lower(): rows for name, rows in data.tables.items()}
    for link in schema.keys:
        parent = [row[link.parent_column] for row in tables[link.parent_table.lower()]]
        child = [row[link.child_column] for row in tables[link.child_table.lower()]]
        assert len(set(parent)) == len(parent) and None not in parent, link
        assert {v for v in child if v is not None} <= set(parent), link
        if link.unique_child:
            present = [v for v in child if v is not None]
            assert len(present) == len(set(present)), link
    items_per_order = collections.Counter(row["order_id"] for row in tables["ecommerce.order_items"])
    counts = [items_per_order.get(row["id"], 0) for row in tables["ecommerce.orders"]]
    assert 0 in counts and 1 in counts and max(counts) >= 3  # zero, one and several children


def test_rows_have_nulls_and_edge_values_but_never_in_the_first_row() -> None:
    schema = infer_schema(load_project(EXAMPLE, cache_dir=None))
    rows = generate(schema, rows=40, seed=1).tables["ecommerce.orders"]
    assert all(value is not None for value in rows[0].values())
    assert any(row["shipped_at"] is None for row in rows)
    totals = {row["order_total"] for row in rows}
    assert totals & {0.0, -12.5, 0.01, 1000000.0}
    assert len({row["id"] for row in rows}) == len(rows)


def test_duckdb_output_validates(example_project: Path, cli: Cli) -> None:
    database = example_project / "shop.duckdb"
    result = cli("scaffold", "data", "--project", str(example_project), "--duckdb", str(database), "--rows", "8")
    assert result.exit_code == 0, result.output
    project = load_project(example_project, cache_dir=None)
    workspace = Workspace(Settings(project=example_project), project=project)
    with DuckDBBackend(database) as backend:
        report = validate(
            workspace, ["ecommerce/*"], runner=LocalRunner(workspace.settings, lambda: project, engine=backend)
        )
    assert report.failures == () and report.fields > 100
    # three-part names: test_scaffold_serves_queries.py


def test_a_derived_table_reading_another_derived_table_creates_no_warehouse_table() -> None:
    shop = Path(__file__).parents[1] / "compile" / "projects" / "shop"
    schema = infer_schema(load_project(shop, cache_dir=None))
    # stacked's SQL reads ${user_facts.SQL_TABLE_NAME}, itself a derived table: not a source table.
    assert "user_facts (derived)" in schema.tables["main.orders"].readers
    assert not any("stacked (derived)" in table.readers for table in schema.tables.values())
    assert not [name for name in schema.tables if name.startswith("__")]
