"""Every setting, declared once: its key, type, section, variable, option and help.

This table is the whole configuration surface. ``[tool.pytest-looker]`` keys, environment
sections, ``PYTEST_LOOKER_<KEY>`` variables and the pytest ``--looker-<key>`` options are all
derived from it, so adding a setting is one row here and one field in :mod:`.model`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pytest_looker.errors import ConfigurationError
from pytest_looker.immutable import record
from pytest_looker.settings import kinds
from pytest_looker.settings.kinds import Kind
from pytest_looker.settings.model import MAX_CONCURRENCY, Connection

__all__ = [
    "ANNOTATIONS",
    "BACKENDS",
    "BY_KEY",
    "ENV_VARS",
    "RECORD_MODES",
    "SECRET_KEYS",
    "SETTINGS",
    "WEBHOOK_FORMATS",
    "Setting",
]

#: Backends a configuration may name (``looker`` runs queries through the Looker API and needs
#: the ``looker`` extra, i.e. looker-sdk).
BACKENDS = ("duckdb", "sqlalchemy", "looker")
#: Payload formats of the audit webhook.
WEBHOOK_FORMATS = ("json", "slack")
#: ``annotations`` modes: GitHub Actions workflow commands and job summary when running there.
ANNOTATIONS = ("auto", "github", "off")
#: ``record`` modes (pytest-recording's meaning); ``off`` (the default) runs every query live.
RECORD_MODES = ("off", "none", "once", "new_episodes", "all")


@record
class Setting:
    """One setting. ``section`` ('' for the core, else ``looker``/``audit``/``record``) and
    ``attr`` say where the value lands in :class:`~pytest_looker.settings.model.Settings`.

    ``env``: a ``PYTEST_LOOKER_<KEY>`` variable overrides it. ``option``: pytest gets a
    ``--looker-<key>`` option (``flag``: a switch; ``off_option``: the switch that turns a
    default-on setting off). ``merge``: a table merged key by key across layers.
    """

    key: str
    kind: Kind[Any]
    help: str
    section: str = ""
    attr: str = ""
    env: bool = False
    option: bool = False
    flag: bool = False
    off_option: str | None = None
    merge: bool = False
    metavar: str | None = None

    @property
    def field(self) -> str:
        return self.attr or self.key

    @property
    def option_name(self) -> str:
        return "--looker-" + self.key.replace("_", "-")

    @property
    def env_var(self) -> str:
        return f"PYTEST_LOOKER_{self.key.upper()}"


def _connections(raw: Any, where: str, base: Path) -> dict[str, Connection]:
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"{where} must be a table of name = value")
    result: dict[str, Connection] = {}
    for name, item in raw.items():
        place = f"{where}.{name}"
        if not isinstance(item, Mapping):
            raise ConfigurationError(f"{place} must be a table like {{ dialect = 'bigquery', url = '...' }}")
        unknown = sorted(set(item) - {"dialect", "url"})
        if unknown:
            raise ConfigurationError(f"{place}: unknown setting(s) {', '.join(unknown)} (known: dialect, url)")
        dialect = kinds.dialect(item["dialect"], f"{place}.dialect", base) if "dialect" in item else None
        url = kinds.string(item["url"], f"{place}.url", base) if "url" in item else None
        result[str(name)] = Connection(str(name), dialect, url)
    return result


def _seed_tables(raw: Any, where: str, base: Path) -> dict[str, Path]:
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"{where} must be a table of table name = file")
    return {str(name): kinds.path(item, f"{where}.{name}", base) for name, item in raw.items()}


def _workspace(raw: Any, where: str, base: Path) -> str:
    value = kinds.string(raw, where, base)
    if value not in ("dev", "production"):
        raise ConfigurationError(f"{where} must be 'dev' or 'production', not {value!r}")
    return value


def _concurrency(raw: Any, where: str, base: Path) -> int:
    value = kinds.positive_int(raw, where, base)
    if not 1 <= value <= MAX_CONCURRENCY:
        raise ConfigurationError(f"{where} must be 1..{MAX_CONCURRENCY} (Looker's per-user limit), not {value}")
    return value


def _strict_bool(raw: Any, where: str, base: Path) -> bool:
    if not isinstance(raw, bool):
        raise ConfigurationError(f"{where} must be true or false")
    return raw


_RECORD = kinds.choice(*RECORD_MODES)

SETTINGS: tuple[Setting, ...] = (
    # -- the project and how its SQL runs ------------------------------------------------------
    Setting("project", kinds.path, "LookML project directory.", env=True, option=True, metavar="DIR"),
    Setting(
        "dialect",
        kinds.dialect,
        "Dialect the LookML SQL is written in (default per connection, else duckdb).",
        env=True,
        option=True,
    ),
    Setting("connections", _connections, "LookML connection name → { dialect, url }.", merge=True),
    Setting(
        "backend",
        kinds.choice(*BACKENDS),
        "Backend that runs the queries: duckdb, sqlalchemy or looker (the Looker API).",
        env=True,
        option=True,
    ),
    Setting("duckdb", kinds.path, "DuckDB database file.", env=True, option=True, metavar="FILE"),
    Setting(
        "seeds",
        kinds.path,
        "Directory of <schema>/<table>.csv|parquet|json seed files.",
        env=True,
        option=True,
        metavar="DIR",
    ),
    Setting(
        "seed_tables",
        _seed_tables,
        "Table name → seed file, for names the directory layout cannot express.",
        merge=True,
    ),
    Setting(
        "duckdb_setup",
        kinds.path,
        "SQL file DuckDB runs after seeding: macros standing in for the warehouse's user-defined functions.",
        env=True,
        option=True,
        metavar="FILE",
    ),
    Setting("url", kinds.string, "SQLAlchemy URL of the warehouse (sqlalchemy backend).", env=True, option=True),
    Setting("timezone", kinds.zone_name, "Query time zone (IANA name).", env=True, option=True),
    Setting(
        "database_timezone",
        kinds.zone_name,
        "Zone of the warehouse clock and stored timestamps (Looker's connection Database Time Zone; default UTC).",
        env=True,
        option=True,
    ),
    Setting("now", kinds.iso_datetime, "The clock for relative date filters, an ISO datetime.", env=True, option=True),
    Setting("user_attributes", kinds.text_table, "Looker user attributes the queries run with.", merge=True),
    Setting(
        "parameters",
        kinds.text_table,
        "LookML parameter values (view.parameter = value) for queries that set none, as a user's choice.",
        merge=True,
    ),
    Setting("constants", kinds.text_table, "Override manifest constants.", merge=True),
    Setting("dependency_paths", kinds.path_list, "Where local_dependency projects live."),
    Setting(
        "check_keys",
        kinds.boolean,
        "Check primary keys and join relationships on the data.",
        env=True,
        option=True,
        flag=True,
    ),
    Setting(
        "explores",
        kinds.selectors,
        "Explores to test: model/explore, globs (*), -model/explore excludes. Repeatable.",
        env=True,
        option=True,
        metavar="SELECTOR",
    ),
    Setting(
        "include_hidden",
        kinds.boolean,
        "SQL-validate hidden fields too (the default, as Looker runs them); --looker-ignore-hidden skips them.",
        env=True,
        option=True,
        flag=True,
        off_option="--looker-ignore-hidden",
    ),
    # -- CI --------------------------------------------------------------------------------------
    Setting(
        "annotations",
        kinds.choice(*ANNOTATIONS),
        "Failures as GitHub Actions annotations at the LookML file:line and a job summary: auto (when"
        " GITHUB_ACTIONS is true), github, off.",
        env=True,
        option=True,
    ),
    Setting(
        "summary",
        kinds.path,
        "Write the run's Markdown summary (per-kind table and failures) to this file, for any CI or a PR comment.",
        env=True,
        option=True,
        metavar="FILE",
    ),
    # -- a Looker environment ------------------------------------------------------------------
    Setting("base_url", kinds.looker_base_url, "Looker instance URL.", section="looker"),
    Setting("workspace", _workspace, "Looker workspace: dev or production.", section="looker"),
    Setting("branch", kinds.string, "Git branch to check out in Looker's dev mode.", section="looker"),
    Setting("commit", kinds.string, "Commit to test on a temporary Looker branch.", section="looker"),
    Setting("looker_project", kinds.string, "The Looker project id.", section="looker"),
    Setting("client_id", kinds.string, "API client id (not secret).", section="looker"),
    Setting("client_secret_env", kinds.string, "Environment variable holding the API client secret.", section="looker"),
    Setting("looker_ini", kinds.path, "A looker.ini file with credentials.", section="looker"),
    Setting("looker_ini_section", kinds.string, "The looker.ini section to read.", section="looker"),
    Setting(
        "credentials_command",
        kinds.command,
        "A command printing credentials as JSON (secret manager, OIDC).",
        section="looker",
    ),
    Setting("secret_max_age_days", kinds.positive_number, "Warn when the client secret is older.", section="looker"),
    Setting(
        "secret_hard_limit_days", kinds.positive_number, "Refuse a client secret older than this.", section="looker"
    ),
    Setting("verify_ssl", _strict_bool, "Verify Looker's TLS certificate.", section="looker"),
    Setting("ca_bundle", kinds.path, "CA bundle for Looker's TLS certificate.", section="looker"),
    Setting("proxy", kinds.string, "HTTPS proxy to reach Looker.", section="looker"),
    Setting("timeout", kinds.positive_int, "Seconds before an API call gives up.", section="looker"),
    Setting("headers", kinds.headers, "Extra HTTP headers (no credentials: use headers_env).", section="looker"),
    Setting(
        "headers_env",
        kinds.headers,
        "Extra HTTP headers whose values come from environment variables.",
        section="looker",
    ),
    Setting("query_concurrency", _concurrency, "Looker queries in flight at once (≤ 15).", section="looker"),
    Setting("remote_reset", _strict_bool, "Reset the dev branch to its remote before testing.", section="looker"),
    Setting(
        "native_tests",
        kinds.boolean,
        "With --looker-backend looker: run LookML test: blocks with Looker's own runner.",
        section="looker",
        option=True,
        flag=True,
    ),
    Setting(
        "compare_sql",
        kinds.boolean,
        "With --looker-backend looker: also run Looker's SQL and ours on the warehouse; fail on any difference.",
        section="looker",
        option=True,
        flag=True,
    ),
    # -- the audit trail -----------------------------------------------------------------------
    Setting(
        "audit",
        kinds.boolean,
        "Audit trail of the run: on (default) or off.",
        section="audit",
        attr="enabled",
        env=True,
        option=True,
    ),
    Setting(
        "audit_log",
        kinds.path,
        "Audit log file (default: .pytest-looker/audit.db under the rootdir).",
        section="audit",
        attr="log",
        env=True,
        option=True,
        metavar="FILE",
    ),
    Setting(
        "audit_webhook",
        kinds.http_url,
        "POST the run's summary to this URL after recording it.",
        section="audit",
        attr="webhook",
        env=True,
        option=True,
        metavar="URL",
    ),
    Setting(
        "audit_webhook_format",
        kinds.choice(*WEBHOOK_FORMATS),
        "Webhook payload: json (default) or slack.",
        section="audit",
        attr="webhook_format",
        env=True,
        option=True,
    ),
    # -- record/replay -------------------------------------------------------------------------
    Setting(
        "record",
        _RECORD,
        "Record/replay query results in per-test-file cassettes: none (replay only), once, new_episodes, all;"
        " off (default) runs live.",
        section="record",
        attr="mode",
        env=True,
        option=True,
    ),
    Setting(
        "cassette_dir",
        kinds.path,
        "Directory for cassettes (default: cassettes/ beside each test file).",
        section="record",
        env=True,
        option=True,
        metavar="DIR",
    ),
)

BY_KEY: Mapping[str, Setting] = MappingProxyType({s.key: s for s in SETTINGS})
#: ``PYTEST_LOOKER_<KEY>`` → the setting it overrides (``PYTEST_LOOKER_ENV`` picks the environment).
ENV_VARS: Mapping[str, Setting] = MappingProxyType({s.env_var: s for s in SETTINGS if s.env})
#: Keys that would put a secret in a committed file: refused with a pointer to the safe key.
SECRET_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "client_secret": "client_secret_env = 'NAME_OF_AN_ENVIRONMENT_VARIABLE'",
        "password": "client_secret_env",
    }
)
