"""DuckDB seeding: file formats, layouts, three-part names, read-only files and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import sqlglot

from helpers import write_files
from pytest_looker.compile import Query, compile_query
from pytest_looker.compile.sqlreads import rename_tables
from pytest_looker.errors import BackendError, ConfigurationError
from pytest_looker.lookml import load_project
from pytest_looker.run import Backend, DuckDBBackend


def seed_dir(root: Path) -> Path:
    """One table per format: CSV, Parquet, a JSON array and NDJSON."""
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "orders.csv").write_text(
        "id,amount,created_at\n1,10.5,2024-01-15 10:30:00\n2,,2024-02-01 00:00:00\n"
    )
    (root / "shop" / "users.json").write_text(json.dumps([{"id": 1, "name": "Ana"}, {"id": 2, "name": "Bo"}]))
    (root / "shop" / "events.ndjson").write_text('{"id": 1, "kind": "view"}\n{"id": 2, "kind": "buy"}\n')
    con = duckdb.connect()
    con.execute(f"COPY (SELECT range AS id, range * 2 AS qty FROM range(3)) TO '{root / 'shop' / 'items.parquet'}'")
    con.close()
    (root / "README.md").write_text("not a table")
    (root / "generate.py").write_text("print('not a table either')")
    return root


def test_every_format_becomes_a_table(tmp_path: Path) -> None:
    with DuckDBBackend(seeds=seed_dir(tmp_path / "seeds")) as backend:
        assert backend.table_names() == ["shop.events", "shop.items", "shop.orders", "shop.users"]
        orders = backend.execute("SELECT id, amount, created_at FROM shop.orders ORDER BY id")
        assert [r[:2] for r in orders.rows] == [(1, 10.5), (2, None)]
        assert str(orders.rows[0][2]) == "2024-01-15 10:30:00"  # read_csv_auto detects timestamps
        assert backend.execute("SELECT name FROM shop.users ORDER BY id").rows == (("Ana",), ("Bo",))
        assert backend.execute("SELECT kind FROM shop.events ORDER BY id").rows == (("view",), ("buy",))
        assert backend.execute("SELECT SUM(qty) FROM shop.items").rows == ((6,),)


def test_backend_satisfies_protocol_and_reports_timing(tmp_path: Path) -> None:
    backend = DuckDBBackend(seeds=seed_dir(tmp_path / "seeds"))
    assert isinstance(backend, Backend)
    assert (backend.name, backend.dialect) == ("duckdb", "duckdb")
    result = backend.execute("SELECT COUNT(*) AS n FROM shop.orders")
    assert result.as_dicts() == [{"n": 2}]
    assert result.sql == "SELECT COUNT(*) AS n FROM shop.orders"
    assert result.seconds >= 0
    backend.close()
    backend.close()  # closing twice is harmless
    with pytest.raises(BackendError, match="closed"):
        backend.execute("SELECT 1")


def test_root_level_file_goes_to_default_schema(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "plain.csv").write_text("x\n1\n")
    with DuckDBBackend(seeds=tmp_path / "seeds") as backend:
        assert backend.execute("SELECT x FROM plain").rows == ((1,),)


def test_three_part_names_from_bigquery_get_catalogs(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    write_files(seeds, {"proj/ds/t.csv": "x,y\n1,a\n2,b\n", "my-proj/sales/orders.csv": "id\n7\n"})
    bigquery = "SELECT SUM(t.x) AS total FROM `proj.ds.t` AS t JOIN `my-proj.sales.orders` AS o ON TRUE"
    sql = sqlglot.transpile(bigquery, read="bigquery", write="duckdb")[0]
    assert '"proj"."ds"."t"' in sql
    with DuckDBBackend(seeds=seeds) as backend:
        assert backend.table_names() == ["my-proj.sales.orders", "proj.ds.t"]
        assert backend.execute(sql).rows == ((3,),)


def test_bigquery_project_compiled_for_duckdb_runs_on_seeds(tmp_path: Path) -> None:
    project_dir = write_files(
        tmp_path / "project",
        {
            "bq.model.lkml": """
                connection: "bq"
                include: "*.view.lkml"
                explore: t {}
            """,
            "t.view.lkml": """
                view: t {
                  sql_table_name: `proj.ds.t` ;;
                  dimension: y { type: string sql: ${TABLE}.y ;; }
                  measure: total { type: sum sql: ${TABLE}.x ;; }
                }
            """,
        },
    )
    seeds = write_files(tmp_path / "seeds", {"proj/ds/t.csv": "x,y\n1,a\n2,b\n4,b\n"})
    compiled = compile_query(
        load_project(project_dir, cache_dir=None),
        Query("bq", "t", fields=["t.y", "t.total"], sorts=["t.y"]),
        dialect="bigquery",
        target="duckdb",
    )
    with DuckDBBackend(seeds=seeds) as backend:
        assert backend.execute(compiled.sql).rows == (("a", 1), ("b", 6))


def test_seed_tables_map_names_to_files_and_override_the_directory(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"shop/orders.csv": "id\n1\n"})
    other = write_files(tmp_path / "elsewhere", {"o.csv": "id\n1\n2\n", "t.json": '[{"v": 3}]'})
    tables = {"shop.orders": other / "o.csv", "proj.ds.t": other / "t.json"}
    with DuckDBBackend(seeds=seeds, seed_tables=tables) as backend:
        assert backend.execute("SELECT COUNT(*) FROM shop.orders").rows == ((2,),)
        assert backend.execute("SELECT v FROM proj.ds.t").rows == ((3,),)


def test_a_file_that_does_not_load_is_named(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"shop/good.csv": "id\n1\n"})
    (seeds / "shop" / "broken.parquet").write_bytes(b"this is not parquet")
    with pytest.raises(BackendError, match=r"broken\.parquet") as caught:
        DuckDBBackend(seeds=seeds)
    assert "shop.broken" in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_bad_json_is_named(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"shop/bad.json": "{not json"})
    with pytest.raises(BackendError, match=r"cannot load seed file .*bad\.json as table shop\.bad"):
        DuckDBBackend(seeds=seeds)


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ({"shop.orders": Path("/nonexistent/orders.csv")}, r"seed file /nonexistent/orders\.csv .* does not exist"),
        ({"a.b.c.d.e": Path("x.csv")}, "must be table, schema.table, catalog.schema.table or project"),
        ({" .b.c.d": Path("x.csv")}, "must be table, schema.table"),
    ],
)
def test_bad_seed_tables(tables: dict[str, Path], message: str) -> None:
    with pytest.raises(BackendError, match=message):
        DuckDBBackend(seed_tables=tables)


def test_unknown_format_in_seed_tables(tmp_path: Path) -> None:
    (tmp_path / "orders.xlsx").write_text("x")
    with pytest.raises(BackendError, match=r"orders\.xlsx has an unknown format"):
        DuckDBBackend(seed_tables={"shop.orders": tmp_path / "orders.xlsx"})


def test_layout_errors(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match=r"seed directory .* does not exist"):
        DuckDBBackend(seeds=tmp_path / "missing")
    deep = write_files(tmp_path / "deep", {"a/b/c/d/t.csv": "x\n1\n"})
    with pytest.raises(BackendError, match="nested too deep"):
        DuckDBBackend(seeds=deep)
    twice = write_files(tmp_path / "twice", {"s/t.csv": "x\n1\n", "s/t.json": '[{"x": 1}]'})
    with pytest.raises(BackendError, match=r"t\.csv and .*t\.json both define table s\.t"):
        DuckDBBackend(seeds=twice)


def test_in_memory_seeding_never_touches_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = seed_dir(tmp_path / "seeds")
    before = sorted(p.name for p in seeds.rglob("*"))
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    with DuckDBBackend(seeds=seeds) as backend:
        assert backend.execute("SELECT current_setting('temp_directory')").rows == (("",),)
        backend.execute("SELECT COUNT(*) FROM range(100000) a, range(10) b")
    assert list(workdir.iterdir()) == []
    assert sorted(p.name for p in seeds.rglob("*")) == before


def test_seeding_a_file_writes_it_then_continues_read_only(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.duckdb"
    with DuckDBBackend(database, seeds=seed_dir(tmp_path / "seeds")) as backend:
        assert backend.read_only
        assert backend.execute("SELECT COUNT(*) FROM shop.orders").rows == ((2,),)
        with pytest.raises(BackendError, match="read-only"):
            backend.execute("DELETE FROM shop.orders")
    with DuckDBBackend(database) as reopened:  # a plain file opens read-only
        assert reopened.read_only
        assert reopened.execute("SELECT COUNT(*) FROM shop.users").rows == ((2,),)
        with pytest.raises(BackendError, match="read-only"):
            reopened.execute("CREATE TABLE shop.x AS SELECT 1")


def test_read_only_false_keeps_a_seeded_file_writable(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    with DuckDBBackend(database, seeds=seed_dir(tmp_path / "seeds"), read_only=False) as backend:
        backend.execute("CREATE TABLE shop.extra AS SELECT 1 AS x")
    with DuckDBBackend(database) as reopened:
        assert reopened.execute("SELECT x FROM shop.extra").rows == ((1,),)


def test_read_only_and_seeds_on_a_file_contradict(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"cannot seed .* read-only"):
        DuckDBBackend(tmp_path / "w.duckdb", read_only=True, seeds=seed_dir(tmp_path / "seeds"))


def test_missing_database_file(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match=r"nope\.duckdb' does not exist"):
        DuckDBBackend(tmp_path / "nope.duckdb")


def test_not_a_database_file(tmp_path: Path) -> None:
    (tmp_path / "junk.duckdb").write_text("junk")
    with pytest.raises(BackendError, match=r"cannot open DuckDB database .*junk\.duckdb"):
        DuckDBBackend(tmp_path / "junk.duckdb")


def test_file_named_like_its_schema_is_not_ambiguous(tmp_path: Path) -> None:
    # Built the way a user would: a file whose stem differs, then renamed to match the schema.
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    con.execute("CREATE SCHEMA ecommerce; CREATE TABLE ecommerce.orders AS SELECT 1 AS id")
    con.close()
    (tmp_path / "build.duckdb").rename(tmp_path / "ecommerce.duckdb")
    with DuckDBBackend(tmp_path / "ecommerce.duckdb") as backend:
        assert backend.catalog == "ecommerce_db"
        assert backend.execute("SELECT id FROM ecommerce.orders").rows == ((1,),)
    # Seeding a new file named like the seeds' schema works too.
    with DuckDBBackend(tmp_path / "shop.duckdb", seeds=seed_dir(tmp_path / "seeds")) as seeded:
        assert seeded.execute("SELECT COUNT(*) FROM shop.orders").rows == ((2,),)


def read(backend: DuckDBBackend, sql: str) -> tuple[tuple[object, ...], ...]:
    """``sql`` as the runner sends it: table names rewritten to where the backend keeps them."""
    return backend.execute(rename_tables(sql, backend.table_renames())).rows


def test_catalog_named_like_a_schema_is_kept_apart(tmp_path: Path) -> None:
    """Snowflake's PRODUCTION.APPS next to PRODUCTION.PRODUCTION.USERS: in DuckDB a catalog and
    a schema of one name make every production.x ambiguous, so the three-part names get a schema."""
    seeds = write_files(
        tmp_path / "seeds",
        {"PRODUCTION/APPS.csv": "id\n1\n", "production/production/users.csv": "id\n2\n3\n"},
    )
    with DuckDBBackend(seeds=seeds) as backend:
        assert backend.table_renames() == {("production", "production"): "production.production"}
        assert read(backend, "SELECT COUNT(*) FROM PRODUCTION.APPS") == ((1,),)
        assert read(backend, "SELECT COUNT(*) FROM production.production.users") == ((2,),)
        assert "production.production.users" in backend.table_names()


def test_system_schema_tables_are_kept_apart(tmp_path: Path) -> None:
    """Postgres' pg_catalog.pg_stat_activity cannot be created in DuckDB's own pg_catalog."""
    seeds = write_files(tmp_path / "seeds", {"pg_catalog/pg_stat_activity.csv": "pid,state\n7,active\n"})
    with DuckDBBackend(seeds=seeds) as backend:
        assert read(backend, "SELECT pid FROM pg_catalog.pg_stat_activity WHERE state = 'active'") == ((7,),)


def test_a_catalogs_information_schema_tables_are_kept_apart(tmp_path: Path) -> None:
    """BigQuery's region-us.INFORMATION_SCHEMA.JOBS: an attached catalog has its own
    information_schema, where no table can be created."""
    seeds = write_files(tmp_path / "seeds", {"region-us/INFORMATION_SCHEMA/JOBS.csv": "job_id\na\nb\n"})
    with DuckDBBackend(seeds=seeds) as backend:
        assert backend.table_renames() == {("region-us", "information_schema"): "region-us.INFORMATION_SCHEMA"}
        assert read(backend, 'SELECT COUNT(*) FROM "region-us.INFORMATION_SCHEMA".JOBS') == ((2,),)


def test_project_qualified_information_schema_tables_are_seeded_in_memory_and_in_a_file(tmp_path: Path) -> None:
    """BigQuery's four-part my-proj.region-us.INFORMATION_SCHEMA.JOBS: table JOBS of the schema
    "region-us.INFORMATION_SCHEMA" in catalog my-proj, or of the schema
    "my-proj.region-us.INFORMATION_SCHEMA" in a file, which holds one catalog."""
    seeds = write_files(
        tmp_path / "seeds",
        {
            "my-proj/region-us/INFORMATION_SCHEMA/JOBS.csv": "job_id\na\nb\n",
            "region-us/INFORMATION_SCHEMA/JOBS.csv": "job_id\nc\n",
        },
    )
    four_parts = 'SELECT job_id FROM "my-proj"."region-us.INFORMATION_SCHEMA".JOBS ORDER BY 1'
    with DuckDBBackend(seeds=seeds) as backend:
        assert read(backend, four_parts) == (("a",), ("b",))
        assert read(backend, 'SELECT job_id FROM "region-us.INFORMATION_SCHEMA".JOBS') == (("c",),)
    with DuckDBBackend(tmp_path / "w.duckdb", seeds=seeds) as seeded:
        renames = seeded.table_renames()
        assert renames[("my-proj", "region-us.information_schema")] == "my-proj.region-us.INFORMATION_SCHEMA"
        assert read(seeded, 'SELECT job_id FROM "my-proj.region-us.INFORMATION_SCHEMA".JOBS ORDER BY 1') == (
            ("a",),
            ("b",),
        )


def test_three_part_names_are_written_into_a_file_and_read_back(tmp_path: Path) -> None:
    seeds = write_files(tmp_path / "seeds", {"my-proj/sales/orders.csv": "id\n1\n2\n"})
    with DuckDBBackend(tmp_path / "w.duckdb", seeds=seeds) as seeded:
        assert read(seeded, 'SELECT COUNT(*) FROM "my-proj".sales.orders') == ((2,),)
    with DuckDBBackend(tmp_path / "w.duckdb") as reopened:  # no seeds: what the file holds
        assert reopened.table_renames() == {("my-proj", "sales"): "my-proj.sales"}
        assert read(reopened, 'SELECT COUNT(*) FROM "my-proj".sales.orders') == ((2,),)


def test_database_errors_carry_the_message() -> None:
    with DuckDBBackend() as backend, pytest.raises(BackendError) as caught:
        backend.execute("SELECT * FROM missing_table")
    assert "Catalog Error" in str(caught.value)
    assert "missing_table" in str(caught.value)
    assert caught.value.__cause__ is None
