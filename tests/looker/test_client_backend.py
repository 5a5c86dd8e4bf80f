"""LookerAPI and LookerRunner against the emulator: queries, Looker's SQL, bounded query tasks, validators,
and environments that always restore the user's branch and workspace."""

from __future__ import annotations

import atexit
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("looker_sdk")
pytest.importorskip("uvicorn")

from client_support import CLIENT_ID, SECRET, dev_branches, git, tiny_project

from pytest_looker.checks.validation import probe_query, validate_explore
from pytest_looker.compile import Query
from pytest_looker.errors import LookerError
from pytest_looker.looker.client.api import LookerAPI
from pytest_looker.looker.client.environments import TEMP_PREFIX, LookerEnvironment, RestoreWarning
from pytest_looker.looker.client.runner import LookerRunner
from pytest_looker.looker.client.sdk import connect_client
from pytest_looker.looker.emulator.settings import Faults
from pytest_looker.looker.emulator.testing import running_emulator
from pytest_looker.lookml import load_project
from pytest_looker.settings import LookerSettings, Settings
from pytest_looker.workspace import Workspace


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root, database = tiny_project(tmp_path_factory.mktemp("backend"))
    faults = Faults(query_delay_ms=150)  # tasks stay "running" a while: concurrency is observable
    with running_emulator(root, duckdb=database, client_id=CLIENT_ID, client_secret=SECRET, faults=faults) as url:
        yield root, url


def backend(url: str, cache: Path, **options: object) -> LookerAPI:
    settings = LookerSettings(base_url=url, client_id=CLIENT_ID, client_secret_env="S", **options)  # type: ignore[arg-type]
    return LookerAPI(connect_client(settings, environ={"S": SECRET}, cache_dir=cache))


def test_queries_run_in_looker_keyed_view_field(shop: tuple[Path, str], tmp_path: Path) -> None:
    looker = backend(shop[1], tmp_path)
    query = Query("shop", "items", fields=["items.id", "items.count"], sorts=["items.id desc"], limit=2)
    result = looker.run_query(query)
    assert result.rows == [{"items.id": 3, "items.count": 1}, {"items.id": 2, "items.count": 1}]
    assert result.columns == ("items.id", "items.count")
    assert "FROM main.items" in looker.sql_for(query) and looker.project_id() == "shop"
    with pytest.raises(LookerError, match=r"Looker could not run the query on shop/items: .*\(HTTP 4\d\d\)"):
        looker.run_query(Query("shop", "items", fields=["items.nope"]))


def test_query_tasks_never_exceed_the_concurrency_bound(shop: tuple[Path, str], tmp_path: Path) -> None:
    looker = backend(shop[1], tmp_path, query_concurrency=3)
    queries = [Query("shop", "items", fields=["items.id"], filters={"items.id": str(i)}) for i in range(1, 8)]
    queries.append(Query("shop", "items", fields=["items.broken"]))
    results = looker.run_queries(queries)
    assert [r.rows for r in results[:3] if not isinstance(r, LookerError)] == [
        [{"items.id": 1}],
        [{"items.id": 2}],
        [{"items.id": 3}],
    ]
    assert isinstance(results[-1], LookerError) and "no_such_column" in results[-1].message.lower()
    assert looker.client.extra["peak_tasks"] == 3


def test_sql_validation_in_looker_bisects_to_the_broken_field(shop: tuple[Path, str], tmp_path: Path) -> None:
    project = load_project(shop[0], cache_dir=None)
    workspace = Workspace(Settings(project=shop[0]), project=project)
    runner = LookerRunner(workspace.settings, lambda: project, api=backend(shop[1], tmp_path))
    explore = project.explore("shop", "items")
    report = validate_explore(workspace, explore, runner=runner)
    assert [(f.field, f.file, f.line) for f in report.failures] == [("items.broken", "views/items.view.lkml", 8)]
    assert report.fields == 3 and report.queries > 1
    assert "no_such_column" in runner.sql(probe_query(workspace, explore, ["items.broken"]))


def test_validators_and_lookml_tests(shop: tuple[Path, str], tmp_path: Path) -> None:
    looker = backend(shop[1], tmp_path)
    assert looker.validate_project().errors is not None
    assert looker.content_validation().content_with_errors == []
    assert looker.run_lookml_tests() == []
    assert looker.me().id == "1" and looker.versions().current_version is not None


def test_a_branch_is_checked_out_and_restored_even_on_failure(shop: tuple[Path, str], tmp_path: Path) -> None:
    root, url = shop
    looker = backend(url, tmp_path, workspace="dev", branch="feature")
    seen: list[tuple[str, str]] = []

    def failing_run() -> None:
        with LookerEnvironment(looker, journal_dir=tmp_path / "j"):
            seen.append((dev_branches(url)[0], looker.workspace()))
            raise RuntimeError("test failure")

    with pytest.raises(RuntimeError, match="test failure"):
        failing_run()
    assert seen == [("feature", "dev")]
    assert dev_branches(url)[0] == "main"
    assert git(root, "rev-parse", "--abbrev-ref", "HEAD") == "main"  # the emulator never moves the project's tree
    assert looker.workspace() == "production" and not list((tmp_path / "j").glob("*.json"))


def test_a_commit_gets_a_temporary_branch_that_is_deleted(shop: tuple[Path, str], tmp_path: Path) -> None:
    root, url = shop
    commit = git(root, "rev-parse", "HEAD")[:10]
    looker = backend(url, tmp_path, workspace="dev", commit=commit)
    with LookerEnvironment(looker, journal_dir=tmp_path / "j") as environment:
        assert environment.state is not None and environment.state.temporary_branch is not None
        assert dev_branches(url)[0].startswith(TEMP_PREFIX)
    current, names = dev_branches(url)
    assert current == "main" and not [n for n in names if n.startswith(TEMP_PREFIX)]


def test_a_killed_run_is_restored_by_the_next_one(shop: tuple[Path, str], tmp_path: Path) -> None:
    _, url = shop
    killed = LookerEnvironment(backend(url, tmp_path, workspace="dev", branch="feature"), journal_dir=tmp_path / "j")
    killed.enter()  # ... and the process dies without restoring (SIGKILL)
    atexit.unregister(killed.restore)
    killed._uninstall_signals()
    assert killed.state is not None
    killed.state.pid = 999_999_999  # a pid that is not alive
    killed._write_journal()
    assert dev_branches(url)[0] == "feature"
    later = LookerEnvironment(backend(url, tmp_path, workspace="dev", branch="feature"), journal_dir=tmp_path / "j")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        later.enter()
    assert any(issubclass(w.category, RestoreWarning) and "interrupted run" in str(w.message) for w in caught)
    assert later.state is not None and later.state.branch == "main"  # the true original, not "feature"
    later.restore()
    assert dev_branches(url)[0] == "main"
