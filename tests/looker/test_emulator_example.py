"""The example project through the emulator: Looker-shaped answers equal hand-written SQL.

The emulator is started without ``--duckdb``/``--seeds``, so it takes the project's own
``[tool.pytest-looker]`` settings (seeds, clock, time zone), as ``pytest-looker serve`` in the
example directory would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

looker_sdk = pytest.importorskip("looker_sdk")
pytest.importorskip("uvicorn")

from looker_sdk import models40 as models  # noqa: E402

from pytest_looker.looker.emulator.testing import running_emulator  # noqa: E402
from pytest_looker.run import DuckDBBackend  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ecommerce"


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[looker_sdk.methods40.Looker40SDK]:
    with running_emulator(EXAMPLE, client_id="example-id", client_secret="example-secret") as url:
        ini = tmp_path_factory.mktemp("example-sdk") / "looker.ini"
        ini.write_text(f"[Looker]\nbase_url={url}\nclient_id=example-id\nclient_secret=example-secret\n")
        with pytest.MonkeyPatch.context() as patch:
            for name in ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET"):
                patch.delenv(f"LOOKERSDK_{name}", raising=False)
            yield looker_sdk.init40(config_file=str(ini))


def hand_written(sql: str) -> list[tuple[object, ...]]:
    with DuckDBBackend(seeds=EXAMPLE / "seeds") as backend:
        return [tuple(row) for row in backend.execute(sql).rows]


def test_inline_json_equals_hand_written_sql(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    body = models.WriteQuery(
        model="ecommerce",
        view="orders",
        fields=["users.country", "orders.count", "orders.total_amount"],
        filters={"orders.status": "complete"},
        sorts=["users.country"],
        limit="500",
    )
    rows = json.loads(sdk.run_inline_query("json", body))
    expected = hand_written(
        "SELECT u.country, COUNT(DISTINCT o.id), SUM(o.order_total) FROM ecommerce.orders o"
        " LEFT JOIN ecommerce.users u ON o.user_id = u.id WHERE LOWER(o.status) = 'complete'"
        " GROUP BY 1 ORDER BY 1 NULLS LAST"
    )
    got = [(r["users.country"], r["orders.count"], round(r["orders.total_amount"], 2)) for r in rows]
    assert got == [(country, count, round(float(total), 2)) for country, count, total in expected]
    assert len(got) > 1


def test_example_lookml_tests_pass_in_the_emulator(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    results = sdk.run_lookml_test("ecommerce")
    assert results and all(r.success for r in results), [(r.test_name, r.errors) for r in results if not r.success]
    assert sdk.validate_project("ecommerce").errors == []
    assert sdk.content_validation().content_with_errors == []
