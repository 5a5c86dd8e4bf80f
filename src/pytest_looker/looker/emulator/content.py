"""User-defined content (Looks and dashboards) a project declares for the emulator.

A Looker instance holds content that is not in the LookML project: Looks and dashboards built
in the UI, in folders. Content validation exists to catch them breaking when LookML changes.
The emulator serves such content from a directory (``serve --content DIR``, by default
``looker-content/`` in the project when it exists), one Look or dashboard per ``.json``,
``.yaml`` or ``.yml`` file, in the API's own shapes (what ``gzr`` and the API export)::

    # looker-content/Sales/orders_by_status.yaml — a Look: it has a query
    title: Orders by status
    query: {model: ecommerce, view: orders, fields: [orders.status, orders.count]}

    # looker-content/sales_overview.yaml — a dashboard: it has dashboard_elements
    title: Sales overview
    dashboard_elements:
      - title: Revenue by month
        query: {model: ecommerce, view: orders, fields: [orders.created_month, orders.total_amount]}
      - title: Top look
        look_id: "1"
    dashboard_filters:
      - {title: Status, model: ecommerce, explore: orders, dimension: orders.status}

Files directly in the directory are in the *Shared* folder; each subdirectory is a folder of
that name, nested as on disk; a top-level ``personal/`` holds the API user's personal folder.
``id`` is optional (Looks and dashboards are numbered in path order otherwise). A malformed
file stops ``serve`` with a message naming it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pytest_looker.errors import ConfigurationError
from pytest_looker.looker.emulator.errors import ApiError
from pytest_looker.looker.emulator.queries import check_write_query

#: The directory ``serve`` reads content from when none is given (inside the project).
DEFAULT_DIRECTORY = "looker-content"
SHARED_ID, USERS_ID, PERSONAL_ID = "1", "2", "3"
_SUFFIXES = (".json", ".yaml", ".yml")
#: What the emulator's one API user is called in folders and ``/user``.
API_USER_NAME = "pytest-looker emulator"


@dataclass(frozen=True)
class Folder:
    id: str
    name: str
    parent_id: str | None
    is_personal: bool = False
    is_personal_descendant: bool = False


@dataclass(frozen=True)
class Look:
    id: str
    title: str
    description: str | None
    folder_id: str
    query: Mapping[str, Any]  # the stored ``Query`` (with id and slug)
    file: str


@dataclass(frozen=True)
class Tile:
    """A dashboard element (a query or a Look) or a dashboard filter (``dimension`` set)."""

    id: str
    title: str | None
    query: Mapping[str, Any] | None = None
    look_id: str | None = None
    model: str | None = None
    explore: str | None = None
    dimension: str | None = None
    name: str | None = None

    def filter_json(self, dashboard_id: str) -> dict[str, Any]:
        """A ``DashboardFilter`` (the keys content validation shares with it)."""
        return {
            "id": self.id,
            "dashboard_id": dashboard_id,
            "name": self.name,
            "title": self.title,
            "type": "field_filter",
            "default_value": None,
            "model": self.model,
            "explore": self.explore,
            "dimension": self.dimension,
        }


@dataclass(frozen=True)
class UserDashboard:
    id: str
    title: str
    description: str | None
    folder_id: str
    elements: tuple[Tile, ...]
    filters: tuple[Tile, ...]
    file: str


@dataclass
class Content:
    """Folders, Looks and dashboards by id."""

    folders: dict[str, Folder] = field(default_factory=dict)
    looks: dict[str, Look] = field(default_factory=dict)
    dashboards: dict[str, UserDashboard] = field(default_factory=dict)

    def folder(self, folder_id: str) -> Folder:
        found = self.folders.get(folder_id)
        if found is None:
            raise ApiError(404, "Not found")
        return found

    def look(self, look_id: str) -> Look:
        found = self.looks.get(look_id)
        if found is None:
            raise ApiError(404, "Not found")
        return found

    def dashboard(self, dashboard_id: str) -> UserDashboard:
        found = self.dashboards.get(dashboard_id)
        if found is None:
            raise ApiError(404, "Not found")
        return found

    def descendants(self, folder_ids: set[str]) -> set[str]:
        """``folder_ids`` and every folder under them."""
        found = set(folder_ids)
        changed = True
        while changed:
            more = {f.id for f in self.folders.values() if f.parent_id in found} - found
            found |= more
            changed = bool(more)
        return found


def _base_folders() -> dict[str, Folder]:
    return {
        SHARED_ID: Folder(SHARED_ID, "Shared", None),
        USERS_ID: Folder(USERS_ID, "Users", None),
        PERSONAL_ID: Folder(PERSONAL_ID, API_USER_NAME, USERS_ID, is_personal=True),
    }


def load_content(
    directory: Path | None, project_root: Path, register: Callable[[dict[str, Any]], dict[str, Any]]
) -> Content:
    """The content under ``directory`` (default ``<project>/looker-content`` if it exists).

    ``register`` stores a checked ``WriteQuery`` and returns the stored ``Query`` (with its id).
    """
    content = Content(folders=_base_folders())
    if directory is None:
        directory = project_root / DEFAULT_DIRECTORY
        if not directory.is_dir():
            return content
    if not directory.is_dir():
        raise ConfigurationError(f"content directory {str(directory)!r} does not exist")
    folder_of: dict[Path, str] = {directory: SHARED_ID, directory / "personal": PERSONAL_ID}
    for sub in sorted(p for p in directory.rglob("*") if p.is_dir() and not p.name.startswith(".")):
        if sub in folder_of:
            continue
        parent = folder_of[sub.parent]
        personal = parent == PERSONAL_ID or content.folders[parent].is_personal_descendant
        folder_id = str(100 + len(folder_of))
        folder_of[sub] = folder_id
        content.folders[folder_id] = Folder(folder_id, sub.name, parent, is_personal_descendant=personal)
    files = sorted(p for p in directory.rglob("*") if p.suffix in _SUFFIXES and p.is_file())
    for path in files:
        if any(part.startswith(".") for part in path.relative_to(directory).parts):
            continue
        where = path.relative_to(directory).as_posix()
        raw = _read(path, where)
        folder_id = folder_of.get(path.parent, SHARED_ID)
        if "dashboard_elements" in raw or "dashboard_filters" in raw:
            dashboard = _dashboard(raw, where, folder_id, str(len(content.dashboards) + 1), register)
            _add(content.dashboards, dashboard, where)
        elif "query" in raw:
            look = _look(raw, where, folder_id, str(len(content.looks) + 1), register)
            _add(content.looks, look, where)
        else:
            raise ConfigurationError(
                f"{where}: neither a Look (a 'query') nor a dashboard ('dashboard_elements' or 'dashboard_filters')"
            )
    return content


def _read(path: Path, where: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"{where}: cannot read content: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{where}: a Look or dashboard must be an object of settings")
    return raw


def _add(table: dict[str, Any], item: Look | UserDashboard, where: str) -> None:
    if item.id in table:
        raise ConfigurationError(f"{where}: id {item.id!r} is also used by {table[item.id].file}")
    table[item.id] = item


def _query(raw: Any, where: str, register: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    try:
        return register(check_write_query(raw))
    except ApiError as exc:
        detail = "; ".join(str(e.get("message")) for e in exc.errors) or exc.message
        raise ConfigurationError(f"{where}: query: {detail}") from None


def _look(
    raw: dict[str, Any],
    where: str,
    folder_id: str,
    default_id: str,
    register: Callable[[dict[str, Any]], dict[str, Any]],
) -> Look:
    title = str(raw.get("title") or Path(where).stem)
    query = _query(raw["query"], where, register)
    return Look(str(raw.get("id") or default_id), title, raw.get("description"), folder_id, query, where)


def _dashboard(
    raw: dict[str, Any],
    where: str,
    folder_id: str,
    default_id: str,
    register: Callable[[dict[str, Any]], dict[str, Any]],
) -> UserDashboard:
    dashboard_id = str(raw.get("id") or default_id)
    elements = []
    for index, item in enumerate(raw.get("dashboard_elements") or [], start=1):
        if not isinstance(item, dict):
            raise ConfigurationError(f"{where}: dashboard_elements[{index}] must be an object")
        query = _query(item["query"], f"{where}: dashboard_elements[{index}]", register) if item.get("query") else None
        look_id = str(item["look_id"]) if item.get("look_id") is not None else None
        elements.append(Tile(str(item.get("id") or f"{dashboard_id}-{index}"), item.get("title"), query, look_id))
    filters = []
    for index, item in enumerate(raw.get("dashboard_filters") or [], start=1):
        if not isinstance(item, dict):
            raise ConfigurationError(f"{where}: dashboard_filters[{index}] must be an object")
        filters.append(
            Tile(
                str(item.get("id") or f"{dashboard_id}-f{index}"),
                item.get("title"),
                model=item.get("model"),
                explore=item.get("explore"),
                dimension=item.get("dimension"),
                name=item.get("name") or item.get("title"),
            )
        )
    title = str(raw.get("title") or Path(where).stem)
    return UserDashboard(dashboard_id, title, raw.get("description"), folder_id, tuple(elements), tuple(filters), where)
