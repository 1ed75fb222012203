"""The recognizer set runs a text's regular expressions only where they may match, and never
spares one that matches: the patterns the text has the required words for, or (without such
words) all of them when one search over every pattern finds something."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vigil.extract.normalize import normalize
from vigil.recognizers import RecognizerSet
from vigil.recognizers.base import MAX_PATTERN_TEXT_CHARS
from vigil.recognizers.lexicon import COMMON_LEXICON
from vigil.recognizers.recognizer_set import _Plan

CORPORA = ("indicators_golden.jsonl", "indicators_heldout.jsonl")


def _any_pattern_matches(plan: _Plan, text: str, langs: frozenset[str] | None) -> bool:
    return any(
        next(iter(p.compiled.finditer(text, 0, MAX_PATTERN_TEXT_CHARS)), None) is not None
        for rec in plan.active
        for lexicon in rec.pattern_lexicons_for(langs)
        for p in lexicon.patterns
    )


def _matching(plan: _Plan, text: str, langs: frozenset[str] | None) -> set[str]:
    """The patterns of the plan that match ``text``."""
    return {
        p.text
        for rec in plan.active
        for lexicon in rec.pattern_lexicons_for(langs)
        for p in lexicon.patterns
        if next(iter(p.compiled.finditer(text, 0, MAX_PATTERN_TEXT_CHARS)), None) is not None
    }


def _run(plan: _Plan, text: str) -> set[str]:
    """The patterns the plan runs on ``text``."""
    return {p.text for runs in plan.pattern_runs(text).values() for _, patterns in runs for p in patterns}


def _rows() -> list[tuple[str, str | None, str]]:
    rows = []
    for name in CORPORA:
        path = Path(__file__).parents[1] / "data" / name
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows.append((str(row["text"]), row.get("lang"), str(row.get("kind", "other"))))
    return rows


@pytest.mark.parametrize(
    ("text", "lang", "kind", "matches"),
    [
        ("we have 5 girls waiting", "en", "sex_ad", True),
        ("у нас 7 дівчат", "uk", "sex_ad", True),
        ("salary €3 000 monthly, no experience", "en", "job_ad", True),
        ("zarobki od 12 000 zł miesięcznie", "pl", "job_ad", True),
        ("salary 3 000 eur", None, "job_ad", True),
        # negative cases: no pattern matches
        ("we have girls waiting", "en", "sex_ad", False),
        ("salary €30 per hour", "en", "job_ad", False),
        ("", "en", "job_ad", False),
    ],
)
def test_the_gate_agrees_with_the_patterns(
    recognizers: RecognizerSet, text: str, lang: str | None, kind: str, matches: bool
) -> None:
    langs = None if lang is None else frozenset({lang, COMMON_LEXICON})
    plan = _Plan.of(recognizers.recognizers, kind, langs)
    assert plan.literals is not None
    normalized = normalize(text).text
    assert _any_pattern_matches(plan, normalized, langs) is matches
    assert _matching(plan, normalized, langs) <= _run(plan, normalized)


def test_the_gate_never_spares_a_pattern_that_matches_in_the_corpora(recognizers: RecognizerSet) -> None:
    seen = {True: 0, False: 0}
    for text, lang, kind in _rows():
        langs = None if lang not in recognizers.languages else frozenset({str(lang), COMMON_LEXICON})
        plan = _Plan.of(recognizers.recognizers, kind, langs)
        normalized = normalize(text).text
        matches = _any_pattern_matches(plan, normalized, langs)
        assert _matching(plan, normalized, langs) <= _run(plan, normalized), text
        seen[matches] += 1
    assert seen[True] > 10 and seen[False] > 10


@pytest.mark.parametrize(
    "patterns",
    [
        [r"(\w)\1", r"girls"],  # a backreference's group number changes when joined
        [r"(?P<n>a)(?P=n)"],
        [r"(a|b(?1))"],
    ],
)
def test_patterns_whose_meaning_changes_when_joined_get_no_gate(
    recognizers: RecognizerSet, patterns: list[str]
) -> None:
    from vigil.recognizers.recognizer_set import _NOT_JOINABLE

    assert any(_NOT_JOINABLE.search(p) for p in patterns)
    assert not any(
        _NOT_JOINABLE.search(p.text)
        for rec in recognizers.recognizers
        for lexicon in rec.lexicons
        for p in lexicon.patterns
    ), "a shipped pattern would run without the gate"


def test_without_a_literal_gate_one_search_decides_for_every_pattern(recognizers: RecognizerSet) -> None:
    plan = _Plan.of(recognizers.recognizers, "job_ad", frozenset({"en", COMMON_LEXICON}))
    assert plan.literals is not None
    every = {p.text for runs in plan.every.values() for _, patterns in runs for p in patterns}
    assert every == set(plan.texts)
    from dataclasses import replace

    from vigil.recognizers.recognizer_set import _joined

    searched = replace(plan, literals=None, gate=_joined(plan.texts), runs={})
    assert _run(searched, normalize("salary €3 000 monthly").text) == every
    assert not searched.pattern_runs(normalize("salary €30 per hour").text)


@pytest.mark.parametrize(
    ("text", "lang", "kind"),
    [("we have nobody waiting", "en", "sex_ad"), ("salary paid monthly", "en", "job_ad"), ("", "en", "job_ad")],
)
def test_a_text_without_the_words_the_patterns_need_runs_none(
    recognizers: RecognizerSet, text: str, lang: str, kind: str
) -> None:
    plan = _Plan.of(recognizers.recognizers, kind, frozenset({lang, COMMON_LEXICON}))
    assert plan.with_patterns
    assert not plan.pattern_runs(normalize(text).text)
