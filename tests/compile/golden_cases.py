"""The golden-SQL suite's machinery: load a case, compare structures, run both SQLs on DuckDB.

A case (``data/golden/<id>.yaml``) holds the LookML, the query, the SQL Looker wrote (verbatim
where its licence allows, else a minimal re-derived case in the shape the cited source shows),
the source and licence, the data it runs on and every known difference with its reason.

Structure: both statements are parsed with sqlglot in the case's dialect and reduced to the
clauses the issue names (CTEs, FROM and joins, WHERE and HAVING conjuncts, GROUP BY, ORDER BY,
LIMIT/FETCH, select aliases and expressions), each normalised by a sqlglot round trip without
redundant parentheses. Rows: Looker's SQL is run on DuckDB after three mechanical steps, none of
which changes its meaning: the warehouse clock is replaced by the case's ``now`` (as our own SQL
does), each symmetric-aggregate formula (hash arithmetic in DECIMAL(65), which DuckDB cannot do)
is replaced by the exact sum it computes, and the statement is transpiled with the package's
transpiler. Our SQL is compiled for DuckDB directly.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import sqlglot
import yaml
from golden import normalise
from sqlglot import exp

from pytest_looker.compile import Query, compile_sql
from pytest_looker.compile.dialects import get_dialect
from pytest_looker.compile.transpile import transpile

GOLDEN = Path(__file__).parent / "data" / "golden"
#: The clauses compared, in report order.
CLAUSES = ("ctes", "from", "joins", "where", "group_by", "having", "order_by", "limit", "aliases", "select")


@dataclass
class Case:
    """One golden case, as read from its YAML file."""

    id: str
    dialect: str
    source: Mapping[str, Any]
    licence: Mapping[str, Any]
    files: Mapping[str, str]
    query: Mapping[str, Any]
    looker_sql: str
    data: list[str]
    extra_data: str = ""
    now: dt.datetime | None = None
    differences: Mapping[str, str] = field(default_factory=dict)
    rows: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Case:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        now = raw.get("now")
        if isinstance(now, str):
            now = dt.datetime.fromisoformat(now.replace("Z", "+00:00"))
        return cls(
            id=raw["id"],
            dialect=raw["dialect"],
            source=raw["source"],
            licence=raw["licence"],
            files=raw["lookml"],
            query=raw["query"],
            looker_sql=raw["looker_sql"],
            data=list(raw.get("data", [])),
            extra_data=raw.get("extra_data", ""),
            now=now,
            differences=raw.get("differences") or {},
            rows=raw.get("rows") or {},
        )

    def to_query(self, *, for_rows: bool = False) -> Query:
        """The case's query. For the structure the warehouse clock stays, as in Looker's text;
        for the rows the case's ``now`` replaces it in both statements."""
        q = dict(self.query)
        drop = set(self.rows.get("without", ())) if for_rows else set()
        return Query(
            q["model"],
            q["explore"],
            fields=q["fields"],
            filters=q.get("filters") or {},
            sorts=q.get("sorts") or (),
            limit=-1 if "limit" in drop else q.get("limit"),
            timezone=q.get("timezone"),
            database_timezone=q.get("database_timezone"),
            filter_expression=None if "filter_expression" in drop else q.get("filter_expression"),
            dev_mode=bool(q.get("dev_mode", False)),
            now=self.now if for_rows else None,
        )


def all_cases() -> list[Case]:
    return [Case.load(path) for path in sorted(GOLDEN.glob("*.yaml"))]


# -- structure -------------------------------------------------------------------------------------


def structure(sql: str, dialect: str) -> dict[str, Any]:
    """The clauses of the first statement of ``sql``, normalised for comparison."""
    tree = sqlglot.parse(sql, read=dialect)[0]
    assert isinstance(tree, exp.Select), f"not a SELECT: {sql[:80]}"

    def norm(node: exp.Expr | None) -> str:
        return "" if node is None else normalise(node.sql(dialect=dialect), dialect)

    with_ = tree.args.get("with_") or tree.args.get("with")
    from_ = tree.args.get("from_") or tree.args.get("from")
    table = from_.this if from_ is not None else None
    limit = tree.args.get("limit")
    fetch = tree.args.get("fetch") or (limit if isinstance(limit, exp.Fetch) else None)
    if isinstance(limit, exp.Limit):
        limit_key: tuple[str, str] | None = ("LIMIT", norm(limit.expression))
    elif fetch is not None:
        limit_key = ("FETCH", norm(fetch.args.get("count")))
    else:
        limit_key = None
    return {
        "ctes": [cte.alias for cte in with_.expressions] if with_ is not None else [],
        "from": (_table_name(table, dialect), table.alias_or_name) if table is not None else None,
        "joins": [
            (
                " ".join(filter(None, [j.side, j.kind])) or "JOIN",
                _table_name(j.this, dialect),
                j.this.alias_or_name,
                norm(j.args.get("on")),
            )
            for j in tree.args.get("joins") or []
        ],
        "where": sorted(_conjuncts(tree.args.get("where"), dialect)),
        "group_by": [norm(g) for g in (tree.args["group"].expressions if tree.args.get("group") else [])],
        "having": sorted(_conjuncts(tree.args.get("having"), dialect)),
        "order_by": [
            (norm(o.this), bool(o.args.get("desc")))
            for o in (tree.args["order"].expressions if tree.args.get("order") else [])
        ],
        "limit": limit_key,
        "aliases": [e.alias_or_name for e in tree.expressions],
        "select": [norm(e.this if isinstance(e, exp.Alias) else e) for e in tree.expressions],
    }


def _table_name(node: exp.Expr, dialect: str) -> str:
    if isinstance(node, exp.Table):
        parts = [p.name for p in node.parts]
        return ".".join(parts).lower()
    return normalise(node.sql(dialect=dialect), dialect)


def _conjuncts(node: exp.Expr | None, dialect: str) -> list[str]:
    if node is None:
        return []
    condition = node.this if isinstance(node, (exp.Where, exp.Having)) else node
    while isinstance(condition, exp.Paren):
        condition = condition.this
    if isinstance(condition, exp.And):
        return [*_conjuncts(condition.this, dialect), *_conjuncts(condition.expression, dialect)]
    return [normalise(condition.sql(dialect=dialect), dialect)]


def compare_structure(ours: str, looker: str, dialect: str) -> dict[str, tuple[Any, Any]]:
    """Clause → (ours, Looker's) for every clause that differs."""
    mine, theirs = structure(ours, dialect), structure(looker, dialect)
    return {clause: (mine[clause], theirs[clause]) for clause in CLAUSES if mine[clause] != theirs[clause]}


# -- rows ------------------------------------------------------------------------------------------


def setup_database(case: Case) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for world in case.data:
        con.execute((GOLDEN / "worlds" / f"{world}.sql").read_text(encoding="utf-8"))
    if case.extra_data:
        con.execute(case.extra_data)
    return con


def our_rows(case: Case, project: Any, con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    sql = compile_sql(project, case.to_query(for_rows=True), dialect=case.dialect, target="duckdb")
    return [tuple(row) for row in con.execute(sql).fetchall()]


def looker_rows(case: Case, con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    sql = looker_on_duckdb(case)
    return [tuple(row) for row in con.execute(sql).fetchall()]


def looker_on_duckdb(case: Case) -> str:
    """Looker's SQL (first statement) made runnable on DuckDB without changing its meaning."""
    text = with_clock(case.looker_sql.split("\n-- sql for creating")[0], case)
    tree = sqlglot.parse(text, read=case.dialect)[0]
    assert tree is not None
    without = set(case.rows.get("without", ()))
    if "limit" in without:
        tree.set("limit", None)
        tree.set("fetch", None)
    if "filter_expression" in without:
        tree.set("where", None)
    placeholders: dict[str, str] = {}
    tree = tree.transform(_symmetric_to_placeholder, case.dialect, placeholders)
    sql = transpile(tree.sql(dialect=case.dialect), source=case.dialect, target="duckdb")
    for name, replacement in placeholders.items():
        sql = re.sub(rf"{name}\(\)", replacement, sql, flags=re.IGNORECASE)
    return sql


def with_clock(sql: str, case: Case) -> str:
    """The warehouse clock replaced by the case's ``now``, exactly as our compiler replaces it."""
    if case.now is None:
        return sql
    database = case.query.get("database_timezone") or "UTC"
    wall = case.now.astimezone(ZoneInfo(database)).replace(tzinfo=None)
    utc = case.now.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if case.dialect == "bigquery":
        return sql.replace("CURRENT_TIMESTAMP()", f"TIMESTAMP('{utc:%Y-%m-%d %H:%M:%S}')")
    if case.dialect == "snowflake":
        sql = sql.replace("CURRENT_DATE()", f"TO_DATE('{wall:%Y-%m-%d}')")
        return sql.replace("CURRENT_TIMESTAMP()", f"'{wall:%Y-%m-%d %H:%M:%S}'")
    if case.dialect == "redshift":
        return sql.replace("GETDATE()", f"TIMESTAMP '{wall:%Y-%m-%d %H:%M:%S}'")
    if case.dialect == "mysql":
        return sql.replace("NOW()", f"TIMESTAMP('{wall:%Y-%m-%d %H:%M:%S}')")
    zoned = re.sub(r"CURRENT_TIMESTAMP(\s+AT\s+TIME\s+ZONE)", rf"TIMESTAMPTZ '{utc:%Y-%m-%d %H:%M:%S}+00'\1", sql)
    return re.sub(r"CURRENT_TIMESTAMP(?!\s*\()", f"TIMESTAMP '{wall:%Y-%m-%d %H:%M:%S}'", zoned)


def _symmetric_to_placeholder(node: exp.Expr, dialect: str, placeholders: dict[str, str]) -> exp.Expr:
    """``SUM(DISTINCT v + key) - SUM(DISTINCT key)`` → the exact DuckDB sum of v per distinct key,
    times Looker's scale, so that the formula around it (the division, COALESCE, ROUND) stays."""
    if not isinstance(node, exp.Sub) or not (isinstance(node.this, exp.Sum) and isinstance(node.expression, exp.Sum)):
        return node
    if not isinstance(node.this.this, exp.Distinct):
        return node
    scaled = next(
        (m for m in node.this.find_all(exp.Mul) if isinstance(_unparen(m.this), exp.Coalesce)),
        None,
    )
    digest = next(node.expression.find_all(exp.MD5, exp.MD5Digest), None)
    if digest is None:
        digest = next((f for f in node.expression.find_all(exp.Anonymous) if f.name.upper() == "MD5"), None)
    if scaled is None or digest is None:
        return node
    value = _unparen(scaled.this).this
    key = digest.this if not isinstance(digest, exp.Anonymous) else digest.expressions[0]
    # CAST(pk AS STRING), pk::varchar, CONVERT(VARCHAR, pk): the key inside.
    while isinstance(key, (exp.Cast, exp.TryCast, exp.Paren, exp.Anonymous)):
        key = key.expressions[-1] if isinstance(key, exp.Anonymous) else key.this
    value_sql = transpile(f"SELECT {value.sql(dialect=dialect)}", source=dialect, target="duckdb")
    key_sql = transpile(f"SELECT {key.sql(dialect=dialect)}", source=dialect, target="duckdb")
    exact = get_dialect("duckdb").symmetric_sum(_projection(value_sql), _projection(key_sql))
    scale = transpile(f"SELECT {scaled.expression.sql(dialect=dialect)}", source=dialect, target="duckdb")
    name = f"GOLDEN_SYMMETRIC_{len(placeholders)}"
    placeholders[name] = f"(({exact}) * ({_projection(scale)}))"
    return exp.Anonymous(this=name, expressions=[])


def _unparen(node: exp.Expr) -> exp.Expr:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _projection(select_sql: str) -> str:
    return select_sql.strip().removeprefix("SELECT").strip()


def comparable(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows with values in one spelling: dates and times as ISO text (Snowflake's date and
    BigQuery's week are text), numbers rounded to 6 decimals, UTC for aware times."""

    def value(v: Any) -> Any:
        if isinstance(v, dt.datetime):
            if v.tzinfo is not None:
                v = v.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return v.isoformat(sep=" ")
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, (float, decimal.Decimal)):
            return round(float(v), 6)
        return v

    return [tuple(value(v) for v in row) for row in rows]
