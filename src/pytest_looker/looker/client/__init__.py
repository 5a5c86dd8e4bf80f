"""The live Looker backend: looker-sdk with our credentials, token cache, retries and environments.

Needs the ``looker`` extra (``pip install 'pytest-looker[looker]'``). Entry points:

* :func:`open_looker_backend` — settings → a :class:`LookerBackend` (nothing sent yet);
* :class:`LookerEnvironment` — switch to dev mode / a branch / a commit and always restore;
* ``pytest-looker connect | lookml-validate | content-validate`` (:mod:`.cli`).

Modules: ``options`` (typed settings), ``credentials`` (providers), ``policy`` (secret age),
``secrets`` (masking and scrubbing), ``tokens`` (shared cache), ``transport`` (requests session,
retries), ``auth`` (token lifecycle), ``sdk`` (wiring), ``backend``, ``tasks`` (bounded async
queries), ``validation`` (SQL validation in Looker), ``compare`` (``--looker-compare-sql``),
``environments``, ``pytest_support`` (the plugin's side), ``cli``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pytest_looker.errors import ConfigurationError
from pytest_looker.looker.client.backend import LookerBackend
from pytest_looker.looker.client.environments import LookerEnvironment
from pytest_looker.looker.client.errors import (
    CredentialsError,
    LookerAPIError,
    LookerAuthError,
    LookerUnreachableError,
    SecretTooOldError,
)
from pytest_looker.looker.client.sdk import LookerClient, connect_client
from pytest_looker.secrets import Secret
from pytest_looker.settings import Settings

__all__ = [
    "CredentialsError",
    "LookerAPIError",
    "LookerAuthError",
    "LookerBackend",
    "LookerClient",
    "LookerEnvironment",
    "LookerUnreachableError",
    "Secret",
    "SecretTooOldError",
    "connect_client",
    "looker_options",
    "open_looker_backend",
]


def open_looker_backend(
    settings: Settings, *, environ: Mapping[str, str] | None = None, cwd: Path | None = None
) -> LookerBackend:
    """The Looker backend for ``settings`` (its environment's section); credentials are checked now."""
    options = settings.looker
    if (
        options.base_url is None
        and not (environ or os.environ).get("LOOKERSDK_BASE_URL")
        and not (
            options.looker_ini or options.credentials_command or (cwd or Path.cwd()).joinpath("looker.ini").is_file()
        )
    ):
        where = (
            f"[tool.pytest-looker.environments.{settings.environment}]"
            if settings.environment
            else "[tool.pytest-looker]"
        )
        raise ConfigurationError(f"backend 'looker' needs base_url in {where} (the Looker instance's URL)")
    client = connect_client(options, environ=environ, cwd=cwd or (settings.source.parent if settings.source else None))
    return LookerBackend(client, dialect=settings.dialect)
