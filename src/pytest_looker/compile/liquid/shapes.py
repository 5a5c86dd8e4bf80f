"""Templates that differ only in their plain SQL share one Liquid parse.

Why: python-liquid parses in pure Python, and some projects write very large templates that
differ only in the SQL between the tags. Mozilla's looker-hub has hundreds of measures whose
``sql`` is ~140 ``{% if view.x._is_selected %}${TABLE}.x,{% endif %}`` blocks around a
different ``AVG(${...})``: 375 distinct texts, each parsed once, were a third of
``validate --compile-only``. Their *shape* — the template with each run of plain text replaced
by a numbered marker — is the same for all the measures of a view, so it is parsed once, and
the plain text is put back into the rendered output.

This is exact because Liquid writes plain text out verbatim and only where it stands; the
shape keeps each run's leading and trailing whitespace (what ``{%-``/``-%}`` trim) and its
line breaks (so positions keep their line). It is used only when every tag is one that never
reads or rewrites the text around it (:data:`_SAFE_TAGS`: not ``condition``, ``capture``,
``raw``, ``comment``, …); any other template, and any template whose shape fails to parse or
render, is handled from its own text, so errors read exactly as they would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: A tag or an output, as python-liquid's lexer delimits them (both end at the first closer).
_PIECE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
_TAG_NAME = re.compile(r"\{%-?\s*(\w+)")
#: Tags that neither capture, drop nor transform the plain text between them (branches only
#: choose which text is written).
_SAFE_TAGS = frozenset(
    {"if", "elsif", "else", "endif", "unless", "endunless", "case", "when", "endcase"}
    | {"assign", "parameter", "date_start", "date_end"}
)
_MARKER = re.compile(r"\x00(\d+)\n*\x00")


@dataclass(frozen=True)
class Shape:
    """A template's shape (plain text replaced by markers) and the text it replaced."""

    text: str
    plain: tuple[str, ...]

    def fill(self, rendered: str) -> str:
        """The output of rendering :attr:`text`, with each marker replaced by its plain text."""
        if not self.plain:
            return rendered
        return _MARKER.sub(lambda found: self.plain[int(found.group(1))], rendered)


@lru_cache(maxsize=4096)
def shape_of(template: str) -> Shape | None:
    """The shape of ``template``; ``None`` when it is not safe to render it through a shape."""
    if "\x00" in template:
        return None
    plain: list[str] = []
    parts: list[str] = []
    position = 0
    for piece in _PIECE.finditer(template):
        parts.append(_mask(template[position : piece.start()], plain))
        if piece.group().startswith("{%"):
            name = _TAG_NAME.match(piece.group())
            if name is None or name.group(1) not in _SAFE_TAGS:
                return None
        parts.append(piece.group())
        position = piece.end()
    parts.append(_mask(template[position:], plain))
    if any("{%" in text or "{{" in text for text in plain):
        return None  # an unclosed tag or output: let the parser report it on the real text
    return Shape("".join(parts), tuple(plain))


def _mask(text: str, plain: list[str]) -> str:
    """``text`` with its non-blank middle replaced by marker number ``len(plain)``."""
    core = text.strip()
    if not core:
        return text
    start = len(text) - len(text.lstrip())
    plain.append(core)
    return f"{text[:start]}\x00{len(plain) - 1}{chr(10) * core.count(chr(10))}\x00{text[start + len(core) :]}"
