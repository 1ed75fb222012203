"""Messages exist in every language without missing keys; help lines are sourced."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vigil.errors import ConfigError, NotFoundError
from vigil.safeguard.classifier import default_classifier
from vigil.safeguard.decision import QueryChecker
from vigil.safeguard.messages import HELP_KEYS, MESSAGE_KEYS, MessageCatalog, load_default_catalog

LANGUAGES = ("uk", "ru", "en", "pl", "de", "cs", "sk", "ro", "hu", "fr", "it", "es", "nl", "pt", "tr", "lt", "he", "ar", "bg", "sr")
CAREFUL = ("uk", "ru", "en", "pl", "de", "cs", "ro")
CONVENTIONS = Path(__file__).resolve().parents[3] / "shared" / "reference" / "conventions.md"


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.fixture(scope="module")
def catalog() -> MessageCatalog:
    return load_default_catalog()


def test_every_classifier_language_has_messages(catalog: MessageCatalog) -> None:
    assert set(default_classifier().languages) == set(LANGUAGES)
    assert set(catalog.languages) == set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", MESSAGE_KEYS)
def test_message_keys_present(catalog: MessageCatalog, lang: str, key: str) -> None:
    text = catalog.texts(lang)
    assert key in text, f"{lang} lacks {key}"
    assert text[key]["title"].strip() and text[key]["body"].strip()
    if key.startswith("safety"):
        assert len(text[key]["tips"]) >= 2


@pytest.mark.parametrize("lang", CAREFUL)
def test_careful_languages_have_full_safety_tips_and_help_pages(catalog: MessageCatalog, lang: str) -> None:
    english = catalog.texts("en")
    text = catalog.texts(lang)
    assert len(text["safety"]["tips"]) == len(english["safety"]["tips"])
    assert lang in catalog.help_languages
    for key in HELP_KEYS:
        assert text["help"][key], f"{lang} help lacks {key}"
    assert len(text["help"]["recognise"]) == len(english["help"]["recognise"])
    assert len(text["help"]["do"]) == len(english["help"]["do"])


@pytest.mark.parametrize("lang", CAREFUL)
def test_messages_are_in_their_language_not_copies_of_english(catalog: MessageCatalog, lang: str) -> None:
    if lang == "en":
        return
    for key in MESSAGE_KEYS:
        assert catalog.texts(lang)[key]["body"] != catalog.texts("en")[key]["body"]


def test_every_helpline_has_a_source_and_appears_in_the_research_notes(catalog: MessageCatalog) -> None:
    if not CONVENTIONS.exists():
        pytest.skip(f"research notes not found at {CONVENTIONS}")
    notes = CONVENTIONS.read_text(encoding="utf-8")
    section_d = notes[notes.index("## D.") : notes.index("## E.")]
    notes_digits = digits(section_d)
    for line in catalog.helplines.values():
        assert line.source.startswith("https://"), line.id
        assert line.source.split("//", 1)[1].split("/", 1)[0] in section_d, line.id
        for number in (line.number, line.alt_number):
            if number:
                assert digits(number) in notes_digits, f"{line.id}: {number} is not in section D"
        if line.url:
            assert line.url in section_d


def test_unverified_numbers_are_never_shipped(catalog: MessageCatalog) -> None:
    unverified = {"0800500335", "880050550"}
    for line in catalog.helplines.values():
        for number in (line.number, line.alt_number):
            if number:
                assert digits(number) not in unverified, line.id


@pytest.mark.parametrize("lang", LANGUAGES)
def test_deterrence_and_safety_messages_in_query_language(catalog: MessageCatalog, lang: str) -> None:
    deterrence = catalog.message("deterrence", lang)
    assert deterrence["lang"] == lang and deterrence["kind"] == "deterrence"
    assert {line["number"] for line in deterrence["helplines"] if "number" in line} >= {"112"}
    safety = catalog.message("safety", lang)
    assert safety["kind"] == "safety" and safety["helplines"]
    assert all(line["source"] for line in safety["helplines"])


def test_unknown_language_falls_back_to_english(catalog: MessageCatalog) -> None:
    assert catalog.message("safety", "xx")["lang"] == "en"
    with pytest.raises(NotFoundError):
        catalog.help_page("xx")


def test_country_and_language_lines(catalog: MessageCatalog) -> None:
    hungarian = {line["id"] for line in catalog.message("safety", "hu")["helplines"]}
    assert "hu_crisis" in hungarian
    polish = {line["id"] for line in catalog.message("safety", "pl", country="PL")["helplines"]}
    assert "eu_116006" not in polish, "116 006 is not operational in Poland"
    assert "eu_116006" in {line["id"] for line in catalog.message("safety", "de", country="DE")["helplines"]}


def test_minor_messages_use_child_lines(catalog: MessageCatalog) -> None:
    message = catalog.message("safety", "uk", minor=True)
    assert {"eu_116111", "ua_children"} <= {line["id"] for line in message["helplines"]}
    assert "ua_1547_abroad" not in {line["id"] for line in message["helplines"]}


def test_decision_shapes() -> None:
    checker = QueryChecker()
    deter = checker.check("ukrainian escort")
    assert deter["action"] == "suppress_and_deter" and deter["message"]["kind"] == "deterrence"
    safety = checker.check("робота за кордоном")
    assert safety["action"] == "show_safety_info" and safety["message"]["lang"] == "uk"
    none = checker.check("ukrainian borscht recipe")
    assert none["action"] == "none" and none["message"] is None
    minor = checker.check("teen porn")
    assert minor["message"]["title"] == load_default_catalog().message("deterrence", "en", minor=True)["title"]


def test_catalog_rejects_unsourced_lines() -> None:
    texts = {"en": {key: {"title": "t", "body": "b"} for key in MESSAGE_KEYS}}
    with pytest.raises(ConfigError):
        MessageCatalog(texts, {"helplines": {"x": {"name": "n", "country": "EU", "number": "1"}}})
    with pytest.raises(ConfigError):
        MessageCatalog(texts, {"helplines": {}, "selection": {"safety": ["missing"]}})
