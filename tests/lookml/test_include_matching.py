"""Include patterns match by their literal head first: the same files as matching every candidate."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_looker.lookml.files import LOOKML_SUFFIXES, match_include

CANDIDATES = sorted(
    [
        "a.model.lkml",
        "views/a.view.lkml",
        "views/b.view.lkml",
        "views/sub/c.view.lkml",
        "views/sub/deeper/d.view.lkml",
        "views.view.lkml",
        "viewsx/e.view.lkml",
        "explores/a.explore.lkml",
        "dashboards/x.dashboard.lookml",
        "looker-hub/fenix/views/f.view.lkml",
        "looker-hub/fenix/explores/f.explore.lkml",
        "looker-hub/fenix2/views/g.view.lkml",
        "a+b/[c].view.lkml",
    ]
)


def _naive(pattern: str, candidates: list[str]) -> list[str]:
    """Every candidate against the whole pattern (the rule, written independently)."""

    def regex(glob: str) -> re.Pattern[str]:
        tokens = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}
        body = re.sub(r"\*\*/|\*\*|\*|\?|[^*?]+", lambda m: tokens.get(m[0]) or re.escape(m[0]), glob)
        return re.compile(body + r"\Z")

    matched = [c for c in candidates if regex(pattern).match(c)]
    if not matched and not pattern.endswith(LOOKML_SUFFIXES):
        matched = [c for suffix in LOOKML_SUFFIXES for c in candidates if regex(pattern + suffix).match(c)]
    return sorted(set(matched))


PATTERNS = [
    "views/*.view.lkml", "views/**/*.view.lkml", "**/*.view.lkml", "views/*", "views/sub/c.view",
    "views/?.view.lkml", "looker-hub/fenix/views/*", "looker-hub/fenix*/views/*.view.lkml", "*.model.lkml",
    "a+b/[c].view.lkml", "views*", "dashboards/*.dashboard", "views/**", "nothing/*", "", "views/sub/*/d.view.lkml",
]  # fmt: skip


def test_include_patterns_match_what_matching_every_candidate_matches() -> None:
    for pattern in PATTERNS:
        assert match_include(pattern, CANDIDATES) == _naive(pattern, CANDIDATES), pattern


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["views", "sub", "*", "**", "?", "a", ".view.lkml", "/", "x.", "fenix"]), max_size=7))
def test_any_pattern_of_these_pieces_matches_the_same_files(pieces: list[str]) -> None:
    pattern = "".join(pieces)
    assert match_include(pattern, CANDIDATES) == _naive(pattern, CANDIDATES)
