"""Every indicator is documented in one place, and code, catalogue and docs agree."""

from __future__ import annotations

from pathlib import Path

import yaml

from vigil.recognizers import RecognizerSet, load_catalogue, recognizer_classes
from vigil.recognizers.catalogue import CATALOGUE_PATH
from vigil.recognizers.catalogue_docs import render_markdown
from vigil.recognizers.lexicon import available_languages

DOCS = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"
#: The indicator ids DESIGN.md lists ("the minimum set; add more, never rename").
DESIGN_SEX = [
    "third_party",
    "new_arrival",
    "movement",
    "youth",
    "nationality",
    "crisis_context",
    "language_barrier",
    "multiple_workers",
    "unsafe_services",
    "always_available",
]
DESIGN_JOBS = [
    "high_pay_low_skill",
    "no_requirements",
    "travel_housing_provided",
    "upfront_fee",
    "document_retention",
    "messenger_only",
    "urgency",
    "appearance_requirements",
    "vague_employer",
    "targets_ukrainians",
    "high_risk_sector",
]
DESIGN_NETWORK = ["alias_inconsistency", "age_inconsistency", "multi_city", "shared_contact", "template_reuse"]
LANGUAGES = ["cs", "de", "en", "es", "fr", "hu", "it", "nl", "pl", "ro", "ru", "sk", "uk"]


def test_every_design_id_has_a_recognizer_or_is_network_level():
    by_group: dict[str, list[str]] = {"sex": [], "jobs": []}
    for cls in recognizer_classes():
        by_group[cls.GROUP].append(cls.INDICATOR)
    assert sorted(by_group["sex"]) == sorted(DESIGN_SEX)
    assert sorted(by_group["jobs"]) == sorted(DESIGN_JOBS)


def test_recognizer_modules_classes_and_lexicons_carry_the_id():
    for cls in recognizer_classes():
        assert cls.__module__ == f"vigil.recognizers.{cls.GROUP}.{cls.INDICATOR}"
        assert cls.lexicon_dir().name == cls.INDICATOR
        assert available_languages(cls.lexicon_dir()) == LANGUAGES
        assert cls.SOURCE and 0 < cls.BASE_CONFIDENCE <= 1
        assert cls.KINDS


def test_catalogue_lists_exactly_the_design_ids_with_matching_groups_and_sources():
    catalogue = load_catalogue()
    assert sorted(catalogue) == sorted(DESIGN_SEX + DESIGN_JOBS + DESIGN_NETWORK)
    for cls in recognizer_classes():
        info = catalogue[cls.INDICATOR]
        assert info.group == cls.GROUP
        assert info.source == cls.SOURCE
        assert info.provenance and info.examples and info.false_positives
        assert {"golden", "heldout"} <= set(info.measured), cls.INDICATOR
    for ident in DESIGN_NETWORK:
        assert catalogue[ident].group == "network"


def test_docs_page_is_the_rendered_catalogue():
    raw = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    expected = render_markdown(load_catalogue(), raw.get("summary"))
    assert DOCS.read_text(encoding="utf-8") == expected, "run: python -m vigil.recognizers.catalogue_docs"
    for ident in DESIGN_SEX + DESIGN_JOBS + DESIGN_NETWORK:
        assert f"### `{ident}`" in expected


def test_loaded_set_exposes_catalogue_metadata(recognizers: RecognizerSet):
    assert list(recognizers.indicator_ids) == [c.INDICATOR for c in recognizer_classes()]
    for ident in recognizers.indicator_ids:
        assert recognizers.info[ident].definition
