"""Exports of the log: JSON for programs, a self-contained HTML report for auditors.

The HTML report is evidence that may be archived and opened years later, offline: one file,
inline CSS, no scripts, no external assets, every value escaped. It leads with the chain's
verification status, because a report from a tampered log must say so first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from html import escape

from pytest_looker.audit.chain import Row, Verification
from pytest_looker.audit.summary import Run, coverage, group_runs, summarize

__all__ = ["export_html", "export_json", "select_runs"]

FORMAT = "pytest-looker-audit"


def select_runs(rows: Sequence[Row], run_id: str | None) -> list[Run]:
    """Runs of the log, or the one run whose id is (or starts with) ``run_id``."""
    runs = group_runs(rows)
    if run_id is None:
        return runs
    return [r for r in runs if r.run_id == run_id or r.run_id.startswith(run_id)]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def export_json(rows: Sequence[Row], runs: Sequence[Run], verification: Verification, log: str) -> str:
    """Everything, including each record's exact text and hashes, so the export can be re-verified."""
    chosen = {r.run_id for r in runs}
    document = {
        "format": FORMAT,
        "schema": 1,
        "log": log,
        "exported": _now(),
        "verification": verification.as_dict(),
        "runs": [
            {
                "summary": summarize(run),
                "coverage": coverage(run),
                "run": run.run,
                "items": run.items,
                "deliveries": run.deliveries,
            }
            for run in runs
        ],
        "records": [
            {
                "seq": r.seq,
                "type": r.type,
                "run_id": r.run_id,
                "prev_hash": r.prev_hash,
                "hash": r.hash,
                "hmac": r.hmac,
                "body": r.body,
            }
            for r in rows
            if r.run_id in chosen
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _record(row: Row) -> dict[str, object]:
    return {
        "seq": row.seq,
        "type": row.type,
        "run_id": row.run_id,
        "prev_hash": row.prev_hash,
        "hash": row.hash,
        "hmac": row.hmac,
        "body": row.body,
    }


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;
padding:0 1em;color:#1b1f24}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
h3{margin-top:1.5em}table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#f6f8fa}
pre{background:#f6f8fa;border:1px solid #d0d7de;padding:.7em;overflow-x:auto;white-space:pre-wrap;
word-break:break-word}
.status{padding:.8em 1em;border-radius:6px;font-weight:600}.ok{background:#dafbe1;color:#116329}
.bad{background:#ffebe9;color:#82071e}.muted{color:#57606a}.mono{font-family:ui-monospace,monospace}
.passed{color:#116329}.failed,.error{color:#82071e;font-weight:600}.skipped{color:#57606a}
.failure{border-left:4px solid #cf222e;padding-left:1em;margin:1.2em 0}dl{display:grid;
grid-template-columns:max-content 1fr;gap:.2em 1em}dt{font-weight:600}dd{margin:0}
@media print{pre{white-space:pre-wrap}}
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f'<span class="{_e(k)}">{_e(v)} {_e(k)}</span>' for k, v in counts.items()) or "no items"


def _verification(v: Verification) -> str:
    hmac_note = "HMAC signatures checked" if v.key_used else "HMAC not checked (no key given)"
    if v.ok:
        head = f"Chain verified: intact — {v.records} record(s), {v.signed} signed; {hmac_note}."
        body = f'<p class="mono muted">head {_e(v.head_hash)}</p>'
    else:
        head = f"Chain verification FAILED — first bad record: {v.problems[0].seq or 'log'}; {hmac_note}."
        body = "<ul>" + "".join(f"<li>{_e(p)}</li>" for p in v.problems) + "</ul>"
    notes = "".join(f'<p class="muted">{_e(n)}</p>' for n in v.notes)
    return (
        f'<section id="verification"><div class="status {"ok" if v.ok else "bad"}">{_e(head)}</div>'
        f"{body}{notes}</section>"
    )


def _runs_table(runs: Iterable[Run]) -> str:
    rows = []
    for run in runs:
        s = summarize(run)
        git = s["git"]
        version = f"{git['branch'] or '?'} @ {(git['commit'] or 'unknown')[:12]}{' (dirty)' if git['dirty'] else ''}"
        rows.append(
            f'<tr><td class="mono"><a href="#run-{_e(run.run_id)}">{_e(run.run_id[:12])}</a></td>'
            f"<td>{_e(s['started'])}</td><td>{_e(s['who']['user'])} ({_e(s['who']['source'])})</td>"
            f'<td class="mono">{_e(version)}</td><td>{_e(s["environment"] or "-")}</td>'
            f'<td>{_e(s["backend"]["name"])}</td><td class="{_e(s["outcome"])}">{_e(s["outcome"])}</td>'
            f"<td>{_counts(s['counts'])}</td></tr>"
        )
    head = "<tr><th>Run</th><th>Started</th><th>Who</th><th>Version</th><th>Env</th><th>Backend</th>"
    head += "<th>Outcome</th><th>Items</th></tr>"
    return f'<table id="runs">{head}{"".join(rows)}</table>'


def _run_detail(run: Run) -> str:
    s = summarize(run)
    body = run.run
    who, git, backend = body.get("who") or {}, body.get("git") or {}, body.get("backend") or {}
    ci = who.get("ci") or {}
    facts = [
        ("Run id", run.run_id),
        ("Started / finished", f"{s['started']} → {s['finished']} ({s['duration']} s)"),
        ("Exit status", s["exit_status"]),
        ("Who", f"{who.get('user')} via {who.get('source')} on {who.get('host')}"),
        ("CI run", ci.get("url") or ", ".join(f"{k}={v}" for k, v in sorted(ci.items())) or "-"),
        ("Git", f"commit {git.get('commit') or 'unknown'}, branch {git.get('branch') or '-'}, "
                f"dirty {git.get('dirty') if git.get('dirty') is not None else 'unknown'} ({git.get('status')})"),
        ("LookML", f"{s['lookml']['files']} file(s), digest {s['lookml']['digest']}"),
        ("Environment", s["environment"] or "-"),
        ("Backend", ", ".join(f"{k}={v}" for k, v in backend.items() if v and k != "connections") or "-"),
        ("Records", f"{s['records'][0]}–{s['records'][1]}" if s["records"] else "-"),
    ]  # fmt: skip
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    parts = [f'<section class="run" id="run-{_e(run.run_id)}"><h2>Run {_e(run.run_id)}</h2>']
    parts.append(f'<p class="{_e(s["outcome"])}">Outcome: {_e(s["outcome"])} — {_counts(s["counts"])}</p>')
    parts.append(f"<dl>{dl}</dl>")
    parts.append(_coverage_table(run))
    parts.append(_failures(run))
    for d in run.deliveries:
        state = "delivered" if d.get("ok") else "FAILED"
        parts.append(
            f'<p class="muted">Webhook ({_e(d.get("format"))}) to {_e(d.get("host"))}: {_e(state)} after '
            f"{_e(d.get('attempts'))} attempt(s){': ' + _e(d.get('error')) if d.get('error') else ''}</p>"
        )
    files = (body.get("lookml") or {}).get("files") or {}
    rows = "".join(f'<tr><td class="mono">{_e(p)}</td><td class="mono">{_e(h)}</td></tr>' for p, h in files.items())
    parts.append(
        f"<details><summary>LookML file hashes ({len(files)})</summary>"
        f"<table><tr><th>File</th><th>sha256</th></tr>{rows}</table></details></section>"
    )
    return "".join(parts)


def _coverage_table(run: Run) -> str:
    rows = []
    for c in coverage(run):
        kinds = ", ".join(f"{k} ×{n}" for k, n in c["kinds"].items()) or "not tested"
        cls = "" if c["covered"] else ' class="skipped"'
        rows.append(
            f"<tr{cls}><td>{_e(c['model'])}</td><td>{_e(c['explore'])}</td><td>{_e(kinds)}</td>"
            f"<td>{_counts(c['outcomes']) if c['covered'] else '-'}</td></tr>"
        )
    if not rows:
        return '<h3>Coverage</h3><p class="muted">No LookML items in this run.</p>'
    head = "<tr><th>Model</th><th>Explore</th><th>Checks</th><th>Outcomes</th></tr>"
    return f'<h3>Coverage per model and explore</h3><table class="coverage">{head}{"".join(rows)}</table>'


def _failures(run: Run) -> str:
    failures = run.failures
    if not failures:
        return '<h3>Failures</h3><p class="passed">None.</p>'
    parts = [f"<h3>Failures ({len(failures)})</h3>"]
    for item in failures:
        hashes = item.get("sql_hashes") or []
        parts.append(
            f'<div class="failure"><h4 class="mono">{_e(item.get("nodeid"))}</h4>'
            f"<p>[{_e(item.get('kind'))}] {_e(item.get('target') or '-')} at {_e(item.get('location') or '-')}: "
            f'<span class="{_e(item.get("outcome"))}">{_e(item.get("outcome"))}</span></p>'
            f'<pre class="error-text">{_e(item.get("error") or "")}</pre>'
        )
        if item.get("sql"):
            parts.append(
                f'<p class="muted mono">SQL (sha256 {_e(hashes[-1] if hashes else "")})</p>'
                f'<pre class="sql">{_e(item["sql"])}</pre>'
            )
        parts.append("</div>")
    return "".join(parts)


def export_html(runs: Sequence[Run], verification: Verification, log: str) -> str:
    """One self-contained HTML page: verification, runs, then each run's coverage and failures."""
    total = sum(len(r.items) for r in runs)
    failed = sum(len(r.failures) for r in runs)
    summary = (
        f'<section id="summary"><h2>Summary</h2><p>{len(runs)} run(s), {total} item result(s), '
        f'{failed} failure(s) in log <span class="mono">{_e(log)}</span>.</p>{_runs_table(runs)}</section>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>pytest-looker audit report</title><style>{_CSS}</style></head><body>"
        f'<h1>pytest-looker audit report</h1><p class="muted">Exported {_e(_now())}</p>'
        f"{_verification(verification)}{summary}{''.join(_run_detail(r) for r in runs)}</body></html>\n"
    )
