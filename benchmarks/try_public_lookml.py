"""The whole offline flow over public LookML projects, as a new user runs it, with every failure's cause.

Usage (from the repository root)::

    .venv/bin/python benchmarks/try_public_lookml.py --repos DIR [--workdir DIR] [--only NAME ...]
                                                    [--skip-run] [--json OUT]

``--repos DIR`` holds one git repository per project, named ``<owner>+<name>`` (a bare
repository, a ``repo`` bare directory inside it, or a checkout): the recorded commit of each is
exported into ``--workdir`` (default ``.benchmarks/public``). For each project the script then
does what a user does:

1. writes ``pyproject.toml``: the dialect of each ``connection``, the DuckDB backend with
   ``seeds = "seeds"``, a fixed clock, and the settings the project needs (a user attribute its
   ``sql_table_name`` reads, a constant): each listed below with the reason;
2. ``pytest-looker scaffold data --seeds seeds --force``;
3. ``pytest-looker validate --format json`` (every field, on DuckDB, over the seeds);
4. ``pytest-looker test`` (LookML data tests, SQL validation items, dashboards).

It prints per project: fields, how many validate, failing fields by kind of cause (``lookml``:
the LookML is wrong; ``configuration``/``data``/``translation``/``dependency``: the offline run
is), then every cause with its evidence (summary, where, how many fields). Outputs are kept under
``<workdir>/runs/<name>/``; ``--skip-run`` reprints them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / ".venv" / "bin" / "pytest-looker"
KINDS = ("lookml", "configuration", "data", "translation", "dependency")


@dataclass(frozen=True)
class Spec:
    """One public project: where it comes from and what a user configures for it."""

    name: str
    repo: str
    commit: str
    connections: dict[str, str]
    settings: dict[str, Any] = field(default_factory=dict)
    #: why each setting is there (what the first run says is missing)
    why: str = ""
    #: other repositories exported into the project: (repo, commit, subdirectory, paths)
    extra: tuple[tuple[str, str, str, tuple[str, ...]], ...] = ()
    #: top-level entries of the export to keep (empty: all)
    keep: tuple[str, ...] = ()


#: mozilla/looker-spoke-default imports mozilla/looker-hub as local_dependency "looker-hub"; the
#: hub is large, so a dozen namespaces (and the files they include) are exported.
HUB_NAMESPACES = (
    "accounts_backend", "accounts_frontend", "activity_stream", "ads_backend", "ai_usage", "bigeye", "braze",
    "combined_browser_metrics", "contextual_services", "device_manufacturer_partnerships", "duet", "experimentation",
)  # fmt: skip
HUB_FILES = (
    "firefox_desktop/views/glean_events.view.lkml",
    "firefox_desktop/views/events.view.lkml",
    "firefox_desktop/views/desktop_events_table.view.lkml",
    "firefox_desktop/views/events_unnested_table.view.lkml",
    "firefox_desktop/views/resurrection_week_2_retention_table.view.lkml",
    "firefox_ios/views/ad_activation_performance_table.view.lkml",
)

PROJECTS = (
    Spec("spectacles_demo", "spectacles-ci/demo-looker-repo", "b9271138b5dd71553c91125fa7f56bb17620bdd6",
         {"snowlooker": "snowflake"}),
    Spec("bridge_snowflake", "llooker/bridge_snowflake_lookml", "8b98b6cca19409dc1c433fa25dde17d169556048",
         {"warehouse": "snowflake", "warehouse2": "snowflake"}, {"user_attributes": {"organization": "joes"}},
         why="access_filter and Liquid read _user_attributes['organization']"),
    Spec("snowflake_usage", "looker-open-source/block-snowflake-usage", "350adc7ac38bb03fd0dca065af99e251a57da67b",
         {"block-snowflake-usage": "snowflake"}),
    Spec("bq_thelook", "looker/bq_thelook", "8c5a4d2e158b089e6589963e55b1205f1a50f382",
         {"bigquery_publicdata_standard_sql": "bigquery"}),
    Spec("saas_churn", "ronnie-modus/saas_subscription_and_churn", "4b04bf91d015e223991378d420bba917f2deebe4",
         {"bq_saas_subscription_and_churn": "bigquery"}),
    Spec("ga4_block", "llooker/ga_four_block_dev", "2aa6e08ae34e8d79725a1d2632aa145c591773cf",
         {"looker-demos": "bigquery"}),
    Spec("hubspot", "looker-open-source/block-hubspot-marketing", "999b20ba161e2621f3cac988be424c84d3fa5146",
         {"connection name": "bigquery"}, {"constants": {"CONNECTION_NAME": "connection name"}},
         why="the manifest's CONNECTION_NAME constant is left for the installer to set"),
    Spec("ra_warehouse", "rittmananalytics/ra_data_warehouse_lookml", "24a5fe4f6b7fb841313566dab338fa32e3705d96",
         {"ra_dw_prod": "bigquery"}, {"user_attributes": {"dataset": "analytics"}},
         why="sql_table_name: `{{ _user_attributes['dataset'] }}.x` in 30 views"),
    Spec("looker_hub", "mozilla/looker-spoke-default", "5991d4f055cc29e0a9b6e11828875351287ab5be",
         {"telemetry": "bigquery"}, {"dependency_paths": ["deps"]},
         why="the hub is a local_dependency, exported under deps/",
         extra=(("mozilla/looker-hub", "a84fc7f78d965151ad194ed9ec6ab490a4fafa38", "deps/looker-hub",
                 (*HUB_NAMESPACES, "shared", *HUB_FILES)),),
         keep=(*HUB_NAMESPACES, "shared", "manifest.lkml")),
    Spec("demo_segment", "llooker/demo_segment", "06a14310ec3394db5a7d871602805385b8486fc3",
         {"segment_sources": "redshift"}),
    Spec("redshift_admin", "llooker/blocks_redshift_admin", "a46156b3d1628552cf42cc2b45c1e5cb505586ea",
         {"meta": "redshift"}),
    Spec("alloydb", "looker-open-source/alloydb-observability", "521c88d64f943b24a044f5615fbecdcf16432b5b",
         {"alloydb_connection_name": "postgres"}),
    # Tried first in the session of 2026-12-06 (held out while the fixes above were made).
    Spec("jira", "llooker/jira_block_fivetran", "8a802c346b55c7b87afc2f201e99d0836775b14b",
         {"fivetran_looker_blocks_demo": "redshift"}),
    Spec("square", "looker-open-source/block-square", "f8d48efc27f0dbd47224a92ae900447fbc59cc69",
         {"static_data": "bigquery"},
         why="its views extend those of block-square-config, a local_dependency put in imported_projects/",
         extra=(("looker-open-source/block-square-config", "37bcd77c97f30fe6c0c2f28d8187b22da0ae5c7f",
                 "imported_projects/block-square-config", ()),)),
    Spec("bcgov_snowplow", "bcgov/GDX-Analytics-Looker-Snowplow-Web-Block", "d53a6f0ed13d65d6b544b6566ffdd022e4cdf450",
         {"redshift_pacific_time": "redshift"},
         {"user_attributes": {name: "%" for name in (
             "app_id", "asset_display_url", "asset_theme_id", "exclusion_filter", "healthgateway_type", "node_id",
             "section", "sub_section", "theme", "urlhost", "which_bot")}},
         why="access_filters read 11 user attributes; its cmslite_metadata and cfms_block dependencies are not public"),
    # Tried first in the third session of 2026-12-06: blocks whose manifest constants a user sets on install.
    Spec("zendesk", "looker-open-source/block-zendesk", "23cc2bc2e733c4badfb376d9e4924f84c3cc37e2",
         {"fivetran_looker_blocks_demo": "bigquery"}, {"constants": {"ZENDESK_INSTANCE_DOMAIN": "acme"}},
         why="the manifest's ZENDESK_INSTANCE_DOMAIN is left for the installer to set ('insert here')"),
    Spec("shopify", "looker-open-source/block-shopify", "09c72ed60b4e8d6459359e7985b8de075e1b42c9",
         {"looker_app": "bigquery"}),
    Spec("workspace_audit", "looker-open-source/block-workspace-audit-logs",
         "0fcc36484ba68f2a99970c98f71c3eacec46fd3f", {"bigquery": "bigquery"},
         {"constants": {"WORKSPACE_ANALYTICS_PROJECT_ID": "my-project",
                        "WORKSPACE_ANALYTICS_DATASET_NAME": "workspace_logs",
                        "WORKSPACE_ANALYTICS_PRIMARY_DOMAIN": "example.com",
                        "WORKSPACE_ANALYTICS_SECONDARY_DOMAINS": "example.org"},
          "user_attributes": {"workspace_analytics_organizational_unit": '["example.com"]'}},
         why="the manifest's constants (project, dataset, domains) are override_required; the README's"
             " user attribute workspace_analytics_organizational_unit (a JSON path of OUs) feeds an access_filter"),
    Spec("census", "llooker/data-block-census", "ebfe5e7b4a29cbe6a0c9e02f7f1382a59f0b8e27",
         {"bigquery-public": "bigquery"}),
    Spec("atomfashion", "llooker/atomfashion_bq", "6cf9a3860d1330a7dafe58e0744f14e6acb8d13d",
         {"looker-private-demo": "bigquery"}, {"user_attributes": {"brand": "%", "time_horizon": "5 years"}},
         why="access_filters: products.brand by user attribute brand ('%' sees every brand), created_date by"
             " time_horizon (a date filter)"),
    Spec("cortex_sap", "looker-open-source/block-cortex-sap", "8952aea51116103865ff1860b4a370bb2252aceb",
         {"cortex": "bigquery"},
         {"constants": {"GCP_PROJECT": "my-project", "REPORTING_DATASET": "sap_reporting", "CLIENT": "100"},
          "user_attributes": {"client_id_rep": "100", "locale": "en_US"}},
         why="GCP_PROJECT, REPORTING_DATASET and CLIENT are override_required placeholders ('GCP Project ID');"
             " sql_always_where and the language map read the client_id_rep and locale user attributes"),
    Spec("cortex_salesforce", "looker-open-source/block-cortex-salesforce", "4c35b3482245c861bd5517ee8b1778ade521ea51",
         {"cortex": "bigquery"},
         {"constants": {"CONNECTION_NAME": "cortex", "GCP_PROJECT_ID": "my-project", "SFDC_DATASET": "sfdc"}},
         why="the manifest's constants are override_required placeholders"),
    Spec("campaign_manager", "llooker/block-google-campaign-manager-dts", "7fa755b6056b644a9c42c9216f0149e00d9ee64d",
         {"your_bq_connection_name": "bigquery"}),
    Spec("sa360", "looker-open-source/block-sa360-marketplace", "ac68d01b541ed459a7e186bc90d19d31e5c0d791",
         {"input_connection_name": "bigquery"}),
    Spec("gcs_insights", "looker-open-source/gcs-storage-intelligence-block",
         "eabc2efd5118378d8ce7c3129a40d5257059b1ea",
         {"gcs": "bigquery"},
         {"constants": {"CONNECTION_NAME": "gcs", "PROJECT_ID": "my-project", "BIGQUERY_DATASET": "storage_insights"}},
         why="the manifest's constants are empty and override_required"),
    Spec("ga360", "llooker/ga_360_new", "82eaa1f16ac9e899bfbe148720bd1d322fe8a4eb",
         {"looker-private-demo": "bigquery"}),
    Spec("bq_info_schema", "llooker/bigquery_information_schema_block", "bcaed3f4343432bae31f9a44d475d98ddc85f425",
         {"looker_app_2": "bigquery"},
         {"constants": {"BILLING_PROJECT_ID": "my-billing-project", "RESERVATION_ADMIN_PROJECT": "my-admin-project"}},
         why="BILLING_PROJECT_ID and RESERVATION_ADMIN_PROJECT ship blank (' '): a user sets them to the projects"
             " holding the reservations, which name project.region-us.INFORMATION_SCHEMA.* tables"),
)  # fmt: skip


def git_dir(repos: Path, repo: str) -> Path:
    """The git directory of ``owner/name`` under ``repos`` (bare, ``repo/`` inside, or a checkout)."""
    base = repos / repo.replace("/", "+")
    for candidate in (base / "repo", base / ".git", base):
        if (candidate / "HEAD").is_file():
            return candidate
    raise SystemExit(f"no git repository for {repo} under {repos}")


def export(repos: Path, repo: str, commit: str, target: Path, paths: tuple[str, ...] = ()) -> None:
    """``git archive`` of ``commit`` into ``target`` (paths a mirror lacks are skipped).

    A snapshot may lack its largest files (a 4 MiB map's GeoJSON): ``git archive`` then stops at
    the first missing blob, so the files whose blobs are present are archived instead."""
    target.mkdir(parents=True, exist_ok=True)
    git = ["git", "--git-dir", str(git_dir(repos, repo))]
    archive = subprocess.run([*git, "archive", commit, *paths], capture_output=True, check=False)
    if archive.returncode != 0:
        listed = subprocess.run(
            [*git, "ls-tree", "-r", "--format=%(objectname) %(path)", commit, *paths],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        entries = [line.split(" ", 1) for line in listed.stdout.splitlines() if " " in line]
        check = subprocess.run(
            [*git, "cat-file", "--batch-check"], input="\n".join(o for o, _ in entries) + "\n",
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        found = check.stdout.splitlines()
        present = [path for (_, path), line in zip(entries, found, strict=True) if not line.endswith("missing")]
        archive = subprocess.run([*git, "archive", commit, "--", *present], capture_output=True, check=False)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, capture_output=True, check=False)


def prepare(spec: Spec, repos: Path, directory: Path) -> None:
    if directory.exists():
        shutil.rmtree(directory)
    export(repos, spec.repo, spec.commit, directory)
    if spec.keep:
        for child in directory.iterdir():
            if child.name not in spec.keep and (child.is_dir() or child.suffix in (".lkml", ".yaml", ".yml")):
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    for repo, commit, subdirectory, paths in spec.extra:
        export(repos, repo, commit, directory / subdirectory, paths)


def toml(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    return json.dumps(value)


def configure(spec: Spec, directory: Path) -> None:
    dialects = sorted(set(spec.connections.values()))
    lines = [
        "[tool.pytest-looker]",
        'project = "."',
        f'dialect = "{dialects[0]}"',
        'backend = "duckdb"',
        'seeds = "seeds"',
        'timezone = "UTC"',
        'now = "2025-01-01T00:00:00Z"',
        *(f"{key} = {toml(value)}" for key, value in spec.settings.items()),
    ]
    for connection, dialect in spec.connections.items():
        lines += ["", f"[tool.pytest-looker.connections.{json.dumps(connection)}]", f'dialect = "{dialect}"']
    (directory / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


STEPS = (
    ("scaffold", ["scaffold", "data", "--seeds", "seeds", "--force"]),
    ("validate", ["validate", "--format", "json"]),
    ("test", ["test", "-q", "-p", "no:cacheprovider", "--no-header", "-rN"]),
)


def run_flow(spec: Spec, directory: Path, keep: Path) -> None:
    keep.mkdir(parents=True, exist_ok=True)
    configure(spec, directory)
    for step, args in STEPS:
        started = time.perf_counter()
        done = subprocess.run([str(CLI), *args], cwd=directory, capture_output=True, text=True, check=False)
        (keep / f"{step}.out").write_text(done.stdout, encoding="utf-8")
        (keep / f"{step}.err").write_text(done.stderr, encoding="utf-8")
        print(f"   {step}: exit {done.returncode} in {time.perf_counter() - started:.1f}s", file=sys.stderr)


def summarise(spec: Spec, keep: Path) -> dict[str, Any]:
    """One row: fields, validated, failing fields per kind, the causes, the test summary."""
    try:
        report = json.loads((keep / "validate.out").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        error = (keep / "validate.err").read_text(encoding="utf-8", errors="replace").strip()
        return {"name": spec.name, "aborted": error.splitlines()[-1] if error else "no output", "causes": []}
    by_kind = dict.fromkeys(KINDS, 0)
    for cause in report["causes"]:
        by_kind[cause["kind"]] += cause["fields"]
    tests = (keep / "test.out").read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return {
        "name": spec.name,
        "dialect": "/".join(sorted(set(spec.connections.values()))),
        "explores": report["explores"],
        "fields": report["fields"],
        "failed": report["failed_fields"],
        "by_kind": by_kind,
        "causes": report["causes"],
        "tests": tests[-1] if tests else "",
    }


def print_table(rows: list[dict[str, Any]]) -> None:
    print("| project | dialect | explores | fields | validated | " + " | ".join(KINDS) + " | pytest |")
    print("|---" * (7 + len(KINDS)) + "|")
    totals = {"fields": 0, "failed": 0, **dict.fromkeys(KINDS, 0)}
    for row in rows:
        if "aborted" in row:
            print(f"| {row['name']} | aborted: {row['aborted']} |")
            continue
        ok = row["fields"] - row["failed"]
        share = 100.0 * ok / row["fields"] if row["fields"] else 100.0
        totals["fields"] += row["fields"]
        totals["failed"] += row["failed"]
        for kind in KINDS:
            totals[kind] += row["by_kind"][kind]
        print(
            f"| {row['name']} | {row['dialect']} | {row['explores']} | {row['fields']} | {ok} ({share:.1f}%) | "
            + " | ".join(str(row["by_kind"][k]) for k in KINDS)
            + f" | {row['tests']} |"
        )
    ok = totals["fields"] - totals["failed"]
    share = 100.0 * ok / totals["fields"] if totals["fields"] else 100.0
    print(
        f"| all | | | {totals['fields']} | {ok} ({share:.1f}%) | " + " | ".join(str(totals[k]) for k in KINDS) + " | |"
    )


def print_causes(rows: list[dict[str, Any]]) -> None:
    """Every cause, genuine LookML errors first, with where it is and what it breaks."""
    for row in rows:
        causes = sorted(row["causes"], key=lambda c: (c["kind"] != "lookml", KINDS.index(c["kind"]), -c["fields"]))
        if not causes:
            continue
        print(f"\n### {row['name']}")
        for cause in causes:
            where = ", ".join(cause["locations"][:3]) + (" …" if len(cause["locations"]) > 3 else "")
            print(f"- [{cause['kind']}] {cause['fields']} fields: {cause['summary'][:300]}")
            print(f"    at {where or '?'}" + (f"; fix: {cause['fix']}" if cause["fix"] else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", type=Path, help="directory of <owner>+<name> git repositories")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".benchmarks" / "public")
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--skip-run", action="store_true", help="reprint the outputs of the last run")
    parser.add_argument("--json", type=Path, default=None, help="write the rows as JSON here")
    args = parser.parse_args(argv)
    rows = []
    for spec in PROJECTS:
        if args.only and spec.name not in args.only:
            continue
        directory = args.workdir / spec.name
        keep = args.workdir / "runs" / spec.name
        if not args.skip_run:
            if args.repos is None:
                parser.error("--repos is needed to export the projects (or --skip-run)")
            print(f"== {spec.name}", file=sys.stderr)
            prepare(spec, args.repos, directory)
            run_flow(spec, directory, keep)
        rows.append(summarise(spec, keep))
    print_table(rows)
    print_causes(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
