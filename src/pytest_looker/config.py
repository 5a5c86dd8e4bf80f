"""Settings: ``[tool.pytest-looker]`` in pyproject.toml, environments, env variables, options.

One :class:`Settings` object describes a run: which LookML project, which SQL dialect each
connection speaks, which backend executes the SQL, the clock and time zone that make relative
date filters reproducible, and the Looker environment (dev/prod...) that is active.

Layers, later ones win (DESIGN.md §4)::

    [tool.pytest-looker]                      the base table
    [tool.pytest-looker.environments.<env>]   the active environment (``--looker-env``)
    PYTEST_LOOKER_<KEY> environment variables
    --looker-<key> options (pytest) or command-line flags (CLI)

Tables (``connections``, ``user_attributes``, ``constants``, ``seed_tables``) merge key by key
across layers, so an environment can change one user attribute without repeating the others.

Unknown keys and values of the wrong type are :class:`~pytest_looker.errors.ConfigurationError`
s naming the key and where it came from: a misspelt setting that silently does nothing is worse
than an error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pytest_looker.errors import ConfigurationError, Location

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

SECTION = "pytest-looker"

#: Backends a configuration may name (``looker`` runs queries through the Looker API and needs
#: the ``looker`` extra, i.e. looker-sdk).
BACKENDS = ("duckdb", "sqlalchemy", "looker")
#: Payload formats of the audit webhook.
WEBHOOK_FORMATS = ("json", "slack")
#: ``record`` modes (pytest-recording's meaning); ``off`` (the default) runs every query live.
RECORD_MODES = ("off", "none", "once", "new_episodes", "all")

#: The Looker API keys collected raw into :attr:`Settings.looker` (path-valued ones resolved).
LOOKER_KEYS = frozenset(
    {
        "commit",
        "looker_project",
        "client_id",
        "client_secret_env",
        "looker_ini",
        "looker_ini_section",
        "credentials_command",
        "secret_max_age_days",
        "secret_hard_limit_days",
        "verify_ssl",
        "ca_bundle",
        "proxy",
        "timeout",
        "headers",
        "headers_env",
        "query_concurrency",
        "remote_reset",
        "native_tests",
        "compare_sql",
    }
)
#: Keys valid in the base table and in every environment section.
SETTING_KEYS = frozenset(
    {
        "project",
        "dialect",
        "connections",
        "backend",
        "duckdb",
        "seeds",
        "seed_tables",
        "url",
        "timezone",
        "now",
        "user_attributes",
        "constants",
        "dependency_paths",
        "check_keys",
        "explores",
        "include_hidden",
        # Looker-side description of an environment, stored for the Looker backend.
        "base_url",
        "workspace",
        "branch",
        # The audit trail (pytest_looker.audit): on/off, where the log is, where to notify.
        "audit",
        "audit_log",
        "audit_webhook",
        "audit_webhook_format",
        # Record/replay of query results (pytest_looker.record).
        "record",
        "cassette_dir",
    }
    | frozenset(
        # Looker API connection, credentials and environment (pytest_looker.looker.client.options
        # checks their types and meaning; kept raw here so config.py needs no looker-sdk).
        LOOKER_KEYS
    )
)
_LOOKER_PATH_KEYS = ("looker_ini", "ca_bundle")
#: Keys that would put a secret in a committed file: refused with a pointer to the safe key.
_SECRET_KEYS = {
    "client_secret": "client_secret_env = 'NAME_OF_AN_ENVIRONMENT_VARIABLE'",
    "password": "client_secret_env",
}
#: Keys only the base table may hold.
TOP_LEVEL_KEYS = frozenset({"environments"})
#: Kept for callers of the first release.
KNOWN_KEYS = SETTING_KEYS | TOP_LEVEL_KEYS

_MAPPING_KEYS = ("connections", "user_attributes", "constants", "seed_tables")
_CONNECTION_KEYS = frozenset({"dialect", "url"})

#: ``PYTEST_LOOKER_<NAME>`` → the setting it overrides (``PYTEST_LOOKER_ENV`` picks the environment).
ENV_VARS: Mapping[str, str] = MappingProxyType(
    {
        f"PYTEST_LOOKER_{key.upper()}": key
        for key in (
            "project",
            "dialect",
            "backend",
            "duckdb",
            "seeds",
            "url",
            "timezone",
            "now",
            "check_keys",
            "explores",
            "include_hidden",
            "audit",
            "audit_log",
            "audit_webhook",
            "audit_webhook_format",
            "record",
            "cassette_dir",
        )
    }
)
ENV_VAR_ENVIRONMENT = "PYTEST_LOOKER_ENV"


@dataclass(frozen=True)
class Connection:
    """A LookML ``connection:`` name mapped to the dialect its SQL is written in and a URL."""

    name: str
    dialect: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Layer:
    """One source of settings: its values, a label for error messages and the base for paths."""

    label: str
    values: Mapping[str, Any]
    base: Path


def _frozen(mapping: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Settings:
    """The resolved settings of a run; paths are absolute."""

    source: Path | None = None
    project: Path | None = None
    dialect: str = "duckdb"
    connections: Mapping[str, Connection] = field(default_factory=_frozen)
    backend: str = "duckdb"
    duckdb: Path | None = None
    seeds: Path | None = None
    seed_tables: Mapping[str, Path] = field(default_factory=_frozen)
    url: str | None = None
    timezone: str | None = None
    now: datetime | None = None
    user_attributes: Mapping[str, str] = field(default_factory=_frozen)
    constants: Mapping[str, str] = field(default_factory=_frozen)
    dependency_paths: tuple[Path, ...] = ()
    check_keys: bool = False
    explores: tuple[str, ...] = ()
    include_hidden: bool = False
    environment: str | None = None
    environments: tuple[str, ...] = ()
    base_url: str | None = None
    workspace: str | None = None
    branch: str | None = None
    audit: bool = True
    audit_log: Path | None = None
    audit_webhook: str | None = None
    audit_webhook_format: str = "json"
    record: str | None = None
    cassette_dir: Path | None = None
    looker: Mapping[str, Any] = field(default_factory=_frozen)
    raw: Mapping[str, Any] = field(default_factory=_frozen)

    def dialect_for(self, connection: str | None) -> str:
        """The dialect of a model's ``connection``: its ``connections`` entry, else ``dialect``."""
        entry = self.connections.get(connection or "")
        return (entry.dialect if entry and entry.dialect else self.dialect).lower()

    def url_for(self, connection: str | None) -> str | None:
        """The SQLAlchemy URL for a connection: its own, else the global ``url``."""
        entry = self.connections.get(connection or "")
        return entry.url if entry and entry.url else self.url

    def query_now(self) -> datetime | None:
        """``now`` as an aware datetime for :class:`~pytest_looker.compile.Query`."""
        return self.now

    def local_now(self) -> datetime | None:
        """``now`` as a naive datetime in the query time zone (what Looker's ``now()`` returns)."""
        if self.now is None:
            return None
        zone = _zone(self.timezone) if self.timezone else timezone.utc
        return self.now.astimezone(zone).replace(tzinfo=None)


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start``."""
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def read_table(path: Path) -> Mapping[str, Any] | None:
    """The ``[tool.pytest-looker]`` table of one pyproject.toml (``None`` when it has none)."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read settings: {exc}", Location(str(path))) from None
    table = document.get("tool", {}).get(SECTION)
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigurationError(f"[tool.{SECTION}] must be a table", Location(str(path)))
    return table


def load_settings(
    start: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    options: Mapping[str, Any] | None = None,
    environment: str | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Resolve settings from the nearest pyproject.toml, ``environ`` and ``options``.

    ``options`` holds command-line values keyed by setting name (``None`` values are ignored);
    relative paths in them and in environment variables are relative to ``cwd`` (default: the
    working directory), paths in the file to the file's directory. ``environment`` (the
    ``--looker-env`` option) wins over ``PYTEST_LOOKER_ENV``. ``environ`` defaults to
    ``os.environ``.
    """
    here = (cwd or Path.cwd()).resolve()
    path = find_pyproject((start or here).resolve())
    table: Mapping[str, Any] = (read_table(path) if path is not None else None) or {}
    env = os.environ if environ is None else environ
    file_label = f"{path} [tool.{SECTION}]" if path is not None else f"[tool.{SECTION}]"
    _check_keys(table, SETTING_KEYS | TOP_LEVEL_KEYS, file_label)
    base = path.parent if path is not None else here
    layers = [Layer(file_label, {k: v for k, v in table.items() if k != "environments"}, base)]

    environments = table.get("environments", {})
    if not isinstance(environments, Mapping) or not all(isinstance(v, Mapping) for v in environments.values()):
        raise ConfigurationError(f"{file_label}: environments must be a table of tables ([...environments.dev])")
    for name, section in environments.items():
        _check_keys(section, SETTING_KEYS, f"{path} [tool.{SECTION}.environments.{name}]")
    chosen = environment or env.get(ENV_VAR_ENVIRONMENT) or None
    if chosen is not None:
        if chosen not in environments:
            known = ", ".join(sorted(environments)) or "none defined"
            source = "--looker-env" if environment else ENV_VAR_ENVIRONMENT
            raise ConfigurationError(f"{source}: unknown environment {chosen!r} (environments: {known})")
        label = f"{path} [tool.{SECTION}.environments.{chosen}]"
        layers.append(Layer(label, environments[chosen], base))

    from_env = {ENV_VARS[name]: value for name, value in env.items() if name in ENV_VARS and value != ""}
    for key, value in from_env.items():
        layers.append(Layer(f"environment variable PYTEST_LOOKER_{key.upper()}", {key: value}, here))
    for key, value in (options or {}).items():
        if value is None or value == () or value == []:
            continue
        if key not in SETTING_KEYS:
            raise ConfigurationError(f"unknown option setting {key!r}")
        layers.append(Layer(f"option --looker-{key.replace('_', '-')}", {key: value}, here))
    return _resolve(layers, path, table, chosen, tuple(sorted(environments)))


def _check_keys(table: Mapping[str, Any], allowed: frozenset[str], label: str) -> None:
    for key, safe in _SECRET_KEYS.items():
        if key in table:
            # Never echo the value: it is the secret we refuse to hold.
            raise ConfigurationError(
                f"{label}: {key} must not be written in a configuration file (it would be committed);"
                f" use {safe} and put the secret in that environment variable, looker.ini or a credentials_command"
            )
    unknown = sorted(set(table) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed))
        raise ConfigurationError(f"{label}: unknown setting(s) {', '.join(unknown)} (known: {known})")


def _resolve(
    layers: Sequence[Layer],
    path: Path | None,
    table: Mapping[str, Any],
    environment: str | None,
    environments: tuple[str, ...],
) -> Settings:
    winner: dict[str, Layer] = {}
    merged: dict[str, dict[str, Any]] = {key: {} for key in _MAPPING_KEYS}
    for layer in layers:
        for key, raw in layer.values.items():
            winner[key] = layer
            if key in _MAPPING_KEYS:
                merged[key].update(_mapping(key, raw, layer))

    def value(key: str) -> tuple[Any, Layer] | None:
        layer = winner.get(key)
        return None if layer is None else (layer.values[key], layer)

    settings: dict[str, Any] = {"source": path, "raw": _frozen(table), "environment": environment}
    settings["environments"] = environments
    for key in ("project", "duckdb", "seeds", "audit_log", "cassette_dir"):
        found = value(key)
        if found is not None:
            settings[key] = _path(key, *found)
    for key in ("url", "base_url", "workspace", "branch"):
        found = value(key)
        if found is not None:
            settings[key] = _string(key, *found)
    if (found := value("dialect")) is not None:
        settings["dialect"] = _dialect("dialect", *found)
    if (found := value("backend")) is not None:
        backend = _string("backend", *found).lower()
        if backend not in BACKENDS:
            raise ConfigurationError(f"{found[1].label}: backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
        settings["backend"] = backend
    if (found := value("timezone")) is not None:
        name = _string("timezone", *found)
        _zone(name, found[1].label)
        settings["timezone"] = name
    if (found := value("now")) is not None:
        settings["now"] = _now(*found, zone=settings.get("timezone"))
    for key in ("check_keys", "include_hidden", "audit"):
        if (found := value(key)) is not None:
            settings[key] = _bool(key, *found)
    if (found := value("audit_webhook")) is not None:
        settings["audit_webhook"] = _webhook(*found)
    if (found := value("audit_webhook_format")) is not None:
        fmt = _string("audit_webhook_format", *found).lower()
        if fmt not in WEBHOOK_FORMATS:
            raise ConfigurationError(
                f"{found[1].label}: audit_webhook_format must be one of {', '.join(WEBHOOK_FORMATS)}, not {fmt!r}"
            )
        settings["audit_webhook_format"] = fmt
    if (found := value("record")) is not None:
        mode = _string("record", *found).lower().replace("-", "_")
        if mode not in RECORD_MODES:
            raise ConfigurationError(f"{found[1].label}: record must be one of {', '.join(RECORD_MODES)}, not {mode!r}")
        settings["record"] = None if mode == "off" else mode
    if (found := value("explores")) is not None:
        settings["explores"] = _selectors(*found)
    if (found := value("dependency_paths")) is not None:
        raw, layer = found
        items = raw.split(os.pathsep) if isinstance(raw, str) else raw
        if not isinstance(items, list | tuple) or not all(isinstance(p, str) for p in items):
            raise ConfigurationError(f"{layer.label}: dependency_paths must be a list of directories")
        settings["dependency_paths"] = tuple((layer.base / p).resolve() for p in items)
    looker: dict[str, Any] = {}
    for key in sorted(LOOKER_KEYS):
        if (found := value(key)) is not None:
            raw, layer = found
            looker[key] = _path(key, raw, layer) if key in _LOOKER_PATH_KEYS else raw
    settings["looker"] = _frozen(looker)
    settings["connections"] = _frozen(merged["connections"])
    settings["user_attributes"] = _frozen(merged["user_attributes"])
    settings["constants"] = _frozen(merged["constants"])
    settings["seed_tables"] = _frozen(merged["seed_tables"])
    return Settings(**settings)


def _mapping(key: str, raw: Any, layer: Layer) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"{layer.label}: {key} must be a table of name = value")
    result: dict[str, Any] = {}
    for name, item in raw.items():
        where = f"{layer.label}: {key}.{name}"
        if key == "connections":
            if not isinstance(item, Mapping):
                raise ConfigurationError(f"{where} must be a table like {{ dialect = 'bigquery', url = '...' }}")
            _check_keys(item, _CONNECTION_KEYS, where)
            dialect = _dialect(f"{key}.{name}.dialect", item["dialect"], layer) if "dialect" in item else None
            url = _string(f"{key}.{name}.url", item["url"], layer) if "url" in item else None
            result[str(name)] = Connection(str(name), dialect, url)
        elif key == "seed_tables":
            result[str(name)] = _path(f"{key}.{name}", item, layer)
        else:
            if isinstance(item, Mapping | list):
                raise ConfigurationError(f"{where} must be a single value, not a {type(item).__name__}")
            result[str(name)] = _text(item)
    return result


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _string(key: str, raw: Any, layer: Layer) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigurationError(f"{layer.label}: {key} must be a non-empty string, not {raw!r}")
    return raw.strip()


def _path(key: str, raw: Any, layer: Layer) -> Path:
    if isinstance(raw, Path):
        return raw.resolve() if raw.is_absolute() else (layer.base / raw).resolve()
    return (layer.base / _string(key, raw, layer)).resolve()


def _webhook(raw: Any, layer: Layer) -> str:
    """An http(s) URL; the message never quotes it, since a webhook URL is often the secret."""
    from urllib.parse import urlsplit

    url = _string("audit_webhook", raw, layer)
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid:
        raise ConfigurationError(f"{layer.label}: audit_webhook must be an http:// or https:// URL")
    return url


def _dialect(key: str, raw: Any, layer: Layer) -> str:
    from pytest_looker.compile.dialects import SUPPORTED_DIALECTS

    name = _string(key, raw, layer).lower()
    if name not in SUPPORTED_DIALECTS:
        raise ConfigurationError(
            f"{layer.label}: {key} {name!r} is not a supported dialect ({', '.join(SUPPORTED_DIALECTS)})"
        )
    return name


def _bool(key: str, raw: Any, layer: Layer) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    raise ConfigurationError(f"{layer.label}: {key} must be true or false, not {raw!r}")


def _selectors(raw: Any, layer: Layer) -> tuple[str, ...]:
    items = raw.replace(",", " ").split() if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple) or not all(isinstance(s, str) for s in items):
        raise ConfigurationError(f"{layer.label}: explores must be a list of model/explore selectors")
    result = tuple(s for chunk in items for s in chunk.replace(",", " ").split())
    for selector in result:
        body = selector.removeprefix("-")
        if body != "*" and "/" not in body:
            raise ConfigurationError(
                f"{layer.label}: explore selector {selector!r} must look like model/explore"
                " (globs and -exclude allowed)"
            )
    return result


def _zone(name: str, label: str = "timezone") -> Any:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(f"{label}: timezone {name!r} is not a known IANA time zone") from None


def _now(raw: Any, layer: Layer, *, zone: str | None) -> datetime:
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, date):
        moment = datetime(raw.year, raw.month, raw.day)
    elif isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ConfigurationError(
                f"{layer.label}: now must be an ISO datetime like 2025-01-01T00:00:00Z, not {raw!r}"
            ) from None
    else:
        raise ConfigurationError(f"{layer.label}: now must be an ISO datetime string, not {raw!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone(zone) if zone else timezone.utc)
    return moment
