"""The dashboards' YAML reader builds what PyYAML's pure-Python loader builds, ``$line`` included.

Differential: every document it accepts must equal PyYAML's (values, types, key order and each
mapping's line); anything else must raise ``Unsupported`` so that PyYAML reads it. Documents
come from the example project, hand-written edge cases, and random data dumped by PyYAML in
several styles (block and flow, narrow widths so that scalars are folded over lines, every
kind of quoting). The same comparison over the 502 dashboards of the 21 public projects is in
``docs/performance.md`` (496 read here, 6 left to PyYAML, none different).

The outline reader (``read_outline``, what ``inspect`` reads dashboards with) must raise
``Unsupported`` exactly when the whole reader does and read the same top-level entries, lines
included, on the same documents and on broken variants of them.
"""

from __future__ import annotations

import random
import string
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_looker.lookml.dashboards import DashboardError, _entries, _outline_outcome, parse_document
from pytest_looker.lookml.yamlsubset import Unsupported, read_outline, read_subset, resolve_plain

ROOT = Path(__file__).resolve().parents[2]


def _reference(text: str) -> Any:
    return parse_document(text, pure=True)


def _shallow(value: Any) -> Any:
    """What the outline must read as the whole reader does: the top-level entries' own values."""
    scalar = value is None or isinstance(value, (str, int, float, bool))
    if isinstance(value, dict):
        return [(key, _shallow_value(item)) for key, item in value.items()]
    return value if scalar else type(value).__name__


def _shallow_value(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, int, float, bool)) else type(value).__name__


def _whole_outcome(text: str) -> tuple[Any, ...]:
    try:
        return ("ok", [str(item["dashboard"]) for item in _entries(parse_document(text))])
    except DashboardError as exc:
        return ("error", str(exc), exc.line)


def _outline_agrees(text: str) -> None:
    """The outline reader fails where the whole one does, else reads the same top level; the
    dashboards' outline (names, or the error and its line) is the whole document's."""
    try:
        whole = read_subset(text)
    except Unsupported:
        with pytest.raises(Unsupported):
            read_outline(text)
    else:
        outline = read_outline(text)
        if isinstance(whole, list):
            assert isinstance(outline, list) and [_shallow(i) for i in outline] == [_shallow(i) for i in whole], text
        else:
            assert _shallow(outline) == _shallow(whole), text
    assert _outline_outcome(text) == _whole_outcome(text), text


def _same(text: str) -> bool:
    """Whether the reader agrees with PyYAML on ``text`` (True), or leaves it to PyYAML (False)."""
    _outline_agrees(text)
    try:
        mine = read_subset(text)
    except Unsupported:
        return False
    reference = _reference(text)
    assert mine == reference, text
    assert repr(mine) == repr(reference), text  # key order and types (1 vs 1.0 vs True)
    return True


CASES = [
    "- dashboard: a\n  title: A\n  elements:\n  - name: x\n    fields: [v.a, v.b]\n",
    "- dashboard: a\n  elements: []\n  filters:\n  - {name: f, type: field_filter}\n",
    "a: 1\nb: -2\nc: 1.5\nd: -0.0\ne: 3.\nf: yes\ng: No\nh: ~\ni: null\nj:\nk: 'x'\nl: \"y\"\n",
    "a: 7 days\nb: -NULL\nc: 2020-01-01\nd: 1e5\ne: 0x1F\nf: 012\ng: 1_000\nh: .inf\ni: 1:20\n",
    "a: 7c56cc21-66e4-41c9-81ce-a60e1c3967b2\nb: 0beedf53-60ed\nc: 0xQ5B\nd: on\ne: y\n",
    "a: |\n  one\n    two\n\n  three\n\nb: |-\n  x\nc: |+\n  y\n\nd: >\n  folded\n  text\n\n  para\ne: >-\n  f\n",
    "a: |2\n    indented\n   less\nb: x\n",
    "k:\n- 1\n- two\n- [3, four]\n- {five: 5}\n- - nested\n",
    "a: \"multi\n  line \\\"quoted\\\"\n\n  text\"\nb: 'single\n  ''quoted'''\n",
    'a: "escaped\\\n  \\ break"\nb: "\\u00e9\\x41\\t\\n"\n',
    "a: plain text\n  continued here\n  and here\nb: 1\n",
    'a: [x, "y,\n  z", w]\nb: {p: 1,\n  q: {r: 2}}\n',
    "a: !!null ''\nb: [!!null '', c]\n",
    "# comment\n---\na: b # trailing\n# another\nc: 'd' # x\n",
    "a: &anchor 1\nb: *anchor\n",
    "? complex\n: key\n",
    "a: !ruby/object:Foo bar\n",
    "a: b\n  c: d\n",
    "- a\n - b\n",
    "a: [1, 2\n",
    "a: 'unterminated\n",
    'a: "bad \\q escape"\n',
    "a:\tb\n",
    "\ta: b\n",
    "a: b\r\nc: d\r\n",
    "a: <<\n",
    "<<: {a: 1}\n",
    "a: =\n",
    "a: b: c\n",
    "'quoted key': 1\n\"other\": 2\n",
    "1: int key\nyes: bool key\n~: null key\n",
    "",
    "# only a comment\n",
    "---\n",
    "a: 1\n---\nb: 2\n",
    "- |\n  block in a sequence\n- >\n  folded in a sequence\n",
    "a:\n  - x\n  -\n  - y\n",
    "colors:\n  ? 160 x 600 a long key\n    - continued\n  : '#fff'\n  b: 1\n",
    "? k\nb: 1\n",
    "? [a, b]\n: c\n",
]


@pytest.mark.parametrize("text", CASES)
def test_edge_cases_agree_or_are_left_to_pyyaml(text: str) -> None:
    try:
        _reference(text)
    except Exception:  # PyYAML rejects it: the reader must not accept it
        with pytest.raises(Unsupported):
            read_subset(text)
        _outline_agrees(text)
        return
    _same(text)


def test_the_common_constructs_are_read_here() -> None:
    left = [index for index, text in enumerate(CASES[:14]) if not _same(text)]
    assert left == [3]  # dates and the like go to PyYAML


def test_example_project_dashboards() -> None:
    files = sorted((ROOT / "examples").rglob("*.dashboard.lookml"))
    assert files
    for path in files:
        assert _same(path.read_text(encoding="utf-8")), path


WORDS = [
    "yes", "No", "on", "null", "~", "", "7 days", "-NULL", "1", "-2", "0", "007", "1.5", "-.5", "1e5", "2020-01-01",
    "12:30", "0x1F", ".inf", "a: b", "a #b", "#hash", "x,y", "[x]", "{y}", "it's", 'say "hi"', "back\\slash",
    "tab\there", "new\nline", "two\n\nbreaks", " lead", "trail ", "é ü", "*star", "&amp", "!bang", "%pct", "@at",
    "`tick`", "|pipe", ">gt", "- dash", "?q", ":colon", "a:b", "${view.field}", "{{ liquid }}", "<font color=\"#fff\">",
]  # fmt: skip


def _random_value(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.5:
        kind = rng.random()
        if kind < 0.04:
            return rng.choice(WORDS)
        if kind < 0.6:
            return rng.randint(-1000, 1000)
        if kind < 0.65:
            return rng.choice([True, False, None, 1.25, -3.0])
        return " ".join(
            "".join(rng.choice(string.ascii_letters + string.digits + ".,:#'\"-_/") for _ in range(rng.randint(1, 9)))
            for _ in range(rng.randint(1, 25))
        )
    if roll < 0.75:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["name", "title", "type", "on", "1", "a b", "x.y", "it's", '"q"', "k#1", "é"]
    return {rng.choice(keys): _random_value(rng, depth + 1) for _ in range(rng.randint(0, 5))}


@pytest.mark.parametrize("seed", range(8))
def test_random_documents_dumped_by_pyyaml(seed: int) -> None:
    rng = random.Random(seed)
    read_here = 0
    for _ in range(60):
        data = [{"dashboard": f"d{seed}", "elements": [_random_value(rng, 0) for _ in range(4)]}]
        text = yaml.safe_dump(
            data,
            default_flow_style=rng.choice([False, None, True]),
            width=rng.choice([20, 40, 80, 1000]),
            allow_unicode=rng.choice([True, False]),
            default_style=rng.choice([None, None, None, '"', "'", "|"]),
            sort_keys=False,
        )
        read_here += _same(text)
    assert read_here > 20  # most documents are within the subset


NESTED = """\
- dashboard: d
  title: T
  elements:
  - name: a
    type: looker_grid
    limit: 500
    note: ''
    colors: {}
    fields: [v.a, v.b]
    series_colors:
      x: '#fff'
      y: plain text
      z: 12
    palette:
    - '#000'
    - red
    - 1.5
  - name: b
    listen:
      Date: v.date
      Other: v.other
    hidden: [a,
      b]
  filters:
  - name: Date
    default: 7 days
"""


@pytest.mark.parametrize("seed", range(4))
def test_outline_of_broken_variants(seed: int) -> None:
    """Lines deleted, indented, merged, given a comment, a quote or a colon: whatever the whole
    reader makes of each variant (a document, Unsupported, PyYAML's error), the outline agrees."""
    rng = random.Random(seed)
    sources = [
        NESTED,
        *(p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").rglob("*.dashboard.lookml"))),
    ]
    for _ in range(150):
        lines = rng.choice(sources).split("\n")
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(lines))
            roll = rng.random()
            if roll < 0.3:
                del lines[at]
            elif roll < 0.5:
                lines[at] = " " + lines[at]
            elif roll < 0.6:
                lines[at] = lines[at][1:]
            elif roll < 0.7:
                lines.insert(at, lines[rng.randrange(len(lines))])
            elif roll < 0.85:
                lines[at] += rng.choice([" #c", ":", " x: y", "'", '"', "]", " {", ": z"])
            else:  # a character added or removed anywhere, flow collections included
                cut = rng.randrange(len(lines[at]) + 1)
                added = rng.choice(",[]{}:#?'\"!- \t\\0") if rng.random() < 0.5 else ""
                lines[at] = lines[at][:cut] + added + lines[at][cut + (not added) :]
        _outline_agrees("\n".join(lines))


FLOWS = [
    "[a, b]", "[]", "{}", "[ ]", "{a: b}", "[a, ]", "{a: b, }", "[a,, b]", "[a b, c d]", "[1, 2.5, 0, 05, -1, 1e5]",
    "['x', \"y\", 'it''s', \"esc\\\"aped\"]", "[{category: t, expression: \"${a}/${b}\", format: !!null ''}]",
    "[{label: L, series: [{id: a, name: Avg. per Open\n    Opportunity}, {id: b}], show: true}]",
    "[a,\n  b]", "[a\n  b]", "[a\nb]", "{a: [b}", "[a: b]", "{a}", "{a:b}", "{a :b}", "{a: b:c}", "{[a]: b}",
    "[a] b", "[a]  # note", "[a, #b]", "[a, b #c]", "[a, b#c]",
    "[a, b?]", "[\"a\" \"b\"]", "['a'b]", "[a\tb]", "{a: }", "{'k': v, \"q\": [w]}",
    "[{a: [{b: [{c: [d]}]}]}]", "[é]", "[$x, _y]", "{a: b}}", "[[a], [b, [c]]]", "[a,\n\n  b]", "[a,\n---\n b]",
]  # fmt: skip


@pytest.mark.parametrize("flow", FLOWS)
def test_the_outline_reads_flow_collections_as_the_whole_reader(flow: str) -> None:
    """In a tile (passed over when simple enough), in a sequence there, and at the top level."""
    for text in (
        f"- dashboard: d\n  elements:\n  - name: a\n    fields: {flow}\n    type: x\n",
        f"- dashboard: d\n  elements:\n  - name: a\n    colors:\n    - {flow}\n    - z\n",
        f"- dashboard: d\n  listen: {flow}\n",
    ):
        _outline_agrees(text)


def test_the_outline_passes_over_nested_lines() -> None:
    """It reads the top-level entries whole and leaves the tiles' values it does not need."""
    whole, outline = read_subset(NESTED), read_outline(NESTED)
    assert [_shallow(i) for i in outline] == [_shallow(i) for i in whole]
    assert outline[0]["elements"] != whole[0]["elements"]
    assert [e["$line"] for e in outline[0]["elements"]] == [e["$line"] for e in whole[0]["elements"]] == [4, 18]
    assert _outline_outcome(NESTED) == ("ok", ["d"])


def test_resolve_plain_matches_pyyaml() -> None:
    resolver = yaml.resolver.Resolver()
    constructor = yaml.constructor.SafeConstructor()
    for text in [*WORDS, "+1", "-0", "1.", "+1.5", "0.0", "True", "FALSE", "Off", "NULL", "Null", "0b12", "0xZZ"]:
        if not text or "\n" in text:
            continue
        try:
            mine = resolve_plain(text)
        except Unsupported:
            continue
        tag = resolver.resolve(yaml.ScalarNode, text, (True, False))
        theirs = constructor.construct_object(yaml.ScalarNode(tag, text))
        assert (type(mine), mine) == (type(theirs), theirs), text
