"""All indicator recognizers, loaded once and run in one pass over a text.

Recognizers are found by walking the ``sex`` and ``jobs`` packages: adding an indicator
is adding one module (named by its id) and its lexicon folder, nothing else.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from itertools import chain
from types import MappingProxyType, ModuleType
from typing import Final

import regex

from vigil.errors import ConfigError
from vigil.recognizers.base import (
    DEFAULT_REGEX_TIMEOUT,
    HIT_ORDER,
    LEXICON_ROOT,
    MAX_PATTERN_TEXT_CHARS,
    REPORTING_KINDS,
    IndicatorHit,
    NormalizedTextLike,
    PatternRuns,
    Recognizer,
)
from vigil.recognizers.catalogue import IndicatorInfo, indicator_info, load_catalogue
from vigil.recognizers.clauses import ClauseModel, load_clause_model, merge_hits
from vigil.recognizers.lexicon import COMMON_LEXICON, Lexicon, Pattern, Role, load_lexicons
from vigil.recognizers.matching import Entry, PhraseIndex, RawMatch
from vigil.recognizers.pattern_words import LiteralGate

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


#: Regular-expression syntax whose meaning changes when patterns are joined into one
#: alternation (group numbers, backreferences, recursion): such patterns get no gate.
_NOT_JOINABLE: Final = regex.compile(r"\\[1-9]|\\g<|\(\?P[=>]|\(\?R|\(\?[0-9+-]|\(\?&")


#: Pattern subsets whose runs are kept per plan; past this, a text's runs are worked out anew.
MAX_PATTERN_SUBSETS: Final = 256
#: No recognizer runs a pattern.
_NO_RUNS: Final[Mapping[int, PatternRuns]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class _Plan:
    """The recognizers one document kind and language set runs, and what spares running their
    regular expressions: a look-up of the words the patterns need
    (:mod:`vigil.recognizers.pattern_words`), so that only the patterns a text has the words
    for run, and none on most texts; where the patterns have no such words, one search over
    all of them, which when it finds nothing spares running each."""

    active: tuple[Recognizer, ...]
    owners: frozenset[int]
    #: The positions in ``active`` of each owner's recognizers (one each, as loaded).
    positions: Mapping[int, tuple[int, ...]]
    with_patterns: frozenset[int]
    #: One search over every pattern, for a plan without a literal gate (None: none to search).
    gate: regex.Pattern[str] | None
    timeout: float
    literals: LiteralGate | None
    #: Every pattern of the plan, in the order the literal gate numbers them.
    texts: tuple[str, ...]
    #: The recognizer (owner), lexicon and pattern of each of ``texts``.
    sources: tuple[tuple[int, Lexicon, Pattern], ...]
    #: Every recognizer's runs of all its patterns, by owner.
    every: Mapping[int, PatternRuns]
    #: The runs of the patterns a text has the words for, by their numbers.
    runs: dict[tuple[int, ...], Mapping[int, PatternRuns]]

    @staticmethod
    def of(recognizers: Iterable[Recognizer], kind: str, langs: frozenset[str] | None) -> _Plan:
        active = tuple(rec for rec in recognizers if rec.applies_to(kind))
        patterned = [(rec, rec.pattern_lexicons_for(langs)) for rec in active]
        sources = tuple(
            (rec.owner, lexicon, p) for rec, lexicons in patterned for lexicon in lexicons for p in lexicon.patterns
        )
        texts = tuple(p.text for _, _, p in sources)
        joinable = bool(texts) and not any(_NOT_JOINABLE.search(text) for text in texts)
        literals = LiteralGate.of(texts) if joinable else None
        positions: dict[int, tuple[int, ...]] = {}
        for position, rec in enumerate(active):
            positions[rec.owner] = (*positions.get(rec.owner, ()), position)
        return _Plan(
            active=active,
            owners=frozenset(rec.owner for rec in active),
            positions=positions,
            with_patterns=frozenset(rec.owner for rec, lexicons in patterned if lexicons),
            gate=_joined(texts) if joinable and literals is None else None,
            timeout=max((rec.regex_timeout for rec in active), default=DEFAULT_REGEX_TIMEOUT),
            literals=literals,
            texts=texts,
            sources=sources,
            every={rec.owner: rec.pattern_runs_for(langs) for rec, lexicons in patterned if lexicons},
            runs={},
        )

    def pattern_runs(self, text: str) -> Mapping[int, PatternRuns]:
        """The patterns of each recognizer (by owner) that may match in the text the patterns
        read; a recognizer none of whose patterns can match there is left out.

        A pattern without all its required words cannot match, so only those with them run
        (the literal gate). Without a literal gate, one alternation of every pattern is
        searched: one pattern matching at a position makes the alternation match there too,
        so a search that finds nothing means every pattern's own scan would find nothing.
        """
        if not self.with_patterns:
            return _NO_RUNS
        if self.literals is not None:
            candidates = self.literals.candidates(text[:MAX_PATTERN_TEXT_CHARS])
            if not candidates:
                return _NO_RUNS
            runs = self.runs.get(candidates)
            if runs is None:
                runs = self._runs_of(candidates)
                if len(self.runs) < MAX_PATTERN_SUBSETS:
                    self.runs[candidates] = runs
            return runs
        if self.gate is None:
            return self.every
        try:
            found = self.gate.search(text, 0, MAX_PATTERN_TEXT_CHARS, timeout=self.timeout) is not None
        except TimeoutError:
            found = True  # each pattern then runs under its own time limit, as without the gate
        return self.every if found else _NO_RUNS

    def _runs_of(self, numbers: tuple[int, ...]) -> Mapping[int, PatternRuns]:
        """The runs of the patterns numbered ``numbers`` (ascending), by owner, in plan order."""
        by_owner: dict[int, list[tuple[Lexicon, list[Pattern]]]] = {}
        for number in numbers:
            owner, lexicon, pattern = self.sources[number]
            runs = by_owner.setdefault(owner, [])
            if runs and runs[-1][0] is lexicon:
                runs[-1][1].append(pattern)
            else:
                runs.append((lexicon, [pattern]))
        return {owner: tuple((lexicon, tuple(patterns)) for lexicon, patterns in runs) for owner, runs in by_owner.items()}


def _joined(texts: tuple[str, ...]) -> regex.Pattern[str] | None:
    """One alternation of ``texts``, compiled as every lexicon pattern is (lexicon.py)."""
    try:
        return regex.compile("|".join(f"(?:{text})" for text in texts), regex.IGNORECASE | regex.VERSION1)
    except regex.error:
        return None


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
        # What find() runs for a document kind and language set, worked out on first use.
        self._plans: dict[tuple[str, frozenset[str] | None], _Plan] = {}
        # The language set of each language with lexicons (made once, not per text).
        self._lang_sets: dict[str | None, frozenset[str]] = {
            lang: frozenset({lang, COMMON_LEXICON}) for lang in self.languages
        }

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(rec.INDICATOR for rec in self.recognizers)

    def find(self, nt: NormalizedTextLike, lang: str | None, kind: str) -> list[IndicatorHit]:
        """Indicator hits in ``nt`` for a document of ``kind``; offsets are into the original text."""
        # (None: every lexicon, for a language without lexicons or none given)
        langs = self._lang_sets.get(lang)
        plan = self._plans.get((kind, langs))
        if plan is None:
            plan = self._plans[kind, langs] = _Plan.of(self.recognizers, kind, langs)
        if not plan.active or not nt.text:
            return []
        by_owner: dict[int, list[RawMatch]] = {}
        index = self._all if langs is None else self._by_lang[lang or ""]
        owners = plan.owners
        for match in index.scan(nt.text, None):
            owner = match.entry.owner
            if owner in owners:
                found = by_owner.get(owner)
                if found is None:
                    by_owner[owner] = [match]
                else:
                    found.append(match)
        runs = plan.pattern_runs(nt.text)
        hits: list[IndicatorHit] = []
        if by_owner or runs:
            # Only the recognizers with phrase matches or patterns to run, in plan order (the
            # others would build nothing); one without phrase matches yields hits only from
            # its patterns.
            positions = plan.positions
            found_for = by_owner.keys() | runs.keys() if runs else by_owner.keys()
            for position in sorted(chain.from_iterable(map(positions.__getitem__, found_for))):
                rec = plan.active[position]
                matches = by_owner.get(rec.owner)
                own = runs.get(rec.owner, ())
                if matches is not None or own:
                    hits.extend(rec.build_hits(nt, matches or [], langs, kind, pattern_runs=own))
        in_order = False
        if self.clause_model is not None and self.clause_model.applies_to(kind):
            model_hits = self.clause_model.find(nt, kind, lang or "")
            if model_hits:
                hits = merge_hits(hits, model_hits)
                in_order = True  # merge_hits sorts what it merges in HIT_ORDER
        if hits and kind in REPORTING_KINDS and self.is_reporting(nt.text, langs):
            # A news report or warning that quotes lures ("ask for upfront fees") is not a lure.
            return []
        if not in_order:
            hits.sort(key=HIT_ORDER)
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
