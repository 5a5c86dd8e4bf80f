"""Loading LookML projects into typed, immutable objects that keep ``file:line``.

>>> project = load_project("examples/ecommerce")
>>> project.explore("ecommerce", "orders").joins

The names below are imported on first use (PEP 562 ``__getattr__``): submodules that need no
model class — the files a project has and whether they changed (:mod:`.files`, :mod:`.inputs`)
— can be imported without defining the model's dataclasses or the loader.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    if name == "load_project":
        from pytest_looker.lookml.loader import load_project

        return load_project
    if name in __all__:
        from pytest_looker.lookml import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
