"""``pytest-looker serve``: run the Looker API emulator in the foreground.

Credentials come from ``--client-id``/``--client-secret`` or ``PYTEST_LOOKER_SERVE_CLIENT_ID``
/ ``PYTEST_LOOKER_SERVE_CLIENT_SECRET`` (the environment keeps the secret out of ``ps``); both
are required, there is no default a forgotten emulator could be opened with. The secret is
never printed. Starlette and uvicorn (the ``serve`` extra) are imported only when the command
runs, so the rest of the CLI works without them.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from pytest_looker.cli.errors import user_errors
from pytest_looker.cli.options import parse_key_values
from pytest_looker.errors import ConfigurationError
from pytest_looker.looker.emulator.settings import SHAPE_PROFILES

ENV_CLIENT_ID = "PYTEST_LOOKER_SERVE_CLIENT_ID"
ENV_CLIENT_SECRET = "PYTEST_LOOKER_SERVE_CLIENT_SECRET"
_RATE = click.FloatRange(0.0, 1.0)


@click.command()
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="LookML project directory (default: [tool.pytest-looker] project, else the current directory).",
)
@click.option(
    "--duckdb",
    "duckdb_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="DuckDB database file the queries run on.",
)
@click.option(
    "--seeds",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Seed directory (<schema>/<table>.csv...) loaded into DuckDB.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=19999, show_default=True)
@click.option("--client-id", envvar=ENV_CLIENT_ID, default=None, help=f"API client id (or ${ENV_CLIENT_ID}).")
@click.option(
    "--client-secret",
    envvar=ENV_CLIENT_SECRET,
    default=None,
    help=f"API client secret (or ${ENV_CLIENT_SECRET}); never printed.",
)
@click.option(
    "--token-lifetime",
    type=click.IntRange(min=1),
    default=3600,
    show_default=True,
    help="expires_in of access tokens, in seconds.",
)
@click.option("--latency-ms", type=click.IntRange(min=0), default=0, help="Delay added to every API request.")
@click.option("--error-rate", type=_RATE, default=0.0, help="Share of API requests answered with a 5xx.")
@click.option("--error-status", type=click.IntRange(500, 599), default=503, show_default=True)
@click.option("--rate-limit-rate", type=_RATE, default=0.0, help="Share answered 429 with Retry-After.")
@click.option(
    "--retry-after",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Retry-After seconds of injected 429s.",
)
@click.option("--drop-rate", type=_RATE, default=0.0, help="Share of connections closed without an answer.")
@click.option("--max-faults", type=click.IntRange(min=0), default=None, help="Stop injecting after this many faults.")
@click.option(
    "--fault-path",
    "fault_paths",
    multiple=True,
    metavar="PREFIX",
    help="Only inject faults on paths starting with PREFIX (repeatable).",
)
@click.option("--query-delay-ms", type=click.IntRange(min=0), default=0, help="Time each query task stays running.")
@click.option(
    "--user-attribute",
    "user_attributes",
    multiple=True,
    metavar="NAME=VALUE",
    help="A user attribute of the API user (repeatable; over [tool.pytest-looker] user_attributes).",
)
@click.option(
    "--content",
    "content_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Directory of user-defined Looks and dashboards (JSON/YAML); default: looker-content/ in the project.",
)
@click.option(
    "--shape-profile",
    type=click.Choice(SHAPE_PROFILES),
    default="full",
    show_default=True,
    help="json_detail/json_bi error shapes of a Looker release: full, string-error or null-sql.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the fault RNG (reproducible faults).")
@click.option("--quiet", is_flag=True, help="Do not log requests.")
@user_errors
def serve(
    project_dir: Path | None,
    duckdb_file: Path | None,
    seeds: Path | None,
    host: str,
    port: int,
    client_id: str | None,
    client_secret: str | None,
    token_lifetime: int,
    latency_ms: int,
    error_rate: float,
    error_status: int,
    rate_limit_rate: float,
    retry_after: int,
    drop_rate: float,
    max_faults: int | None,
    fault_paths: tuple[str, ...],
    query_delay_ms: int,
    user_attributes: tuple[str, ...],
    content_dir: Path | None,
    shape_profile: str,
    seed: int,
    quiet: bool,
) -> None:
    """Serve a local emulator of the Looker API 4.0 for the project (for looker-sdk and tests).

    Logins need the configured client id and secret. Queries are compiled by pytest-looker and
    run on DuckDB. Dev-mode branch changes work in a clone: the project directory is never
    switched. The fault options make the emulator slow, rate-limited or flaky on purpose.
    GET /__emulator/stats (not part of Looker's API) counts logins and requests.
    """
    if not client_id or not client_secret:
        raise click.UsageError(
            "the emulator needs credentials: --client-id and --client-secret"
            f" (or {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET})"
        )
    from pytest_looker.looker.emulator.server import make_server, served_project_id
    from pytest_looker.looker.emulator.settings import EmulatorSettings, Faults, parse_paths

    faults = Faults(
        latency_ms=latency_ms,
        error_rate=error_rate,
        error_status=error_status,
        rate_limit_rate=rate_limit_rate,
        retry_after=retry_after,
        drop_rate=drop_rate,
        max_faults=max_faults,
        paths=parse_paths(fault_paths),
        token_lifetime=token_lifetime,
        query_delay_ms=query_delay_ms,
        seed=seed,
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stderr)
    directory = project_dir or _configured_project() or Path.cwd()
    if not directory.is_dir():
        raise ConfigurationError(f"project directory {str(directory)!r} does not exist")
    settings = EmulatorSettings(
        project=directory,
        client_id=client_id,
        client_secret=client_secret,
        duckdb=duckdb_file,
        seeds=seeds,
        faults=faults,
        user_attributes=parse_key_values(user_attributes, "--user-attribute"),
        log_requests=not quiet,
        content=content_dir,
        shape_profile=shape_profile,
    )
    server = make_server(settings, host, port, log_level="warning")
    click.echo(
        f"Looker API emulator for project {served_project_id(server)!r} ({directory})"
        f" on http://{host}:{port} (Ctrl-C to stop)",
        err=True,
    )
    server.run()
    if not server.started:
        sys.exit(1)  # uvicorn has logged why (e.g. the port is in use)


def _configured_project() -> Path | None:
    from pytest_looker.settings import load_settings

    return load_settings().project
