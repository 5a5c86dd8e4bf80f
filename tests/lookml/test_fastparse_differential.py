"""The fast LookML reader gives exactly lkml's trees, or steps aside.

:func:`pytest_looker.lookml.fastparse.fast_parse` must either raise ``Unsupported`` (and
:func:`parse_lookml` then uses lkml) or return the tree and issues lkml's path returns. Checked on
every LookML text the tests can reach — the example project, the fixture projects under
``tests/``, every inline LookML string in the test modules, a generated project — and on
hypothesis-generated LookML built to hit the quirks (comments around blocks and in lists,
expression blocks, escapes, repeated keys, odd white space).
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_looker.lookml.fastparse import Unsupported, fast_parse
from pytest_looker.lookml.syntax import ParsedFile, parse_lookml, parse_with_lkml

ROOT = Path(__file__).resolve().parents[2]


def _assert_same(text: str) -> bool:
    """Fast reader == lkml (when it accepts the text); ``parse_lookml`` == lkml always."""
    reference = parse_with_lkml(text)
    assert parse_lookml(text) == reference
    try:
        tree, issues = fast_parse(text)
    except Unsupported:
        return False
    assert ParsedFile(tree, tuple(reference.issues)) == reference
    assert [tuple(i) for i in issues] == [(i.severity, i.line, i.message) for i in reference.issues]
    return True


def _lookml_files() -> list[Path]:
    found = [*ROOT.joinpath("examples").rglob("*.lkml"), *ROOT.joinpath("tests").rglob("*.lkml")]
    return sorted(p for p in found if ".venv" not in p.parts)


def _inline_lookml() -> list[str]:
    """String constants of the test modules that look like LookML (dedented, as tests write them)."""
    texts: set[str] = set()
    for module in ROOT.joinpath("tests").rglob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                if any(marker in value for marker in ("view:", "explore:", "include:", "dimension:", "connection:")):
                    texts.add(textwrap.dedent(value).lstrip("\n"))
    return sorted(texts)


@pytest.mark.parametrize("path", _lookml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_lookml_file_of_the_repository(path: Path) -> None:
    _assert_same(path.read_text(encoding="utf-8"))


def test_every_inline_lookml_string_of_the_tests() -> None:
    texts = _inline_lookml()
    accepted = sum(_assert_same(text) for text in texts)
    assert len(texts) > 100 and accepted > len(texts) // 2


def test_a_generated_project() -> None:
    spec = importlib.util.spec_from_file_location("generate_project", ROOT / "benchmarks" / "generate_project.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_project", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    generated = module.generate(0.3, 5)
    lookml = [text for path, text in generated.files.items() if not path.endswith(".dashboard.lookml")]
    assert lookml
    for text in lookml:
        assert _assert_same(text), "the fast reader should accept every generated file"


# -- hypothesis -------------------------------------------------------------------------------

_names = st.sampled_from(["orders", "users", "id", "status", "+orders", "a_b", "x1", "-", "sql", "label"])
_keys = st.sampled_from(
    [
        "dimension",
        "measure",
        "type",
        "label",
        "hidden",
        "sql",
        "sql_on",
        "html",
        "fields",
        "filters",
        "extends",
        "join",
        "view",
        "explore",
        "include",
        "timeframes",
        "tags",
        "description",
        "expression",
        "value_format",
    ]
)
_space = st.sampled_from([" ", "  ", "\t", "\n", "\n\n", "  \n  ", "\n  # note\n  ", " # trailing\n", "\n# col0\n", ""])
_literal = st.sampled_from(["yes", "no", "string", "number", "a#b", 'x"y', "5", "-", "a;b", "1.5", "left_outer"])
_quoted = st.sampled_from(
    ['"plain"', '"with \\" quote"', '"a\\\\b"', '"multi\nline"', '""', '"# not a comment"', '"]"']
)
_expression = st.sampled_from(
    [
        "${TABLE}.id ;;",
        " CASE WHEN ${x} THEN 'a;' END  ;;",
        "{% if v.f._is_selected %}1{% endif %} ;;",
        "\n  x\n  ;;",
        "'a;;b' ;;",
        " ;;",
        "x",
    ]
)
_list_item = st.one_of(_literal, _quoted, st.builds(lambda k, v: f"{k}: {v}", _names, _literal))


@st.composite
def _lists(draw: st.DrawFn) -> str:
    items = draw(st.lists(_list_item, max_size=4))
    seps = [draw(st.sampled_from([",", ", ", ",\n  ", " , ", ",  # c\n"])) for _ in items]
    body = "".join(item + sep for item, sep in zip(items, seps, strict=True))
    if body and not draw(st.booleans()):
        body = body.rstrip(" ,\n#c")
    lead = draw(st.sampled_from(["", ",", " ", "\n  ", "# c\n"]))
    return f"[{lead}{body}]"


@st.composite
def _items(draw: st.DrawFn, depth: int) -> str:
    kind = draw(st.sampled_from(["pair", "quoted", "expr", "list", "block", "comment"] if depth < 3 else ["pair"]))
    key = draw(_keys)
    gap = draw(st.sampled_from([" ", "", "  ", "\n"]))
    if kind == "pair":
        return f"{key}:{gap}{draw(_literal)}"
    if kind == "quoted":
        return f"{key}:{gap}{draw(_quoted)}"
    if kind == "expr":
        return f"{draw(st.sampled_from(['sql', 'sql_on', 'html', 'expression']))}:{draw(_expression)}"
    if kind == "list":
        return f"{key}:{gap}{draw(_lists())}"
    if kind == "comment":
        return "# " + draw(st.sampled_from(["spectacles: ignore", "note", "}", "x: y"]))
    name = draw(st.one_of(st.just(""), _names))
    children = draw(st.lists(_items(depth + 1), max_size=4))
    inner = "".join(draw(_space) + child for child in children)
    before_brace = draw(st.sampled_from([" ", "", "  "])) if name else ""
    return f"{key}:{gap}{name}{before_brace}{{{draw(_space)}{inner}{draw(_space)}}}"


@st.composite
def _documents(draw: st.DrawFn) -> str:
    parts = draw(st.lists(_items(0), max_size=5))
    return draw(_space) + "".join(part + draw(_space) for part in parts)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_generated_lookml(text: str) -> None:
    _assert_same(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='ab:{}[],;"#\\ \n\t-+$', max_size=60))
def test_arbitrary_text(text: str) -> None:
    _assert_same(text)


def test_the_key_sets_are_lkmls_and_lkml_is_imported_only_when_needed() -> None:
    """The fast reader writes lkml's key sets out (importing lkml costs start-up): still equal."""
    import subprocess

    import lkml.keys

    from pytest_looker.lookml import fastparse

    assert frozenset(lkml.keys.PLURAL_KEYS) == fastparse.PLURAL_KEYS
    assert frozenset(lkml.keys.EXPR_BLOCK_KEYS) == fastparse.EXPR_BLOCK_KEYS
    probe = (
        "import sys; from pytest_looker.lookml.syntax import parse_lookml; "
        "parse_lookml('view: v {\\n  dimension: x {}\\n}\\n'); print('lkml' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
