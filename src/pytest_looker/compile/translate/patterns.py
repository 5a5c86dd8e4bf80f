"""LIKE patterns whose escape character the source leaves implicit.

BigQuery, PostgreSQL, Redshift and MySQL treat a backslash in a ``LIKE`` pattern as the escape
character without an ``ESCAPE`` clause (BigQuery has no such clause at all: ``'%100\\%%'`` is
"contains 100%"). DuckDB's ``LIKE`` has no default escape character, so the same pattern would
look for a backslash and match nothing. Snowflake is left as sqlglot reads it (Looker's
Snowflake filters say ``ESCAPE`` explicitly).

Sources: https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#like_operator ,
https://www.postgresql.org/docs/current/functions-matching.html#FUNCTIONS-LIKE ,
https://docs.aws.amazon.com/redshift/latest/dg/r_patternmatching_condition_like.html ,
https://dev.mysql.com/doc/refman/8.0/en/string-comparison-functions.html#operator_like .
"""

from __future__ import annotations

from sqlglot import exp

_BACKSLASH = "\\"


def backslash_escaped_likes(tree: exp.Expr) -> exp.Expr:
    """``x LIKE p`` → ``x LIKE p ESCAPE '\\'`` wherever ``p`` may hold a backslash and no
    ``ESCAPE`` is given: the escape character the source applies by default, said explicitly."""
    for node in list(tree.find_all(exp.Like, exp.ILike)):
        if isinstance(node.parent, exp.Escape):
            continue
        pattern = node.expression
        if isinstance(pattern, exp.Literal) and _BACKSLASH not in pattern.name:
            continue
        escaped = exp.Escape(this=node.copy(), expression=exp.Literal.string(_BACKSLASH))
        node.replace(escaped)
    return tree
