"""The hash chain: canonical JSON, record hashes, HMAC signatures and verification.

Each record is stored as the canonical JSON of its body (sorted keys, no whitespace, UTF-8),
and the body itself names its position (``seq``) and its predecessor's hash (``prev``). The
record's hash is ``sha256(DOMAIN + prev + "\\n" + body)``, so changing any byte of a record
changes its hash, and changing a hash breaks the link the next record holds. Verification
re-derives everything from the stored text — nothing the writer claims is trusted:

* a changed record no longer matches its hash;
* a deleted record leaves a gap in ``seq`` and a broken link;
* an inserted record needs the following ones renumbered, which changes their bodies;
* reordered records carry a ``seq`` that disagrees with their position;
* a cut-off tail disagrees with the ``head`` the store keeps beside the records.

A chain alone cannot stop someone who rewrites the whole log consistently; the optional HMAC
(key from ``PYTEST_LOOKER_AUDIT_KEY``, never stored) can, and so can comparing the head hash
with one sent elsewhere (the webhook payload carries it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "GENESIS",
    "KEY_ENV",
    "Problem",
    "Row",
    "Verification",
    "canonical_json",
    "head_signature",
    "record_hash",
    "sign",
    "verify_rows",
]

#: The ``prev`` of the first record.
GENESIS = "0" * 64
#: Environment variable holding the HMAC key.
KEY_ENV = "PYTEST_LOOKER_AUDIT_KEY"
#: Separates this format's hashes from any other sha256 of the same bytes.
_DOMAIN = b"pytest-looker-audit/1\n"
#: Stop listing problems after this many: the first one is what matters.
_MAX_PROBLEMS = 20


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def canonical_json(body: Mapping[str, Any]) -> str:
    """One exact text per body: sorted keys, no spaces, UTF-8, no NaN/Infinity."""
    return json.dumps(_finite(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def record_hash(prev: str, body_text: str) -> str:
    """The hash of a stored record: its predecessor's hash and its exact text."""
    return hashlib.sha256(_DOMAIN + prev.encode("ascii") + b"\n" + body_text.encode("utf-8")).hexdigest()


def sign(key: bytes, digest: str) -> str:
    """HMAC-SHA256 of a record hash."""
    return hmac.new(key, b"record\n" + digest.encode("ascii"), hashlib.sha256).hexdigest()


def head_signature(key: bytes, seq: int, digest: str) -> str:
    """HMAC of the head (last seq and hash): a truncated log cannot reuse a record's signature."""
    return hmac.new(key, f"head\n{seq}\n{digest}".encode("ascii"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Row:
    """One stored record as read back: the columns and the exact body text."""

    seq: int
    type: str
    run_id: str
    body: str
    prev_hash: str
    hash: str
    hmac: str | None


@dataclass(frozen=True)
class Head:
    """What the store says the last record is (kept beside the records, updated with them)."""

    seq: int
    hash: str
    hmac: str | None


@dataclass(frozen=True)
class Problem:
    """One way the log is not intact, at the record it was found (``seq``; 0 = the log)."""

    seq: int
    message: str

    def __str__(self) -> str:
        where = f"record {self.seq}" if self.seq else "log"
        return f"{where}: {self.message}"


@dataclass
class Verification:
    """The outcome of checking a log: intact or the problems, first one first."""

    records: int = 0
    signed: int = 0
    key_used: bool = False
    head_hash: str | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, seq: int, message: str) -> None:
        if len(self.problems) < _MAX_PROBLEMS:
            self.problems.append(Problem(seq, message))

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "records": self.records,
            "signed": self.signed,
            "hmac_checked": self.key_used,
            "head": self.head_hash,
            "first_bad_record": self.problems[0].seq if self.problems else None,
            "problems": [str(p) for p in self.problems],
            "notes": list(self.notes),
        }


def verify_rows(rows: Iterable[Row], head: Head | None, key: bytes | None = None) -> Verification:
    """Check every record against its text, its position, its predecessor and the head."""
    result = Verification(key_used=key is not None)
    expected_seq = 1
    prev = GENESIS
    seen_signed = False
    for row in rows:
        result.records += 1
        if row.seq != expected_seq:
            if row.seq > expected_seq:
                missing = f"{expected_seq}" if row.seq == expected_seq + 1 else f"{expected_seq}–{row.seq - 1}"
                result.add(row.seq, f"record(s) {missing} missing before it (deleted records)")
            else:
                result.add(row.seq, f"out of order: expected record {expected_seq}")
        _check_row(row, prev, result)
        if row.prev_hash != prev:
            before = f"record {row.seq - 1}" if row.seq > 1 else "the start of the log"
            result.add(
                row.seq,
                f"does not follow {before}: its previous-hash link is broken"
                " (a record was changed, inserted, deleted or reordered before it)",
            )
        if row.hmac is not None:
            result.signed += 1
            seen_signed = True
            if key is not None and not hmac.compare_digest(row.hmac, sign(key, row.hash)):
                result.add(row.seq, "HMAC signature mismatch (forged, or signed with another key)")
        elif key is not None and seen_signed:
            result.add(row.seq, "not signed, but earlier records are (unsigned record in a signed log)")
        prev = row.hash
        expected_seq = row.seq + 1
    result.head_hash = prev if result.records else None
    _check_head(result, head, prev, expected_seq - 1, key)
    if key is not None and result.records and not result.signed:
        result.add(0, f"{KEY_ENV} is set but no record is signed")
    elif key is None and result.signed:
        result.notes.append(f"{result.signed} record(s) signed; signatures not checked ({KEY_ENV} not set)")
    elif key is not None and result.signed < result.records:
        result.notes.append(f"{result.records - result.signed} early record(s) unsigned (before signing began)")
    return result


def _check_row(row: Row, prev: str, result: Verification) -> None:
    try:
        body = json.loads(row.body)
    except ValueError:
        result.add(row.seq, "content is not valid JSON (changed)")
        return
    if not isinstance(body, dict):
        result.add(row.seq, "content is not a record (changed)")
        return
    if record_hash(str(body.get("prev", "")), row.body) != row.hash:
        result.add(row.seq, "content changed: its hash does not match")
    if body.get("seq") != row.seq:
        result.add(row.seq, f"content says it is record {body.get('seq')!r} (moved, inserted or reordered)")
    if body.get("prev") != row.prev_hash or body.get("type") != row.type or body.get("run_id") != row.run_id:
        result.add(row.seq, "columns disagree with the content (changed)")


def _check_head(result: Verification, head: Head | None, last_hash: str, last_seq: int, key: bytes | None) -> None:
    if head is None:
        if result.records:
            result.add(0, "the head (last record written) is missing")
        return
    if head.seq != last_seq or head.hash != (last_hash if last_seq else GENESIS):
        result.add(
            head.seq if head.seq > last_seq else 0,
            f"the log ends at record {last_seq} but record {head.seq} was written (records deleted at the end?)"
            if head.seq > last_seq
            else f"the head says record {head.seq} is last, the log has {last_seq}",
        )
    elif (
        key is not None
        and head.seq
        and result.signed
        and (head.hmac is None or not hmac.compare_digest(head.hmac, head_signature(key, head.seq, head.hash)))
    ):
        result.add(0, "HMAC signature of the head mismatch (the end of the log was changed)")
