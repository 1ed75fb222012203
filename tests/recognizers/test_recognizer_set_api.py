"""The public API the pipeline calls: load_recognizers, RecognizerSet.find, IndicatorHit."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from vigil.extract.normalize import normalize
from vigil.recognizers import IndicatorHit, RecognizerSet, load_recognizers

JOB = "Терміново! Робота для українців. Передоплата 200 євро за візу, паспорт здаєте координатору."
SEX = "Новенька молоденька українка, працюємо цілодобово, без гумки."


def _ids(hits: list[IndicatorHit]) -> set[str]:
    return {h.indicator for h in hits}


def test_hits_carry_exact_original_spans_through_obfuscation(recognizers: RecognizerSet):
    text = "🆕 𝐍𝐄𝐖 in t0wn!!  Y0UNG   𝐔𝐤𝐫𝐚𝐢𝐧𝐢𝐚𝐧 girl, 𝟐𝟒/𝟕"
    hits = recognizers.find(normalize(text), "en", "sex_ad")
    assert {"new_arrival", "youth", "nationality", "always_available"} <= _ids(hits)
    for hit in hits:
        assert hit.evidence == text[hit.start : hit.end]
        assert hit.lang in {"en", "common"}
        assert hit.pattern


def test_title_and_body_offsets_are_independent(recognizers: RecognizerSet):
    title = "NEW in town"
    (hit,) = [h for h in recognizers.find(normalize(title), "en", "sex_ad") if h.indicator == "new_arrival"]
    assert (hit.start, hit.end, hit.evidence) == (0, 11, "NEW in town")


def test_kind_selects_the_indicator_family(recognizers: RecognizerSet):
    job_ids = _ids(recognizers.find(normalize(JOB), "uk", "job_ad"))
    assert {"urgency", "targets_ukrainians", "upfront_fee", "document_retention"} <= job_ids
    assert not job_ids & {"new_arrival", "youth", "nationality"}
    sex_ids = _ids(recognizers.find(normalize(SEX), "uk", "sex_ad"))
    assert {"new_arrival", "youth", "nationality", "always_available", "unsafe_services"} <= sex_ids
    assert not sex_ids & {"urgency", "upfront_fee"}


@pytest.mark.parametrize("lang", [None, "lt", "xx"])
def test_unknown_or_missing_language_runs_every_lexicon(recognizers: RecognizerSet, lang):
    hits = recognizers.find(normalize(JOB), lang, "job_ad")
    assert {"upfront_fee", "document_retention"} <= _ids(hits)


def test_language_given_limits_lexicons_to_that_language(recognizers: RecognizerSet):
    german = "Dringend! Vermittlungsgebühr 300 Euro."
    assert {"urgency", "upfront_fee"} <= _ids(recognizers.find(normalize(german), "de", "job_ad"))
    assert _ids(recognizers.find(normalize(german), "uk", "job_ad")) == set()


def test_load_recognizers_for_some_languages_only():
    subset = load_recognizers(["uk", "pl"])
    assert subset.languages == {"uk", "pl"}
    assert subset.indicator_ids == load_recognizers(["en"]).indicator_ids
    assert _ids(subset.find(normalize(JOB), None, "job_ad"))
    assert not subset.find(normalize("Urgent! Registration fee 200 EUR."), None, "job_ad")


def test_hit_is_frozen_and_results_are_sorted(recognizers: RecognizerSet):
    hits = recognizers.find(normalize(SEX), "uk", "sex_ad")
    assert hits == sorted(hits, key=lambda h: (h.start, h.end, h.indicator))
    with pytest.raises(dataclasses.FrozenInstanceError):
        hits[0].start = 0  # type: ignore[misc]


def test_set_is_picklable_and_gives_identical_results(recognizers: RecognizerSet):
    clone = pickle.loads(pickle.dumps(recognizers))
    for text, lang, kind in ((JOB, "uk", "job_ad"), (SEX, None, "sex_ad")):
        assert clone.find(normalize(text), lang, kind) == recognizers.find(normalize(text), lang, kind)


def test_empty_and_blank_texts_have_no_hits(recognizers: RecognizerSet):
    for text in ("", " ", "\n\t", "…"):
        assert recognizers.find(normalize(text), None, "other") == []


def test_confidence_reflects_weights_and_base(recognizers: RecognizerSet):
    (fee,) = [
        h
        for h in recognizers.find(normalize("Registration fee 250 EUR."), "en", "job_ad")
        if h.indicator == "upfront_fee"
    ]
    (sector,) = [
        h for h in recognizers.find(normalize("Cleaners wanted."), "en", "job_ad") if h.indicator == "high_risk_sector"
    ]
    assert fee.confidence > sector.confidence
    assert fee.source == "ILO-2012/debt-bondage"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", 'Researchers found that "new in town" was rare in trafficking cases.'),
        ("uk", "Дослідники пишуть, що оголошення про «новеньких дівчат» публікують незалежні працівниці."),
        ("de", "Hinweise wie „neu in der Stadt“ waren seltener."),
    ],
)
def test_quoted_phrases_in_reporting_are_mentions_not_uses(recognizers: RecognizerSet, lang, text):
    assert "new_arrival" not in _ids(recognizers.find(normalize(text), lang, "other"))
    assert "new_arrival" in _ids(recognizers.find(normalize(text), lang, "sex_ad"))


WARNINGS = [
    ("en", "Police warn that fake agencies ask for a registration fee and keep passports."),
    ("pl", "Policja ostrzega: oferty pracy z opłatą rekrutacyjną to oszustwo."),
    ("de", "Die Polizei warnt vor Jobangeboten mit Vermittlungsgebühr."),
    ("uk", "Поліція попереджає: не платіть передоплату за працевлаштування."),
]


@pytest.mark.parametrize(("lang", "text"), WARNINGS)
def test_reports_and_warnings_about_lures_are_not_lures(recognizers: RecognizerSet, lang, text):
    assert recognizers.find(normalize(text), lang, "other") == []
    assert recognizers.is_reporting(normalize(text).text, None)


def test_the_same_words_in_an_ad_still_count(recognizers: RecognizerSet):
    text = "Registration fee 300 EUR, the coordinator will keep your passport."
    assert {"upfront_fee", "document_retention"} <= _ids(recognizers.find(normalize(text), "en", "job_ad"))
    assert {"upfront_fee", "document_retention"} <= _ids(recognizers.find(normalize(text), "en", "other"))


def test_reporting_cues_exist_for_every_language(recognizers: RecognizerSet):
    for lang in recognizers.languages:
        assert recognizers.is_reporting(
            " police polizei policja поліція полиция policie polícia poliția rendőrség police polizia policía politie ",
            frozenset({lang}),
        )
