"""Scaffolding from the LookML itself: the warehouse schema it reads, synthetic data, starter tests.

See :mod:`pytest_looker.scaffold.schema` (inference), :mod:`~pytest_looker.scaffold.data`
(deterministic rows consistent along every join) and :mod:`~pytest_looker.scaffold.specs`
(starter ``*.lkmltest.yml``).
"""

from pytest_looker.scaffold.schema import ColumnInfo, JoinKey, Schema, SourceTable, infer_schema

__all__ = ["ColumnInfo", "JoinKey", "Schema", "SourceTable", "infer_schema"]
