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
from typing import Final, NamedTuple

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from vigil.safeguard.lexicon import LexiconSet

#: A hint letter counts about as much as a word spelled the language's own way.
LETTER_WEIGHT = 1.0
#: A word that only shares a skeleton with a language's term is weak evidence.
SKELETON_WEIGHT = 0.4
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")


class TokenEvidence(NamedTuple):
    """A token's Cyrillic letters, letters, and hint-letter votes (see ``guess_tokens``)."""

    cyrillic: int
    letters: int
    hints: tuple[tuple[str, float], ...]


#: Cyrillic code points that are not letters (signs, combining marks).
_CYRILLIC_SIGNS: Final = "\u0482\u0483\u0484\u0485\u0486\u0487\u0488\u0489"


class LanguageGuesser:
    """Guess the ISO 639-1 code of a query from lexicon evidence, then py3langid."""

    def __init__(self, lexicons: LexiconSet, default: str = "en", token_re: re.Pattern[str] | None = None) -> None:
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
        # Characters counted by guess_flat that a token of ``token_re`` may not hold: with
        # one of them in a query, guess_tokens reads the whole text.
        outside = _CYRILLIC_SIGNS + "".join(
            ch for ch in sorted(self._letters) if token_re and not token_re.fullmatch(ch)
        )
        self._outside_re = re.compile(f"[{re.escape(outside)}]") if token_re is not None else None

    @cached_property
    def _identifier(self) -> LanguageIdentifier:
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
        identifier.set_languages(list(self._langs))
        return identifier

    def warm(self) -> None:
        """Load the n-gram model now rather than on the first query that needs it (a
        fraction of a second of decompression, which a server should not spend on a request)."""
        _ = self._identifier

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
        return self.guess_flat(text, [vote for votes in token_votes for vote in votes])

    def guess_flat(self, text: str, token_votes: Iterable[tuple[str, float]]) -> str:
        """Like :meth:`guess_votes`, with the tokens' votes one after the other in token order."""
        ascii_only = text.isascii()
        cyrillic_letters = letters = 0
        hints: list[tuple[str, float]] = []
        if not ascii_only:
            cyrillic_letters = len(_CYRILLIC_RE.findall(text))
            if cyrillic_letters:
                letters = sum(map(str.isalpha, text))
            hints = self._hint_votes(text)
        return self._choose(text, ascii_only, cyrillic_letters, letters, hints, token_votes)

    def token_evidence(self, token: str) -> TokenEvidence:
        """What one token of a query tells :meth:`guess_tokens`, computed once per token."""
        return TokenEvidence(
            len(_CYRILLIC_RE.findall(token)), sum(map(str.isalpha, token)), tuple(self._hint_votes(token))
        )

    def guess_tokens(
        self,
        text: str,
        evidence: Iterable[TokenEvidence],
        token_votes: Iterable[tuple[str, float]],
        words_only: bool = False,
    ) -> str:
        """:meth:`guess_flat` from the tokens' evidence (``token_evidence`` of each token of
        ``token_re`` in ``text``, in order) rather than from three more passes over the text.

        Every letter is inside a token, so the counts and hint letters are the same; a text
        with a hint mark or Cyrillic sign that is not a token character ("¿", "҂") is read
        whole, as :meth:`guess_flat` does. ``words_only``: the caller knows that every
        character of ``text`` but whitespace is a word character, so there is none.
        """
        ascii_only = text.isascii()
        if ascii_only or self._outside_re is None or (not words_only and self._outside_re.search(text) is not None):
            return self.guess_flat(text, token_votes)
        cyrillic_letters = letters = 0
        hints: list[tuple[str, float]] = []
        for found in evidence:
            cyrillic_letters += found.cyrillic
            letters += found.letters
            hints += found.hints
        return self._choose(text, ascii_only, cyrillic_letters, letters, hints, token_votes)

    def _hint_votes(self, text: str) -> list[tuple[str, float]]:
        """The votes of the letters only some languages use, in text order."""
        if self._letter_re is None:
            return []
        votes: list[tuple[str, float]] = []
        for char in self._letter_re.findall(text):
            langs = self._letters[char]
            votes.extend((lang, LETTER_WEIGHT / len(langs)) for lang in langs)
        return votes

    def _choose(
        self,
        text: str,
        ascii_only: bool,
        cyrillic_letters: int,
        letters: int,
        hints: list[tuple[str, float]],
        token_votes: Iterable[tuple[str, float]],
    ) -> str:
        # Mostly Cyrillic letters make a Cyrillic query; a few Cyrillic homoglyphs inside
        # Latin words ("ucrаinа") do not.
        cyrillic = cyrillic_letters > 0 and 2 * cyrillic_letters > letters
        # Summed in text order, hint letters first, then the tokens' votes (ties are exact).
        scores: dict[str, float] = {}
        get = scores.get
        for lang, weight in hints:
            scores[lang] = get(lang, 0.0) + weight
        for lang, weight in token_votes:
            scores[lang] = get(lang, 0.0) + weight
        if cyrillic and self._cyrillic:
            scores = {lang: score for lang, score in scores.items() if lang in self._cyrillic}
        if scores:
            if len(scores) == 1:
                return next(iter(scores))
            # The highest score; among equal ones the first of the best rank, as
            # min(tied, key=rank) would choose.
            rank = self._rank
            unranked = len(rank)
            choice: str | None = None
            choice_score, choice_rank = 0.0, unranked
            for lang, score in scores.items():
                if choice is None or score > choice_score:
                    choice, choice_score, choice_rank = lang, score, rank.get(lang, unranked)
                elif score == choice_score:
                    lang_rank = rank.get(lang, unranked)
                    if lang_rank < choice_rank:
                        choice, choice_rank = lang, lang_rank
            return str(choice)
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
