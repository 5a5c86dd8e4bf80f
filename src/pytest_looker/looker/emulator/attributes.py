"""Stand-in user attribute values for checks that, in Looker, do not depend on who runs them.

Looker's LookML validator and its explore metadata do not evaluate user attribute values: an
``access_filter`` or a ``{{ _user_attributes['region'] }}`` is valid LookML whether or not the API
user has the attribute. Our compiler needs a value to write SQL at all, so these checks compile
with the user's real attributes (``serve --user-attribute`` and ``user_attributes`` in
``[tool.pytest-looker]``) and a neutral stand-in for every other attribute the project names.
Queries never get stand-ins: an unset attribute there is an error, as for the user in Looker.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from pytest_looker.lookml.model import Project

_LIQUID = re.compile(r"""_user_attributes\s*\[\s*['"]([A-Za-z0-9_]+)['"]\s*\]""")
_DATE_TYPES = frozenset({"date", "date_time", "time", "date_date", "date_raw"})


def _stand_in(field_type: str | None) -> str:
    """A value every filter grammar accepts for a field of ``field_type``."""
    if field_type == "yesno":
        return "yes"
    if field_type in _DATE_TYPES or (field_type or "").startswith("date_"):
        return "2000-01-01"
    return "0"  # a number, and a string that matches nothing in particular


def stand_in_attributes(project: Project, real: Mapping[str, str]) -> dict[str, str]:
    """``real`` plus a stand-in for every attribute the project references and ``real`` lacks."""
    found: dict[str, str] = {}
    for model in project.models.values():
        for explore in model.explores.values():
            for access in explore.access_filters:
                if access.user_attribute in found:
                    continue
                alias, _, name = access.field.partition(".")
                view = model.views.get(explore.aliases().get(alias, alias))
                field = view.fields.get(name) if view is not None else None
                found[access.user_attribute] = _stand_in(field.type if field is not None else None)
    root = Path(project.root)
    for file in project.files:
        try:
            text = (root / file).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for name in _LIQUID.findall(text):
            found.setdefault(name, "0")
    return {**found, **real}
