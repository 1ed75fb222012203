"""Language of a short search query, among the languages that have a lexicon.

Short queries defeat character n-gram models, so the evidence is, in order: the script
(Cyrillic narrows the choice to the Cyrillic lexicons), letters only some languages use
("ł", "ř", "ő", "ї"), and lexicon and stopword hits. py3langid, restricted to the same
languages, only breaks ties or answers when nothing else does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from vigil.safeguard.lexicon import LexiconSet

#: A hint letter counts about as much as a word spelled the language's own way.
LETTER_WEIGHT = 1.0
#: A word that only shares a skeleton with a language's term is weak evidence.
SKELETON_WEIGHT = 0.4
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")


class LanguageGuesser:
    """Guess the ISO 639-1 code of a query from lexicon evidence, then py3langid."""

    def __init__(self, lexicons: LexiconSet, default: str = "en") -> None:
        self._langs = lexicons.langs
        self._letters = lexicons.letters
        self._cyrillic = frozenset(lexicons.script_langs.get("cyrillic", ()))
        self._default = default
        # Ties are broken by this order (roughly the expected share of traffic) rather
        # than by the n-gram model, which costs more than the whole rest of a query.
        order = [lang for lang in lexicons.language_order if lang in lexicons.langs]
        order += [lang for lang in lexicons.langs if lang not in order]
        self._rank = {lang: i for i, lang in enumerate(order)}
        letters = "".join(sorted(self._letters))
        self._letter_re = re.compile(f"[{re.escape(letters)}]") if letters else None

    @cached_property
    def _identifier(self) -> LanguageIdentifier:
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
        identifier.set_languages(list(self._langs))
        return identifier

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_identifier", None)
        return state

    @staticmethod
    def votes(langs: Iterable[str], spelled: bool) -> tuple[tuple[str, float], ...]:
        """The votes one token casts: its weight shared among the languages it matched."""
        voters = [lang for lang in langs if lang != "*"]
        weight = 1.0 if spelled else SKELETON_WEIGHT
        return tuple((lang, weight / len(voters)) for lang in voters)

    def guess(self, text: str, token_langs: Iterable[tuple[tuple[str, ...], bool]]) -> str:
        """``token_langs``: per token, the languages whose lexicon it matched, and whether
        it matched their own spelling (strong) or only the shared skeleton (weak)."""
        return self.guess_votes(text, [self.votes(langs, spelled) for langs, spelled in token_langs])

    def guess_votes(self, text: str, token_votes: Iterable[tuple[tuple[str, float], ...]]) -> str:
        """Like :meth:`guess`, with each token's votes precomputed by :meth:`votes`."""
        scores: dict[str, float] = {}
        ascii_only = text.isascii()
        # Mostly Cyrillic letters make a Cyrillic query; a few Cyrillic homoglyphs inside
        # Latin words ("ucrаinа") do not.
        cyrillic = not ascii_only and 2 * len(_CYRILLIC_RE.findall(text)) > sum(c.isalpha() for c in text)
        if not ascii_only and self._letter_re is not None:
            for char in self._letter_re.findall(text):
                langs = self._letters[char]
                for lang in langs:
                    scores[lang] = scores.get(lang, 0.0) + LETTER_WEIGHT / len(langs)
        for votes in token_votes:
            for lang, weight in votes:
                scores[lang] = scores.get(lang, 0.0) + weight
        if cyrillic and self._cyrillic:
            scores = {lang: score for lang, score in scores.items() if lang in self._cyrillic}
        if scores:
            best = max(scores.values())
            tied = [lang for lang, score in scores.items() if score == best]
            if len(tied) == 1:
                return tied[0]
            return min(tied, key=lambda lang: self._rank.get(lang, len(self._rank)))
        candidates = self._cyrillic if cyrillic and self._cyrillic else frozenset(self._langs)
        if ascii_only:
            # Plain ASCII with no lexicon evidence is most often English; character
            # n-grams on two or three words guess wildly between Latin-script languages.
            return self._default
        return self._model_choice(text, sorted(candidates))

    def _model_choice(self, text: str, among: list[str]) -> str:
        if not text.strip():
            return self._default
        ranked = self._identifier.rank(text)
        for lang, _score in ranked:
            if lang in among:
                return str(lang)
        return self._default
