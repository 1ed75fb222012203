"""The shared recognizer: an indicator id, its provenance, and lexicons that are data.

A subclass only declares class attributes (see ``recognizers/jobs/upfront_fee.py``);
matching, negation, context and span mapping live here so every indicator behaves alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import ClassVar, Final, Protocol

from vigil.recognizers.catalogue import indicator_info
from vigil.recognizers.lexicon import COMMON_LEXICON, CONTEXT_BOOST, Lexicon, Pattern, Role, load_lexicons
from vigil.recognizers.matching import Entry, PhraseIndex, RawMatch, negation_cue, quoted_spans

LEXICON_ROOT: Final = Path(__file__).parent / "lexicons"
#: Hits kept per indicator and text; a document needs a few pieces of evidence, not thousands.
MAX_HITS_PER_INDICATOR: Final = 16
#: Regular-expression matches looked at per pattern and text.
MAX_PATTERN_MATCHES: Final = 64
#: Characters of a text the regular expressions look at; ads are far shorter, hostile input is not.
MAX_PATTERN_TEXT_CHARS: Final = 100_000
#: Default time limit, in seconds, for one regular expression over one text.
DEFAULT_REGEX_TIMEOUT: Final = 0.05
#: Highest confidence a lexicon hit may claim: a hit is a lead, never a certainty.
MAX_CONFIDENCE: Final = 0.99

#: Document kinds written ABOUT ads (news, reports), where quoted phrases are mentions, not uses.
REPORTING_KINDS: Final = frozenset({"other"})
#: Document kinds where sex-service indicators are meaningful.
SEX_KINDS: Final = frozenset({"sex_ad", "forum_post", "social_post", "classified", "other"})
#: Document kinds where job-offer indicators are meaningful.
JOB_KINDS: Final = frozenset({"job_ad", "forum_post", "social_post", "classified", "other"})

#: Regular expressions a recognizer runs over a text: each lexicon with the patterns of it to run.
PatternRuns = tuple[tuple[Lexicon, Sequence[Pattern]], ...]


def _longest_first(term: tuple[int, int, float, str, Lexicon]) -> tuple[int, int]:
    """Hits by start, and the longest first at each start."""
    return term[0], term[0] - term[1]


class NormalizedTextLike(Protocol):
    """What recognizers need from :class:`vigil.extract.normalize.NormalizedText`."""

    @property
    def text(self) -> str: ...

    @property
    def original(self) -> str: ...

    def span(self, start: int, end: int) -> tuple[int, int]: ...


@dataclass(frozen=True, slots=True)
class IndicatorHit:
    """One piece of evidence: ``evidence == original[start:end]``."""

    indicator: str
    start: int
    end: int
    evidence: str
    confidence: float
    source: str
    pattern: str
    lang: str


#: The order hits are reported in: by start, end, then indicator id.
HIT_ORDER: Final = attrgetter("start", "end", "indicator")


class Recognizer:
    """Base class: subclasses set the behaviour below and nothing else.

    What an indicator is (id, group, source) is registered once, in ``catalogue.yaml``: the
    id is the module's name (``recognizers/jobs/upfront_fee.py`` is ``upfront_fee``), and the
    group and source are read from its catalogue entry when the recognizer is built.
    """

    #: Indicator id from DESIGN.md: the module name, which is also the lexicon folder.
    INDICATOR: ClassVar[str]
    #: Confidence of a hit with weight 1 and no context word.
    BASE_CONFIDENCE: ClassVar[float]
    #: Document kinds the indicator applies to.
    KINDS: ClassVar[frozenset[str]]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "INDICATOR" not in vars(cls):
            cls.INDICATOR = cls.__module__.rsplit(".", 1)[-1]

    def __init__(
        self, lexicons: Sequence[Lexicon], owner: int = 0, regex_timeout: float = DEFAULT_REGEX_TIMEOUT
    ) -> None:
        if not 0.0 < self.BASE_CONFIDENCE <= 1.0:
            raise ValueError(f"{self.INDICATOR}: base confidence must be in (0, 1]")
        info = indicator_info(self.INDICATOR)
        #: ``sex`` or ``jobs`` (the catalogue's group; also the folder the module lives in).
        self.group = info.group
        #: Provenance, e.g. ``OSCE-2022/rec3`` or ``ILO-2012/document-retention`` (the catalogue's source).
        self.source = info.source
        self.lexicons = tuple(lexicons)
        self.owner = owner
        self.regex_timeout = regex_timeout
        self.languages = frozenset(lx.lang for lx in self.lexicons)
        self._pattern_lexicons = tuple(lx for lx in self.lexicons if lx.patterns)
        # Few distinct language sets occur (one per document language, and None).
        self._patterns_by_langs: dict[frozenset[str] | None, tuple[Lexicon, ...]] = {}
        self._runs_by_langs: dict[frozenset[str] | None, PatternRuns] = {}
        # This recognizer's own automaton serves find() alone (a RecognizerSet scans once for
        # every indicator): built on first use, so loading the set does not build it.
        self._index: PhraseIndex | None = None

    @classmethod
    def lexicon_dir(cls) -> Path:
        return LEXICON_ROOT / cls.INDICATOR

    @classmethod
    def load(
        cls,
        fold: Callable[[str], str],
        languages: Iterable[str] | None = None,
        owner: int = 0,
        regex_timeout: float = DEFAULT_REGEX_TIMEOUT,
    ) -> Recognizer:
        """Read this indicator's lexicons (all languages when ``languages`` is None)."""
        lexicons = load_lexicons(cls.INDICATOR, cls.lexicon_dir(), languages, fold)
        return cls(lexicons, owner=owner, regex_timeout=regex_timeout)

    def applies_to(self, kind: str) -> bool:
        return kind in self.KINDS

    def entries(self) -> Iterable[Entry]:
        for lexicon in self.lexicons:
            for role, phrases in (
                (Role.TERM, lexicon.terms),
                (Role.EXCLUDE, lexicon.exclude),
                (Role.CONTEXT, lexicon.context),
            ):
                for phrase in phrases:
                    yield Entry(self.owner, lexicon, role, phrase)

    def find(self, nt: NormalizedTextLike, lang: str | None, kind: str) -> list[IndicatorHit]:
        """Hits of this one indicator (the recognizer set scans once for all of them)."""
        if not self.applies_to(kind):
            return []
        langs = self.active_languages(lang)
        if self._index is None:
            self._index = PhraseIndex(self.entries())
        return self.build_hits(nt, self._index.scan(nt.text, langs), langs, kind)

    def active_languages(self, lang: str | None) -> frozenset[str] | None:
        """Lexicons to use: the document's language and the common file, or all when unknown."""
        if lang is None or lang not in self.languages:
            return None
        return frozenset({lang, COMMON_LEXICON})

    def build_hits(
        self,
        nt: NormalizedTextLike,
        matches: Iterable[RawMatch],
        langs: frozenset[str] | None,
        kind: str = "",
        *,
        patterns: bool = True,
        pattern_runs: PatternRuns | None = None,
    ) -> list[IndicatorHit]:
        """Hits from the phrase ``matches`` and, unless ``patterns`` is False (the caller
        knows none of them matches the text), this recognizer's regular expressions.

        ``pattern_runs``, when given, are the only lexicons and patterns run (the caller knows
        the others cannot match the text: see :meth:`RecognizerSet.find`)."""
        text = nt.text
        if pattern_runs is None:
            pattern_runs = self.pattern_runs_for(langs) if patterns else ()
        if not pattern_runs and isinstance(matches, list) and not matches:
            return []  # most recognizers on most texts: nothing to build
        terms: list[tuple[int, int, float, str, Lexicon]] = []
        excluded: list[tuple[int, int]] = []
        has_context = False
        for m in matches:
            if m.entry.role is Role.TERM:
                terms.append((m.start, m.end, m.entry.phrase.weight, m.entry.phrase.text, m.entry.lexicon))
            elif m.entry.role is Role.EXCLUDE:
                excluded.append((m.start, m.end))
            else:
                has_context = True
        for lexicon, lexicon_patterns in pattern_runs:
            terms.extend(self._pattern_hits(text, lexicon, lexicon_patterns))
        if not terms:
            return []
        if kind in REPORTING_KINDS:
            excluded.extend(quoted_spans(text, MAX_PATTERN_TEXT_CHARS))
        boost = CONTEXT_BOOST if has_context else 0.0
        kept: list[IndicatorHit] = []
        taken: list[tuple[int, int]] = []
        # Longest hit first at each position, so overlapping shorter ones fall away.
        if len(terms) > 1:
            terms.sort(key=_longest_first)
        for start, end, weight, pattern, lexicon in terms:
            if len(kept) >= MAX_HITS_PER_INDICATOR:
                break
            if excluded and any(lo <= start and end <= hi for lo, hi in excluded):
                continue
            if taken and any(start < hi and lo < end for lo, hi in taken):
                continue
            if negation_cue(text, start, end, lexicon) is not None:
                continue
            span = nt.span(start, end)
            o_start, o_end = int(span[0]), int(span[1])
            confidence = min(MAX_CONFIDENCE, round(self.BASE_CONFIDENCE * weight + boost, 3))
            # (indicator, start, end, evidence, confidence, source, pattern, lang): by position,
            # which builds a hit faster than by keyword
            kept.append(
                IndicatorHit(
                    self.INDICATOR,
                    o_start,
                    o_end,
                    nt.original[o_start:o_end],
                    confidence,
                    self.source,
                    pattern,
                    lexicon.lang,
                )
            )
            taken.append((start, end))
        return kept

    def pattern_lexicons_for(self, langs: frozenset[str] | None) -> tuple[Lexicon, ...]:
        """The lexicons with regular expressions in ``langs`` (all when None), per language set."""
        found = self._patterns_by_langs.get(langs)
        if found is None:
            found = tuple(lx for lx in self._pattern_lexicons if langs is None or lx.lang in langs)
            self._patterns_by_langs[langs] = found
        return found

    def pattern_runs_for(self, langs: frozenset[str] | None) -> PatternRuns:
        """Every lexicon with regular expressions in ``langs`` (all when None), with all its patterns."""
        found = self._runs_by_langs.get(langs)
        if found is None:
            found = tuple((lexicon, lexicon.patterns) for lexicon in self.pattern_lexicons_for(langs))
            self._runs_by_langs[langs] = found
        return found

    def _pattern_hits(
        self, text: str, lexicon: Lexicon, patterns: Sequence[Pattern]
    ) -> list[tuple[int, int, float, str, Lexicon]]:
        found: list[tuple[int, int, float, str, Lexicon]] = []
        for pattern in patterns:
            try:
                for n, m in enumerate(
                    pattern.compiled.finditer(text, 0, MAX_PATTERN_TEXT_CHARS, timeout=self.regex_timeout)
                ):
                    if n >= MAX_PATTERN_MATCHES:
                        break
                    if m.end() > m.start():
                        found.append((m.start(), m.end(), pattern.weight, pattern.text, lexicon))
            except TimeoutError:
                # A pattern that runs out of time on hostile text yields no evidence for it.
                continue
        return found
