"""LookML dashboards (``*.dashboard.lookml``): YAML, including Looker's own exports.

Dashboards exported from Looker carry Ruby type tags (``!ruby/hash:ActiveSupport::Hash…``,
``!ruby/object``) that a plain YAML loader rejects. We accept every ``!ruby/`` tag as the plain
mapping, sequence or scalar it wraps, and remember the line of each mapping so a broken tile
can be reported at its ``file:line``.

Why this module cares about speed: in public projects dashboards are about half of the bytes
(median 45%), and PyYAML's pure-Python reader parses them several times slower than we parse
LookML. So the YAML is read by libyaml (``yaml.CSafeLoader``) when PyYAML was built with it —
the constructor stays in Python, so the lines are the same — with the pure-Python loader as the
fallback; parsed documents go to the content-addressed parse cache; and a project's dashboards
are parsed only when something reads them (:class:`Dashboards`): ``validate``, ``sql`` and
``query`` never do.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pytest_looker.errors import Location
from pytest_looker.lookml.cache import ParseCache
from pytest_looker.lookml.model import Dashboard, DashboardElement, Diagnostic, Severity, frozen_mapping

_LINE_KEY = "$line"
#: Bump when the shape of a parsed dashboard document changes (cached documents are keyed by it).
DOCUMENT_FORMAT = "1"
#: ``False`` reads every file with the pure-Python reader (as when PyYAML has no libyaml).
USE_LIBYAML = True


@functools.cache
def _loaders() -> tuple[type, type | None]:
    """PyYAML's pure-Python loader and libyaml's (``None`` without libyaml), our way.

    Both tolerate Ruby tags and record each mapping's line; the constructor is PyYAML's
    Python one in both, so they build the same data. Built on first use: PyYAML is imported
    only by runs that read dashboards.
    """
    import yaml

    def construct_mapping(loader: Any, node: Any, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=True)
        mapping[_LINE_KEY] = node.start_mark.line + 1
        return mapping

    def construct_ruby(loader: Any, _suffix: str, node: Any) -> Any:
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node, deep=True)
        return loader.construct_scalar(node)

    bases: list[type] = [yaml.SafeLoader]
    if getattr(yaml, "__with_libyaml__", False):
        bases.append(yaml.CSafeLoader)
    made: list[type] = []
    for base in bases:
        loader = type(f"Dashboard{base.__name__}", (base,), {"construct_mapping": construct_mapping})
        loader.add_multi_constructor("!ruby/", construct_ruby)  # type: ignore[attr-defined]
        made.append(loader)
    return made[0], made[1] if len(made) > 1 else None


class DashboardError(ValueError):
    """A dashboard file that cannot be read; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def parse_document(text: str, *, pure: bool = False) -> Any:
    """The YAML of a dashboard file as plain data, every mapping with its ``$line``.

    The YAML subset dashboards are written in is read without PyYAML (:mod:`.yamlsubset`);
    anything outside it by libyaml when available — its events built into the data in one pass
    (:mod:`.fastyaml`), or with PyYAML's loader on libyaml for what that pass leaves to it;
    ``pure=True`` forces PyYAML's pure-Python reader (the fallback, and the reference the
    tests compare the fast ones with).
    """
    if not pure:
        from pytest_looker.lookml.yamlsubset import Unsupported as OutsideSubset
        from pytest_looker.lookml.yamlsubset import read_subset

        try:
            return read_subset(text)
        except OutsideSubset:
            pass
    import yaml

    pure_loader, fast_loader = _loaders()
    loader = pure_loader if pure or fast_loader is None or not USE_LIBYAML else fast_loader
    if loader is fast_loader:
        from pytest_looker.lookml.fastyaml import Unsupported, read_events

        try:
            return read_events(text)
        except Unsupported:
            pass
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DashboardError(f"dashboard YAML does not parse: {getattr(exc, 'problem', exc)}", line) from None
    except (ValueError, TypeError) as exc:  # a tagged value PyYAML's constructor rejects (`!!int x`)
        raise DashboardError(f"dashboard YAML does not parse: {exc}", None) from None


def load_dashboards(text: str, file: str) -> list[Dashboard]:
    """Every dashboard in one file (a file holds a YAML list of dashboards)."""
    return dashboards_of(parse_document(text), file)


def dashboards_of(document: Any, file: str) -> list[Dashboard]:
    """The dashboards of a parsed file; a :class:`DashboardError` when it is not a list of them."""
    return [_dashboard(item, file) for item in _entries(document)]


def _entries(document: Any) -> list[dict[str, Any]]:
    """The ``- dashboard: name`` entries of a parsed file; a :class:`DashboardError` if it is not a list of them."""
    if document is None:
        return []
    items = document if isinstance(document, list) else [document]
    for item in items:
        if not isinstance(item, dict) or "dashboard" not in item:
            line = item.get(_LINE_KEY) if isinstance(item, dict) else None
            raise DashboardError("expected a list of `- dashboard: name` entries", line)
    return items


#: The types a ``dashboard:`` name the outline reads may have (anything else: read the whole file).
_SCALARS = (str, int, float, bool, type(None))


def _outline_outcome(text: str) -> tuple[Any, ...]:
    """What the parse cache stores of a file for the summary: ``("ok", names)`` or ``("error", message, line)``.

    The same as reading the whole document, but a file the YAML subset reads is read by
    :func:`.yamlsubset.read_outline`, which does not build the tiles' values the names and the
    lines do not need (a name that is not a scalar, which would print its whole value, is read
    from the whole document).
    """
    from pytest_looker.lookml.yamlsubset import Unsupported, read_outline

    try:
        try:
            entries = _entries(read_outline(text))
            if all(type(item["dashboard"]) in _SCALARS for item in entries):
                return ("ok", [str(item["dashboard"]) for item in entries])
        except Unsupported:
            pass
        return ("ok", [str(item["dashboard"]) for item in _entries(parse_document(text))])
    except DashboardError as exc:
        return ("error", str(exc), exc.line)


def _dashboard(item: dict[str, Any], file: str) -> Dashboard:
    elements = []
    for element in item.get("elements") or []:
        if not isinstance(element, dict):
            continue
        filters = element.get("filters") or {}
        elements.append(
            DashboardElement(
                name=str(element.get("name", element.get("title", ""))),
                location=Location(file, element.get(_LINE_KEY)),
                model=_str_or_none(element.get("model")),
                explore=_str_or_none(element.get("explore")),
                fields=tuple(str(f) for f in element.get("fields") or []),
                filters=frozen_mapping(
                    {str(k): str(v) for k, v in filters.items() if k != _LINE_KEY} if isinstance(filters, dict) else {}
                ),
                sorts=tuple(str(s) for s in element.get("sorts") or []),
                raw=frozen_mapping(element),
            )
        )
    return Dashboard(
        name=str(item["dashboard"]),
        location=Location(file, item.get(_LINE_KEY)),
        title=_str_or_none(item.get("title")),
        elements=tuple(elements),
        raw=frozen_mapping(item),
    )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _parse_outcome(text: str) -> tuple[Any, ...]:
    """What the parse cache stores for a file: ``("ok", document)`` or ``("error", message, line)``."""
    try:
        return ("ok", parse_document(text))
    except DashboardError as exc:
        return ("error", str(exc), exc.line)


class Dashboards(Mapping[str, Dashboard]):
    """A project's dashboards by name, parsed the first time anything reads them.

    Holds the text of each dashboard file as the load read it (so what is parsed later is what
    the load saw and recorded in the project cache), and the parse-cache directory: a warm run
    that reads dashboards gets each file's parsed document from the cache. Problems (a file that
    does not parse, a file that is not a list of dashboards) are :attr:`diagnostics`, which
    :attr:`Project.diagnostics <pytest_looker.lookml.model.Project.diagnostics>` includes.
    Compares and pickles by content, like the read-only mapping it stands for.
    """

    def __init__(
        self, sources: tuple[tuple[str, str], ...] = (), cache_dir: Path | None = None, digests: tuple[str, ...] = ()
    ) -> None:
        """``digests``: the SHA-256 of each file's bytes, as the load recorded them for the project
        cache: with them, a warm run reads the outline of all the files as one cache entry."""
        self._sources = sources
        self._cache_dir = cache_dir
        self._digests = digests
        self._parsed: tuple[dict[str, Dashboard], tuple[Diagnostic, ...]] | None = None
        self._outline: tuple[dict[str, None], tuple[Diagnostic, ...]] | None = None
        self._lock = threading.Lock()

    def _parse(self) -> tuple[dict[str, Dashboard], tuple[Diagnostic, ...]]:
        parsed = self._parsed
        if parsed is not None:
            return parsed
        with self._lock:
            if self._parsed is None:
                self._parsed = _parse_sources(self._sources, self._cache_dir)
            return self._parsed

    def _names(self) -> tuple[Mapping[str, Any], tuple[Diagnostic, ...]]:
        """The dashboards' names (in order) and the files' problems, without building the
        dashboards: what ``inspect``'s summary reads. A warm run reads them from the parse
        cache, a few bytes per file, where the documents are the whole YAML."""
        parsed = self._parsed
        if parsed is not None:
            return parsed
        outline = self._outline
        if outline is None:
            with self._lock:
                if self._outline is None:
                    self._outline = _outline_sources(self._sources, self._cache_dir, self._digests)
                outline = self._outline
        return outline

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Problems found parsing the dashboard files (parses them)."""
        return self._names()[1] if self._sources else ()

    @property
    def files(self) -> tuple[str, ...]:
        """The dashboard files, relative to the project root (does not parse them)."""
        return tuple(relative for relative, _ in self._sources)

    def __getitem__(self, name: str) -> Dashboard:
        return self._parse()[0][name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names()[0]) if self._sources else iter(())

    def __len__(self) -> int:
        return len(self._names()[0]) if self._sources else 0

    def __contains__(self, name: object) -> bool:
        return bool(self._sources) and name in self._names()[0]

    def __repr__(self) -> str:
        return f"Dashboards({dict(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return Dashboards, (self._sources, self._cache_dir, self._digests)


def _parse_sources(
    sources: tuple[tuple[str, str], ...], cache_dir: Path | None
) -> tuple[dict[str, Dashboard], tuple[Diagnostic, ...]]:
    # Everything parsed here stays alive with the project: the cyclic collector, run every 700
    # new dicts and lists, would only re-scan them (a tenth of reading a project's dashboards).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_all(sources, cache_dir)
    finally:
        if was_enabled:
            gc.enable()


def _outline_sources(
    sources: tuple[tuple[str, str], ...], cache_dir: Path | None, digests: tuple[str, ...] = ()
) -> tuple[dict[str, None], tuple[Diagnostic, ...]]:
    """The names of the dashboards of ``sources`` (in the order :func:`_parse_sources` keys them)
    and the same diagnostics, from the parse cache's outline of each file — of all the files at
    once when their ``digests`` are known (one read, no text hashed: a warm ``inspect``)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        cache = ParseCache(cache_dir)
        texts = [text for _, text in sources]

        def each() -> list[Any]:
            return cache.cached_many(f"dashboard-outline{DOCUMENT_FORMAT}", texts, _outline_outcome)

        if len(digests) == len(sources) and all(digests):
            outcomes = cache.cached(f"dashboard-outlines{DOCUMENT_FORMAT}", "\0".join(digests), each)
        else:
            outcomes = each()
    finally:
        if was_enabled:
            gc.enable()
    names: dict[str, None] = {}
    diagnostics: list[Diagnostic] = []
    for (relative, _), outcome in zip(sources, outcomes, strict=True):
        if outcome[0] == "ok":
            names.update(dict.fromkeys(outcome[1]))
        else:
            diagnostics.append(Diagnostic(Severity.ERROR, str(outcome[1]), Location(relative, outcome[2])))
    return names, tuple(diagnostics)


def _parse_all(
    sources: tuple[tuple[str, str], ...], cache_dir: Path | None
) -> tuple[dict[str, Dashboard], tuple[Diagnostic, ...]]:
    cache = ParseCache(cache_dir)
    texts = [text for _, text in sources]
    outcomes = cache.cached_many(f"dashboard{DOCUMENT_FORMAT}", texts, _parse_outcome)
    dashboards: dict[str, Dashboard] = {}
    diagnostics: list[Diagnostic] = []
    for (relative, _), outcome in zip(sources, outcomes, strict=True):
        try:
            if outcome[0] != "ok":
                raise DashboardError(str(outcome[1]), outcome[2])
            for dashboard in dashboards_of(outcome[1], relative):
                dashboards[dashboard.name] = dashboard
        except DashboardError as exc:
            diagnostics.append(Diagnostic(Severity.ERROR, str(exc), Location(relative, exc.line)))
    return dashboards, tuple(diagnostics)
