"""How one raw setting value (TOML, an environment variable, an option) becomes a typed value.

Each kind is a function ``(raw, where, base) -> value``: ``where`` names the key and the layer
it came from for error messages, ``base`` is the directory relative paths are resolved against
(the pyproject's directory for the file, the working directory for variables and options).
Variables and options arrive as strings, so every kind accepts the string form too.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from pytest_looker.errors import ConfigurationError

__all__ = [
    "DIALECTS",
    "Kind",
    "boolean",
    "choice",
    "command",
    "dialect",
    "headers",
    "http_url",
    "iso_datetime",
    "looker_base_url",
    "path",
    "path_list",
    "positive_number",
    "selectors",
    "string",
    "text_table",
    "zone_name",
]

T = TypeVar("T")
Kind = Callable[[Any, str, Path], T]

#: The SQL dialects a LookML connection may be written in (compile/dialects implements each;
#: a test keeps the two lists equal). Kept here so settings need not import the compiler.
DIALECTS = ("duckdb", "bigquery", "snowflake", "redshift", "postgres", "mysql")


def string(raw: Any, where: str, base: Path) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigurationError(f"{where} must be a non-empty string, not {raw!r}")
    return raw.strip()


def path(raw: Any, where: str, base: Path) -> Path:
    if isinstance(raw, Path):
        return raw.resolve() if raw.is_absolute() else (base / raw).resolve()
    return (base / string(raw, where, base)).resolve()


def path_list(raw: Any, where: str, base: Path) -> tuple[Path, ...]:
    items = raw.split(os.pathsep) if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple) or not all(isinstance(p, str) for p in items):
        raise ConfigurationError(f"{where} must be a list of directories")
    return tuple((base / p).resolve() for p in items)


def boolean(raw: Any, where: str, base: Path) -> bool:
    if isinstance(raw, bool):
        return raw
    text = raw.strip().lower() if isinstance(raw, str) else None
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{where} must be true or false, not {raw!r}")


def choice(*allowed: str, aliases: Mapping[str, str] | None = None) -> Kind[str]:
    """One of ``allowed`` (case-insensitive; ``-`` and ``_`` alike)."""

    def parse(raw: Any, where: str, base: Path) -> str:
        value = string(raw, where, base).lower().replace("-", "_")
        value = (aliases or {}).get(value, value)
        if value not in allowed:
            raise ConfigurationError(f"{where} must be one of {', '.join(allowed)}, not {value!r}")
        return value

    return parse


def dialect(raw: Any, where: str, base: Path) -> str:
    name = string(raw, where, base).lower()
    if name not in DIALECTS:
        raise ConfigurationError(f"{where} {name!r} is not a supported dialect ({', '.join(DIALECTS)})")
    return name


def zone_name(raw: Any, where: str, base: Path) -> str:
    name = string(raw, where, base)
    zone(name, where)
    return name


def zone(name: str, where: str = "timezone") -> Any:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(f"{where}: timezone {name!r} is not a known IANA time zone") from None


def iso_datetime(raw: Any, where: str, base: Path) -> datetime:
    """A datetime; naive values get their zone later (the query time zone, else UTC)."""
    if isinstance(raw, datetime):
        return raw
    if isinstance(raw, date):
        return datetime(raw.year, raw.month, raw.day)
    if isinstance(raw, str):
        try:
            return datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
    raise ConfigurationError(f"{where} must be an ISO datetime like 2025-01-01T00:00:00Z, not {raw!r}")


def http_url(raw: Any, where: str, base: Path) -> str:
    """An http(s) URL; the message never quotes it, since a webhook URL is often the secret."""
    from urllib.parse import urlsplit  # only settings that hold a URL need it

    url = string(raw, where, base)
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid:
        raise ConfigurationError(f"{where} must be an http:// or https:// URL")
    return url


def looker_base_url(raw: Any, where: str, base: Path) -> str:
    """``scheme://host[:port]`` without a trailing slash.

    looker-sdk builds ``{base_url}/api/4.0/login``, so a trailing slash produces ``//api`` that
    real Looker answers with an empty 403, and a path is silently dropped for every call but
    login (reference §1.9.1-2): both are refused or fixed here rather than debugged later.
    """
    from urllib.parse import urlsplit

    text = string(raw, where, base).rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"{where} must look like https://mycompany.looker.com, not {raw!r}")
    if parts.path not in ("", "/") or parts.query:
        raise ConfigurationError(
            f"{where} {raw!r} has a path: looker-sdk ignores it for API calls; give only scheme://host[:port]"
        )
    return f"{parts.scheme}://{parts.netloc}"


def positive_number(raw: Any, where: str, base: Path) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ConfigurationError(f"{where} must be a number")
    try:
        number = float(raw)
    except ValueError:
        raise ConfigurationError(f"{where} must be a number, not {raw!r}") from None
    if number <= 0:
        raise ConfigurationError(f"{where} must be positive")
    return number


def positive_int(raw: Any, where: str, base: Path) -> int:
    return int(positive_number(raw, where, base))


def command(raw: Any, where: str, base: Path) -> tuple[str, ...]:
    parts = shlex.split(raw) if isinstance(raw, str) else raw
    if not isinstance(parts, list | tuple) or not parts or not all(isinstance(p, str) and p for p in parts):
        raise ConfigurationError(f"{where} must be a command as a list of strings, e.g. ['gcloud', 'secrets', ...]")
    return tuple(parts)


def headers(raw: Any, where: str, base: Path) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise ConfigurationError(f"{where} must be a table of header = value strings")
    return {str(k): str(v) for k, v in raw.items()}


def text_table(raw: Any, where: str, base: Path) -> dict[str, str]:
    """``name = value`` pairs of single values (numbers and booleans as Looker writes them)."""
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"{where} must be a table of name = value")
    result: dict[str, str] = {}
    for name, item in raw.items():
        if isinstance(item, Mapping | list):
            raise ConfigurationError(f"{where}.{name} must be a single value, not a {type(item).__name__}")
        result[str(name)] = ("yes" if item else "no") if isinstance(item, bool) else str(item)
    return result


def selectors(raw: Any, where: str, base: Path) -> tuple[str, ...]:
    items = raw.replace(",", " ").split() if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple) or not all(isinstance(s, str) for s in items):
        raise ConfigurationError(f"{where} must be a list of model/explore selectors")
    result = tuple(s for chunk in items for s in chunk.replace(",", " ").split())
    for selector in result:
        body = selector.removeprefix("-")
        if body != "*" and "/" not in body:
            raise ConfigurationError(
                f"{where}: explore selector {selector!r} must look like model/explore (globs and -exclude allowed)"
            )
    return result


def normalise_base_url(url: str, where: str = "base_url") -> str:
    """A Looker base URL from anywhere (settings, ``LOOKERSDK_BASE_URL``, looker.ini), checked
    and normalised as :func:`looker_base_url` does for the configuration file."""
    return looker_base_url(url, where, Path.cwd())
