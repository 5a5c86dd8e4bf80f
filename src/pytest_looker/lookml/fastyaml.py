"""Dashboards' YAML built from libyaml's events: PyYAML's result, without its Python composer.

Why: reading a dashboard with ``yaml.CSafeLoader`` spends three quarters of its time in
Python, not in libyaml — the composer makes a node per value and asks the resolver's regular
expressions what each plain scalar is (33,000 times for one project's 19 dashboards), then the
constructor walks the nodes again. Dashboards are a quarter of a large project's cold load.
Here libyaml's parser gives the events and one pass builds the data: each distinct plain
scalar is resolved and constructed once, by PyYAML's own resolver and constructors, so the
values are PyYAML's.

Only what this pass does exactly as PyYAML does is accepted: anchors and aliases, merge keys
(``<<``), explicit tags other than Ruby's ``!ruby/...`` (which dashboards exported by Looker
carry and :mod:`.dashboards` reads as the plain value they wrap) and the standard scalar ones
(``!!null ''`` is in every Looker export), unhashable keys, several
documents and any error raise :class:`Unsupported`, and the caller reads the file with the
loader (which then also words any error as before). ``tests/perf/test_dashboards_fast.py``
compares both on every kind of value.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Unsupported", "read_events"]

_LINE_KEY = "$line"
_STR = "tag:yaml.org,2002:str"
#: Explicit scalar tags read here (Looker's exports write ``!!null ''`` for unset options).
_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "str", "timestamp"))


class Unsupported(Exception):
    """The document uses something this pass leaves to PyYAML's loader."""


class _Reader:
    def __init__(self, text: str) -> None:
        import yaml
        from yaml import _yaml

        events: Any = _yaml  # the classes libyaml's parser makes its events of (untyped in the stubs)

        self._yaml = yaml
        self._parser = events.CParser(text)
        self._next = self._parser.get_event
        self._resolve: Any = yaml.resolver.Resolver().resolve  # untyped in PyYAML's stubs
        self._constructor = yaml.constructor.SafeConstructor()
        self._scalars: dict[str, Any] = {}
        # The event classes and errors are taken from the C module itself, not from yaml.events:
        # a process that imports ``yaml`` again (pytester's in-process runs restore sys.modules)
        # keeps the C extension and the classes it was built with.
        self._error = events.YAMLError
        self._scalar, self._mapping, self._sequence = (
            events.ScalarEvent,
            events.MappingStartEvent,
            events.SequenceStartEvent,
        )
        self._mapping_end, self._sequence_end = events.MappingEndEvent, events.SequenceEndEvent
        self._stream_end = events.StreamEndEvent

    def document(self) -> Any:
        try:
            self._next()  # stream start
            event = self._next()
            if isinstance(event, self._stream_end):
                return None
            root = self._node(self._next())
            self._next()  # document end
            if not isinstance(self._next(), self._stream_end):
                raise Unsupported("more than one document")
            return root
        except (self._error, self._yaml.YAMLError):
            raise Unsupported("not valid YAML") from None
        finally:
            self._parser.dispose()

    def _node(self, event: Any) -> Any:
        if event.anchor is not None:
            raise Unsupported("anchor")
        tag = event.tag
        kind = type(event)
        ruby = tag is not None and tag.startswith("!ruby/")
        if tag is not None and tag != "!" and not ruby:
            if kind is self._scalar and tag in _SCALAR_TAGS:
                return self._made(tag, event.value)
            raise Unsupported(f"tag {tag}")
        if kind is self._scalar:
            if ruby or not event.implicit[0]:
                return event.value  # quoted, or a Ruby-tagged scalar: the text itself
            return self._plain(event.value)
        if kind is self._mapping:
            return self._mapping_of(event)
        if kind is self._sequence:
            items = []
            event = self._next()
            while type(event) is not self._sequence_end:
                items.append(self._node(event))
                event = self._next()
            return items
        raise Unsupported(kind.__name__)  # an alias

    def _mapping_of(self, start: Any) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        event = self._next()
        while type(event) is not self._mapping_end:
            key = self._node(event)
            if isinstance(key, (dict, list)):
                raise Unsupported("unhashable key")
            mapping[key] = self._node(self._next())
            event = self._next()
        mapping[_LINE_KEY] = start.start_mark.line + 1
        return mapping

    def _plain(self, value: str) -> Any:
        """A plain scalar as PyYAML's resolver and constructor make it (once per distinct text)."""
        try:
            return self._scalars[value]
        except KeyError:
            pass
        tag = self._resolve(self._yaml.ScalarNode, value, (True, False))
        if tag != _STR and tag not in _SCALAR_TAGS:  # the merge key `<<`, the value key `=`
            raise Unsupported(f"plain scalar resolved to {tag}")
        made = self._scalars[value] = self._made(tag, value)
        return made

    def _made(self, tag: str, value: str) -> Any:
        """PyYAML's constructor of ``tag`` applied to ``value``."""
        if tag == _STR:
            return value
        yaml = self._yaml
        construct = yaml.constructor.SafeConstructor.yaml_constructors[tag]
        try:
            return construct(self._constructor, yaml.ScalarNode(tag, value))
        except (ValueError, TypeError, KeyError, yaml.YAMLError):
            raise Unsupported(f"{value!r} is no {tag}") from None


def read_events(text: str) -> Any:
    """The document of ``text`` with each mapping's ``$line``; :class:`Unsupported` if it needs PyYAML's loader."""
    return _Reader(text).document()
