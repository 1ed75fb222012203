"""Query lexicons: one YAML file per language under ``safeguard/data/lexicons``.

A file holds:

``lang`` / ``script`` / ``letters``
    ISO 639-1 code (``"*"`` for ``common.yaml``, which votes for no language), the
    script, and letters that hint at the language ("ł" for Polish, "ї" for Ukrainian).
``stopwords`` / ``vocabulary``
    Frequent function and search words; they carry no concept and only help to tell the
    language. Every term votes for its file's language too, more strongly when the query
    spells it exactly as the file does ("ескорт" is Ukrainian, "эскорт" Russian).
``concepts``
    Concept name -> terms. A term ending in ``*`` is a stem matched as a prefix
    (``ukraink*`` matches "ukrainka", "ukrainki", "ukrainek"); other terms match whole
    tokens. Terms in any script are folded to the skeleton of :mod:`.normalize`. A term
    starting with ``=`` matches the exact lower-cased spelling only, for short words whose
    skeleton collides with a common word elsewhere (Turkish "=iş" is not English "is").
``phrases``
    Multi-word term -> concept list. The tokens of a matched phrase lose their own
    concepts and take the phrase's: ``"ford escort": []`` makes a look-alike neutral,
    ``"sugar daddy": [sugar]`` names an arrangement. A one-word entry gives a token several
    concepts at once (``"ukrainerin*": [origin, female]``).
``slang``
    The trade's own words in this market, one entry each with where it comes from:
    ``{term, kind, source, verified}``. ``kind`` is ``venue`` (brothel, flat, club, sauna
    and site words), ``service`` (service and price codes), ``worker`` (slang for sex
    workers and escorts) or ``code`` (abbreviations and emoji stand-ins); ``source`` names
    a published source, or is ``writer-corpus`` for words known only from the writers of
    the training queries, which must say ``verified: false``. Each term carries the
    ``slang`` concept (a multi-word term is a phrase); the rules make such a word next to
    a nationality, refugee or war marker exploitation.
``exceptions``
    Tokens (or ``stem*``) that never carry a concept although a stem would match them
    ("nudeln" is not "nude*", "intimidation" is not "intim*").
``emoji``
    (common file) emoji -> replacement word, applied before tokenising.
``language_order``
    (common file) the order that breaks ties between languages with equal evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from vigil.errors import ConfigError
from vigil.safeguard.normalize import deleet, skeleton

#: Every concept a rule may name; a lexicon naming another one is a configuration error.
CONCEPTS: tuple[str, ...] = (
    "origin",
    "refugee",
    "displaced",
    "female",
    "minor",
    "age_unit",
    "sexual",
    "soft_sexual",
    "hot",
    "massage",
    "violence",
    "partner",
    "partner_weak",
    "seek",
    "buy",
    "bride",
    "trade",
    "sugar",
    "housing",
    "job",
    "transport",
    "abroad",
    "model",
    "risky_offer",
    "awareness",
    "protective",
    "news",
    "escort",
    "lookalike_context",
    "slang",
    # Appended last: a concept's bit is its place in this tuple.
    "favours",
    "favours_weak",
    "hourly",
    "money_need",
)
CONCEPT_BIT: dict[str, int] = {name: 1 << i for i, name in enumerate(CONCEPTS)}

#: Stems shorter than this are matched only as whole tokens (too many accidental prefixes).
MIN_STEM = 3
#: Tokens and terms at least this long tolerate one edit (typo, transposition).
FUZZY_MIN = 6
#: Kinds of slang entry (see the module docstring).
SLANG_KINDS = ("venue", "service", "worker", "code")
#: The source of slang known only from the writers of the training queries.
WRITER_CORPUS = "writer-corpus"


@dataclass(frozen=True, slots=True)
class Term:
    key: str
    prefix: bool
    mask: int
    lang: str
    phrase_slot: tuple[int, int] | None = None
    form: str = ""

    def spelled_in(self, token: str) -> bool:
        """Whether the token carries this term's own spelling, not just its skeleton."""
        if not self.form:
            return False
        return token.startswith(self.form) if self.prefix else token == self.form


@dataclass(frozen=True, slots=True)
class Phrase:
    keys: tuple[tuple[str, bool], ...]
    mask: int
    text: str


@dataclass(frozen=True, slots=True)
class SlangEntry:
    """One word of the trade, with where it comes from."""

    term: str
    lang: str
    kind: str
    source: str
    verified: bool


@dataclass(slots=True)
class LexiconSet:
    """Every language file folded into lookup tables (built once, then read-only)."""

    langs: tuple[str, ...] = ()
    language_order: tuple[str, ...] = ()
    exact: dict[str, list[Term]] = field(default_factory=dict)
    raw: dict[str, list[Term]] = field(default_factory=dict)
    prefix: dict[str, list[Term]] = field(default_factory=dict)
    prefix_lengths: tuple[int, ...] = ()
    exceptions_exact: set[str] = field(default_factory=set)
    exceptions_prefix: set[str] = field(default_factory=set)
    phrases: list[Phrase] = field(default_factory=list)
    letters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    script_langs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    emoji: dict[str, str] = field(default_factory=dict)
    fuzzy: dict[str, list[Term]] = field(default_factory=dict)
    slang: list[SlangEntry] = field(default_factory=list)

    def add(self, term: Term) -> None:
        table = self.prefix if term.prefix else self.exact
        table.setdefault(term.key, []).append(term)


def _form(raw: str) -> str:
    return raw.strip().casefold().rstrip("*")


def _parse_term(raw: str) -> tuple[str, bool]:
    text = raw.strip().casefold()
    is_prefix = text.endswith("*")
    # Written as people type it ("9a7ba", "mut3a"): a query's tokens lose their leetspeak
    # before they are looked up, so a term's key loses it the same way.
    key = skeleton(deleet(text.rstrip("*")))
    if is_prefix and len(key) < MIN_STEM:
        raise ConfigError(f"stem {raw!r} is shorter than {MIN_STEM} letters; list whole words instead")
    return key, is_prefix


def _mask(names: Iterable[str], where: str) -> int:
    mask = 0
    for name in names:
        bit = CONCEPT_BIT.get(name)
        if bit is None:
            raise ConfigError(f"unknown concept {name!r} in {where}")
        mask |= bit
    return mask


def _load_file(lexicons: LexiconSet, data: Mapping[str, Any], name: str) -> None:
    lang = str(data.get("lang", ""))
    if not lang:
        raise ConfigError(f"lexicon {name} has no 'lang'")
    script = str(data.get("script", "latin"))
    if lang != "*":
        lexicons.langs += (lang,)
        lexicons.script_langs[script] = (*lexicons.script_langs.get(script, ()), lang)
        for letter in str(data.get("letters", "")):
            lexicons.letters[letter] = (*lexicons.letters.get(letter, ()), lang)
    for word in [*(data.get("stopwords", []) or []), *(data.get("vocabulary", []) or [])]:
        lexicons.add(Term(skeleton(str(word).casefold()), False, 0, lang, form=_form(str(word))))
    for concept, terms in (data.get("concepts", {}) or {}).items():
        bit = _mask([concept], name)
        for raw in terms or []:
            if str(raw).startswith("="):
                spelling = str(raw)[1:].casefold()
                lexicons.raw.setdefault(spelling, []).append(Term(spelling, False, bit, lang, form=spelling))
                continue
            key, is_prefix = _parse_term(str(raw))
            lexicons.add(Term(key, is_prefix, bit, lang, form=_form(str(raw))))
    for raw_phrase, concepts in (data.get("phrases", {}) or {}).items():
        _add_phrase(lexicons, str(raw_phrase), _mask(concepts or [], f"{name} phrase {raw_phrase!r}"), lang)
    for raw in data.get("slang", []) or []:
        entry = _slang_entry(raw, lang, name)
        lexicons.slang.append(entry)
        _add_phrase(lexicons, entry.term, CONCEPT_BIT["slang"], lang)
    for raw in data.get("exceptions", []) or []:
        key, is_prefix = _parse_term(str(raw))
        (lexicons.exceptions_prefix if is_prefix else lexicons.exceptions_exact).add(key)
    if data.get("language_order"):
        lexicons.language_order = tuple(str(lang) for lang in data["language_order"])
    for symbol, word in (data.get("emoji", {}) or {}).items():
        lexicons.emoji[str(symbol)] = f" {word} "


def _slang_entry(raw: Any, lang: str, name: str) -> SlangEntry:
    if not isinstance(raw, dict) or not str(raw.get("term", "")).strip():
        raise ConfigError(f"{name}: a slang entry needs a 'term': {raw!r}")
    term, kind, source = str(raw["term"]).strip(), str(raw.get("kind", "")), str(raw.get("source", "")).strip()
    if kind not in SLANG_KINDS:
        raise ConfigError(f"{name}: slang {term!r} has kind {kind!r}, not one of {SLANG_KINDS}")
    if not source:
        raise ConfigError(f"{name}: slang {term!r} has no 'source'")
    verified = raw.get("verified")
    if not isinstance(verified, bool):
        raise ConfigError(f"{name}: slang {term!r} needs 'verified: true' or 'verified: false'")
    if source == WRITER_CORPUS and verified:
        raise ConfigError(f"{name}: slang {term!r} is known only from the writer corpus; it cannot be verified")
    return SlangEntry(term, lang, kind, source, verified)


def _add_phrase(lexicons: LexiconSet, text: str, mask: int, lang: str) -> None:
    """A term of one word, or a phrase whose words lose their concepts to the phrase's."""
    words = text.split()
    if len(words) == 1:
        key, is_prefix = _parse_term(words[0])
        lexicons.add(Term(key, is_prefix, mask, lang, form=_form(words[0])))
        return
    phrase_id = len(lexicons.phrases)
    keys = tuple(_parse_term(word) for word in words)
    lexicons.phrases.append(Phrase(keys, mask, text))
    for position, (key, is_prefix) in enumerate(keys):
        lexicons.add(Term(key, is_prefix, 0, lang, (phrase_id, position), _form(words[position])))


def _index_fuzzy(lexicons: LexiconSet) -> None:
    """Symmetric-deletion index: a key and each of its one-letter deletions -> terms."""
    for table in (lexicons.exact, lexicons.prefix):
        for key, terms in table.items():
            if len(key) < FUZZY_MIN or not any(term.mask for term in terms):
                continue
            for variant in {key, *deletions(key)}:
                lexicons.fuzzy.setdefault(variant, []).extend(t for t in terms if t.mask)


def deletions(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]


def build_lexicons(documents: Mapping[str, Mapping[str, Any]]) -> LexiconSet:
    """Fold parsed lexicon files (name -> content) into one :class:`LexiconSet`."""
    lexicons = LexiconSet()
    for name in sorted(documents):
        try:
            _load_file(lexicons, documents[name], name)
        except ConfigError as exc:
            raise ConfigError(f"lexicon {name}: {exc}") from exc
    lexicons.prefix_lengths = tuple(sorted({len(key) for key in lexicons.prefix}))
    _index_fuzzy(lexicons)
    return lexicons


@cache
def load_default_lexicons() -> LexiconSet:
    """The lexicons shipped with Vigil (parsed once per process)."""
    documents: dict[str, Mapping[str, Any]] = {}
    folder = resources.files("vigil.safeguard").joinpath("data").joinpath("lexicons")
    for entry in folder.iterdir():
        if not entry.name.endswith(".yaml"):
            continue
        try:
            data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ConfigError(f"lexicon {entry.name} is not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"lexicon {entry.name} is not a mapping")
        documents[entry.name] = data
    if not documents:
        raise ConfigError("no query lexicons found")
    return build_lexicons(documents)
