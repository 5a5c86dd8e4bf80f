"""The resolved settings of one run: frozen objects, one section per feature.

:class:`Settings` holds what every run needs (the project, dialects, the backend, the clock);
the features keep their own sections — :class:`LookerSettings`, :class:`AuditSettings`,
:class:`RecordSettings` — so a feature reads ``settings.audit.webhook`` rather than a flat bag
of thirty keys, and a new setting is one row in :mod:`.table` plus one field here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pytest_looker.immutable import field, record

__all__ = [
    "DEFAULT_CONCURRENCY",
    "MAX_CONCURRENCY",
    "AuditSettings",
    "Connection",
    "LookerSettings",
    "RecordSettings",
    "Settings",
    "frozen",
]

#: Looker runs at most 15 queries per user at once and queues the rest (reference §5); we stay
#: below it so that a user's own dashboards still get slots while tests run.
MAX_CONCURRENCY = 15
DEFAULT_CONCURRENCY = 10


def frozen(mapping: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """A read-only copy, so a frozen dataclass is frozen all the way down."""
    return MappingProxyType(dict(mapping or {}))


@record
class Connection:
    """A LookML ``connection:`` name mapped to the dialect its SQL is written in and a URL."""

    name: str
    dialect: str | None = None
    url: str | None = None


@record
class LookerSettings:
    """Everything needed to reach one Looker environment and leave it as it was found.

    Plain values only (no looker-sdk): the client in :mod:`pytest_looker.looker.client` reads
    them, and the rest of the package can describe an environment without importing the SDK.
    """

    environment: str | None = None
    base_url: str | None = None
    workspace: str | None = None
    branch: str | None = None
    commit: str | None = None
    looker_project: str | None = None
    client_id: str | None = None
    client_secret_env: str | None = None
    looker_ini: Path | None = None
    looker_ini_section: str | None = None
    credentials_command: tuple[str, ...] | None = None
    secret_max_age_days: float = 90.0
    secret_hard_limit_days: float | None = None
    verify_ssl: bool = True
    ca_bundle: Path | None = None
    proxy: str | None = None
    timeout: int = 120
    headers: Mapping[str, str] = field(default_factory=frozen)
    headers_env: Mapping[str, str] = field(default_factory=frozen)
    query_concurrency: int = DEFAULT_CONCURRENCY
    remote_reset: bool = False
    native_tests: bool = False
    compare_sql: bool = False

    @property
    def label(self) -> str:
        """How messages name this environment."""
        return f"environment {self.environment!r}" if self.environment else "the Looker settings"

    @property
    def needs_dev_mode(self) -> bool:
        """Branches and commits only exist in the dev workspace."""
        return self.workspace == "dev" or self.branch is not None or self.commit is not None


@record
class AuditSettings:
    """The evidence log of pytest runs (:mod:`pytest_looker.audit`)."""

    enabled: bool = True
    log: Path | None = None
    webhook: str | None = None
    webhook_format: str = "json"


@record
class RecordSettings:
    """Record/replay of query results (:mod:`pytest_looker.record`); ``mode=None``: live."""

    mode: str | None = None
    cassette_dir: Path | None = None


@record
class Settings:
    """The resolved settings of a run; paths are absolute."""

    source: Path | None = None
    project: Path | None = None
    dialect: str = "duckdb"
    #: Whether ``dialect`` was set (file, variable or option) rather than defaulted.
    dialect_set: bool = False
    connections: Mapping[str, Connection] = field(default_factory=frozen)
    backend: str = "duckdb"
    duckdb: Path | None = None
    seeds: Path | None = None
    seed_tables: Mapping[str, Path] = field(default_factory=frozen)
    duckdb_setup: Path | None = None
    url: str | None = None
    timezone: str | None = None
    database_timezone: str | None = None
    now: datetime | None = None
    user_attributes: Mapping[str, str] = field(default_factory=frozen)
    parameters: Mapping[str, str] = field(default_factory=frozen)
    constants: Mapping[str, str] = field(default_factory=frozen)
    dependency_paths: tuple[Path, ...] = ()
    check_keys: bool = False
    explores: tuple[str, ...] = ()
    include_hidden: bool = True
    annotations: str = "auto"
    summary: Path | None = None
    environment: str | None = None
    environments: tuple[str, ...] = ()
    looker: LookerSettings = field(default_factory=LookerSettings)
    audit: AuditSettings = field(default_factory=AuditSettings)
    record: RecordSettings = field(default_factory=RecordSettings)
    raw: Mapping[str, Any] = field(default_factory=frozen)

    def dialect_for(self, connection: str | None) -> str:
        """The dialect of a model's ``connection``: its ``connections`` entry, else ``dialect``."""
        entry = self.connections.get(connection or "")
        return (entry.dialect if entry and entry.dialect else self.dialect).lower()

    def url_for(self, connection: str | None) -> str | None:
        """The SQLAlchemy URL for a connection: its own, else the global ``url``."""
        entry = self.connections.get(connection or "")
        return entry.url if entry and entry.url else self.url

    def local_now(self) -> datetime | None:
        """``now`` as a naive datetime in the query time zone (what Looker's ``now()`` returns)."""
        if self.now is None:
            return None
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(self.timezone) if self.timezone else timezone.utc
        return self.now.astimezone(zone).replace(tzinfo=None)
