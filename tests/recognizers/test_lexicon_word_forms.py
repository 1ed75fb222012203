"""Lexicon entries match the inflected forms of their words and Latin spellings of Cyrillic,
with offsets into the original text; the shipped forms file is in sync with the lexicons."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

import pytest

from vigil.errors import ConfigError
from vigil.extract.normalize import normalize
from vigil.recognizers import IndicatorHit
from vigil.recognizers.base import LEXICON_ROOT
from vigil.recognizers.lexicon import WordKind, load_lexicons, parse_lexicon
from vigil.recognizers.matching import match_phrase_at
from vigil.recognizers.word_forms import MIN_INFLECTED_CHARS, WORD_FORMS_FILE, shipped_word_forms
from vigil.recognizers.word_forms_build import lexicon_words

FindIndicator = Callable[[str, str, str | None, str], list[IndicatorHit]]


def fold(text: str) -> str:
    return normalize(text).text


def _written_lexicon_matches(indicator: str, lang: str, text: str, start: int) -> bool:
    """True when a term as written (no other forms, no Latin spelling) matches at ``start``."""
    nt = normalize(text)
    at = next(i for i in range(len(nt.text)) if nt.span(i, i + 1)[0] == start)
    (lexicon,) = load_lexicons(indicator, LEXICON_ROOT / indicator, [lang], fold, expand=False)[:1]
    return any(match_phrase_at(nt.text, at, phrase) is not None for phrase in lexicon.terms)


# (lang, indicator, kind, synthetic ad, evidence): the evidence is an inflected form of a
# lexicon entry (or a Latin spelling of one) that the entry as written does not match.
INFLECTED = [
    ("en", "new_arrival", "sex_ad", "Two new faces this week, call now", "new faces"),
    ("uk", "new_arrival", "sex_ad", "Зустрічайте нову дівчину, дзвоніть", "нову дівчину"),
    ("ru", "new_arrival", "sex_ad", "Встречайте новую девочку в салоне", "новую девочку"),
    ("pl", "language_barrier", "sex_ad", "Dziewczyny nie mówią po polsku", "nie mówią po"),
    ("cs", "new_arrival", "sex_ad", "Máme nové tváře každý týden", "nové tváře"),
    ("sk", "language_barrier", "sex_ad", "Dievčatá nehovoria po slovensky", "nehovoria po slovensky"),
    ("de", "new_arrival", "sex_ad", "Jede Woche neue Gesichter im Studio", "neue Gesichter"),
    ("nl", "language_barrier", "sex_ad", "Meisjes spreken geen Nederlands", "spreken geen"),
    ("fr", "travel_housing_provided", "job_ad", "Serveuse, nourrie et logée, contrat saison", "nourrie et logée"),
    ("ro", "urgency", "job_ad", "Angajări urgente în Germania", "urgente"),
    ("hu", "movement", "sex_ad", "Csak pár napig turnén vagyok Győrben", "turnén"),
    ("it", "new_arrival", "sex_ad", "Siamo nuove a Roma, chiamaci", "nuove a"),
    ("es", "language_barrier", "sex_ad", "No hablan español, solo ruso", "No hablan"),
    # Latin spellings of Ukrainian and Russian: passport and chat schemes.
    ("uk", "no_requirements", "job_ad", "Robota bez dosvidu, oplata shchotyzhnia", "bez dosvidu"),
    ("uk", "new_arrival", "sex_ad", "Vika, tilky pryikhala do Lvova", "tilky pryikhala"),
    ("uk", "new_arrival", "sex_ad", "Novi divchata kozhnoho tyzhnia", "Novi divchata"),
    ("ru", "new_arrival", "sex_ad", "Olya, tolko priehala, zvoni", "tolko priehala"),
    ("ru", "new_arrival", "sex_ad", "Olya, tolko priekhala v Moskvu", "tolko priekhala"),
    ("ru", "no_requirements", "job_ad", "Rabota v Polshe bez opyta, zhilye dayem", "bez opyta"),
]


@pytest.mark.parametrize(("lang", "indicator", "kind", "text", "evidence"), INFLECTED)
def test_inflected_forms_and_latin_spellings_match_with_exact_offsets(
    find_indicator: FindIndicator, lang: str, indicator: str, kind: str, text: str, evidence: str
) -> None:
    hits = find_indicator(indicator, text, lang, kind)
    assert evidence in [hit.evidence for hit in hits]
    hit = next(hit for hit in hits if hit.evidence == evidence)
    assert (hit.start, hit.end) == (text.index(evidence), text.index(evidence) + len(evidence))
    assert not _written_lexicon_matches(indicator, lang, text, hit.start)


# (lang, indicator, kind, synthetic ad, present): where the form itself is the signal, or
# a short form collides with another word, nothing is widened.
NOT_WIDENED = [
    # multiple_workers lexicons keep their plurals ('inflect: false').
    ("en", "multiple_workers", "sex_ad", "New girl in town, call me", False),
    ("hu", "multiple_workers", "sex_ad", "Új lány a városban, hívj", False),
    ("it", "multiple_workers", "sex_ad", "Nuova ragazza in città", False),
    ("es", "multiple_workers", "sex_ad", "Chica nueva en Madrid", False),
    # Exclusions stay as written: 'jungs' (boys) does not cancel 'junge' (young).
    ("de", "youth", "sex_ad", "Junge Studentin, sehr zärtlich", True),
    # Short words keep their form: 'es' is not a form of another lexicon word here.
    ("ru", "no_requirements", "job_ad", "Rabota s opytom, zhilye dayem", False),
]


@pytest.mark.parametrize(("lang", "indicator", "kind", "text", "present"), NOT_WIDENED)
def test_forms_are_not_widened_where_the_form_is_the_signal(
    find_indicator: FindIndicator, lang: str, indicator: str, kind: str, text: str, present: bool
) -> None:
    assert bool(find_indicator(indicator, text, lang, kind)) is present


@pytest.mark.parametrize(
    ("lang", "word", "expected_in", "expected_out"),
    [
        ("uk", "досвіду", {"досвід", "досвідом"}, set()),
        ("ru", "работа", {"работу", "работы"}, set()),
        ("pl", "doświadczenia", {"doświadczenie", "doswiadczenie"}, set()),
        ("en", "work", {"works", "working"}, set()),
        ("en", "new", {"new"}, {"newer"}),  # shorter than MIN_INFLECTED_CHARS: as written
        ("de", "qwertzuiop", {"qwertzuiop"}, set()),  # not a lexicon word
    ],
)
def test_forms_of_a_word(lang: str, word: str, expected_in: set[str], expected_out: set[str]) -> None:
    lexicon = parse_lexicon("x", lang, {"terms": [f"{word} ~ zzzz"]}, fold, "t")
    first = lexicon.terms[0].words[0]
    forms = first.forms if first.kind is WordKind.FORMS else frozenset({first.literal})
    assert expected_in <= forms
    assert not expected_out & forms


@pytest.mark.parametrize(
    ("lang", "scheme", "word", "latin"),
    [
        ("uk", "passport", "робота без досвіду", "robota bez dosvidu"),
        ("uk", "passport", "юридична", "yurydychna"),
        ("uk", "chat", "приїхала", "pryyihala"),
        ("uk", "chat_g", "приїхала", "priihala"),
        ("ru", "passport", "приехала", "priekhala"),
        ("ru", "chat", "работа в польше", "rabota v polshe"),
        ("ru", "chat", "девочки", "devochki"),
        ("ru", "chat", "жильё", "zhilyo"),
    ],
)
def test_latin_spelling_schemes(lang: str, scheme: str, word: str, latin: str) -> None:
    (spelling,) = [s for s in shipped_word_forms().spellings(lang) if s.name == scheme]
    assert " ".join(spelling.write(w) for w in word.split()) == latin


def test_languages_written_in_latin_have_no_spelling_schemes() -> None:
    assert all(not shipped_word_forms().spellings(lang) for lang in ("en", "pl", "cs", "de", "hu"))


def test_shipped_forms_cover_exactly_the_lexicon_words() -> None:
    """A lexicon edit without ``python -m vigil.recognizers.word_forms_build`` fails here."""
    words = lexicon_words()
    forms = shipped_word_forms()
    for lang in sorted(words):
        assert forms.known_words(lang) == words[lang], lang


def test_shipped_forms_are_long_words_of_letters_and_contain_their_word() -> None:
    content = json.loads(WORD_FORMS_FILE.read_text(encoding="utf-8"))
    for lang, section in content["languages"].items():
        for word, lemma in section["words"].items():
            if lemma is not None:
                assert word in section["lemmas"][lemma], (lang, word)
        for group in section["lemmas"].values():
            assert all(form.isalpha() and len(form) >= MIN_INFLECTED_CHARS for form in group), (lang, group)


@pytest.mark.slow
def test_shipped_forms_are_what_the_build_writes_from_the_pinned_simplemma() -> None:
    shipped = json.loads(WORD_FORMS_FILE.read_text(encoding="utf-8"))
    # In a child process: simplemma's dictionaries are hundreds of megabytes of objects
    # that would stay in this process and slow every later garbage collection (and every
    # timed test after this one).
    code = "import sys; from vigil.recognizers.word_forms_build import build, dumps; sys.stdout.write(dumps(build(['nl', 'en'])))"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True)
    rebuilt = json.loads(child.stdout)
    assert rebuilt["simplemma"] == shipped["simplemma"]
    for lang in ("nl", "en"):
        assert rebuilt["languages"][lang] == shipped["languages"][lang]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"terms": ["досвіду ~ zzzz"]}, WordKind.FORMS),
        ({"terms": ["досвіду ~ zzzz"], "inflect": False}, WordKind.EXACT),
        ({"negations": ["досвіду"]}, WordKind.EXACT),  # cues stay as written
        ({"exclude": ["досвіду ~ zzzz"]}, WordKind.EXACT),  # so do exclusions
    ],
)
def test_which_words_inflect(data: dict[str, object], kind: WordKind) -> None:
    lexicon = parse_lexicon("x", "uk", data, fold, "t")
    (phrase, *_) = lexicon.terms or lexicon.negations or lexicon.exclude
    assert phrase.words[0].kind is kind


def test_inflect_must_be_a_boolean() -> None:
    with pytest.raises(ConfigError):
        parse_lexicon("x", "uk", {"terms": ["досвіду"], "inflect": "no"}, fold, "t")
