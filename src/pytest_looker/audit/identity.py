"""Who ran the tests: the CI system's identity of the run, else the local OS user.

Only named, non-secret variables of each CI are read (an allow-list, never a scan of the
environment), because CI environments are full of tokens — GitHub's ``GITHUB_TOKEN``,
Buildkite's agent token, Azure's ``SYSTEM_ACCESSTOKEN`` — that must never reach the log. The
values read are still scrubbed by the caller like everything else.
"""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["identify"]

Env = Mapping[str, str]


def _get(env: Env, *names: str) -> str | None:
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return value
    return None


def _pick(env: Env, fields: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, name in fields.items() if (value := _get(env, name))}


def _github(env: Env) -> dict[str, Any] | None:
    if env.get("GITHUB_ACTIONS") != "true":
        return None
    info = _pick(env, {
        "repository": "GITHUB_REPOSITORY", "workflow": "GITHUB_WORKFLOW", "job": "GITHUB_JOB",
        "run_id": "GITHUB_RUN_ID", "run_attempt": "GITHUB_RUN_ATTEMPT", "event": "GITHUB_EVENT_NAME",
        "ref": "GITHUB_REF", "commit": "GITHUB_SHA", "triggered_by": "GITHUB_TRIGGERING_ACTOR",
    })  # fmt: skip
    server = _get(env, "GITHUB_SERVER_URL") or "https://github.com"
    if "repository" in info and "run_id" in info:
        info["url"] = f"{server}/{info['repository']}/actions/runs/{info['run_id']}"
    return {"system": "github-actions", "user": _get(env, "GITHUB_ACTOR"), **info}


def _gitlab(env: Env) -> dict[str, Any] | None:
    if env.get("GITLAB_CI") != "true":
        return None
    info = _pick(env, {
        "project": "CI_PROJECT_PATH", "pipeline_id": "CI_PIPELINE_ID", "job_id": "CI_JOB_ID",
        "job": "CI_JOB_NAME", "url": "CI_JOB_URL", "ref": "CI_COMMIT_REF_NAME", "commit": "CI_COMMIT_SHA",
        "event": "CI_PIPELINE_SOURCE",
    })  # fmt: skip
    return {"system": "gitlab-ci", "user": _get(env, "GITLAB_USER_LOGIN", "GITLAB_USER_NAME"), **info}


def _circleci(env: Env) -> dict[str, Any] | None:
    if env.get("CIRCLECI") != "true":
        return None
    info = _pick(env, {
        "project": "CIRCLE_PROJECT_REPONAME", "organization": "CIRCLE_PROJECT_USERNAME", "job": "CIRCLE_JOB",
        "build": "CIRCLE_BUILD_NUM", "url": "CIRCLE_BUILD_URL", "ref": "CIRCLE_BRANCH", "commit": "CIRCLE_SHA1",
        "workflow_id": "CIRCLE_WORKFLOW_ID",
    })  # fmt: skip
    return {"system": "circleci", "user": _get(env, "CIRCLE_USERNAME"), **info}


def _jenkins(env: Env) -> dict[str, Any] | None:
    if not (env.get("JENKINS_URL") or env.get("JENKINS_HOME")):
        return None
    info = _pick(env, {
        "job": "JOB_NAME", "build": "BUILD_NUMBER", "url": "BUILD_URL", "ref": "GIT_BRANCH",
        "commit": "GIT_COMMIT", "change": "CHANGE_ID",
    })  # fmt: skip
    # BUILD_USER_ID comes from the "build user vars" plugin; CHANGE_AUTHOR from multibranch PRs.
    return {"system": "jenkins", "user": _get(env, "BUILD_USER_ID", "BUILD_USER", "CHANGE_AUTHOR"), **info}


def _buildkite(env: Env) -> dict[str, Any] | None:
    if env.get("BUILDKITE") != "true":
        return None
    info = _pick(env, {
        "pipeline": "BUILDKITE_PIPELINE_SLUG", "organization": "BUILDKITE_ORGANIZATION_SLUG",
        "build": "BUILDKITE_BUILD_NUMBER", "url": "BUILDKITE_BUILD_URL", "job_id": "BUILDKITE_JOB_ID",
        "ref": "BUILDKITE_BRANCH", "commit": "BUILDKITE_COMMIT", "event": "BUILDKITE_SOURCE",
    })  # fmt: skip
    user = _get(env, "BUILDKITE_BUILD_CREATOR_EMAIL", "BUILDKITE_BUILD_CREATOR", "BUILDKITE_BUILD_AUTHOR")
    return {"system": "buildkite", "user": user, **info}


def _azure(env: Env) -> dict[str, Any] | None:
    if env.get("TF_BUILD", "").lower() != "true":
        return None
    info = _pick(env, {
        "project": "SYSTEM_TEAMPROJECT", "pipeline": "BUILD_DEFINITIONNAME", "build_id": "BUILD_BUILDID",
        "build": "BUILD_BUILDNUMBER", "ref": "BUILD_SOURCEBRANCH", "commit": "BUILD_SOURCEVERSION",
        "event": "BUILD_REASON",
    })  # fmt: skip
    collection = _get(env, "SYSTEM_COLLECTIONURI", "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI")
    if collection and "project" in info and "build_id" in info:
        info["url"] = f"{collection.rstrip('/')}/{info['project']}/_build/results?buildId={info['build_id']}"
    user = _get(env, "BUILD_REQUESTEDFOREMAIL", "BUILD_REQUESTEDFOR")
    return {"system": "azure-pipelines", "user": user, **info}


_DETECTORS: tuple[Callable[[Env], dict[str, Any] | None], ...] = (
    _github, _gitlab, _circleci, _buildkite, _azure, _jenkins,
)  # fmt: skip


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no USER variable and no passwd entry (some containers)
        return "unknown"


def _host() -> str:
    try:
        return socket.gethostname()
    except OSError:
        return "unknown"


def identify(environ: Env | None = None) -> dict[str, Any]:
    """``{"source": "github-actions"|...|"local", "user": ..., "host": ..., "ci": {...}}``.

    In CI the user is the CI's notion of who started the run (actor, pipeline user, build
    creator), falling back to the OS user; the ``ci`` table identifies the run and links to it.
    """
    env = os.environ if environ is None else environ
    host = _host()
    for detect in _DETECTORS:
        found = detect(env)
        if found is not None:
            system = found.pop("system")
            user = found.pop("user") or _local_user()
            return {"source": system, "user": user, "host": host, "ci": found}
    if env.get("CI", "").lower() in ("true", "1", "yes"):
        return {"source": "ci", "user": _local_user(), "host": host, "ci": {}}
    return {"source": "local", "user": _local_user(), "host": host, "ci": {}}
