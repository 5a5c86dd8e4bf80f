"""Warehouse SQL translated to DuckDB through sqlglot's own extension points.

A BigQuery, Snowflake, Redshift, PostgreSQL or MySQL project runs offline by compiling the SQL
Looker would send to the warehouse and translating it to DuckDB. sqlglot reads most of it; where
it reads a construct too generically or writes it wrongly for DuckDB, this package extends it the
way sqlglot dialects extend each other — never by rewriting SQL text:

* a **reader** per source (``LookerSnowflake``, ``LookerBigQuery``, ``LookerPostgres``,
  ``LookerRedshift``, ``LookerMySQL``): a ``sqlglot`` dialect subclass whose parser functions and
  ``TIME_MAPPING`` make the source's meaning explicit (Snowflake ``TO_CHAR`` of an untyped column
  is a date format, BigQuery ``DAYOFWEEK`` counts from Sunday = 1, …), plus ``PASSES``: tree
  rewrites for the source's implicit casts (:mod:`.coercion`);
* one **writer**, ``LookerDuckDB``: a DuckDB dialect subclass whose generator ``TRANSFORMS`` and
  ``*_sql`` methods honour what sqlglot's drops (time-zone arguments, ``%Q``, names that need
  quotes, the expressions of :mod:`.functions`).

The readers encode the *source's* semantics for a DuckDB target, so they are used only when the
target is DuckDB; other targets get sqlglot's own dialects. Each rule cites the documentation of
the source's behaviour in its module. sqlglot registers every dialect class by its lower-cased
name; the ``Looker`` prefix keeps ours from replacing sqlglot's own.

What still cannot be translated is reported as a translation limit (:func:`limit_message`), never
as an error in the user's LookML.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from pytest_looker.compile.translate.bigquery import LookerBigQuery
from pytest_looker.compile.translate.coercion import TreePass, typed_nulls, typed_set_literals
from pytest_looker.compile.translate.duckdb import LookerDuckDB
from pytest_looker.compile.translate.mysql import LookerMySQL
from pytest_looker.compile.translate.postgres import LookerPostgres, LookerRedshift
from pytest_looker.compile.translate.snowflake import LookerSnowflake

__all__ = [
    "LookerBigQuery",
    "LookerDuckDB",
    "LookerMySQL",
    "LookerPostgres",
    "LookerRedshift",
    "LookerSnowflake",
    "passes",
    "reader",
    "writer",
]

#: The reader of each source dialect (sqlglot names) when the target is DuckDB.
_READERS: dict[str, type[Dialect]] = {
    "bigquery": LookerBigQuery,
    "snowflake": LookerSnowflake,
    "postgres": LookerPostgres,
    "redshift": LookerRedshift,
    "mysql": LookerMySQL,
}
_DUCKDB = "duckdb"
#: Sources where a string literal in a UNION takes the other branches' type (MySQL makes the
#: column text, as DuckDB does).
_UNKNOWN_LITERAL_SOURCES = frozenset({"postgres", "redshift", "snowflake", "bigquery"})


def reader(source: str, target: str) -> str | type[Dialect]:
    """The dialect to parse ``source`` SQL with when it is going to ``target``."""
    if target.lower() == _DUCKDB:
        return _READERS.get(source.lower(), source)
    return source


def writer(target: str) -> str | type[Dialect]:
    """The dialect to write ``target`` SQL with."""
    return LookerDuckDB if target.lower() == _DUCKDB else target


def passes(source: str, target: str) -> Sequence[TreePass]:
    """The tree rewrites (implicit casts) between parsing ``source`` and writing ``target``."""
    if target.lower() != _DUCKDB or source.lower() == _DUCKDB:
        return ()
    dialect = _READERS.get(source.lower())
    own: tuple[TreePass, ...] = getattr(dialect, "PASSES", ())
    if source.lower() in _UNKNOWN_LITERAL_SOURCES:
        own = (*own, typed_set_literals)
    return (*own, typed_nulls)


def apply_passes(tree: exp.Expr, source: str, target: str) -> exp.Expr:
    """``tree`` after every pass of :func:`passes`."""
    for rewrite in passes(source, target):
        tree = rewrite(tree)
    return tree
