"""Lexicon files: one YAML file per indicator and language, parsed once into phrases.

A lexicon file (``lexicons/<indicator>/<lang>.yaml``) holds:

``terms``
    Phrases that signal the indicator. A phrase is words separated by spaces; a word
    ending in ``*`` is a stem (``агентств*`` matches ``агентство``, ``агентства``);
    ``~`` allows up to :data:`GAP_WORDS` other words in between; ``#`` matches a number;
    a first word starting with ``*`` may close a compound (``*gebühr*`` finds
    ``Servicegebühren``), for languages that glue words together.
    An entry is a string, or a mapping ``{term: ..., weight: 0.8}`` whose weight scales
    the recognizer's base confidence.
``near``
    Word pairs that signal the indicator in either order within :data:`GAP_WORDS` words:
    ``{a: [passport*, documents], b: [keep*, collect*], weight: 0.9}`` stands for
    every ``a ~ b`` and ``b ~ a``, which inflected languages with free word order need.
``patterns``
    Regular expressions (the ``regex`` module, run with a timeout) for what phrases
    cannot say, such as amounts of money. Same weight rule.
``negations``
    Phrases that cancel a hit when they occur up to :data:`NEGATION_WINDOW_WORDS` words
    before it in the same sentence ("no agency", "not new in town", "без агентства").
``negations_after``
    The same, for cues that follow the hit ("agency: no").
``exclude``
    Phrases that cancel any hit inside them ("young team" for ``youth``).
``context``
    Words that raise confidence by :data:`CONTEXT_BOOST` when they occur in the document.
``inflect``
    ``false`` keeps this file's words as written instead of matching their other forms:
    for indicators whose signal is the form itself ("new girls", not "new girl").

Phrases are run through the same normalization as ad text when loaded, so a lexicon
written in plain letters matches text written with homoglyphs, leetspeak or emoji.
Loading also expands each phrase into the inflected forms of its words and, for
languages written in Cyrillic, its Latin spellings (:mod:`vigil.recognizers.word_forms`):
``terms``, ``near`` and ``context`` are inflected; every role is spelt in Latin.
``common.yaml`` next to the language files applies to every language (emoji words).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any, Final

import regex
import yaml

from vigil.errors import ConfigError
from vigil.recognizers.word_forms import Spelling, WordForms, shipped_word_forms

#: libyaml's safe loader when available: lexicons are many small files read at start-up.
SAFE_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Most words a ``~`` in a phrase may skip.
GAP_WORDS: Final = 3
#: How many words before (or after) a hit a negation cue may stand.
NEGATION_WINDOW_WORDS: Final = 4
#: Confidence added when a context word occurs in the document.
CONTEXT_BOOST: Final = 0.05
#: File name of the lexicon that applies whatever the language.
COMMON_LEXICON: Final = "common"
#: Shortest stem accepted: shorter prefixes match too many unrelated words.
MIN_STEM_CHARS: Final = 3

#: One word of normalized text: a number (with inner separators), a word, or a currency sign.
TOKEN_RE: Final = regex.compile(r"\d+(?:[.,]\d+)*|\w+|\p{Sc}")
WORD_CHAR_RE: Final = regex.compile(r"\w")


class WordKind(Enum):
    EXACT = "exact"
    STEM = "stem"
    NUMBER = "number"
    GAP = "gap"
    #: Any of a set of whole words: the forms and diacritic-free spellings of an EXACT word.
    FORMS = "forms"


class Role(Enum):
    TERM = "term"
    EXCLUDE = "exclude"
    CONTEXT = "context"


@dataclass(frozen=True, slots=True)
class Word:
    kind: WordKind
    literal: str = ""
    #: Every token a FORMS word matches (its ``literal``, as written, among them).
    forms: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Phrase:
    """One lexicon entry compiled to a word sequence; ``text`` is the entry as written."""

    text: str
    words: tuple[Word, ...]
    weight: float = 1.0
    #: The first word may end a compound ("*gebühr*" finds "Servicegebühren").
    infix: bool = False

    @property
    def key(self) -> str:
        """The literal the Aho-Corasick automaton looks for (always the first word)."""
        return self.words[0].literal

    @property
    def keys(self) -> Iterable[str]:
        """Every literal the automaton looks for: the key, or each form of a FORMS first word."""
        first = self.words[0]
        return first.forms if first.kind is WordKind.FORMS else (first.literal,)


@dataclass(frozen=True, slots=True)
class Pattern:
    """One regular-expression entry; compiled once when the lexicon is loaded."""

    text: str
    compiled: regex.Pattern[str]
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything one indicator knows about one language."""

    indicator: str
    lang: str
    terms: tuple[Phrase, ...]
    patterns: tuple[Pattern, ...]
    negations: tuple[Phrase, ...]
    negations_after: tuple[Phrase, ...]
    exclude: tuple[Phrase, ...]
    context: tuple[Phrase, ...]


Folder = Callable[[str], str]
KNOWN_KEYS: Final = frozenset(
    {"terms", "near", "patterns", "negations", "negations_after", "exclude", "context", "inflect"}
)
#: Roles whose words also match inflected. Negation cues are short function words each
#: lexicon lists in full, and exclusions are narrow carve-outs ("jungs" is not "junge"):
#: inflecting either would cancel true hits, so they stay as written.
INFLECTED_KEYS: Final = frozenset({"terms", "context"})


def compile_phrase(entry: str, fold: Folder, weight: float = 1.0) -> Phrase:
    """Turn ``"без досвід*"`` into words, folding each literal the way ad text is folded."""
    words: list[Word] = []
    infix = False
    for raw in entry.split():
        if raw.startswith("*") and len(raw) > 1:
            if words:
                raise ConfigError(f"lexicon entry {entry!r}: only the first word may start with '*'")
            infix = True
            raw = raw[1:]
            if len(raw.rstrip("*")) <= MIN_STEM_CHARS:
                raise ConfigError(f"lexicon entry {entry!r}: a compound part needs more than {MIN_STEM_CHARS} letters")
        if raw == "~":
            words.append(Word(WordKind.GAP))
            continue
        if raw == "#":
            words.append(Word(WordKind.NUMBER))
            continue
        stem = raw.endswith("*") and len(raw) > 1
        core = raw[:-1] if stem else raw
        pieces = [m.group() for m in TOKEN_RE.finditer(fold(core))]
        if not pieces:
            raise ConfigError(f"lexicon entry {entry!r}: word {raw!r} has no letters or digits")
        words.extend(Word(WordKind.EXACT, piece) for piece in pieces[:-1])
        last_kind = WordKind.STEM if stem else WordKind.EXACT
        if stem and len(pieces[-1]) < MIN_STEM_CHARS:
            raise ConfigError(f"lexicon entry {entry!r}: stem {raw!r} is shorter than {MIN_STEM_CHARS}")
        words.append(Word(last_kind, pieces[-1]))
    if not words or words[0].kind not in (WordKind.EXACT, WordKind.STEM):
        raise ConfigError(f"lexicon entry {entry!r} must start with a word")
    if words[-1].kind is WordKind.GAP:
        raise ConfigError(f"lexicon entry {entry!r} must not end with '~'")
    return Phrase(text=entry, words=tuple(words), weight=weight, infix=infix)


def strip_marks(text: str) -> str:
    """``text`` without diacritics: ads are often typed without them ("bez zkusenosti")."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn"))


def _entries(raw: object, where: str) -> list[tuple[str, float]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: expected a list")
    out: list[tuple[str, float]] = []
    for item in raw:
        if isinstance(item, str):
            out.append((item, 1.0))
        elif isinstance(item, Mapping) and isinstance(item.get("term"), str):
            weight = item.get("weight", 1.0)
            if not isinstance(weight, int | float) or not 0.0 < float(weight) <= 1.0:
                raise ConfigError(f"{where}: weight of {item['term']!r} must be in (0, 1]")
            out.append((item["term"], float(weight)))
        else:
            raise ConfigError(f"{where}: entry {item!r} is neither a string nor {{term, weight}}")
    return out


def _near_entries(raw: object, where: str) -> list[tuple[str, float]]:
    """Expand ``near`` pairs into ``a ~ b`` and ``b ~ a`` phrases."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: expected a list of {{a, b}} mappings")
    out: list[tuple[str, float]] = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise ConfigError(f"{where}: entry {item!r} is not a mapping with a and b")
        first, second = item.get("a"), item.get("b")
        if not (isinstance(first, list) and isinstance(second, list) and first and second):
            raise ConfigError(f"{where}: entry needs non-empty lists a and b")
        weight = item.get("weight", 1.0)
        if not isinstance(weight, int | float) or not 0.0 < float(weight) <= 1.0:
            raise ConfigError(f"{where}: weight must be in (0, 1]")
        for a in first:
            for b in second:
                out.append((f"{a} ~ {b}", float(weight)))
                out.append((f"{b} ~ {a}", float(weight)))
    return out


def phrase_variants(phrase: Phrase, lang: str, forms: WordForms, inflect: bool) -> list[tuple[Word, ...]]:
    """The word sequences ``phrase`` matches as: its exact words widened (when ``inflect``)
    to FORMS words of every inflected form, with and without diacritics (stems, numbers and
    a compound part stay as written), then the same in each Latin spelling of ``lang``.

    A FORMS word is one set, so a phrase of several inflected words stays one phrase (no
    product of forms, however many words inflect) and agreement is not required. The Latin
    spellings join in one phrase too, each word the set of its spellings in every scheme;
    only stems, which are one prefix each, make one phrase per distinct spelling.
    """
    written = tuple(
        _inflected(word, lang, forms) if inflect and not (position == 0 and phrase.infix) else word
        for position, word in enumerate(phrase.words)
    )
    by_stems: dict[tuple[str, ...], list[tuple[Word, ...]]] = {}
    for spelling in forms.spellings(lang):
        spelt = tuple(_spelt(word, spelling) for word in written)
        by_stems.setdefault(tuple(w.literal for w in spelt if w.kind is WordKind.STEM), []).append(spelt)
    return [written, *(tuple(map(_joined, *same)) for same in by_stems.values())]


def _joined(*spellings: Word) -> Word:
    """One word standing for the same word in several spellings."""
    first = spellings[0]
    if all(word == first for word in spellings[1:]) or first.kind not in (WordKind.EXACT, WordKind.FORMS):
        return first
    return _forms_union(first.literal, frozenset().union(*(word.forms or {word.literal} for word in spellings)))


@cache
def _forms_union(literal: str, forms: frozenset[str]) -> Word:
    return Word(WordKind.FORMS, literal, forms)


def _inflected(word: Word, lang: str, forms: WordForms) -> Word:
    if word.kind is not WordKind.EXACT:
        return word
    return _forms_word(lang, word.literal, forms) or word


# One shared Word per inflected word and spelling (cached): phrases that share a word share
# its set of forms, and the phrase index groups them by identity.
@cache
def _forms_word(lang: str, literal: str, forms: WordForms) -> Word | None:
    alternatives = forms.forms(lang, literal)
    if len(alternatives) == 1:
        return None
    return Word(WordKind.FORMS, literal, frozenset(alternatives) | {_bare(form) for form in alternatives})


def _spelt(word: Word, spelling: Spelling) -> Word:
    if word.kind is WordKind.FORMS:
        return _spelt_forms(word.literal, word.forms, spelling)
    return Word(word.kind, spelling.write(word.literal))


@cache
def _spelt_forms(literal: str, forms: frozenset[str], spelling: Spelling) -> Word:
    return Word(WordKind.FORMS, spelling.write(literal), frozenset(spelling.write(form) for form in forms))


@cache
def _bare(literal: str) -> str:
    return strip_marks(literal)


def _covers(wide: tuple[Word, ...], narrow: tuple[Word, ...]) -> bool:
    """True when every text ``narrow`` matches, ``wide`` matches too (a redundant variant)."""
    return len(wide) == len(narrow) and all(
        w == n or (w.kind is WordKind.FORMS and n.kind is WordKind.EXACT and n.literal in w.forms)
        for w, n in zip(wide, narrow, strict=True)
    )


def parse_lexicon(
    indicator: str, lang: str, data: Mapping[str, Any], fold: Folder, where: str, *, expand: bool = True
) -> Lexicon:
    """One lexicon file's content; ``expand`` adds inflected forms and Latin spellings."""
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}")
    inflect = data.get("inflect", True)
    if not isinstance(inflect, bool):
        raise ConfigError(f"{where}: inflect must be true or false")
    forms = shipped_word_forms() if expand else None

    def phrases(key: str) -> tuple[Phrase, ...]:
        compiled: dict[tuple[Word, ...], Phrase] = {}
        entries = _entries(data.get(key), f"{where}:{key}")
        if key == "terms":
            entries += _near_entries(data.get("near"), f"{where}:near")
        for text, weight in entries:
            written = compile_phrase(text, fold, weight)
            variants = (
                [written.words]
                if forms is None
                else phrase_variants(written, lang, forms, inflect=inflect and key in INFLECTED_KEYS)
            )
            bare = strip_marks(text)
            if bare != text:
                variants.append(compile_phrase(bare, fold, weight).words)
            kept: list[tuple[Word, ...]] = []
            for words in variants:
                if not any(_covers(wide, words) for wide in kept):
                    kept.append(words)
                    compiled.setdefault(words, Phrase(text, words, weight, written.infix))
        return tuple(compiled.values())

    patterns: list[Pattern] = []
    for text, weight in _entries(data.get("patterns"), f"{where}:patterns"):
        try:
            compiled = regex.compile(text, regex.IGNORECASE | regex.VERSION1)
        except regex.error as exc:
            raise ConfigError(f"{where}: bad pattern {text!r}: {exc}") from exc
        patterns.append(Pattern(text=text, compiled=compiled, weight=weight))
    return Lexicon(
        indicator=indicator,
        lang=lang,
        terms=phrases("terms"),
        patterns=tuple(patterns),
        negations=phrases("negations"),
        negations_after=phrases("negations_after"),
        exclude=phrases("exclude"),
        context=phrases("context"),
    )


def available_languages(directory: Path) -> list[str]:
    """Languages with a lexicon file in ``directory`` (the common file excluded)."""
    return sorted(p.stem for p in directory.glob("*.yaml") if p.stem != COMMON_LEXICON)


def load_lexicons(
    indicator: str, directory: Path, languages: Iterable[str] | None, fold: Folder, *, expand: bool = True
) -> list[Lexicon]:
    """Read the lexicons of one indicator; ``languages=None`` means every file present;
    ``expand`` adds inflected forms and Latin spellings (see :func:`phrase_variants`)."""
    wanted = available_languages(directory) if languages is None else list(languages)
    files = [(lang, directory / f"{lang}.yaml") for lang in wanted]
    files.append((COMMON_LEXICON, directory / f"{COMMON_LEXICON}.yaml"))
    lexicons: list[Lexicon] = []
    for lang, path in files:
        if not path.is_file():
            continue
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read lexicon {path}: {exc}") from exc
        if not isinstance(data, Mapping):
            raise ConfigError(f"lexicon {path} must be a mapping")
        lexicons.append(parse_lexicon(indicator, lang, data, fold, str(path), expand=expand))
    return lexicons
