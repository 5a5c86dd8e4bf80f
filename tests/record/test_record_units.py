"""Record internals: exact value round-trip, secret-free keys, the cassette store, settings."""

from __future__ import annotations

import math
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from pytest_looker.compile import Query
from pytest_looker.errors import ConfigurationError
from pytest_looker.record.cassette import Entry, load_cassette, merge_into
from pytest_looker.record.keys import entry_key, normalise_query
from pytest_looker.record.values import column_type, decode_value, encode_value
from pytest_looker.run.runner import open_runner
from pytest_looker.settings import LookerSettings, Settings, load_settings

VALUES = [
    Decimal("1.50"),
    date(2024, 2, 29),
    datetime(2024, 1, 2, 3, 4, 5, 6),
    datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
    time(12, 30, 1),
    timedelta(days=-1, seconds=5, microseconds=7),
    uuid.UUID(int=7),
    b"\x00bytes",
    float("inf"),
    [Decimal("2"), None, {"nested": date(2020, 1, 1)}],
    "2024-01-01",
    "yes",
    True,
    3,
    0.1,
    None,
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_values_round_trip_exactly_through_yaml(value: object) -> None:
    stored = yaml.safe_load(yaml.safe_dump({"v": encode_value(value)}))["v"]
    back = decode_value(stored)
    assert back == value and type(back) is type(value)
    declared = column_type([value])
    if declared is not None:
        plain = yaml.safe_load(yaml.safe_dump({"v": encode_value(value, declared)}))["v"]
        assert isinstance(plain, str) and decode_value(plain, declared) == value


def test_nan_is_tagged_and_mixed_columns_are_not_declared() -> None:
    assert math.isnan(decode_value(encode_value(float("nan"))))
    assert column_type([Decimal(1), date(2020, 1, 1)]) is None
    assert column_type([None, Decimal(1)]) == "decimal"


def backend_identity(settings: Settings) -> dict[str, object]:
    return open_runner(settings, lambda: pytest.fail("nothing is loaded")).describe()


def test_backend_identity_holds_no_secret_path_or_port() -> None:
    settings = Settings(backend="sqlalchemy", url="postgresql://alice:pw-SECRET-42@db.example.com:5433/analytics")
    identity = backend_identity(settings)
    assert identity == {"kind": "sqlalchemy", "dialect": "postgres", "host": "db.example.com", "database": "analytics"}
    looker = backend_identity(
        Settings(backend="looker", looker=LookerSettings(base_url="https://acme.looker.com:19999"))
    )
    assert looker == {"kind": "looker", "host": "acme.looker.com"}
    duck = backend_identity(Settings(duckdb=Path("/somewhere/private/warehouse.duckdb")))
    assert duck == {"kind": "duckdb", "dialect": "duckdb", "database": "warehouse.duckdb"}


def test_key_depends_on_what_changes_the_answer_only() -> None:
    backend = {"kind": "duckdb"}
    a = normalise_query(Query("m", "e", fields=["v.a"], filters={"v.b": "1", "v.a": "x"}))
    b = normalise_query(Query("m", "e", fields=["v.a"], filters={"v.a": "x", "v.b": "1"}))
    c = normalise_query(Query("m", "e", fields=["v.a"], filters={"v.a": "x"}))
    assert entry_key(a, backend) == entry_key(b, backend) != entry_key(c, backend)
    assert entry_key(a, backend) != entry_key(a, {"kind": "looker"})


def _entry(key: str) -> Entry:
    return Entry(key, {"model": "m", "explore": "e"}, {"kind": "duckdb"}, None, ["v.a"], [[1]], "t")


def test_merge_keeps_other_writers_entries_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "cassettes" / "test_x.yaml"
    merge_into(path, [_entry("a")], created_at="2025-01-01T00:00:00+00:00")
    merge_into(path, [_entry("b")], created_at="2099-01-01T00:00:00+00:00")
    book = load_cassette(path)
    assert sorted(book.entries) == ["a", "b"] and book.created_at == "2025-01-01T00:00:00+00:00"
    assert sorted(p.name for p in path.parent.iterdir()) == [".test_x.yaml.lock", "test_x.yaml"]


def test_record_setting_is_validated_like_the_others(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pytest-looker]\nrecord = "sometimes"\n')
    with pytest.raises(ConfigurationError, match="record must be one of off, none, once, new_episodes, all"):
        load_settings(tmp_path, environ={}, cwd=tmp_path)
    settings = load_settings(tmp_path, environ={"PYTEST_LOOKER_RECORD": "new-episodes"}, cwd=tmp_path)
    assert settings.record.mode == "new_episodes"
    assert load_settings(tmp_path, environ={}, options={"record": "off"}, cwd=tmp_path).record.mode is None
