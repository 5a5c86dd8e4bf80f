"""Git branch endpoints through the looker-sdk, over a temporary git checkout of a small project."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

looker_sdk = pytest.importorskip("looker_sdk")
pytest.importorskip("uvicorn")

from looker_sdk import error as sdk_error  # noqa: E402
from looker_sdk import models40 as models  # noqa: E402

from pytest_looker.looker.emulator.testing import running_emulator  # noqa: E402

MODEL = 'connection: "warehouse"\ninclude: "/views/*.view.lkml"\nexplore: items {}\n'
VIEW = (
    "view: items {\n  sql_table_name: main.items ;;\n"
    "  dimension: id {\n    type: number\n    sql: ${TABLE}.id ;;\n  }\n}\n"
)
NEW_FIELD = "view: +items {\n  dimension: double_id {\n    type: number\n    sql: ${id} * 2 ;;\n  }\n}\n"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t.invalid"}  # fmt: skip


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, env={**os.environ, **GIT_ENV}
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("emulator-git")
    root = base / "shop"
    (root / "views").mkdir(parents=True)
    (root / "manifest.lkml").write_text('project_name: "shop"\nlocal_dependency: { project: "shared_views" }\n')
    (root / "shop.model.lkml").write_text(MODEL)
    (root / "views" / "items.view.lkml").write_text(VIEW)
    git(root, "init", "--quiet", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "base")
    git(root, "checkout", "--quiet", "-b", "feature")
    (root / "views" / "more.view.lkml").write_text(NEW_FIELD)
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "add double_id")
    git(root, "checkout", "--quiet", "main")
    database = base / "shop.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("CREATE TABLE main.items AS SELECT * FROM range(1, 4) t(id)")
    return root, database


@pytest.fixture(scope="module")
def sdk(
    repo: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[looker_sdk.methods40.Looker40SDK]:
    root, database = repo
    with running_emulator(root, duckdb=database, client_id="git-id", client_secret="git-secret") as url:
        ini = tmp_path_factory.mktemp("git-sdk") / "looker.ini"
        ini.write_text(f"[Looker]\nbase_url={url}\nclient_id=git-id\nclient_secret=git-secret\n")
        with pytest.MonkeyPatch.context() as patch:
            for name in ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET"):
                patch.delenv(f"LOOKERSDK_{name}", raising=False)
            yield looker_sdk.init40(config_file=str(ini))


def dimension_names(sdk: looker_sdk.methods40.Looker40SDK) -> set[str]:
    return {f.name for f in sdk.lookml_model_explore("shop", "items").fields.dimensions}


def test_branches_in_production_and_dev(sdk: looker_sdk.methods40.Looker40SDK, repo: tuple[Path, Path]) -> None:
    root, _ = repo
    main_sha = git(root, "rev-parse", "main")
    production = sdk.git_branch("shop")
    assert (production.name, production.is_production, production.ref) == ("main", True, main_sha)
    assert {b.name for b in sdk.all_git_branches("shop")} == {"main", "feature"}
    assert sdk.find_git_branch("shop", "feature").ref == git(root, "rev-parse", "feature")
    with pytest.raises(sdk_error.SDKError, match="dev workspace"):
        sdk.update_git_branch("shop", models.WriteGitBranch(name="feature"))

    sdk.update_session(models.WriteApiSession(workspace_id="dev"))
    try:
        assert "items.double_id" not in dimension_names(sdk)
        checked_out = sdk.update_git_branch("shop", models.WriteGitBranch(name="feature"))
        assert checked_out.name == "feature" and sdk.git_branch("shop").name == "feature"
        assert "items.double_id" in dimension_names(sdk)  # dev reads the branch...
        assert git(root, "branch", "--show-current") == "main"  # ...in a clone: the project directory never moves

        created = sdk.create_git_branch("shop", models.WriteGitBranch(name="tmp/at-main", ref=main_sha))
        assert (created.name, created.ref, created.is_production) == ("tmp/at-main", main_sha, False)
        assert sdk.git_branch("shop").name == "tmp/at-main"
        assert "items.double_id" not in dimension_names(sdk)
        with pytest.raises(sdk_error.SDKError, match="already exists"):
            sdk.create_git_branch("shop", models.WriteGitBranch(name="tmp/at-main"))
        with pytest.raises(sdk_error.SDKError, match="checked-out"):
            sdk.delete_git_branch("shop", "tmp/at-main")

        sdk.update_git_branch("shop", models.WriteGitBranch(name="main"))
        sdk.delete_git_branch("shop", "tmp/at-main")
        assert {b.name for b in sdk.all_git_branches("shop")} == {"main", "feature"}
        with pytest.raises(sdk_error.SDKError, match="production branch"):
            sdk.delete_git_branch("shop", "main")
        with pytest.raises(sdk_error.SDKError):
            sdk.find_git_branch("shop", "tmp/at-main")
        with pytest.raises(sdk_error.SDKError, match="invalid branch name"):
            sdk.create_git_branch("shop", models.WriteGitBranch(name="--upload-pack=x"))
    finally:
        sdk.update_session(models.WriteApiSession(workspace_id="production"))


def test_put_with_ref_resets_the_branch(sdk: looker_sdk.methods40.Looker40SDK, repo: tuple[Path, Path]) -> None:
    root, _ = repo
    main_sha = git(root, "rev-parse", "main")
    sdk.update_session(models.WriteApiSession(workspace_id="dev"))
    try:
        sdk.create_git_branch("shop", models.WriteGitBranch(name="scratch", ref="feature"))
        reset = sdk.update_git_branch("shop", models.WriteGitBranch(name="scratch", ref=main_sha))
        assert reset.ref == main_sha and sdk.git_branch("shop").ref == main_sha
        sdk.update_git_branch("shop", models.WriteGitBranch(name="main"))
        sdk.delete_git_branch("shop", "scratch")
        assert "scratch" not in git(root, "branch", "--list")  # branches made in dev stay in dev
    finally:
        sdk.update_session(models.WriteApiSession(workspace_id="production"))


def test_origin_refs_resolve_as_on_a_real_instance(
    sdk: looker_sdk.methods40.Looker40SDK, repo: tuple[Path, Path]
) -> None:
    """Spectacles' temporary branches: POST a name, then PUT it with ``ref: origin/<branch>``."""
    root, _ = repo
    sdk.update_session(models.WriteApiSession(workspace_id="dev"))
    try:
        sdk.create_git_branch("shop", models.WriteGitBranch(name="tmp_spectacles_x"))
        reset = sdk.update_git_branch("shop", models.WriteGitBranch(name="tmp_spectacles_x", ref="origin/feature"))
        assert reset.ref == git(root, "rev-parse", "feature") and "items.double_id" in dimension_names(sdk)
        short = git(root, "rev-parse", "--short", "main")
        created = sdk.create_git_branch("shop", models.WriteGitBranch(name="tmp_at_sha", ref=short))
        assert created.ref == git(root, "rev-parse", "main")
        with pytest.raises(sdk_error.SDKError, match="does not exist"):
            sdk.update_git_branch("shop", models.WriteGitBranch(name="tmp_at_sha", ref="origin/nope"))
        sdk.update_git_branch("shop", models.WriteGitBranch(name="main"))
        for name in ("tmp_spectacles_x", "tmp_at_sha"):
            sdk.delete_git_branch("shop", name)
    finally:
        sdk.update_session(models.WriteApiSession(workspace_id="production"))


def test_production_never_sees_the_dev_branch(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    """A dev checkout (a Spectacles run, a crash on a temp branch) changes nothing production serves."""
    sdk.update_session(models.WriteApiSession(workspace_id="dev"))
    try:
        sdk.update_git_branch("shop", models.WriteGitBranch(name="feature"))
        assert "items.double_id" in dimension_names(sdk)
        sdk.update_session(models.WriteApiSession(workspace_id="production"))
        assert "items.double_id" not in dimension_names(sdk)
        assert sdk.git_branch("shop").name == "main"
        with pytest.raises(sdk_error.SDKError):
            sdk.run_inline_query("sql", models.WriteQuery(model="shop", view="items", fields=["items.double_id"]))
    finally:
        sdk.update_session(models.WriteApiSession(workspace_id="dev"))
        sdk.update_git_branch("shop", models.WriteGitBranch(name="main"))
        sdk.update_session(models.WriteApiSession(workspace_id="production"))


def test_reset_to_production_and_new_commits_in_the_project(
    sdk: looker_sdk.methods40.Looker40SDK, repo: tuple[Path, Path]
) -> None:
    root, _ = repo
    sdk.update_session(models.WriteApiSession(workspace_id="dev"))
    try:
        sdk.update_git_branch("shop", models.WriteGitBranch(name="feature"))
        sdk.reset_project_to_production("shop")
        assert sdk.git_branch("shop").ref == git(root, "rev-parse", "main")
        assert "items.double_id" not in dimension_names(sdk)
        sdk.reset_project_to_remote("shop")  # back to the project directory's feature branch
        assert "items.double_id" in dimension_names(sdk)
        sdk.update_git_branch("shop", models.WriteGitBranch(name="main"))
    finally:
        sdk.update_session(models.WriteApiSession(workspace_id="production"))


def test_a_project_that_is_not_a_repository_has_a_read_only_production_branch(
    tmp_path: Path, repo: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, database = repo
    for name in ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET"):
        monkeypatch.delenv(f"LOOKERSDK_{name}", raising=False)
    plain = tmp_path / "shop"
    subprocess.run(["git", "-C", str(root), "archive", "--output", str(tmp_path / "a.tar"), "main"], check=True)
    plain.mkdir()
    subprocess.run(["tar", "-xf", str(tmp_path / "a.tar"), "-C", str(plain)], check=True)
    with running_emulator(plain, duckdb=database, client_id="i", client_secret="s") as url:
        ini = tmp_path / "looker.ini"
        ini.write_text(f"[Looker]\nbase_url={url}\nclient_id=i\nclient_secret=s\n")
        sdk = looker_sdk.init40(config_file=str(ini))
        branch = sdk.git_branch("shop")
        assert branch.name == "main" and branch.is_production and len(branch.ref or "") == 40
        sdk.update_session(models.WriteApiSession(workspace_id="dev"))
        assert sdk.git_branch("shop").ref == branch.ref
        with pytest.raises(sdk_error.SDKError, match="not the top of a git repository"):
            sdk.create_git_branch("shop", models.WriteGitBranch(name="x"))


def test_imported_projects_have_branches_as_names_only(sdk: looker_sdk.methods40.Looker40SDK) -> None:
    """Spectacles makes temporary branches in imported projects in dev mode: accepted, no effect."""
    assert sdk.git_branch("shared_views").name == "main"
    with pytest.raises(sdk_error.SDKError):
        sdk.git_branch("not_imported")
    sdk.update_session(models.WriteApiSession(workspace_id="dev"))
    try:
        sdk.update_git_branch("shop", models.WriteGitBranch(name="feature"))
        sdk.create_git_branch("shared_views", models.WriteGitBranch(name="tmp_spectacles_import"))
        sdk.update_git_branch("shared_views", models.WriteGitBranch(name="tmp_spectacles_import", ref="origin/main"))
        assert sdk.git_branch("shared_views").name == "tmp_spectacles_import"
        assert sdk.git_branch("shop").name == "feature"  # the main project's dev branch did not move
        sdk.update_git_branch("shared_views", models.WriteGitBranch(name="main"))
        sdk.delete_git_branch("shared_views", "tmp_spectacles_import")
        assert [b.name for b in sdk.all_git_branches("shared_views")] == ["main"]
        sdk.update_git_branch("shop", models.WriteGitBranch(name="main"))
    finally:
        sdk.update_session(models.WriteApiSession(workspace_id="production"))
