"""Search-query classifier: ``exploitation``, ``at_risk`` or ``neutral``.

A query is case-folded, emoji become words (the Ukrainian flag is "ukraine"), tokens
lose leetspeak and are folded to a script-independent skeleton (:mod:`.normalize`), and
each token is looked up in the lexicons: whole words, stems as prefixes (inflection,
compounds), and, for long tokens that match nothing, terms one edit away (typos). The
concepts found (origin, sexual, minor, job ...) are combined by the ordered rules of
``data/rules.yaml``. Everything is precompiled and per-token results are cached, so a
query costs a few dictionary lookups.

The classifier decides what a search provider shows next to results; it is a
safeguarding aid, not evidence about the person searching.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final, Literal, NamedTuple

import yaml

from vigil.errors import ConfigError
from vigil.safeguard.language import LanguageGuesser, TokenEvidence
from vigil.safeguard.lexicon import (
    CONCEPT_BIT,
    CONCEPTS,
    FUZZY_MIN,
    MIN_STEM,
    LexiconSet,
    deletions,
    load_default_lexicons,
)
from vigil.safeguard.model import MODEL_CLASSES, QueryModel, Scores, load_default_model
from vigil.safeguard.normalize import deleet, skeleton, split_age

Category = Literal["exploitation", "at_risk", "neutral"]
CATEGORIES: Final[tuple[Category, ...]] = ("exploitation", "at_risk", "neutral")

#: Ages that make a number next to an age word ("16 yo", "15 лет") a minor.
MINOR_AGES: Final = range(1, 18)
#: Longest query text that is classified; the rest is ignored (queries are short).
MAX_QUERY_CHARS: Final = 512
#: Tokens at least this long that start with a head concept are tried as compounds.
COMPOUND_MIN: Final = 7
#: Shortest glued-on word (and shortest stem) looked for in a compound.
COMPOUND_TAIL_MIN: Final = 4
#: Letters of a stem's ending ("ukrain" + "e", "ian") before a glued-on word may start.
COMPOUND_SLACK: Final = 3
#: Cached query results before the cache is emptied (bounds memory on unique streams).
QUERY_CACHE_SIZE: Final = 100_000
#: Concepts of protective intent (blocking, reporting, law, help, hosting, awareness):
#: a query carrying one is never classed as exploitation, whatever the model says.
PROTECTIVE_CONCEPTS: Final = ("awareness", "protective")
#: At-risk rules whose decision the model may overrule (policy ``at_risk_overrule`` to
#: neutral, ``exploitation_overrule`` to exploitation): displaced people's needs, where
#: hosts' and helpers' queries ("host a refugee family") and housing offered for sex
#: share the seekers' words. Risky-job rules ("escort job abroad") always stand.
OVERRULABLE_RULES: Final = frozenset({"displaced_needs"})
#: Bits above every concept's: a phrase may start at the raw token, and go on inside it.
PHRASE_START: Final = 1 << len(CONCEPTS)
PHRASE_INSIDE: Final = PHRASE_START << 1

_TOKEN_RE = re.compile(r"[\w@$|!]+")
_CYRILLIC_CHAR_RE = re.compile(r"[\u0400-\u04ff]")
# Inside Cyrillic words an apostrophe is a letter sign ("п'ять") and is dropped; elsewhere
# it separates an elided article ("l'Ucraina", "d'emploi") and becomes a space.
_CYRILLIC_APOSTROPHE_RE = re.compile(r"(?<=[\u0400-\u04ff])['’ʼ`](?=[\u0400-\u04ff])")
_APOSTROPHE_RE = re.compile(r"['’ʼ`]")
_TATWEEL: Final = "\u0640"
_MINOR_BIT: Final = CONCEPT_BIT["minor"]
#: A word with letters starred out: letters on both sides of each run of stars.
_STARRED_RE: Final = re.compile(r"[^\W\d_]+(?:\*+[^\W\d_]+)+")
_STARS_RE: Final = re.compile(r"\*+")
_STAR_VOWELS: Final = "aeiouy"
#: The Arabic definite article, glued to its word ("الاوكرانية"), alone or after a glued
#: "and", "with", "so", "like" or "for" ("للجنس" is "for the sex"): a word the lexicons do
#: not know is looked up again without it, if what is left has at least three letters.
_ARABIC_ARTICLES: Final = ("وال", "بال", "فال", "كال", "لل", "ال")


@dataclass(frozen=True, slots=True)
class TokenInfo:
    mask: int
    slots: tuple[tuple[int, int], ...]
    langs: tuple[str, ...]
    spelled: bool = False
    starts_phrase: bool = False
    #: Language votes of this token, ready to add: ((lang, weight), ...).
    votes: tuple[tuple[str, float], ...] = ()
    slot_set: frozenset[tuple[int, int]] = frozenset()
    #: Phrases that may start at this token.
    phrase_starts: tuple[int, ...] = ()
    #: Phrases whose second word this token may be (a phrase starting just before it
    #: can only match if its id is here).
    phrase_seconds: frozenset[int] = frozenset()


class RawToken(NamedTuple):
    """What one raw token of a query contributes, computed once per distinct raw token:
    its cleaned token(s), their lexicon information, and those folded together."""

    tokens: tuple[str, ...]
    infos: tuple[TokenInfo, ...]
    #: The tokens' concepts, ``PHRASE_START`` if a phrase may start at one of them, and
    #: ``PHRASE_INSIDE`` if it may also go on inside the raw token ("16yo" is two tokens).
    bits: int
    #: Phrases that may start at the last token, and whose second word the first may be:
    #: a phrase across two raw tokens needs one in both.
    phrase_starts: tuple[int, ...]
    phrase_seconds: frozenset[int]
    #: The tokens' language votes in token order (summed in that order, as before).
    votes: tuple[tuple[str, float], ...]
    #: What the raw token's letters say about the language.
    evidence: TokenEvidence


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: Category
    groups: tuple[int, ...]
    none: int
    #: The rule has the last word: the model is not consulted (anything sexual with a minor).
    final: bool = False

    def matches(self, mask: int) -> bool:
        if mask & self.none:
            return False
        return all(mask & group for group in self.groups)


class Decision(NamedTuple):
    """What the rules make of one concept set (memoised: there are few distinct ones)."""

    category: Category
    rule: str | None
    concepts: tuple[str, ...]
    #: The query is protective (see ``PROTECTIVE_CONCEPTS``).
    protective: bool
    #: The model's starting scores (bias and the rules' view), or None when the model is
    #: not consulted (no model, or a final rule on a query that is not protective).
    model_start: Scores | None


class Classification(NamedTuple):
    """The decision for one query, with the concepts, rule and model scores behind it.

    ``decided_by`` is ``"rule"`` (a final rule, or no model), ``"rule+model"`` (a rule
    fired and the model, given the rule's weight, agreed), ``"model"`` (the model
    overruled or filled in for the rules) or ``"protective"`` (protective intent kept the
    query out of exploitation).
    """

    query: str
    category: Category
    lang: str
    rule: str | None
    concepts: tuple[str, ...]
    decided_by: str = "rule"
    scores: Scores | None = None
    tokens: tuple[str, ...] = ()


_EMPTY = TokenInfo(0, (), ())


def parse_rules(data: Mapping[str, Any]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for raw in data.get("rules", []) or []:
        category = raw.get("category")
        if category not in CATEGORIES:
            raise ConfigError(f"rule {raw.get('id')!r}: unknown category {category!r}")
        groups = tuple(_names_mask(group, raw) for group in raw.get("all", []))
        if not groups:
            raise ConfigError(f"rule {raw.get('id')!r} has no 'all' groups")
        rules.append(
            Rule(str(raw["id"]), category, groups, _names_mask(raw.get("none", []), raw), bool(raw.get("final", False)))
        )
    return tuple(rules)


def _names_mask(names: Iterable[str], rule: Mapping[str, Any]) -> int:
    mask = 0
    for name in names:
        if name not in CONCEPT_BIT:
            raise ConfigError(f"rule {rule.get('id')!r}: unknown concept {name!r}")
        mask |= CONCEPT_BIT[name]
    return mask


def concept_names(mask: int) -> tuple[str, ...]:
    return tuple(name for name in CONCEPTS if mask & CONCEPT_BIT[name])


class QueryClassifier:
    """Classify search queries; build once (``default_classifier()``), call many times."""

    def __init__(
        self, lexicons: LexiconSet, rules: Sequence[Rule], default_lang: str = "en", model: QueryModel | None = None
    ) -> None:
        self._lex = lexicons
        self._rules = tuple(rules)
        self._final = frozenset(rule.id for rule in self._rules if rule.final)
        self.model = model
        self._protective = _names_mask(PROTECTIVE_CONCEPTS, {})
        policy = model.policy if model is not None else {}
        #: Added to the logit of the class a (non-final) rule chose, and to neutral's.
        self._rule_weight = policy.get("rule_weight", 0.0)
        self._neutral_bias = policy.get("neutral_bias", 0.0)
        #: Added to at-risk's logit; and whether a rule's at-risk decision stands unweighed.
        self._at_risk_bias = policy.get("at_risk_bias", 0.0)
        self._at_risk_stands = bool(policy.get("at_risk_rule_stands", 1.0))
        #: The margin by which the model's neutral logit must beat its at-risk logit to
        #: overrule a standing at-risk rule (calibrated by cross-validation; absent: never).
        self._at_risk_overrule = policy.get("at_risk_overrule", float("inf"))
        #: The margin by which the model's exploitation logit must beat its at-risk logit
        #: (and be its highest) to raise such a rule's at-risk decision to exploitation
        #: ("free room for a refugee girl, must share bed"; absent: never).
        self._exploitation_overrule = policy.get("exploitation_overrule", float("inf"))
        self._language = LanguageGuesser(lexicons, default_lang, _TOKEN_RE)
        self._tokens: dict[str, TokenInfo] = {}
        self._raw_tokens: dict[str, RawToken] = {}
        self._decisions: dict[int, Decision] = {}
        self._queries: dict[str, Classification] = {}
        # The emoji, and a range holding the first character of each: a text with no
        # character in the range holds no emoji, and a range is searched several times
        # faster than the emoji themselves.
        self._emoji_res: tuple[re.Pattern[str], re.Pattern[str]] | None = None
        if lexicons.emoji:
            firsts = sorted(e[0] for e in lexicons.emoji)
            self._emoji_res = (
                re.compile(f"[{re.escape(firsts[0])}-{re.escape(firsts[-1])}]"),
                re.compile("|".join(re.escape(e) for e in sorted(lexicons.emoji, key=len, reverse=True))),
            )
        self._script_langs = {script: frozenset(langs) for script, langs in lexicons.script_langs.items()}
        self._minor_bit = CONCEPT_BIT["minor"]
        self._compound_heads = _names_mask(("origin", "refugee", "minor", "female", "sexual", "escort"), {})
        self._age_bit = CONCEPT_BIT["age_unit"]

    @property
    def languages(self) -> tuple[str, ...]:
        return self._lex.langs

    @property
    def final_rules(self) -> frozenset[str]:
        """Ids of the rules that have the last word (the model is not consulted)."""
        return self._final

    def warm(self) -> None:
        """Load what the first queries would otherwise load (the language guesser's model)."""
        self._language.warm()

    def classify(self, query: str) -> Classification:
        cached = self._queries.get(query)
        if cached is not None:
            return cached
        result = self._classify(query)
        if len(self._queries) >= QUERY_CACHE_SIZE:
            self._queries.clear()
        self._queries[query] = result
        return result

    def classify_many(self, queries: Iterable[str]) -> list[Classification]:
        return [self.classify(query) for query in queries]

    def _classify(self, query: str) -> Classification:
        text = query[:MAX_QUERY_CHARS].casefold()
        ascii_only = text.isascii()
        if "'" in text or "`" in text or (not ascii_only and ("’" in text or "ʼ" in text)):
            text = _APOSTROPHE_RE.sub(" ", _CYRILLIC_APOSTROPHE_RE.sub("", text))
        if not ascii_only and _TATWEEL in text:
            # Arabic tatweel stretches a word without changing it ("سـكـس" is "سكس").
            text = text.replace(_TATWEEL, "")
        if not ascii_only and self._emoji_res is not None and self._emoji_res[0].search(text) is not None:
            text = self._emoji_res[1].sub(lambda m: self._lex.emoji[m.group(0)], text)
        if "*" in text:
            text = _STARRED_RE.sub(self._unstarred, text)
        # Tokens are runs of word characters (and @$|!): when every character but the
        # spaces is a word character, they are the space-separated words, which split()
        # finds several times faster than the pattern (str.isalnum is the pattern's \w).
        raws = text.split()
        words_only = "".join(raws).isalnum()
        if not words_only:
            raws = _TOKEN_RE.findall(text)
        tokens: list[str] = []
        votes: list[tuple[str, float]] = []
        found_all: list[RawToken] = []
        bits = 0
        known = self._raw_tokens.get
        for raw in raws:
            found = known(raw)
            if found is None:
                found = self._raw_token(raw)
            found_all.append(found)
            tokens += found.tokens
            bits |= found.bits
            votes += found.votes
        mask = bits & ~(PHRASE_START | PHRASE_INSIDE)
        phrases = bool(bits & PHRASE_START) and _phrase_may_match(found_all, bits)
        if phrases or mask & self._age_bit:
            infos = [info for found in found_all for info in found.infos]
            masks = [info.mask for info in infos]
            if phrases and self._apply_phrases(infos, masks):
                mask = 0
                for value in masks:
                    mask |= value
            if mask & self._age_bit:
                mask |= self._age_mask(tokens, masks)
        decision = self._decisions.get(mask) or self._decide(mask)
        evidence = [found.evidence for found in found_all] if not ascii_only else []
        lang = self._language.guess_tokens(text, evidence, votes, words_only)
        start = decision.model_start
        if start is None or self.model is None:
            return Classification(
                query, decision.category, lang, decision.rule, decision.concepts, "rule", None, tuple(tokens)
            )
        scores = self.model.scores_from(start, tokens)
        final, decided_by = self._combine(decision, scores)
        return Classification(query, final, lang, decision.rule, decision.concepts, decided_by, scores, tuple(tokens))

    def _combine(self, decision: Decision, scores: Scores) -> tuple[Category, str]:
        """Rules and model together (docs/safeguarding.md, "Rules and model"): the rule's
        class gets ``rule_weight`` added to its logit, neutral gets ``neutral_bias``, the
        highest wins; protective intent removes exploitation from the choice, and, if the
        policy says so, a rule's at-risk decision stands unless the query is protective."""
        category, rule_id, protective = decision.category, decision.rule, decision.protective
        # A rule's at-risk decision may stand (unless the query is protective): a safety
        # message is cheap, and a model raising "housing for refugees" to exploitation
        # would suppress the very results a displaced person needs. The model file's policy
        # says whether it stands (docs/model-card-queries.md).
        if self._at_risk_stands and category == "at_risk" and rule_id is not None and not protective:
            if rule_id in OVERRULABLE_RULES:
                # The model overrules a displaced person's need only with its highest
                # class: exploitation first (housing offered for sex), then neutral (a
                # host's or a helper's query).
                if scores[0] - scores[1] > self._exploitation_overrule and scores[0] >= scores[2]:
                    return "exploitation", "model"
                if scores[2] - scores[1] > self._at_risk_overrule and scores[2] >= scores[0]:
                    return "neutral", "model"
            return category, "rule"
        adjusted = [scores[0], scores[1] + self._at_risk_bias, scores[2] + self._neutral_bias]
        if rule_id is not None:
            adjusted[MODEL_CLASSES.index(category)] += self._rule_weight
        start = 1 if protective else 0
        best = start  # the first of the highest, as max() would choose
        for i in range(start + 1, 3):
            if adjusted[i] > adjusted[best]:
                best = i
        chosen: Category = CATEGORIES[best]
        if protective and chosen == "neutral" and (category == "exploitation" or scores[0] == max(scores)):
            return chosen, "protective"
        if rule_id is not None and chosen == category:
            return chosen, "rule+model"
        return chosen, "model"

    def _decide(self, mask: int) -> Decision:
        """First matching rule, and what the model starts from; memoised per concept set."""
        cached = self._decisions.get(mask)
        if cached is not None:
            return cached
        category: Category = "neutral"
        rule_id: str | None = None
        for rule in self._rules:
            if rule.matches(mask):
                category, rule_id = rule.category, rule.id
                break
        names = concept_names(mask)
        protective = bool(mask & self._protective)
        start: Scores | None = None
        if self.model is not None and (rule_id not in self._final or protective):
            start = self.model.start_scores(rule_id, names)
        decided = self._decisions[mask] = Decision(category, rule_id, names, protective, start)
        return decided

    def _raw_token(self, raw: str) -> RawToken:
        """A raw token's cleaned token(s) ("16yo" is two) with their lexicon information."""
        found = self._raw_tokens.get(raw)
        if found is None:
            parts = split_age(raw)
            tokens = (parts[0], deleet(parts[1])) if parts is not None else (deleet(raw),)
            infos = tuple(self._token(token) for token in tokens)
            bits = 0
            for info in infos:
                bits |= info.mask | (PHRASE_START if info.starts_phrase else 0)
            if len(infos) > 1 and bits & PHRASE_START:
                bits |= PHRASE_INSIDE
            found = RawToken(
                tokens,
                infos,
                bits,
                infos[-1].phrase_starts,
                infos[0].phrase_seconds,
                tuple(vote for info in infos for vote in info.votes),
                self._language.token_evidence(raw),
            )
            if len(self._raw_tokens) >= QUERY_CACHE_SIZE:
                self._raw_tokens.clear()
            self._raw_tokens[raw] = found
        return found

    def _unstarred(self, match: re.Match[str]) -> str:
        """A word with letters starred out ("k*rvy", "p**n"): each run of stars as the vowel
        (the same one throughout) that makes a word the lexicons give a concept, tried in
        the order a, e, i, o, u, y; else the stars dropped."""
        word = match.group(0)
        for vowel in _STAR_VOWELS:
            candidate = _STARS_RE.sub(vowel, word)
            if self._raw_token(candidate).bits & ~(PHRASE_START | PHRASE_INSIDE):
                return candidate
        return _STARS_RE.sub("", word)

    def _age_mask(self, tokens: list[str], masks: list[int]) -> int:
        for i, token in enumerate(tokens):
            if not token.isdecimal() or int(token) not in MINOR_AGES:
                continue
            before = masks[i - 1] if i > 0 else 0
            after = masks[i + 1] if i + 1 < len(masks) else 0
            if (before | after) & self._age_bit:
                return self._minor_bit
        return 0

    def _apply_phrases(self, infos: list[TokenInfo], masks: list[int]) -> bool:
        """Give the tokens of each phrase found the phrase's concepts; whether any was found.
        Of phrases starting at one token the longest found wins (``phrase_starts`` is
        ordered shortest first)."""
        phrases = self._lex.phrases
        count = len(infos)
        applied = False
        for start, info in enumerate(infos):
            if not info.phrase_starts or start + 1 == count:
                continue
            if infos[start + 1].phrase_seconds.isdisjoint(info.phrase_starts):
                continue
            for phrase_id in info.phrase_starts:
                size = len(phrases[phrase_id].keys)
                if start + size > count:
                    continue
                k = 1
                while k < size and (phrase_id, k) in infos[start + k].slot_set:
                    k += 1
                if k == size:
                    for j in range(start, start + size):
                        masks[j] = 0
                    masks[start] = phrases[phrase_id].mask
                    applied = True
        return applied

    def _token(self, token: str) -> TokenInfo:
        info = self._tokens.get(token)
        if info is None:
            info = self._lookup(token)
            if len(self._tokens) >= QUERY_CACHE_SIZE:
                self._tokens.clear()
            self._tokens[token] = info
        return info

    def _lookup(self, token: str) -> TokenInfo:
        key = skeleton(token)
        lex = self._lex
        raw_terms = lex.raw.get(token)
        if not key or key in lex.exceptions_exact or any(key.startswith(stem) for stem in lex.exceptions_prefix):
            return _EMPTY
        terms = list(lex.exact.get(key, ()))
        if raw_terms:
            terms.extend(raw_terms)
        for length in lex.prefix_lengths:
            if length > len(key):
                break
            terms.extend(lex.prefix.get(key[:length], ()))
        # A word the lexicons know as it is written (a stopword or an ordinary word of some
        # language, concept-free) is no typo of a concept term: German "werden" is not
        # Dutch "werken". A word known only as part of a phrase may still be one.
        if (
            len(key) >= FUZZY_MIN
            and not any(term.mask for term in terms)
            and not any(term.phrase_slot is None for term in terms)
        ):
            terms.extend(self._fuzzy(key))
        if not terms:
            for article in _ARABIC_ARTICLES:
                if token.startswith(article) and len(token) - len(article) >= 3:
                    return self._lookup(token[len(article) :])
            return _EMPTY
        # A word known as written (a whole term, even concept-free) is no compound:
        # Slovak "ukrajinčina" (the language) does not end in Ukrainian "ціна" (price).
        if len(key) >= COMPOUND_MIN and not any(not term.prefix and term.phrase_slot is None for term in terms):
            heads = [len(term.key) for term in terms if term.mask & self._compound_heads and term.prefix]
            if heads:
                terms.extend(self._compound_tail(key, max(heads)))
        mask = 0
        slots: list[tuple[int, int]] = []
        for term in terms:
            mask |= term.mask
            if term.phrase_slot is not None:
                slots.append(term.phrase_slot)
        # Words inside multi-word phrases ("sex" of "sex education") are often loanwords
        # shared by many languages; only whole terms count as a language's own spelling.
        spelled = [term for term in terms if term.lang != "*" and term.phrase_slot is None and term.spelled_in(token)]
        if spelled:
            # The longest own spelling wins: "prostitutki" is the Russian transliteration
            # before it is the English stem "prostitut*".
            longest = max(len(term.form) for term in spelled)
            langs = {term.lang for term in spelled if len(term.form) == longest}
        else:
            # A shared skeleton across scripts says nothing about the language: Latin
            # "ford" matching Cyrillic "форд" is no vote for Ukrainian.
            script = "cyrillic" if _CYRILLIC_CHAR_RE.search(token) else "latin"
            own = self._script_langs.get(script, frozenset())
            langs = {term.lang for term in terms if term.lang in own}
        # Shortest phrase first: of the phrases found at one token the last applied keeps
        # its concepts, so "a cambio de sexo" wins over "a cambio" whatever the file order.
        phrases = self._lex.phrases
        starts = tuple(
            sorted(
                (phrase for phrase, position in slots if position == 0),
                key=lambda phrase: (len(phrases[phrase].keys), phrase),
            )
        )
        ordered = tuple(sorted(langs))
        return TokenInfo(
            mask,
            tuple(slots),
            ordered,
            bool(spelled),
            bool(starts),
            self._language.votes(ordered, bool(spelled)),
            frozenset(slots),
            starts,
            frozenset(phrase for phrase, position in slots if position == 1),
        )

    def _compound_tail(self, key: str, head: int) -> list[Any]:
        """Terms that a glued-on word matches: "ukrainegirls", "teenporn", "ukrainesex".

        Only tokens that start with an origin, refugee, minor, female, sexual or escort
        stem (``_compound_heads``) are split,
        after the longest such stem and at most ``COMPOUND_SLACK`` letters of its ending
        (``head`` letters: "refugiados" is "refugiad" and an ending, not "refugi" and
        French "ados"; "pornografiata" holds no Turkish "fiyat"), and only tails that are
        a whole term or start with a stem of at least four letters, so ordinary long
        words ("ukrainerinnen", "kindergarten") stay whole.
        """
        lex = self._lex
        found: list[Any] = []
        first = max(head, MIN_STEM)
        for cut in range(first, min(first + COMPOUND_SLACK, len(key) - COMPOUND_TAIL_MIN) + 1):
            tail = key[cut:]
            found.extend(term for term in lex.exact.get(tail, ()) if term.mask and term.phrase_slot is None)
            for length in lex.prefix_lengths:
                if length > len(tail):
                    break
                if length >= COMPOUND_TAIL_MIN:
                    found.extend(t for t in lex.prefix.get(tail[:length], ()) if t.mask and t.phrase_slot is None)
        return found

    def _fuzzy(self, key: str) -> list[Any]:
        """Terms one edit (insertion, deletion, substitution, transposition) from the token."""
        fuzzy = self._lex.fuzzy
        found: list[Any] = []
        probes = {key}
        for length in self._lex.prefix_lengths:
            if length >= FUZZY_MIN:
                probes.update(key[:n] for n in (length - 1, length, length + 1) if n <= len(key))
        for probe in probes:
            for variant in (probe, *deletions(probe)):
                for term in fuzzy.get(variant, ()):
                    # A stem must be covered by the token: "sponsor" is not "sponsork*".
                    usable = len(key) >= len(term.key) if term.prefix else probe == key
                    # A minor's stem one edit away decides a final rule on a guess
                    # (Italian "presenza" is not "preteen*"): minors' whole words only.
                    if term.prefix and term.mask & _MINOR_BIT:
                        continue
                    if usable and _osa_le1(probe, term.key):
                        found.append(term)
        return found


def _phrase_may_match(found: Sequence[RawToken], bits: int) -> bool:
    """Whether a phrase may match: one that starts at a raw token goes on in the next one
    (or inside it); few queries with a phrase's first word hold its second after it."""
    if bits & PHRASE_INSIDE:
        return True
    for i in range(len(found) - 1):
        starts = found[i].phrase_starts
        if starts and not found[i + 1].phrase_seconds.isdisjoint(starts):
            return True
    return False


def _osa_le1(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@cache
def load_default_rules() -> tuple[Rule, ...]:
    text = resources.files("vigil.safeguard").joinpath("data").joinpath("rules.yaml").read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"rules.yaml is not valid YAML: {exc}") from exc
    return parse_rules(data)


@cache
def rules_only_classifier() -> QueryClassifier:
    """The shipped lexicons and rules without the model (for comparison and benchmarks)."""
    return QueryClassifier(load_default_lexicons(), load_default_rules())


@cache
def default_classifier() -> QueryClassifier:
    """The classifier with the shipped lexicons, rules and model (built once per process)."""
    return QueryClassifier(load_default_lexicons(), load_default_rules(), model=load_default_model())
