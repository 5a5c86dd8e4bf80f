"""Resolve the settings of a run from their layers, later ones winning (DESIGN.md §4)::

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
from datetime import timezone
from pathlib import Path
from typing import Any

from pytest_looker import immutable
from pytest_looker.errors import ConfigurationError, Location
from pytest_looker.immutable import record
from pytest_looker.settings import kinds
from pytest_looker.settings.model import AuditSettings, LookerSettings, RecordSettings, Settings, frozen
from pytest_looker.settings.table import BY_KEY, ENV_VARS, SECRET_KEYS, SETTINGS

__all__ = ["ENV_VAR_ENVIRONMENT", "SECTION", "find_pyproject", "load_settings", "read_table"]

SECTION = "pytest-looker"
ENV_VAR_ENVIRONMENT = "PYTEST_LOOKER_ENV"
_SECTIONS = {"looker": LookerSettings, "audit": AuditSettings, "record": RecordSettings}


@record
class Layer:
    """One source of settings: its values, a label for error messages and the base for paths."""

    label: str
    values: Mapping[str, Any]
    base: Path


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` that has a ``[tool.pytest-looker]``
    table, else the nearest one at all (its absence of settings is then the answer).

    Skipping files without the table lets a LookML project live inside a Python repository
    whose own ``pyproject.toml`` says nothing about pytest-looker.
    """
    first: Path | None = None
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            first = first or candidate
            if read_table(candidate) is not None:
                return candidate
    return first


def read_table(path: Path) -> Mapping[str, Any] | None:
    """The ``[tool.pytest-looker]`` table of one pyproject.toml (``None`` when it has none)."""
    # Imported here: a run with no pyproject.toml above it (a project checked out alone) reads no TOML.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
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
    """Resolve settings from the pyproject.toml found from ``start``, ``environ`` and ``options``.

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
    _check_keys(table, file_label, top=True)
    base = path.parent if path is not None else here
    layers = [Layer(file_label, {k: v for k, v in table.items() if k != "environments"}, base)]

    environments = table.get("environments", {})
    if not isinstance(environments, Mapping) or not all(isinstance(v, Mapping) for v in environments.values()):
        raise ConfigurationError(f"{file_label}: environments must be a table of tables ([...environments.dev])")
    for name, section in environments.items():
        _check_keys(section, f"{path} [tool.{SECTION}.environments.{name}]", top=False)
    chosen = environment or env.get(ENV_VAR_ENVIRONMENT) or None
    if chosen is not None:
        if chosen not in environments:
            known = ", ".join(sorted(environments)) or "none defined"
            source = "--looker-env" if environment else ENV_VAR_ENVIRONMENT
            raise ConfigurationError(f"{source}: unknown environment {chosen!r} (environments: {known})")
        layers.append(Layer(f"{path} [tool.{SECTION}.environments.{chosen}]", environments[chosen], base))

    for name, value in env.items():
        setting = ENV_VARS.get(name)
        if setting is not None and value != "":
            layers.append(Layer(f"environment variable {name}", {setting.key: value}, here))
    for key, value in (options or {}).items():
        if value is None or value == () or value == []:
            continue
        if key not in BY_KEY:
            raise ConfigurationError(f"unknown option setting {key!r}")
        layers.append(Layer(f"option {BY_KEY[key].option_name}", {key: value}, here))
    return _resolve(layers, path, table, chosen, tuple(sorted(environments)))


def _check_keys(table: Mapping[str, Any], label: str, *, top: bool) -> None:
    for key, safe in SECRET_KEYS.items():
        if key in table:
            # Never echo the value: it is the secret we refuse to hold.
            raise ConfigurationError(
                f"{label}: {key} must not be written in a configuration file (it would be committed);"
                f" use {safe} and put the secret in that environment variable, looker.ini or a credentials_command"
            )
    allowed = set(BY_KEY) | ({"environments"} if top else set())
    unknown = sorted(set(table) - allowed)
    if unknown:
        hints = [f"{key} (did you mean {close}?)" if (close := _closest(key, allowed)) else key for key in unknown]
        raise ConfigurationError(
            f"{label}: unknown setting(s) {', '.join(hints)} (known: {', '.join(sorted(allowed))})"
        )


def _closest(key: str, allowed: set[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
    return found[0] if found else None


def _resolve(
    layers: Sequence[Layer],
    path: Path | None,
    table: Mapping[str, Any],
    environment: str | None,
    environments: tuple[str, ...],
) -> Settings:
    sections: dict[str, dict[str, Any]] = {"": {}, **{name: {} for name in _SECTIONS}}
    for setting in SETTINGS:
        holders = [layer for layer in layers if setting.key in layer.values]
        if not setting.merge:
            holders = holders[-1:]  # only the winning layer's value is read
        if not holders:
            continue
        value: Any = {} if setting.merge else None
        for layer in holders:
            # An option's or variable's label already names the setting; a file's does not.
            named = layer.label.startswith(("option ", "environment variable "))
            where = layer.label if named else f"{layer.label}: {setting.key}"
            parsed = setting.kind(layer.values[setting.key], where, layer.base)
            value = {**value, **parsed} if setting.merge else parsed
        sections[setting.section][setting.field] = frozen(value) if setting.merge else value
    core = sections[""]
    now = core.get("now")
    if now is not None and now.tzinfo is None:
        zone = core.get("timezone")
        core["now"] = now.replace(tzinfo=kinds.zone(zone) if zone else timezone.utc)
    record = sections["record"]
    if record.get("mode") == "off":
        record["mode"] = None
    looker = _check_looker(sections["looker"], environment)
    return Settings(
        source=path,
        raw=frozen(table),
        dialect_set="dialect" in core,
        environment=environment,
        environments=environments,
        looker=looker,
        audit=AuditSettings(**sections["audit"]),
        record=RecordSettings(**sections["record"]),
        **core,
    )


def _check_looker(values: dict[str, Any], environment: str | None) -> LookerSettings:
    where = f"[tool.{SECTION}.environments.{environment}]" if environment else f"[tool.{SECTION}]"
    if values.get("branch") and values.get("commit"):
        raise ConfigurationError(f"{where}: set branch or commit, not both")
    if values.get("workspace") == "production" and (values.get("branch") or values.get("commit")):
        raise ConfigurationError(f"{where}: a branch or commit needs workspace = 'dev'")
    credential = [n for n in values.get("headers", {}) if n.lower() in ("authorization", "proxy-authorization")]
    if credential:
        name = credential[0]
        raise ConfigurationError(
            f"{where} headers: {name} carries a credential; set it with headers_env = {{ {name!r} = 'ENV_VAR' }}"
        )
    return immutable.replace(LookerSettings(**values), environment=environment)
