"""Credential providers (order, errors), options, the Secret type and the secret-age policy."""

from __future__ import annotations

import json
import logging
import pickle
import sys
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

pytest.importorskip("looker_sdk")

from pytest_looker.errors import ConfigurationError
from pytest_looker.looker.client.credentials import resolve_credentials
from pytest_looker.looker.client.errors import CredentialsError, SecretTooOldError
from pytest_looker.looker.client.policy import SecretAgeWarning, check_secret_age
from pytest_looker.secrets import Secret, install_log_filter, scrub
from pytest_looker.settings import LookerSettings, load_settings
from pytest_looker.settings.kinds import normalise_base_url

SECRET = "cred-test-secret-7d41a"


def command(tmp_path: Path, payload: object, code: int = 0, stderr: str = "") -> tuple[str, ...]:
    script = tmp_path / f"creds{len(list(tmp_path.glob('creds*.py')))}.py"
    script.write_text(
        "import sys\n"
        f"sys.stderr.write({stderr!r})\n"
        f"sys.stdout.write({json.dumps(payload) if not isinstance(payload, str) else payload!r})\n"
        f"sys.exit({code})\n"
    )
    return (sys.executable, str(script))


def ini(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "looker.ini"
    path.write_text(text)
    return path


def test_first_provider_wins_in_the_documented_order(tmp_path: Path) -> None:
    path = ini(tmp_path, f"[dev]\nclient_id = ini-id\nclient_secret = {SECRET}-ini\nbase_url = https://x.example\n")
    cmd = command(tmp_path, {"client_id": "cmd-id", "client_secret": SECRET + "-cmd"})
    env = {"MY_SECRET": SECRET, "LOOKERSDK_CLIENT_ID": "env-id", "LOOKERSDK_CLIENT_SECRET": SECRET + "-env"}
    every = LookerSettings(environment="dev", client_secret_env="MY_SECRET", client_id="cfg-id", looker_ini=path,
                          credentials_command=cmd)  # fmt: skip
    assert resolve_credentials(every, env, tmp_path).client_id == "cfg-id"
    no_config = LookerSettings(environment="dev", looker_ini=path, credentials_command=cmd)
    found = resolve_credentials(no_config, env, tmp_path)
    assert (found.client_id, found.source) == ("env-id", "LOOKERSDK_* environment variables")
    found = resolve_credentials(no_config, {}, tmp_path)
    assert (found.client_id, found.client_secret.reveal(), found.base_url) == (
        "ini-id",
        SECRET + "-ini",
        "https://x.example",
    )
    elsewhere = tmp_path / "elsewhere"  # no ./looker.ini there
    elsewhere.mkdir()
    found = resolve_credentials(LookerSettings(environment="dev", credentials_command=cmd), {}, elsewhere)
    assert (found.client_id, found.client_secret.reveal()) == ("cmd-id", SECRET + "-cmd")


def test_looker_ini_in_the_working_directory_is_used_by_environment_section(tmp_path: Path) -> None:
    ini(tmp_path, f"[prod]\nclient_id = p\nclient_secret = {SECRET}\n[dev]\nclient_id = d\nclient_secret = {SECRET}\n")
    assert resolve_credentials(LookerSettings(environment="dev"), {}, tmp_path).client_id == "d"
    assert resolve_credentials(LookerSettings(environment="prod"), {}, tmp_path).client_id == "p"
    with pytest.raises(CredentialsError, match="no Looker API credentials"):
        resolve_credentials(LookerSettings(environment="staging"), {}, tmp_path)  # no section: not ours
    explicit = LookerSettings(environment="staging", looker_ini=Path("looker.ini"))
    with pytest.raises(CredentialsError, match=r"no section \[staging\] \(sections: prod, dev\)"):
        resolve_credentials(explicit, {}, tmp_path)


@pytest.mark.parametrize(
    ("options", "env", "needle"),
    [
        (LookerSettings(client_id="a", client_secret_env="NOPE"), {}, "variable NOPE, which is not set"),
        (LookerSettings(client_secret_env="X"), {"X": SECRET}, "sets client_secret_env but not client_id"),
        (LookerSettings(client_id="a"), {}, "sets client_id but not client_secret_env"),
        (LookerSettings(), {"LOOKERSDK_CLIENT_ID": "a"}, "LOOKERSDK_CLIENT_SECRET is not set"),
        (LookerSettings(), {}, "no Looker API credentials for the Looker settings"),
        (LookerSettings(client_id="pinned"), {"LOOKERSDK_CLIENT_ID": "other", "LOOKERSDK_CLIENT_SECRET": SECRET},
         "pins client_id 'pinned'"),
        (LookerSettings(looker_ini=Path("missing.ini")), {}, "missing.ini does not exist"),
    ],
)  # fmt: skip
def test_provider_errors_are_one_clear_sentence(
    tmp_path: Path, options: LookerSettings, env: dict[str, str], needle: str
) -> None:
    with pytest.raises(CredentialsError) as caught:
        resolve_credentials(options, env, tmp_path)
    assert needle in str(caught.value) and "\n" not in str(caught.value) and SECRET not in str(caught.value)


def test_credentials_command_failures_never_echo_the_secret(tmp_path: Path) -> None:
    cases = [
        (command(tmp_path, "not json " + SECRET), "must print a JSON object"),
        (command(tmp_path, {"client_id": "x"}), "without client_id and client_secret"),
        (command(tmp_path, {}, code=3, stderr=f"denied for {SECRET}\n"), "exited with status 3: denied for ***"),
        (("definitely-not-a-command-pytest-looker",), "was not found on PATH"),
    ]
    Secret(SECRET)  # as if an earlier provider had revealed it
    for cmd, needle in cases:
        with pytest.raises(CredentialsError) as caught:
            resolve_credentials(LookerSettings(credentials_command=cmd), {}, tmp_path)
        assert needle in str(caught.value) and SECRET not in str(caught.value)


def test_secret_age_policy_warns_then_fails(tmp_path: Path) -> None:
    old = (datetime.now(timezone.utc) - timedelta(days=120)).isoformat()
    cmd = command(tmp_path, {"client_id": "x", "client_secret": SECRET, "issued_at": old})
    found = resolve_credentials(LookerSettings(credentials_command=cmd), {}, tmp_path)
    assert found.issued_at is not None
    with pytest.warns(SecretAgeWarning, match="120 days old"):
        age = check_secret_age(found, LookerSettings())
    assert age.status == "old"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_secret_age(found, LookerSettings(secret_max_age_days=200)).status == "ok"
    with pytest.raises(SecretTooOldError, match="past the hard limit of 100 days"):
        check_secret_age(found, LookerSettings(secret_hard_limit_days=100))
    epoch = resolve_credentials(
        LookerSettings(
            credentials_command=command(tmp_path, {"client_id": "x", "client_secret": SECRET, "issued_at": 0})
        ),
        {},
        tmp_path,
    )
    assert epoch.issued_at == datetime(1970, 1, 1, tzinfo=timezone.utc)
    unknown = resolve_credentials(
        LookerSettings(), {"LOOKERSDK_CLIENT_ID": "a", "LOOKERSDK_CLIENT_SECRET": SECRET}, tmp_path
    )
    assert check_secret_age(unknown, LookerSettings()).status == "unknown"


def test_secret_is_masked_everywhere_and_scrubbed_from_logs(caplog: pytest.LogCaptureFixture) -> None:
    secret = Secret("masked-value-123456")
    assert "masked" not in repr(secret) + str(secret) + f"{secret}" + repr([secret]) + repr({"k": secret})
    assert secret.reveal() == "masked-value-123456" and secret == Secret("masked-value-123456")
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    install_log_filter()
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("token is %s", "masked-value-123456")
        try:
            raise RuntimeError("boom masked-value-123456")
        except RuntimeError:
            logging.getLogger("x").exception("failed")
    assert "masked-value-123456" not in caplog.text and "token is ***" in caplog.text
    assert scrub("a masked-value-123456 b") == "a *** b"


def test_settings_refuse_a_plaintext_secret_and_type_the_looker_keys(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest-looker.environments.ci]\nbase_url = "https://x.looker.com"\nclient_secret = "' + SECRET + '"\n'
    )
    with pytest.raises(ConfigurationError) as caught:
        load_settings(tmp_path, environ={}, cwd=tmp_path)
    assert "client_secret must not be written in a configuration file" in str(caught.value)
    assert SECRET not in str(caught.value)
    (tmp_path / "pyproject.toml").write_text(
        "[tool.pytest-looker.environments.ci]\n"
        'base_url = "https://x.looker.com/"\nworkspace = "dev"\ncommit = "abc1234"\nclient_id = "i"\n'
        'client_secret_env = "S"\nlooker_ini = "conf/looker.ini"\nquery_concurrency = 12\n'
        'credentials_command = "vault read -field=secret looker"\nsecret_hard_limit_days = 180\n'
        'headers_env = { "Proxy-Authorization" = "IAP" }\n'
    )
    options = load_settings(tmp_path, environ={}, environment="ci", cwd=tmp_path).looker
    assert options.base_url == "https://x.looker.com" and options.needs_dev_mode and options.commit == "abc1234"
    assert options.looker_ini == tmp_path / "conf" / "looker.ini" and options.query_concurrency == 12
    assert options.credentials_command == ("vault", "read", "-field=secret", "looker")
    assert options.secret_hard_limit_days == 180 and dict(options.headers_env) == {"Proxy-Authorization": "IAP"}


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ("query_concurrency = 40", "query_concurrency must be 1..15"),
        ('branch = "b"\ncommit = "c"', "set branch or commit, not both"),
        ('workspace = "production"\nbranch = "b"', "needs workspace = 'dev'"),
        ('headers = { Authorization = "Bearer x" }', "carries a credential"),
        ("verify_ssl = 3", "verify_ssl must be true or false"),
    ],
)
def test_bad_looker_options_are_configuration_errors(tmp_path: Path, extra: str, needle: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[tool.pytest-looker]\nbase_url = "https://x.looker.com"\n{extra}\n')
    with pytest.raises(ConfigurationError, match=needle):
        load_settings(tmp_path, environ={}, cwd=tmp_path)


def test_base_url_with_a_path_is_refused_and_trailing_slash_dropped() -> None:
    assert normalise_base_url("https://x.looker.com:19999/") == "https://x.looker.com:19999"
    with pytest.raises(ConfigurationError, match="has a path"):
        normalise_base_url("https://x.looker.com/api/4.0")
    with pytest.raises(ConfigurationError, match="must look like"):
        normalise_base_url("x.looker.com")


def test_proxy_ca_bundle_and_secret_headers_configure_the_session(tmp_path: Path) -> None:
    from pytest_looker.looker.client.sdk import connect_client

    bundle = tmp_path / "corp.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    options = LookerSettings(
        base_url="https://x.looker.com", client_id="i", client_secret_env="S", proxy="http://proxy.internal:3128",
        ca_bundle=bundle, headers={"X-Team": "data"}, headers_env={"Proxy-Authorization": "IAP"},
    )  # fmt: skip
    iap = "Bearer iap-id-token-0f9e8d7c"
    client = connect_client(options, environ={"S": SECRET, "IAP": iap}, cache_dir=None)
    session = client.transport.session
    assert session.proxies["https"] == "http://proxy.internal:3128" and session.verify == str(bundle)
    assert session.headers["Proxy-Authorization"] == iap and session.headers["X-Team"] == "data"
    assert scrub(f"header was {iap}") == "header was ***"  # the proxy credential is a secret too
    with pytest.raises(
        ConfigurationError, match="headers_env: Proxy-Authorization should come from IAP, which is not set"
    ):
        connect_client(options, environ={"S": SECRET}, cache_dir=None)
