"""The live Looker backend: looker-sdk with our credentials, token cache, retries and environments.

Needs the ``looker`` extra (``pip install 'pytest-looker[looker]'``). Entry points:

* :class:`~.runner.LookerRunner` — the runner of ``backend = "looker"`` (queries, validation,
  native tests, ``--looker-compare-sql``); :func:`open_looker_api` — settings → a
  :class:`LookerAPI`;
* :class:`LookerEnvironment` — switch to dev mode / a branch / a commit and always restore;
* ``pytest-looker connect | lookml-validate | content-validate`` (:mod:`.cli`).

Modules: ``credentials`` (providers), ``policy`` (secret age), ``tokens`` (shared cache),
``transport`` (requests session, retries), ``auth`` (token lifecycle), ``sdk`` (wiring),
``queries`` (our query as the API's body), ``tasks`` (bounded async queries), ``api`` (the typed
facade), ``compare`` (``--looker-compare-sql``), ``runner``, ``environments``, ``cli``. The
plugin's side is :mod:`pytest_looker.looker.pytest_plugin`.
"""

from __future__ import annotations

from pytest_looker.looker.client.api import LookerAPI
from pytest_looker.looker.client.environments import LookerEnvironment
from pytest_looker.looker.client.errors import (
    CredentialsError,
    LookerAPIError,
    LookerAuthError,
    LookerUnreachableError,
    SecretTooOldError,
)
from pytest_looker.looker.client.runner import LookerRunner, open_looker_api
from pytest_looker.looker.client.sdk import LookerClient, connect_client
from pytest_looker.secrets import Secret

__all__ = [
    "CredentialsError",
    "LookerAPI",
    "LookerAPIError",
    "LookerAuthError",
    "LookerClient",
    "LookerEnvironment",
    "LookerRunner",
    "LookerUnreachableError",
    "Secret",
    "SecretTooOldError",
    "connect_client",
    "open_looker_api",
]
