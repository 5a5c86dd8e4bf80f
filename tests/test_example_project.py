"""Checks of the example LookML project ``examples/ecommerce`` and its seed data.

Sections 1–4 are independent of pytest-looker: the LookML is only parsed with ``lkml``/``yaml``,
and every expected number is computed here with hand-written SQL on DuckDB over the committed
seed CSVs. Section 5 runs the product on it as a user would — the plugin (every check of the
example is an item and passes; a planted fault makes the run red by name) and ``validate`` —
with expectations counted independently from the files.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from json import loads as json_loads
from pathlib import Path
from typing import Any

import duckdb
import lkml
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "examples" / "ecommerce"
SEEDS = PROJECT / "seeds"
SCHEMA = "ecommerce"  # the value of the `schema` constant in manifest.lkml
TABLES = [
    "distribution_centers",
    "events",
    "inventory_items",
    "order_items",
    "orders",
    "products",
    "users",
]
LKML_FILES = sorted(PROJECT.rglob("*.lkml"))
DASHBOARDS = sorted(PROJECT.rglob("*.dashboard.lookml"))

Row = dict[str, Any]


def rel(path: Path) -> str:
    return path.relative_to(PROJECT).as_posix()


def load(path: Path) -> dict[str, Any]:
    return lkml.load(path.read_text(encoding="utf-8"))


def query(con: duckdb.DuckDBPyConnection, sql: str) -> list[Row]:
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    return con.execute(sql).fetchone()[0]


@pytest.fixture(scope="module")
def warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    """The seeds loaded the way the README describes: schema + read_csv_auto, nothing else."""
    con = duckdb.connect()
    con.execute(f"CREATE SCHEMA {SCHEMA}")
    for table in TABLES:
        path = (SEEDS / SCHEMA / f"{table}.csv").as_posix()
        con.execute(f"CREATE TABLE {SCHEMA}.{table} AS SELECT * FROM read_csv_auto('{path}')")
    yield con
    con.close()


# --------------------------------------------------------------------------- (1) seeds are reproducible


def test_seed_script_regenerates_identical_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(SEEDS / "generate.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    committed = {p.name: p.read_bytes() for p in (SEEDS / SCHEMA).glob("*.csv")}
    regenerated = {p.name: p.read_bytes() for p in (tmp_path / SCHEMA).glob("*.csv")}
    assert sorted(committed) == sorted(f"{table}.csv" for table in TABLES)
    assert sorted(regenerated) == sorted(committed)
    changed = [name for name in committed if committed[name] != regenerated[name]]
    assert changed == [], f"seeds/generate.py no longer reproduces {changed}; re-run it and commit"


def test_seed_files_stay_small() -> None:
    total = sum(p.stat().st_size for p in (SEEDS / SCHEMA).glob("*.csv"))
    assert total < 1_000_000


# --------------------------------------------------------------------------- (2) files parse


def test_project_has_the_expected_files() -> None:
    names = {rel(path) for path in LKML_FILES}
    assert {"manifest.lkml", "ecommerce.model.lkml", "marketing.model.lkml"} <= names
    assert any(name.startswith("refinements/") for name in names)
    assert any(name.startswith("tests/") for name in names)
    assert [rel(path) for path in DASHBOARDS] == ["dashboards/sales_overview.dashboard.lookml"]


@pytest.mark.parametrize("path", LKML_FILES, ids=rel)
def test_lkml_file_parses(path: Path) -> None:
    parsed = load(path)
    assert parsed, f"{rel(path)} parsed to nothing"


@pytest.mark.parametrize("path", DASHBOARDS, ids=rel)
def test_dashboard_parses(path: Path) -> None:
    documents = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(documents, list)
    assert len(documents) == 1
    dashboard = documents[0]
    assert dashboard["dashboard"] == "sales_overview"
    filter_names = {f["name"] for f in dashboard["filters"]}
    for element in dashboard["elements"]:
        assert element["model"] == "ecommerce"
        assert element["explore"] in {"orders", "order_items", "users"}
        assert all("." in field for field in element["fields"])
        assert set(element.get("listen", {})) <= filter_names


def _include_matches(including_file: Path, pattern: str) -> list[Path]:
    base = PROJECT if pattern.startswith("/") else including_file.parent
    return sorted(base.glob(pattern.lstrip("/")))


@pytest.mark.parametrize("path", [p for p in LKML_FILES if "includes" in load(p)], ids=rel)
def test_every_include_matches_a_file(path: Path) -> None:
    for pattern in load(path)["includes"]:
        assert _include_matches(path, pattern), f"{rel(path)}: include {pattern!r} matches nothing"


def test_lookml_object_inventory() -> None:
    """Enough views and explores, and every name used by extends/from/joins is defined."""
    views: dict[str, dict[str, Any]] = {}
    explores: list[dict[str, Any]] = []
    for path in LKML_FILES:
        parsed = load(path)
        for view in parsed.get("views", []):
            if not view["name"].startswith("+"):
                views[view["name"]] = view
        explores += [e for e in parsed.get("explores", []) if not e["name"].startswith("+")]
    concrete = [name for name, view in views.items() if view.get("extension") != "required"]
    assert len(concrete) >= 8
    assert len({e["name"] for e in explores}) >= 3
    for view in views.values():
        for parent in (p for group in view.get("extends__all", []) for p in group):
            assert views[parent]["extension"] == "required"
    for explore in explores:
        if "extends__all" not in explore:  # an extending explore inherits its base view
            assert explore.get("from", explore.get("view_name", explore["name"])) in views
        for join in explore.get("joins", []):
            assert join.get("from", join["name"]) in views


# --------------------------------------------------------------------------- (3) seed data integrity


def test_seed_types_are_unambiguous(warehouse: duckdb.DuckDBPyConnection) -> None:
    types = {
        (row["table_name"], row["column_name"]): row["data_type"]
        for row in query(
            warehouse,
            f"SELECT table_name, column_name, data_type FROM information_schema.columns "
            f"WHERE table_schema = '{SCHEMA}'",
        )
    }
    for (table, column), data_type in types.items():
        if column == "id" or (column.endswith("_id") and column != "session_id"):
            assert data_type == "BIGINT", (table, column)
        if column.endswith("_at"):
            assert data_type == "TIMESTAMP", (table, column)
    money = ["shipping_cost", "order_total", "sale_price", "retail_price", "cost"]
    assert {types[key] for key in types if key[1] in money} == {"DOUBLE"}
    assert types["events", "is_bot"] == "BOOLEAN"
    assert types["users", "age"] == "BIGINT"


@pytest.mark.parametrize("table", TABLES)
def test_primary_key_is_unique_and_not_null(warehouse: duckdb.DuckDBPyConnection, table: str) -> None:
    rows, keys = warehouse.execute(f"SELECT COUNT(*), COUNT(DISTINCT id) FROM {SCHEMA}.{table}").fetchone()
    assert rows > 0
    assert rows == keys
    assert scalar(warehouse, f"SELECT COUNT(*) FROM {SCHEMA}.{table} WHERE id IS NULL") == 0


# (child table, foreign key column, parent table): every join key of the LookML project.
FOREIGN_KEYS = [
    ("orders", "user_id", "users"),
    ("order_items", "order_id", "orders"),
    ("order_items", "product_id", "products"),
    ("order_items", "inventory_item_id", "inventory_items"),
    ("inventory_items", "product_id", "products"),
    ("inventory_items", "distribution_center_id", "distribution_centers"),
    ("products", "distribution_center_id", "distribution_centers"),
    ("users", "referrer_user_id", "users"),
    ("events", "user_id", "users"),
]


@pytest.mark.parametrize(("child", "column", "parent"), FOREIGN_KEYS)
def test_referential_integrity(warehouse: duckdb.DuckDBPyConnection, child: str, column: str, parent: str) -> None:
    orphans = scalar(
        warehouse,
        f"SELECT COUNT(*) FROM {SCHEMA}.{child} AS c LEFT JOIN {SCHEMA}.{parent} AS p "
        f"ON c.{column} = p.id WHERE c.{column} IS NOT NULL AND p.id IS NULL",
    )
    assert orphans == 0
    assert scalar(warehouse, f"SELECT COUNT({column}) FROM {SCHEMA}.{child}") > 0


def test_order_items_to_inventory_items_is_one_to_one(warehouse: duckdb.DuckDBPyConnection) -> None:
    items, units = warehouse.execute(
        f"SELECT COUNT(*), COUNT(DISTINCT inventory_item_id) FROM {SCHEMA}.order_items"
    ).fetchone()
    assert items == units
    mismatched = scalar(
        warehouse,
        f"SELECT COUNT(*) FROM {SCHEMA}.order_items AS oi JOIN {SCHEMA}.inventory_items AS ii "
        f"ON oi.inventory_item_id = ii.id WHERE oi.product_id <> ii.product_id",
    )
    assert mismatched == 0


def test_order_items_fan_out_orders(warehouse: duckdb.DuckDBPyConnection) -> None:
    per_order = query(
        warehouse,
        f"""
        SELECT o.id, COUNT(oi.id) AS items
        FROM {SCHEMA}.orders AS o LEFT JOIN {SCHEMA}.order_items AS oi ON oi.order_id = o.id
        GROUP BY o.id
        """,
    )
    counts = [row["items"] for row in per_order]
    assert max(counts) >= 2, "no order has two items: the one_to_many join would not fan out"
    assert sum(1 for c in counts if c >= 2) > 100
    assert 0 in counts, "no order without items: LEFT JOIN NULL rows are not exercised"
    naive = scalar(
        warehouse,
        f"SELECT SUM(o.order_total) FROM {SCHEMA}.orders AS o "
        f"LEFT JOIN {SCHEMA}.order_items AS oi ON oi.order_id = o.id",
    )
    true_total = scalar(warehouse, f"SELECT SUM(order_total) FROM {SCHEMA}.orders")
    assert naive > 2 * true_total


def test_order_totals_match_items_plus_shipping(warehouse: duckdb.DuckDBPyConnection) -> None:
    mismatches = scalar(
        warehouse,
        f"""
        SELECT COUNT(*) FROM {SCHEMA}.orders AS o
        LEFT JOIN (
            SELECT order_id, SUM(sale_price) AS subtotal FROM {SCHEMA}.order_items GROUP BY order_id
        ) AS i ON i.order_id = o.id
        WHERE ROUND(COALESCE(i.subtotal, 0) + o.shipping_cost, 2) <> ROUND(o.order_total, 2)
        """,
    )
    assert mismatches == 0


def test_user_order_facts_derived_table_has_one_row_per_user(warehouse: duckdb.DuckDBPyConnection) -> None:
    """The one_to_one joins to user_order_facts rely on user_id being unique in its SQL."""
    rows = query(warehouse, USER_ORDER_FACTS_SQL)
    assert len(rows) == len({row["user_id"] for row in rows}) == 99
    assert min(row["lifetime_orders"] for row in rows) >= 1


def test_data_is_realistic(warehouse: duckdb.DuckDBPyConnection) -> None:
    span = warehouse.execute(f"SELECT MIN(created_at), MAX(created_at) FROM {SCHEMA}.orders").fetchone()
    assert [str(t.year) for t in span] == ["2022", "2024"]
    # Mixed-case statuses that only the refinement's LOWER() normalises.
    raw = {row[0] for row in warehouse.execute(f"SELECT DISTINCT status FROM {SCHEMA}.orders").fetchall()}
    assert {"complete", "Complete", "COMPLETE"} <= raw
    assert {s.lower() for s in raw} == {"cancelled", "complete", "processing", "returned", "shipped"}
    # NULLs where a real extract has them.
    for table, column in [
        ("users", "age"),
        ("users", "gender"),
        ("users", "referrer_user_id"),
        ("products", "brand"),
        ("orders", "shipped_at"),
        ("orders", "returned_at"),
        ("order_items", "returned_at"),
        ("inventory_items", "sold_at"),
        ("events", "user_id"),
    ]:
        assert scalar(warehouse, f"SELECT COUNT(*) - COUNT({column}) FROM {SCHEMA}.{table}") > 0, column
    assert scalar(warehouse, f"SELECT COUNT(*) FROM {SCHEMA}.events WHERE is_bot") > 0


def _user_order_facts_sql() -> str:
    (view,) = load(PROJECT / "derived" / "sql" / "user_order_facts.view.lkml")["views"]
    return view["derived_table"]["sql"].replace("${orders.SQL_TABLE_NAME}", f"{SCHEMA}.orders")


USER_ORDER_FACTS_SQL = _user_order_facts_sql()
# The rows of the monthly_sales native derived table, written by hand from its explore_source.
MONTHLY_SALES_SQL = """
    SELECT
        strftime(orders.created_at, '%Y-%m') AS sale_month,
        products.category AS category,
        COALESCE(SUM(order_items.sale_price), 0) AS revenue,
        COUNT(*) AS items_sold,
        COUNT(DISTINCT order_items.order_id) AS order_count
    FROM ecommerce.order_items AS order_items
    LEFT JOIN ecommerce.orders AS orders ON order_items.order_id = orders.id
    LEFT JOIN ecommerce.products AS products ON order_items.product_id = products.id
    WHERE (LOWER(orders.status) <> 'cancelled' OR LOWER(orders.status) IS NULL)
    GROUP BY 1, 2
"""

# Key numbers quoted in examples/ecommerce/README.md: (label, hand-written SQL, expected value).
KEY_NUMBERS = [
    ("orders", "SELECT COUNT(*) FROM ecommerce.orders", 500),
    ("order items", "SELECT COUNT(*) FROM ecommerce.order_items", 1213),
    (
        "orders without items",
        "SELECT COUNT(*) FROM ecommerce.orders WHERE id NOT IN (SELECT order_id FROM ecommerce.order_items)",
        20,
    ),
    ("users", "SELECT COUNT(*) FROM ecommerce.users", 150),
    ("customers", "SELECT COUNT(DISTINCT user_id) FROM ecommerce.orders", 103),
    ("products", "SELECT COUNT(*) FROM ecommerce.products", 80),
    ("inventory items", "SELECT COUNT(*) FROM ecommerce.inventory_items", 1463),
    ("events", "SELECT COUNT(*) FROM ecommerce.events", 1001),
    ("human events", "SELECT COUNT(*) FROM ecommerce.events WHERE NOT is_bot", 962),
    ("total order amount", "SELECT ROUND(SUM(order_total), 2) FROM ecommerce.orders", 86539.07),
    ("total shipping", "SELECT ROUND(SUM(shipping_cost), 2) FROM ecommerce.orders", 1084.20),
    ("total item sale price", "SELECT ROUND(SUM(sale_price), 2) FROM ecommerce.order_items", 85454.87),
    (
        "fanned-out order amount",
        "SELECT ROUND(SUM(o.order_total), 2) FROM ecommerce.orders o "
        "LEFT JOIN ecommerce.order_items oi ON oi.order_id = o.id",
        275005.57,
    ),
    (
        "completed revenue",
        "SELECT ROUND(SUM(order_total), 2) FROM ecommerce.orders WHERE LOWER(status) = 'complete'",
        65272.32,
    ),
    (
        "completed revenue without the refinement",
        "SELECT ROUND(SUM(order_total), 2) FROM ecommerce.orders WHERE status = 'complete'",
        42669.94,
    ),
    ("average order value", "SELECT ROUND(SUM(order_total) / COUNT(*), 2) FROM ecommerce.orders", 173.08),
    (
        "net revenue",
        "SELECT ROUND(SUM(sale_price), 2) FROM ecommerce.order_items WHERE returned_at IS NULL",
        74093.92,
    ),
    ("returned items", "SELECT COUNT(returned_at) FROM ecommerce.order_items", 165),
    ("user_order_facts rows", f"SELECT COUNT(*) FROM ({USER_ORDER_FACTS_SQL})", 99),
    (
        "user_order_facts revenue",
        f"SELECT ROUND(SUM(lifetime_revenue), 2) FROM ({USER_ORDER_FACTS_SQL})",
        77267.04,
    ),
    ("monthly_sales rows", f"SELECT COUNT(*) FROM ({MONTHLY_SALES_SQL})", 271),
    ("monthly_sales revenue", f"SELECT ROUND(SUM(revenue), 2) FROM ({MONTHLY_SALES_SQL})", 76307.94),
    ("monthly_sales items", f"SELECT SUM(items_sold) FROM ({MONTHLY_SALES_SQL})", 1076),
]


@pytest.mark.parametrize(("label", "sql", "expected"), KEY_NUMBERS, ids=[k[0] for k in KEY_NUMBERS])
def test_key_numbers(warehouse: duckdb.DuckDBPyConnection, label: str, sql: str, expected: float) -> None:
    assert scalar(warehouse, sql) == expected
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    shown = f"{expected:,.2f}" if isinstance(expected, float) else f"{expected:,}"
    assert shown in readme, f"README.md does not quote {label} = {shown}"


def test_orders_by_year_table_in_readme(warehouse: duckdb.DuckDBPyConnection) -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    for year, orders, amount, completed, revenue in warehouse.execute(
        """
        SELECT YEAR(created_at), COUNT(*), ROUND(SUM(order_total), 2),
               COUNT(*) FILTER (WHERE LOWER(status) = 'complete'),
               ROUND(SUM(order_total) FILTER (WHERE LOWER(status) = 'complete'), 2)
        FROM ecommerce.orders GROUP BY 1 ORDER BY 1
        """
    ).fetchall():
        assert f"| {year} | {orders} | {amount:,.2f} | {completed} | {revenue:,.2f} |" in readme


# --------------------------------------------------------------------------- (4) LookML data tests hold

Check = Callable[[Row], bool]
DATA_TESTS: dict[str, tuple[str, dict[str, tuple[str, Check]]]] = {
    # Each entry: the explore_source query written by hand (columns aliased "view.field"), and per
    # assert its exact LookML expression plus a Python predicate that must be true on every row.
    "orders_id_is_unique": (
        """
        SELECT orders.id AS "orders.id", COUNT(*) AS "orders.count"
        FROM ecommerce.orders AS orders
        GROUP BY 1 ORDER BY 2 DESC LIMIT 1
        """,
        {"order_id_is_unique": ("${orders.count} = 1", lambda r: r["orders.count"] == 1)},
    ),
    "order_items_have_an_order": (
        """
        SELECT orders.id AS "orders.id", COUNT(*) AS "order_items.count"
        FROM ecommerce.order_items AS order_items
        LEFT JOIN ecommerce.orders AS orders ON order_items.order_id = orders.id
        GROUP BY 1
        """,
        {"order_exists": ("NOT is_null(${orders.id})", lambda r: r["orders.id"] is not None)},
    ),
    "completed_revenue_2023_is_accurate": (
        # Symmetric aggregate done by hand: order-level measures over DISTINCT orders, item count
        # over the joined items (COUNT(pk) skips the NULL rows of item-less orders).
        """
        WITH o AS (
            SELECT * FROM ecommerce.orders
            WHERE created_at >= TIMESTAMP '2023-01-01' AND created_at < TIMESTAMP '2024-01-01'
        )
        SELECT
            (SELECT COALESCE(SUM(order_total), 0) FROM o WHERE LOWER(status) = 'complete')
                AS "orders.completed_revenue",
            (SELECT COUNT(*) FROM o WHERE LOWER(status) = 'complete') AS "orders.completed_order_count",
            (SELECT COUNT(oi.id) FROM o LEFT JOIN ecommerce.order_items AS oi ON o.id = oi.order_id)
                AS "order_items.count"
        """,
        {
            "revenue_is_expected_value": (
                "round(${orders.completed_revenue}, 2) = 23889.97",
                lambda r: round(r["orders.completed_revenue"], 2) == 23889.97,
            ),
            "completed_orders_are_expected": (
                "${orders.completed_order_count} = 133",
                lambda r: r["orders.completed_order_count"] == 133,
            ),
            "items_are_expected": ("${order_items.count} = 402", lambda r: r["order_items.count"] == 402),
        },
    ),
    "order_volume_is_plausible": (
        'SELECT COUNT(*) AS "orders.count" FROM ecommerce.orders AS orders',
        {
            "order_count_in_range": (
                "${orders.count} >= 400 AND ${orders.count} <= 600",
                lambda r: 400 <= r["orders.count"] <= 600,
            )
        },
    ),
    "events_explore_excludes_bots": (
        """
        SELECT events.is_bot AS "events.is_bot", COUNT(*) AS "events.count"
        FROM ecommerce.events AS events
        WHERE NOT events.is_bot
        GROUP BY 1
        """,
        {
            "no_bot_rows": ("NOT ${events.is_bot}", lambda r: r["events.is_bot"] is False),
            "human_event_count": ("${events.count} = 962", lambda r: r["events.count"] == 962),
        },
    ),
    "monthly_sales_2023_reconciles": (
        # The NDT rows (month x category over non-cancelled orders), then the outer query.
        f"""
        WITH monthly_sales AS ({MONTHLY_SALES_SQL})
        SELECT
            COALESCE(SUM(revenue), 0) AS "monthly_sales.total_revenue",
            COALESCE(SUM(items_sold), 0) AS "monthly_sales.total_items_sold"
        FROM monthly_sales
        WHERE CAST(sale_month || '-01' AS DATE) >= DATE '2023-01-01'
          AND CAST(sale_month || '-01' AS DATE) < DATE '2024-01-01'
        """,
        {
            "revenue_matches_items": (
                "round(${monthly_sales.total_revenue}, 2) = 26436.54",
                lambda r: round(r["monthly_sales.total_revenue"], 2) == 26436.54,
            ),
            "units_match_items": (
                "${monthly_sales.total_items_sold} = 366",
                lambda r: r["monthly_sales.total_items_sold"] == 366,
            ),
        },
    ),
}


def _lookml_tests() -> dict[str, dict[str, Any]]:
    tests = {}
    for path in LKML_FILES:
        for test in load(path).get("tests", []):
            assert test["name"] not in tests, f"duplicate test name {test['name']}"
            tests[test["name"]] = test
    return tests


def test_every_lookml_test_block_has_a_hand_written_check() -> None:
    assert sorted(_lookml_tests()) == sorted(DATA_TESTS)
    assert len(DATA_TESTS) >= 4


@pytest.mark.parametrize("name", sorted(DATA_TESTS))
def test_lookml_data_test_holds_on_seeds(warehouse: duckdb.DuckDBPyConnection, name: str) -> None:
    lookml_test = _lookml_tests()[name]
    sql, asserts = DATA_TESTS[name]
    expressions = {a["name"]: a["expression"] for a in lookml_test["asserts"]}
    assert expressions == {assert_name: text for assert_name, (text, _) in asserts.items()}
    # The hand-written query selects exactly the explore_source columns.
    rows = query(warehouse, sql)
    assert rows, "a data test whose query returns no rows proves nothing"
    columns = {column["field"] for column in lookml_test["explore_source"]["columns"]}
    assert set(rows[0]) == columns
    for assert_name, (_, holds) in asserts.items():
        failing = [row for row in rows if not holds(row)]
        assert failing == [], f"{name}.{assert_name} fails on {failing[:3]}"


def test_data_tests_depend_on_refinement_and_symmetric_aggregates(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """Why completed_revenue_2023_is_accurate is a meaningful test: both mistakes change the number."""
    year = "o.created_at >= TIMESTAMP '2023-01-01' AND o.created_at < TIMESTAMP '2024-01-01'"
    unrefined = scalar(
        warehouse,
        f"SELECT ROUND(SUM(order_total), 2) FROM ecommerce.orders AS o WHERE status = 'complete' AND {year}",
    )
    fanned = scalar(
        warehouse,
        "SELECT ROUND(SUM(o.order_total), 2) FROM ecommerce.orders AS o "
        "LEFT JOIN ecommerce.order_items AS oi ON o.id = oi.order_id "
        f"WHERE LOWER(o.status) = 'complete' AND {year}",
    )
    assert unrefined == 21541.54
    assert fanned == 73249.09
    assert not re.search(r"\b(21541\.54|73249\.09)\b", (PROJECT / "tests" / "data_tests.lkml").read_text())


# --------------------------------------------------------------------------- (5) through the product


def _copy(tmp_path: Path) -> Path:
    """A copy of the example, so the runs' audit log and caches stay out of the repository."""
    import shutil

    copy = tmp_path / "ecommerce"
    shutil.copytree(PROJECT, copy, ignore=shutil.ignore_patterns(".pytest-looker", ".pytest_cache", "__pycache__"))
    return copy


def _pytest(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest with the plugin in ``directory``, as a user runs it (settings from its pyproject only)."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_LOOKER_", "PYTEST_ADDOPTS", "GITHUB_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:benchmark", "-p", "no:hypothesispytest", "-rA", *args],
        cwd=directory, env={**env, "PYTEST_LOOKER_CACHE_DIR": ""}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.mark.slow
def test_the_plugin_collects_and_passes_every_check_of_the_example(tmp_path: Path) -> None:
    """Every LookML test block, spec, explore, key and dashboard of the example is an item, and passes."""
    done = _pytest(_copy(tmp_path))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    passed = re.findall(r"^PASSED (\S+)", done.stdout, re.M)
    specs = yaml.safe_load((PROJECT / "tests" / "metrics.lkmltest.yml").read_text(encoding="utf-8"))["tests"]
    explores = [e for p in LKML_FILES if p.name.endswith(".model.lkml") for e in load(p).get("explores", [])]
    by_kind = {
        "lookml-test": [n for n in passed if n.startswith("tests/data_tests.lkml::")],
        "unit": [n for n in passed if n.startswith("tests/metrics.lkmltest.yml::")],
        "sql": [n for n in passed if "::sql[" in n],
        "dashboard": [n for n in passed if n.startswith("dashboards/")],
    }
    assert sorted(n.split("/")[-1] for n in by_kind["lookml-test"]) == sorted(DATA_TESTS)
    assert len(by_kind["unit"]) == len(specs)
    assert len(by_kind["sql"]) == len([e for e in explores if e.get("extension") != "required"])
    assert by_kind["dashboard"] == ["dashboards/sales_overview.dashboard.lookml::sales_overview"]
    assert "::lookml" not in done.stdout  # no LookML problem anywhere in the example
    assert re.search(r"^keys +\d+ passed$", done.stdout, re.M) and re.search(r"^relationships +\d+ passed$",
                                                                              done.stdout, re.M)  # fmt: skip


@pytest.mark.slow
def test_a_planted_fault_in_the_example_fails_the_run_by_name(tmp_path: Path) -> None:
    """The same run is red, naming the file, when the example is broken the way users break it:
    a '}' too many closes the users view early and its later fields fall out of it."""
    view = _copy(tmp_path) / "views" / "users.view.lkml"
    text = view.read_text(encoding="utf-8")
    assert "  dimension: state {\n" in text
    view.write_text(text.replace("  dimension: state {\n", "  }\n  dimension: state {\n", 1), encoding="utf-8")
    broken = _pytest(view.parents[1], "-q")
    assert broken.returncode == 1
    assert "FAILED views/users.view.lkml::lookml" in broken.stdout
    assert "dimension 'state' is outside any view" in broken.stdout


def test_validate_compiles_and_runs_every_field_of_the_example() -> None:
    from click.testing import CliRunner

    from pytest_looker.cli import main

    for extra in (["--compile-only"], []):
        result = CliRunner().invoke(main, ["validate", "--project", str(PROJECT), "--format", "json", *extra])
        assert result.exit_code == 0, result.output
        report = json_loads(result.stdout)
        assert report["failures"] == [] and report["explores"] == 7 and report["fields"] > 250
