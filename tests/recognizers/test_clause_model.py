"""The learned clause recognizer: clauses, features, scoring, merging with lexicon hits, training."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vigil.errors import ConfigError, InputError
from vigil.extract.normalize import normalize
from vigil.recognizers import load_recognizers
from vigil.recognizers.base import IndicatorHit
from vigil.recognizers.clause_training import model_json, train_clause_model
from vigil.recognizers.clauses import (
    FEATURE_VERSION,
    MAX_CLAUSES,
    ClauseModel,
    clause_features,
    clause_spans,
    clause_tokens,
    load_clause_model,
    merge_hits,
    word_key,
)


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        ("no experience. free flat!", ["no experience", "free flat"]),
        ("робота в польщі! житло безкоштовно", ["робота в польщі", "житло безкоштовно"]),
        ("praca od zaraz; mieszkanie zapewnione", ["praca od zaraz", "mieszkanie zapewnione"]),
        ("arbeit sofort\nunterkunft frei", ["arbeit sofort", "unterkunft frei"]),
        ("práce ihned • ubytování zdarma", ["práce ihned", "ubytování zdarma"]),
        ("muncă urgent - cazare gratuită", ["muncă urgent", "cazare gratuită"]),
        ("работа срочно | жильё бесплатно", ["работа срочно", "жильё бесплатно"]),
        ("travail en Espagne? logement offert", ["travail en Espagne", "logement offert"]),
        # negative cases: nothing with a letter is a clause
        ("", []),
        ("12345 !!! ... +48 501", []),
        ("a-b", ["a-b"]),
    ],
)
def test_clause_spans(text: str, clauses: list[str]) -> None:
    assert [text[s:e] for s, e in clause_spans(text)] == clauses


def test_clause_spans_are_bounded_on_hostile_text() -> None:
    assert len(list(clause_spans("a. " * 100_000))) <= MAX_CLAUSES + 1


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("робота без досвіду", "robota bez dosvidu"),
        ("работа в польше", "rabota v polshe"),
        ("девочки", "devochki"),
    ],
)
def test_transliterations_share_word_features(cyrillic: str, latin: str) -> None:
    assert clause_tokens(cyrillic) == clause_tokens(latin)
    assert {f for f in clause_features(cyrillic) if f.startswith("w:")} == {
        f for f in clause_features(latin) if f.startswith("w:")
    }


def test_features_keep_word_pairs_and_mask_digits() -> None:
    features = clause_features("no fee 3000 eur")
    assert f"b:no {word_key('fee')}" in features
    assert "d:####" in features
    assert not any("3000" in f for f in features)


def _model(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "clauses-test",
        "feature_version": FEATURE_VERSION,
        "indicators": ["upfront_fee", "youth"],
        "kinds": {"job_ad": ["upfront_fee"], "sex_ad": ["youth"]},
        "bias": [-4.0, -4.0],
        "calibration": {"slope": [1.0, 1.0], "intercept": [0.0, 0.0]},
        "thresholds": [0.5, 0.5],
        "weights": {
            f"w:{word_key('opłata')}": [[0, 6.0]],
            f"b:bez {word_key('opłaty')}": [[0, -9.0]],
            f"w:{word_key('mlada')}": [[1, 6.0]],
        },
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("job_ad", "Praca w Niemczech. Opłata 200 euro za wizę!", [("upfront_fee", "Opłata 200 euro za wizę")]),
        ("job_ad", "OPŁATA za dokumenty", [("upfront_fee", "OPŁATA za dokumenty")]),
        # negative cases: the word pair outweighs the word; the indicator is not of this kind;
        # the kind was never trained
        ("job_ad", "Praca bez opłaty.", []),
        ("sex_ad", "Opłata z góry", []),
        ("forum_post", "Opłata z góry", []),
        ("sex_ad", "Mlada holka", [("youth", "Mlada holka")]),
        ("sex_ad", "💋 Mlada holka", [("youth", "💋 Mlada holka")]),  # emoji read as words
    ],
)
def test_model_hits_are_whole_clauses_of_the_original_text(
    kind: str, text: str, expected: list[tuple[str, str]]
) -> None:
    model = ClauseModel(_model())
    hits = model.find(normalize(text), kind, "pl")
    assert [(h.indicator, h.evidence) for h in hits] == expected
    for hit in hits:
        assert type(hit.start) is int and type(hit.end) is int  # the analysis is JSON
        assert text[hit.start : hit.end] == hit.evidence
        assert hit.source == "model:clauses-test"
        assert 0.5 <= hit.confidence <= 1.0


@pytest.mark.parametrize(
    "change",
    [{"feature_version": FEATURE_VERSION + 1}, {"thresholds": [0.5]}, {"bias": [0.0, 0.0, 0.0]}],
)
def test_a_model_file_that_does_not_fit_is_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        ClauseModel(_model(**change))


def test_an_unreadable_model_file_is_a_config_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_clause_model(broken)


def _hit(indicator: str, start: int, end: int, source: str) -> IndicatorHit:
    return IndicatorHit(indicator, start, end, "x" * (end - start), 0.8, source, "p", "en")


@pytest.mark.parametrize(
    ("lexicon", "model", "kept_sources"),
    [
        ([_hit("urgency", 5, 10, "lex")], [_hit("urgency", 0, 20, "model")], ["lex"]),
        ([_hit("urgency", 5, 10, "lex")], [_hit("upfront_fee", 0, 20, "model")], ["model", "lex"]),
        ([_hit("urgency", 5, 10, "lex")], [_hit("urgency", 12, 20, "model")], ["lex", "model"]),
        ([], [_hit("urgency", 0, 4, "model")], ["model"]),
        ([_hit("urgency", 0, 4, "lex")], [], ["lex"]),
    ],
)
def test_each_indicator_is_reported_once_per_span(
    lexicon: list[IndicatorHit], model: list[IndicatorHit], kept_sources: list[str]
) -> None:
    assert [h.source for h in merge_hits(lexicon, model)] == kept_sources


def test_the_shipped_model_loads_and_covers_every_indicator() -> None:
    model = load_clause_model()
    lexicons = load_recognizers()
    assert set(model.indicators) == set(lexicons.indicator_ids)
    assert all(0.0 < t < 1.0 for t in model.thresholds)
    assert model.source.startswith("model:clauses-")


def test_the_pipeline_reports_model_hits_only_when_switched_on() -> None:
    on, off = load_recognizers(clause_model=True), load_recognizers(clause_model=False)
    assert on.clause_model is not None
    assert off.clause_model is None


TRAINING = [
    *(
        {
            "id": f"p{n}",
            "kind": "job_ad",
            "lang": "pl",
            "text": f"Praca na budowie nr {n}. Trzeba wpłacić kaucję {n}00 zł przed wyjazdem.",
            "labels": {"indicators": ["upfront_fee", "high_risk_sector"]},
        }
        for n in range(12)
    ),
    *(
        {
            "id": f"n{n}",
            "kind": "job_ad",
            "lang": "pl",
            "text": f"Biuro w Krakowie zatrudni księgową nr {n}. Umowa o pracę, bez żadnych opłat.",
            "labels": {"indicators": []},
        }
        for n in range(12)
    ),
    *(
        {
            "id": f"s{n}",
            "kind": "sex_ad",
            "lang": "en",
            "text": f"Sweet girl number {n}. Only in town this week.",
            "labels": {"indicators": ["movement"], "network": f"net{n % 3}"},
        }
        for n in range(10)
    ),
]


def test_training_is_deterministic_and_learns_the_labels(tmp_path: Path) -> None:
    corpus = tmp_path / "train.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in TRAINING), encoding="utf-8")
    lexicons = load_recognizers()
    first = model_json(train_clause_model([corpus], lexicons, normalize))
    second = model_json(train_clause_model([corpus], lexicons, normalize))
    assert first == second
    model = ClauseModel(json.loads(first))
    fee = model.indicators.index("upfront_fee")
    positive = model.probabilities(model.logits("trzeba wpłacić kaucję 500 zł"))[fee]
    negative = model.probabilities(model.logits("umowa o pracę bez żadnych opłat"))[fee]
    assert positive > negative
    assert json.loads(first)["cross_validation"]["upfront_fee"]["positives"] == 12


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json\n", "not JSON"), ('{"id": "x"}\n', "need an object"), ("", "at least")],
)
def test_training_input_errors_are_clear(tmp_path: Path, content: str, message: str) -> None:
    corpus = tmp_path / "train.jsonl"
    corpus.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        train_clause_model([corpus], load_recognizers(), normalize)
