"""Loading LookML projects into typed, immutable objects that keep ``file:line``.

>>> project = load_project("examples/ecommerce")
>>> project.explore("ecommerce", "orders").joins
"""

from pytest_looker.lookml.loader import load_project
from pytest_looker.lookml.model import (
    AccessFilter,
    Assert,
    Dashboard,
    DashboardElement,
    DataTest,
    DerivedTable,
    Diagnostic,
    Explore,
    ExploreSource,
    Field,
    FieldCategory,
    FilterCondition,
    Join,
    Manifest,
    Model,
    Project,
    Severity,
    View,
)

__all__ = [
    "AccessFilter",
    "Assert",
    "Dashboard",
    "DashboardElement",
    "DataTest",
    "DerivedTable",
    "Diagnostic",
    "Explore",
    "ExploreSource",
    "Field",
    "FieldCategory",
    "FilterCondition",
    "Join",
    "Manifest",
    "Model",
    "Project",
    "Severity",
    "View",
    "load_project",
]
