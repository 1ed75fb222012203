"""All indicator recognizers, loaded once and run in one pass over a text.

Recognizers are found by walking the ``sex`` and ``jobs`` packages: adding an indicator
is adding one module (named by its id) and its lexicon folder, nothing else.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from types import ModuleType
from typing import Final

from vigil.errors import ConfigError
from vigil.recognizers.base import (
    DEFAULT_REGEX_TIMEOUT,
    LEXICON_ROOT,
    REPORTING_KINDS,
    IndicatorHit,
    NormalizedTextLike,
    Recognizer,
)
from vigil.recognizers.catalogue import IndicatorInfo, indicator_info, load_catalogue
from vigil.recognizers.clauses import ClauseModel, load_clause_model, merge_hits
from vigil.recognizers.lexicon import COMMON_LEXICON, Lexicon, Role, load_lexicons
from vigil.recognizers.matching import Entry, PhraseIndex, RawMatch

#: Lexicon folder of the words that mark a document as reporting ABOUT ads (news, warnings).
REPORTING_LEXICON: Final = "_reporting"
#: Owner number of the reporting cues in their own automaton (no recognizer has it).
REPORTING_OWNER: Final = -1
#: Packages holding one recognizer module per indicator, in catalogue order.
GROUP_PACKAGES: Final = ("vigil.recognizers.sex", "vigil.recognizers.jobs")


def recognizer_classes() -> list[type[Recognizer]]:
    """The recognizer class of every module in the group packages, sorted by group and id."""
    found: list[type[Recognizer]] = []
    for package_name in GROUP_PACKAGES:
        package = importlib.import_module(package_name)
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{package_name}.{info.name}")
            found.append(_the_recognizer(module, info.name))
    return found


def _the_recognizer(module: ModuleType, name: str) -> type[Recognizer]:
    classes = [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, Recognizer)
        and obj is not Recognizer
        and obj.__module__ == module.__name__
    ]
    if len(classes) != 1 or name != classes[0].INDICATOR:
        raise ConfigError(f"module {module.__name__} must define one recognizer with INDICATOR = {name!r}")
    group = module.__name__.rsplit(".", 2)[-2]
    if indicator_info(name).group != group:
        raise ConfigError(f"{module.__name__}: catalogue.yaml puts {name!r} in group {indicator_info(name).group!r}")
    return classes[0]


def _fold(text: str, normalize: Callable[[str], NormalizedTextLike]) -> str:
    return normalize(text).text


class RecognizerSet:
    """Every loaded recognizer plus one automaton over all their phrases."""

    def __init__(
        self,
        recognizers: Iterable[Recognizer],
        info: Mapping[str, IndicatorInfo],
        reporting: Iterable[Lexicon] = (),
        clause_model: ClauseModel | None = None,
    ) -> None:
        self.recognizers = tuple(recognizers)
        #: The learned clause recognizer beside the lexicons (None: lexicons only).
        self.clause_model = clause_model
        self._reporting = PhraseIndex(
            Entry(REPORTING_OWNER, lexicon, Role.TERM, phrase) for lexicon in reporting for phrase in lexicon.terms
        )
        #: Catalogue metadata (definition, provenance, measured precision) by indicator id.
        self.info = dict(info)
        #: Languages with at least one lexicon file.
        self.languages: frozenset[str] = frozenset().union(*(rec.languages for rec in self.recognizers)) - {
            COMMON_LEXICON
        }
        entries = [entry for rec in self.recognizers for entry in rec.entries()]
        # One automaton per language (plus the common lexicons) keeps other languages'
        # short words from producing candidates; the full one serves unknown languages.
        self._all = PhraseIndex(entries)
        self._by_lang = {
            lang: PhraseIndex(e for e in entries if e.lexicon.lang in (lang, COMMON_LEXICON)) for lang in self.languages
        }

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(rec.INDICATOR for rec in self.recognizers)

    def find(self, nt: NormalizedTextLike, lang: str | None, kind: str) -> list[IndicatorHit]:
        """Indicator hits in ``nt`` for a document of ``kind``; offsets are into the original text."""
        active = [rec for rec in self.recognizers if rec.applies_to(kind)]
        if not active or not nt.text:
            return []
        langs = None if lang is None or lang not in self.languages else frozenset({lang, COMMON_LEXICON})
        by_owner: dict[int, list[RawMatch]] = {rec.owner: [] for rec in active}
        index = self._all if langs is None else self._by_lang[lang or ""]
        for match in index.scan(nt.text, None):
            bucket = by_owner.get(match.entry.owner)
            if bucket is not None:
                bucket.append(match)
        hits: list[IndicatorHit] = []
        for rec in active:
            hits.extend(rec.build_hits(nt, by_owner[rec.owner], langs, kind))
        if self.clause_model is not None and self.clause_model.applies_to(kind):
            hits = merge_hits(hits, self.clause_model.find(nt, kind, lang or ""))
        if hits and kind in REPORTING_KINDS and self.is_reporting(nt.text, langs):
            # A news report or warning that quotes lures ("ask for upfront fees") is not a lure.
            return []
        hits.sort(key=lambda h: (h.start, h.end, h.indicator))
        return hits

    def is_reporting(self, text: str, langs: frozenset[str] | None) -> bool:
        """True when the text has words of a report, study or warning (police, warns, study)."""
        return next(self._reporting.scan(text, langs), None) is not None


def default_normalizer() -> Callable[[str], NormalizedTextLike]:
    from vigil.extract.normalize import normalize

    return normalize


def load_recognizers(
    languages: Iterable[str] | None = None,
    *,
    regex_timeout: float = DEFAULT_REGEX_TIMEOUT,
    normalize: Callable[[str], NormalizedTextLike] | None = None,
    clause_model: bool = False,
) -> RecognizerSet:
    """Load every indicator recognizer with the lexicons of ``languages`` (all when None),
    and with ``clause_model`` the learned clause recognizer beside them."""
    wanted = None if languages is None else sorted(set(languages))
    fold = partial(_fold, normalize=normalize or default_normalizer())
    recognizers = tuple(
        cls.load(fold, wanted, owner=owner, regex_timeout=regex_timeout)
        for owner, cls in enumerate(recognizer_classes())
    )
    catalogue = load_catalogue()
    missing = [rec.INDICATOR for rec in recognizers if rec.INDICATOR not in catalogue]
    if missing:
        raise ConfigError(f"indicators without a catalogue entry: {missing}")
    reporting = load_lexicons(REPORTING_LEXICON, LEXICON_ROOT / REPORTING_LEXICON, wanted, fold)
    model = load_clause_model() if clause_model else None
    return RecognizerSet(recognizers=recognizers, info=catalogue, reporting=reporting, clause_model=model)
