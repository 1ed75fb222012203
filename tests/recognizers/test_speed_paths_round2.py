"""Faster ways of doing the same work give the same answers as the plain ones they replace.

- Clauses come from one split of the text (their offsets are the pieces' lengths added up)
  instead of a search per break: ``_reference_clause_spans`` is the search per break.
- The clause before a hit ends at the last clause end found by one search from the right,
  not the last of all those found from the left.
- Negation cues are compared only with the tokens their first word can be (an index of the
  cues by first word, stems apart), not each cue with each token.
- The clause model keeps each clause's hits by its word keys too, so a clause with the keys
  of one seen before (other digits, other case) is not scored again.
- The recognizer set builds hits only for the recognizers with phrase matches or patterns,
  in plan order, and skips its final sort when the clause model's merge sorted them.

Each is checked on the golden corpora and on generated texts (several scripts, every kind of
space, clause break and bullet, the limits on clauses and clause length).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from vigil.extract.normalize import normalize
from vigil.recognizers import IndicatorHit, RecognizerSet, load_recognizers
from vigil.recognizers.base import REPORTING_KINDS
from vigil.recognizers.clauses import (
    CLAUSE_CACHE_SIZE,
    MAX_CLAUSE_CHARS,
    MAX_CLAUSES,
    SHIPPED_MODEL,
    ClauseModel,
    _clauses,
    clause_spans,
    merge_hits,
)
from vigil.recognizers.lexicon import COMMON_LEXICON, NEGATION_WINDOW_WORDS, TOKEN_RE, Phrase, Word, WordKind
from vigil.recognizers.matching import (
    CLAUSE_END_RE,
    NEGATION_WINDOW_CHARS,
    RawMatch,
    _clause_before,
    _cue_in,
    _match_words,
    _Window,
    _word_matches,
)

DATA = Path(__file__).resolve().parents[1] / "data"
_MODEL_DATA = json.loads(SHIPPED_MODEL.read_text(encoding="utf-8"))
_BREAK = re.compile(r"[.!?;\n\r•·|▪►✔✅❗☎️]+|\s[-–—]\s")


def _reference_clause_spans(text: str) -> list[tuple[int, int]]:
    """The clauses as one search per break found them (before the split)."""
    spans: list[tuple[int, int]] = []

    def trimmed(start: int, end: int) -> None:
        piece = text[start:end]
        kept = piece.lstrip()
        start += len(piece) - len(kept)
        end -= len(kept) - len(kept.rstrip())
        if end - start > MAX_CLAUSE_CHARS:
            end = start + MAX_CLAUSE_CHARS
            kept = text[start:end]
        if any(map(str.isalpha, kept)):
            spans.append((start, end))

    start = 0
    for count, match in enumerate(_BREAK.finditer(text), start=1):
        trimmed(start, match.start())
        start = match.end()
        if count >= MAX_CLAUSES:
            return spans
    trimmed(start, len(text))
    return spans


def _golden_texts() -> list[str]:
    texts: list[str] = []
    for name in ("indicators_golden.jsonl", "indicators_heldout.jsonl", "risk_labelled.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").split("\n"):
            if line.strip():
                row = json.loads(line)
                texts.extend(t for t in (row.get("text"), row.get("title")) if t)
    return texts


def _generated_texts(seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    alphabet = list(" \t\n\r\x0b\x0c\x1c\x85\u2028\u00a0\u3000ab Жё 1٣_.!?;,:•·|▪►✔✅❗☎️\ufe0f-–—()[]\"'«»")
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))) for _ in range(3000)]
    for count in (MAX_CLAUSES - 1, MAX_CLAUSES, MAX_CLAUSES + 1, 2 * MAX_CLAUSES):
        texts.append(". ".join("word" for _ in range(count)) + " tail")
        texts.append(".".join("" for _ in range(count)) + "tail")
    for size in (MAX_CLAUSE_CHARS - 1, MAX_CLAUSE_CHARS, MAX_CLAUSE_CHARS + 1, 3 * MAX_CLAUSE_CHARS):
        texts.append("  " + "x" * size + "  . y")
        texts.append(" " * size + "x" + " " * size)
        texts.append("1" * size + " a")
    texts += ["", " ", ".", "a", " a ", "a - b", "a—b", "a — b", "1 2 3", "\u2028a\u2028", "☎️a☎️"]
    return texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    golden = _golden_texts()
    return golden + [normalize(t).text for t in golden] + _generated_texts()


def test_clause_split_is_the_search_per_break(texts: list[str]) -> None:
    for text in texts:
        spans, clauses = _clauses(text)
        assert spans == _reference_clause_spans(text), text
        assert clause_spans(text) == spans
        assert clauses == [text[s:e] for s, e in spans]


def test_clause_before_is_the_last_clause_end_from_the_left(texts: list[str]) -> None:
    for text in texts[:4000]:
        for start in range(0, len(text) + 1, 3):
            lo = max(0, start - NEGATION_WINDOW_CHARS)
            cut = 0
            for match in CLAUSE_END_RE.finditer(text[lo:start]):
                cut = match.end()
            assert _clause_before(text, start) == (lo + cut, start), (text, start)


def _reference_cue_in(text: str, lo: int, hi: int, cues: tuple[Phrase, ...], last_words: bool) -> Phrase | None:
    """Every cue tried at every token (before the index of first words)."""
    tokens = list(TOKEN_RE.finditer(text, lo, hi))
    tokens = tokens[-NEGATION_WINDOW_WORDS:] if last_words else tokens[:NEGATION_WINDOW_WORDS]
    for token in tokens:
        for cue in cues:
            if not _word_matches(cue.words[0], token.group()):
                continue
            end = _match_words(_Window(text, token.end()), cue.words, 1, 0, token.end())
            if end is not None and end <= hi:
                return cue
    return None


def test_negation_cue_index_finds_the_cue_every_cue_tried_finds(recognizers: RecognizerSet, texts: list[str]) -> None:
    cue_lists = {
        id(cues): cues
        for rec in recognizers.recognizers
        for lexicon in rec.lexicons
        for cues in (lexicon.negations, lexicon.negations_after)
        if cues
    }
    assert any(cue.words[0].kind is WordKind.STEM for cues in cue_lists.values() for cue in cues)
    assert any(cue.words[0].kind is WordKind.FORMS for cues in cue_lists.values() for cue in cues)
    # Words from the cues themselves, so that cues are found, in several orders.
    words = sorted({cue.text for cues in cue_lists.values() for cue in cues})
    rng = random.Random(3)
    samples = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 6))) for _ in range(400)]
    samples += [normalize(t).text for t in texts[:300]]
    for text in samples:
        for cues in cue_lists.values():
            for last_words in (True, False):
                expected = _reference_cue_in(text, 0, len(text), cues, last_words)
                assert _cue_in(text, 0, len(text), cues, last_words) is expected, (text, cues[0].text)


def test_negation_cue_index_keeps_list_order_across_kinds() -> None:
    """Stems and exact words mixed: the first cue in list order wins, as when each is tried."""
    cues = (
        Phrase("kein*", (Word(WordKind.STEM, "kein"),)),
        Phrase("keine", (Word(WordKind.EXACT, "keine"),)),
        Phrase("nie", (Word(WordKind.FORMS, "nie", frozenset({"nie", "nigdy"})),)),
        Phrase("no ~ fee", (Word(WordKind.EXACT, "no"), Word(WordKind.GAP), Word(WordKind.EXACT, "fee"))),
    )
    for text in ("keine", "nigdy keine", "no extra fee", "no", "x keinerlei", "nie nie"):
        for last_words in (True, False):
            assert _cue_in(text, 0, len(text), cues, last_words) is _reference_cue_in(
                text, 0, len(text), cues, last_words
            )
    assert _cue_in("keine", 0, 5, cues[1:], True) is cues[1]
    assert _cue_in("keine", 0, 5, cues, True) is cues[0]


def _reference_find(recognizers: RecognizerSet, text: str, lang: str | None, kind: str) -> list[IndicatorHit]:
    """RecognizerSet.find asking every recognizer of the plan, in order, then sorting."""
    nt = normalize(text)
    langs = None if lang is None or lang not in recognizers.languages else frozenset({lang, COMMON_LEXICON})
    recognizers.find(nt, lang, kind)  # the plan, made on first use
    plan = recognizers._plans[kind, langs]
    if not plan.active or not nt.text:
        return []
    index = recognizers._all if langs is None else recognizers._by_lang[lang or ""]
    by_owner: dict[int, list[RawMatch]] = {}
    for match in index.scan(nt.text, None):
        if match.entry.owner in plan.owners:
            by_owner.setdefault(match.entry.owner, []).append(match)
    runs = plan.pattern_runs(nt.text)
    hits: list[IndicatorHit] = []
    for rec in plan.active:
        matches = by_owner.get(rec.owner)
        own = runs.get(rec.owner, ())
        if matches is not None or own:
            hits.extend(rec.build_hits(nt, matches or [], langs, kind, pattern_runs=own))
    if recognizers.clause_model is not None and recognizers.clause_model.applies_to(kind):
        hits = merge_hits(hits, recognizers.clause_model.find(nt, kind, lang or ""))
    if hits and kind in REPORTING_KINDS and recognizers.is_reporting(nt.text, langs):
        return []
    hits.sort(key=lambda h: (h.start, h.end, h.indicator))
    return hits


@pytest.mark.parametrize("clause_model", [False, True])
def test_find_is_every_recognizer_asked_in_plan_order(texts: list[str], clause_model: bool) -> None:
    recognizers = load_recognizers(clause_model=clause_model)
    for text in texts[:1500]:
        for lang in ("en", "uk", "xx", None):
            for kind in ("job_ad", "sex_ad", "forum_post", "other"):
                assert recognizers.find(normalize(text), lang, kind) == _reference_find(recognizers, text, lang, kind)


def test_clause_hits_by_word_keys_are_the_fresh_models(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Clauses with the word keys of one seen before (here: other digits of the same length,
    other case) take its hits without scoring; each is what a model that never saw it finds."""
    rng = random.Random(9)
    samples = [t for t in texts if any(c.isdigit() for c in t)][:300]
    variants = ["".join(str(rng.randint(0, 9)) if c.isdigit() else c for c in t) for t in samples]
    variants += [t.upper() for t in samples[:100]]
    for size in (CLAUSE_CACHE_SIZE, 8):
        monkeypatch.setattr("vigil.recognizers.clauses.CLAUSE_CACHE_SIZE", size)
        model = ClauseModel(_MODEL_DATA)
        for text in samples + variants:
            nt = normalize(text)
            for kind in ("job_ad", "sex_ad"):
                fresh = ClauseModel(_MODEL_DATA) if text in variants[:20] else None
                found = model.find(nt, kind, "en")
                if fresh is not None:
                    assert found == fresh.find(nt, kind, "en")
                for _, scorer in model._by_kind.values():
                    assert len(scorer.key_hits) <= size + MAX_CLAUSES


def test_a_clause_with_known_word_keys_is_not_scored_again(monkeypatch: pytest.MonkeyPatch) -> None:
    model = ClauseModel(_MODEL_DATA)
    scorer = model._by_kind["job_ad"][1]
    scored: list[int] = []
    original = scorer._score

    def counted(clauses: list[tuple[str, ...]]) -> None:
        scored.append(len(clauses))
        original(clauses)

    monkeypatch.setattr(scorer, "_score", counted)
    first = model.find(normalize("Call 0123 456 789 now. Salary 5000 EUR"), "job_ad")
    assert scored == [2]
    second = model.find(normalize("CALL 0987 654 321 now. Salary 7000 eur"), "job_ad")
    assert scored == [2]  # the second text's clauses have the first's word keys
    assert [(h.indicator, h.confidence) for h in first] == [(h.indicator, h.confidence) for h in second]
