"""The replay wrapper: :class:`RecordingRunner` puts every explore query through :class:`Recorder`.

Modes (``--looker-record``, pytest-recording's meaning):

``none``
    Replay only. A query without a recording, or whose SQL changed since it was recorded, fails
    the test with the command that records it. Nothing live runs, so no backend is opened and
    no credential is read.
``once``
    Record when the test file's cassette did not exist when the run started, else ``none``.
``new_episodes``
    Replay what is recorded and still fresh; run and record new and stale queries.
``all``
    Run and record every query again.

Staleness: each entry holds the sha256 of the SQL pytest-looker compiles for the query from
the local LookML, in the model's own dialect (for the Looker backend too, whose own SQL cannot be
fetched offline). Replay compiles the query again — compiling needs the LookML only — and refuses
an entry whose hash differs, rather than hand a test rows the current LookML would not produce.

The wrapper knows nothing of pytest: :mod:`.pytest_plugin` tells the recorder which test runs
(and so which cassette it uses).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_looker.errors import LookerError, ReplayOnlyError
from pytest_looker.record.cassette import Cassette, Entry, load_cassette, merge_into
from pytest_looker.record.keys import describe, entry_key, normalise_query, sql_sha256
from pytest_looker.record.values import column_type, decode_value, encode_value
from pytest_looker.run.query_result import QueryResult
from pytest_looker.run.runner import LocalRunner, NativeTestRun, Runner
from pytest_looker.secrets import Scrubber

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pytest_looker.compile import Query

__all__ = ["MODES", "MissingRecordingError", "Recorder", "RecordingError", "RecordingRunner", "StaleRecordingError"]

MODES = ("none", "once", "new_episodes", "all")


class RecordingError(LookerError):
    """A query that replay cannot answer."""


class MissingRecordingError(RecordingError):
    """No recording of the query in the test file's cassette, and the mode forbids a live run."""


class StaleRecordingError(RecordingError):
    """The query is recorded, but the LookML now compiles it to different SQL."""


@dataclass
class _Context:
    """The test being run: which cassette its queries use, and how to name it in hints."""

    cassette: Path
    nodeid: str


@dataclass
class Recorder:
    """Per-process record/replay state, shared by every session of the run.

    ``cassette_for`` maps a test file to its cassette; ``started`` is the run's start (the xdist
    controller's), which decides for ``once`` whether a cassette "existed" — a cassette another
    worker created during this run does not count.
    """

    mode: str
    cassette_for: Callable[[Path], Path]
    started: str
    secrets: list[str] = field(default_factory=list)
    current: _Context | None = None
    _cassettes: dict[Path, Cassette] = field(default_factory=dict)
    _pending: dict[Path, list[Entry]] = field(default_factory=dict)
    _scrubber: Scrubber | None = None

    # -- the test being run ----------------------------------------------------------------------
    def enter(self, test_file: Path, nodeid: str) -> None:
        self.current = _Context(self.cassette_for(test_file), nodeid)

    def leave(self) -> None:
        """Write what the test recorded (so a crash later loses nothing) and forget the test."""
        self.flush()
        self.current = None

    def flush(self) -> None:
        for path, entries in list(self._pending.items()):
            if entries:
                self._cassettes[path] = merge_into(path, entries, created_at=self.started)
            del self._pending[path]

    @property
    def scrubber(self) -> Scrubber:
        if self._scrubber is None:
            self._scrubber = Scrubber(self.secrets)
        return self._scrubber

    # -- the wrapper -----------------------------------------------------------------------------
    def run(
        self, backend: dict[str, Any], query: Query, sql: str | None, live: Callable[[], QueryResult]
    ) -> QueryResult:
        """Replay ``query`` from the current test's cassette, or run it live and record it.

        ``backend`` is the identity of the runner that answers live; ``sql`` the SQL compiled
        from the local LookML (``None`` when it cannot be compiled: then staleness cannot be
        checked); ``live`` runs the query on the real backend.
        """
        __tracebackhide__ = True
        normal = self.scrubber.tree(normalise_query(query))
        identity = self.scrubber.tree(backend)
        key = entry_key(normal, identity)
        digest = sql_sha256(sql)
        context = self.current
        if context is None:
            if self.mode == "none":
                raise MissingRecordingError(
                    f"--looker-record=none: the query {describe(normal)} runs outside a test, so it has no cassette"
                )
            return live()
        cassette = self._cassette(context.cassette)
        recorded = cassette.entries.get(key)
        replay_only = self.mode == "none" or (self.mode == "once" and self._preexisting(cassette))
        if self.mode != "all" and recorded is not None:
            stale = digest is not None and recorded.sql_sha256 is not None and recorded.sql_sha256 != digest
            if not stale:
                return _result(recorded, sql or "")
            if replay_only:
                raise StaleRecordingError(self._stale_message(normal, identity, recorded, context))
        elif replay_only:
            raise MissingRecordingError(self._missing_message(normal, identity, context, cassette))
        result = live()
        entry = self._entry(key, normal, identity, digest, result)
        cassette.entries[key] = entry
        self._pending.setdefault(context.cassette, []).append(entry)
        return result

    # -- internals -------------------------------------------------------------------------------
    def _cassette(self, path: Path) -> Cassette:
        if path not in self._cassettes:
            self._cassettes[path] = load_cassette(path)
        return self._cassettes[path]

    def _preexisting(self, cassette: Cassette) -> bool:
        """For ``once``: the file existed before this run (ISO UTC timestamps compare as text)."""
        return cassette.created_at is not None and (
            cassette.created_at == "unknown" or cassette.created_at < self.started
        )

    def _entry(
        self, key: str, normal: dict[str, Any], identity: dict[str, Any], digest: str | None, result: QueryResult
    ) -> Entry:
        columns = list(result.columns)
        row_keys = list(result.rows[0]) if result.rows else list(columns)
        types: dict[str, str] = {}
        for name in row_keys:
            declared = column_type([row.get(name) for row in result.rows if name in row])
            if declared is not None:
                types[name] = declared
        rows: list[Any] = []
        for row in result.rows:
            if list(row) == row_keys:
                rows.append([self._secret_free(encode_value(row[k], types.get(k))) for k in row_keys])
            else:  # a row with other keys than the first: kept whole, values tagged
                rows.append({k: self._secret_free(encode_value(v)) for k, v in row.items()})
        return Entry(
            key=key,
            query=normal,
            backend=identity,
            sql_sha256=digest,
            columns=columns,
            rows=rows,
            recorded_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            types=types,
            row_keys=None if row_keys == columns else row_keys,
        )

    def _secret_free(self, value: Any) -> Any:
        """Known secret values replaced in data too; pattern scrubbing would corrupt real data."""
        return self.scrubber.tree(value, patterns=False)

    def _where(self, path: Path) -> str:
        with contextlib.suppress(ValueError):
            return str(path.relative_to(Path.cwd()))
        return str(path)

    def _missing_message(
        self, normal: dict[str, Any], identity: dict[str, Any], context: _Context, cassette: Cassette
    ) -> str:
        why = (
            "the cassette existed before this run, so --looker-record=once only replays it"
            if self.mode == "once"
            else "--looker-record=none only replays"
        )
        return (
            f"no recording of the query {describe(normal)} on {_backend_text(identity)}"
            f" in {self._where(context.cassette)} ({why}; nothing live was contacted).\n"
            f"Record it with: pytest '{context.nodeid}' --looker-record=new_episodes"
        )

    def _stale_message(
        self, normal: dict[str, Any], identity: dict[str, Any], recorded: Entry, context: _Context
    ) -> str:
        return (
            f"stale recording of the query {describe(normal)} on {_backend_text(identity)}"
            f" in {self._where(context.cassette)}: the LookML now compiles it to different SQL than when it was"
            f" recorded ({recorded.recorded_at}), so the recorded rows may be wrong.\n"
            f"Re-record it with: pytest '{context.nodeid}' --looker-record=new_episodes"
            " (or --looker-record=all to re-record everything)"
        )


def _backend_text(identity: dict[str, Any]) -> str:
    return (
        str(identity.get("kind", "?")) + " (" + ", ".join(f"{k}={v}" for k, v in identity.items() if k != "kind") + ")"
    )


def _result(entry: Entry, sql: str) -> QueryResult:
    """The recorded rows as the live run presented them."""
    keys = entry.row_keys if entry.row_keys is not None else entry.columns
    rows: list[dict[str, Any]] = []
    for raw in entry.rows:
        if isinstance(raw, dict):
            rows.append({str(k): decode_value(v) for k, v in raw.items()})
        else:
            rows.append({k: decode_value(v, entry.types.get(k)) for k, v in zip(keys, raw, strict=True)})
    model, explore = str(entry.query.get("model", "")), str(entry.query.get("explore", ""))
    return QueryResult(rows, tuple(entry.columns), sql, model, explore)


class RecordingRunner:
    """A :class:`~pytest_looker.run.runner.Runner` that replays recorded results of ``inner``.

    ``fingerprint`` compiles a query from the local LookML (the staleness check); ``inner`` is
    touched only for a live run, so pure replay never connects or reads a credential. Live-only
    work (SQL validation probes, our own SQL on the warehouse) raises
    :class:`~pytest_looker.errors.ReplayOnlyError` in ``none`` mode: checks turn it into a skip.
    """

    def __init__(self, inner: Runner, recorder: Recorder, fingerprint: Callable[[Query], str | None]) -> None:
        self.inner = inner
        self.recorder = recorder
        self.fingerprint = fingerprint
        self.kind = inner.kind

    @property
    def dialect(self) -> str:
        return self.inner.dialect

    @property
    def replay_only(self) -> bool:
        return self.recorder.mode == "none"

    def run(self, query: Query) -> QueryResult:
        __tracebackhide__ = True
        return self.recorder.run(self.inner.describe(), query, self.fingerprint(query), lambda: self.inner.run(query))

    def sql(self, query: Query) -> str:
        if self.replay_only:
            return self.fingerprint(query) or ""
        return self.inner.sql(query)

    def probe(self, queries: Sequence[Query]) -> list[LookerError | None]:
        self._live("runs live queries, which are not recorded")
        return self.inner.probe(queries)

    def native_test(self, model: str, test: str) -> NativeTestRun | None:
        """Native tests run live even while recording (their rows are Looker's business); pure
        replay refuses them when the run is configured, so here it runs the asserts locally."""
        return None if self.replay_only else self.inner.native_test(model, test)

    def local(self) -> LocalRunner:
        self._live("runs its own SQL on the warehouse, which is not recorded")
        return self.inner.local()

    def describe(self) -> dict[str, Any]:
        return {**self.inner.describe(), "record": self.recorder.mode}

    def close(self) -> None:
        self.recorder.flush()
        self.inner.close()

    def _live(self, what: str) -> None:
        if self.replay_only:
            raise ReplayOnlyError(f"{what}: skipped with --looker-record=none (run it against a backend to check it)")
