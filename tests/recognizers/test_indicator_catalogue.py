"""Every indicator is documented in one place, and code, catalogue and docs agree."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from vigil.errors import ConfigError
from vigil.recognizers import RecognizerSet, load_catalogue, recognizer_classes
from vigil.recognizers.catalogue import CATALOGUE_PATH, indicator_ids, indicator_info
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
        by_group[indicator_info(cls.INDICATOR).group].append(cls.INDICATOR)
    # DESIGN.md lists the minimum set: ids are added, never renamed, so "contains at least".
    assert set(DESIGN_SEX) <= set(by_group["sex"])
    assert set(DESIGN_JOBS) <= set(by_group["jobs"])
    assert set(by_group["sex"]) == set(indicator_ids("sex"))
    assert set(by_group["jobs"]) == set(indicator_ids("jobs"))


def test_recognizer_modules_classes_and_lexicons_carry_the_id():
    for cls in recognizer_classes():
        info = indicator_info(cls.INDICATOR)
        assert cls.__module__ == f"vigil.recognizers.{info.group}.{cls.INDICATOR}"
        assert cls.lexicon_dir().name == cls.INDICATOR
        assert set(LANGUAGES) <= set(available_languages(cls.lexicon_dir()))
        assert 0 < cls.BASE_CONFIDENCE <= 1
        assert cls.KINDS


@pytest.mark.parametrize("attribute", ["GROUP", "SOURCE"])
def test_recognizer_classes_do_not_repeat_the_catalogue(attribute: str):
    """Group and source are registered once, in catalogue.yaml, not again in each class."""
    assert [cls.INDICATOR for cls in recognizer_classes() if attribute in vars(cls)] == []


def test_catalogue_holds_at_least_the_design_ids_and_each_recognizer_reports_its_entry(recognizers: RecognizerSet):
    catalogue = load_catalogue()
    assert set(DESIGN_SEX + DESIGN_JOBS + DESIGN_NETWORK) <= set(catalogue)
    for rec in recognizers.recognizers:
        info = catalogue[rec.INDICATOR]
        assert (rec.group, rec.source) == (info.group, info.source)
        assert info.provenance and info.examples and info.false_positives
        assert {"golden", "heldout"} <= set(info.measured), rec.INDICATOR
    for ident in DESIGN_NETWORK:
        assert catalogue[ident].group == "network"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("upfront_fee", None),
        ("no_such_indicator", "has no entry"),
    ],
)
def test_indicator_info_reads_the_catalogue(entry: str, message: str | None):
    if message is None:
        assert indicator_info(entry).group == "jobs"
    else:
        with pytest.raises(ConfigError, match=message):
            indicator_info(entry)


def test_docs_page_is_the_rendered_catalogue():
    raw = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    expected = render_markdown(load_catalogue(), raw.get("summary"))
    assert DOCS.read_text(encoding="utf-8") == expected, "run: python -m vigil.recognizers.catalogue_docs"
    for ident in load_catalogue():
        assert f"### `{ident}`" in expected


def test_loaded_set_exposes_catalogue_metadata(recognizers: RecognizerSet):
    assert list(recognizers.indicator_ids) == [c.INDICATOR for c in recognizer_classes()]
    for ident in recognizers.indicator_ids:
        assert recognizers.info[ident].definition
