"""Who ran the tests: each CI's own identity variables, else the local user — never a token."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from audit_support import log_path, records

from pytest_looker.audit.identity import identify

TOKENS = {
    "GITHUB_TOKEN": "ghp_FAKEfakeFAKEfakeFAKEfake0123456789",
    "BUILDKITE_AGENT_ACCESS_TOKEN": "bk-agent-token-do-not-log",
    "SYSTEM_ACCESSTOKEN": "azure-access-token-do-not-log",
    "CI_JOB_TOKEN": "gitlab-job-token-do-not-log",
    "CIRCLE_TOKEN": "circle-token-do-not-log",
}

CASES = [
    (
        {"GITHUB_ACTIONS": "true", "GITHUB_ACTOR": "octocat", "GITHUB_REPOSITORY": "acme/models",
         "GITHUB_RUN_ID": "42", "GITHUB_SHA": "abc", "GITHUB_WORKFLOW": "ci"},
        "github-actions", "octocat", "https://github.com/acme/models/actions/runs/42",
    ),
    (
        {"GITLAB_CI": "true", "GITLAB_USER_LOGIN": "tanuki", "CI_JOB_URL": "https://gitlab.example.com/j/7",
         "CI_PIPELINE_ID": "7"},
        "gitlab-ci", "tanuki", "https://gitlab.example.com/j/7",
    ),
    (
        {"CIRCLECI": "true", "CIRCLE_USERNAME": "circler", "CIRCLE_BUILD_URL": "https://circleci.com/b/9"},
        "circleci", "circler", "https://circleci.com/b/9",
    ),
    (
        {"JENKINS_URL": "https://jenkins.example.com/", "BUILD_USER_ID": "jenkins-user",
         "BUILD_URL": "https://jenkins.example.com/job/x/3/"},
        "jenkins", "jenkins-user", "https://jenkins.example.com/job/x/3/",
    ),
    (
        {"BUILDKITE": "true", "BUILDKITE_BUILD_CREATOR_EMAIL": "kite@example.com",
         "BUILDKITE_BUILD_URL": "https://buildkite.com/acme/b/5"},
        "buildkite", "kite@example.com", "https://buildkite.com/acme/b/5",
    ),
    (
        {"TF_BUILD": "True", "BUILD_REQUESTEDFOREMAIL": "az@example.com", "SYSTEM_TEAMPROJECT": "proj",
         "BUILD_BUILDID": "11", "SYSTEM_COLLECTIONURI": "https://dev.azure.com/acme/"},
        "azure-pipelines", "az@example.com", "https://dev.azure.com/acme/proj/_build/results?buildId=11",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("env", "source", "user", "url"), CASES, ids=[c[1] for c in CASES])
def test_ci_identity_from_its_variables(env: dict[str, str], source: str, user: str, url: str) -> None:
    who = identify({**env, **TOKENS, "USER": "local-person"})
    assert (who["source"], who["user"], who["ci"]["url"]) == (source, user, url)
    text = json.dumps(who)
    assert not any(token in text for token in TOKENS.values())


def test_local_user_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "local-person")
    monkeypatch.setenv("LOGNAME", "local-person")
    who = identify({"PATH": "/usr/bin"})
    assert who["source"] == "local" and who["ci"] == {} and who["host"]
    assert identify({"CI": "true"})["source"] == "ci"


def test_a_ci_run_records_its_identity(
    project: Callable[..., Path], run: Callable[..., pytest.RunResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project()
    for name, value in {**CASES[0][0], **TOKENS}.items():
        monkeypatch.setenv(name, value)
    run("-k", "order_count_is_four")
    who = records(log_path(root))[0]["who"]
    assert who["source"] == "github-actions" and who["user"] == "octocat" and who["ci"]["run_id"] == "42"
    raw = log_path(root).read_bytes()
    assert not any(token.encode() in raw for token in TOKENS.values())
