"""Bounded phrase matching over normalized text.

One Aho-Corasick automaton finds the first word of every phrase in a single linear pass;
only there does Python look at the following words. Every loop here is bounded by a
named limit, so a hostile 1 MB line full of lexicon words costs a linear scan plus a
fixed amount of verification work.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Final

import ahocorasick
import regex

from vigil.recognizers.lexicon import (
    GAP_WORDS,
    NEGATION_WINDOW_WORDS,
    TOKEN_RE,
    Lexicon,
    Phrase,
    Role,
    Word,
    WordKind,
)

#: Separators allowed between two words of a phrase: a few characters, but no line break and
#: no clause punctuation (a phrase never spans "contract, holiday pay"); a full stop only
#: inside a token run such as "t.me".
SEPARATOR_RE: Final = regex.compile(r"(?:[^\w\p{Sc}\n,;:!?.()\[\]|•]|\.(?=\w)){0,6}")
#: Characters that end a clause; negation cues do not reach across them.
CLAUSE_END_RE: Final = regex.compile(r"[.!?;,:()\[\]|•\n]")
#: Characters of text looked at around a hit when checking negation cues.
NEGATION_WINDOW_CHARS: Final = 80
#: Phrase verifications one recognizer may spend on one text (hostile repetition guard).
MAX_ATTEMPTS_PER_OWNER: Final = 2000
#: Phrase entries examined per text. An ad needs hundreds; a hostile megabyte of lexicon
#: words would need millions, and past this point its evidence is already in hand.
MAX_ENTRY_CHECKS: Final = 60_000
#: Longest word prefix a compound-part hit may reach back over to find its word start.
MAX_COMPOUND_PREFIX: Final = 40
#: Automaton hits (mid-word ones included) looked at per text, for the same reason.
MAX_AUTOMATON_HITS: Final = 50_000
#: Characters whose word-character test is remembered (hostile text with more distinct
#: characters is still tested, the rest just not remembered).
WORD_CHARS_SIZE: Final = 65_536

#: A key the token at a hit can end right after: a run of word characters, not a number.
_PLAIN_KEY_RE: Final = regex.compile(r"(?!\d)\w+")
_WORD_CHAR_RE: Final = regex.compile(r"\w")


class _WordChars(dict[str, bool]):
    """Whether a character is a word character (``\\w``) as TOKEN_RE reads one, remembered."""

    def __missing__(self, char: str) -> bool:
        value = _WORD_CHAR_RE.match(char) is not None
        if len(self) < WORD_CHARS_SIZE:
            self[char] = value
        return value


_WORD_CHARS: Final = _WordChars()


@dataclass(frozen=True, slots=True)
class Entry:
    """A phrase in the automaton, with the recognizer (``owner``) and lexicon it belongs to."""

    owner: int
    lexicon: Lexicon
    role: Role
    phrase: Phrase


@dataclass(frozen=True, slots=True)
class RawMatch:
    entry: Entry
    start: int
    end: int


def _word_matches(word: Word, token: str) -> bool:
    if word.kind is WordKind.EXACT:
        return token == word.literal
    if word.kind is WordKind.FORMS:
        return token in word.forms
    if word.kind is WordKind.STEM:
        return token.startswith(word.literal)
    return token[0].isdigit()


def _next_token(text: str, pos: int) -> regex.Match[str] | None:
    sep = SEPARATOR_RE.match(text, pos)
    after = sep.end() if sep else pos
    return TOKEN_RE.match(text, after)


#: Tokens after a candidate word that phrase verification may look at.
MAX_WINDOW_TOKENS: Final = 12


class _Window:
    """The tokens after one position, read once and shared by every phrase tried there."""

    __slots__ = ("_near", "_near_words", "_pos", "_text", "tokens")

    def __init__(self, text: str, pos: int) -> None:
        self._text = text
        self._pos = pos
        self.tokens: list[tuple[str, int]] = []
        self._near: list[tuple[str, int]] | None = None
        self._near_words: frozenset[str] | None = None

    def get(self, index: int) -> tuple[str, int] | None:
        tokens = self.tokens
        while len(tokens) <= index:
            pos = self._pos
            if pos < 0 or len(tokens) >= MAX_WINDOW_TOKENS:
                return None
            # (_next_token in one regular-expression call: this reads every token a phrase looks at)
            found = _next_token_at(self._text, pos)
            if found is None:
                self._pos = -1
                return None
            end = found.end()
            tokens.append((found.group(1), end))
            self._pos = end
        return tokens[index]

    def near(self) -> list[tuple[str, int]]:
        """The first GAP_WORDS+1 tokens (fewer where the window ends): where a near pair's last word may stand."""
        near = self._near
        if near is None:
            self.get(GAP_WORDS)
            near = self._near = self.tokens[: GAP_WORDS + 1]
        return near

    def near_words(self) -> frozenset[str]:
        """The words of :meth:`near`, as a set."""
        words = self._near_words
        if words is None:
            words = self._near_words = frozenset([token for token, _ in self.near()])
        return words


#: The separator then the token, as ``_next_token`` reads them. The separator is atomic: no
#: character it takes can start a token, so giving some back could never let one match.
NEXT_TOKEN_RE: Final = regex.compile(f"(?>{SEPARATOR_RE.pattern})({TOKEN_RE.pattern})")
_next_token_at: Final = NEXT_TOKEN_RE.match


def _match_words(window: _Window, words: tuple[Word, ...], i: int, j: int, end: int) -> int | None:
    """End offset of ``words[i:]`` matched from window token ``j``; gaps branch at most GAP_WORDS+1 ways."""
    if i == len(words):
        return end
    word = words[i]
    if word.kind is WordKind.GAP:
        for skip in range(GAP_WORDS + 1):
            found = _match_words(window, words, i + 1, j + skip, end)
            if found is not None:
                return found
            token = window.get(j + skip)
            if token is None:
                return None
            end = token[1]
        return None
    token = window.get(j)
    if token is None or not _word_matches(word, token[0]):
        return None
    return _match_words(window, words, i + 1, j + 1, token[1])


def _match_gap_then(window: _Window, last: Word) -> int | None:
    """``_match_words`` for the words ``[first, ~, last]`` from word 1: the end of the first of
    the next GAP_WORDS+1 tokens that ``last`` matches (the near pairs, most of the phrases
    tried), without a call per token and word."""
    for token, end in window.near():
        if _word_matches(last, token):
            return end
    return None


def _starts_token(text: str, start: int) -> bool:
    """True when a token begins at ``start`` (mid-word hits are not phrase hits)."""
    if start == 0:
        return True
    before = text[start - 1]
    if not (before.isalnum() or before == "_"):
        return True
    # A letter right after a digit starts a new token ("18yo" is "18" + "yo").
    return before.isdigit() != text[start].isdigit()


def _word_start(text: str, start: int) -> int | None:
    """Start of the word that ``start`` lies in, looking back at most MAX_COMPOUND_PREFIX chars."""
    floor = max(0, start - MAX_COMPOUND_PREFIX)
    pos = start
    while pos > floor and (text[pos - 1].isalnum() or text[pos - 1] == "_"):
        pos -= 1
    if pos == floor and floor > 0 and (text[pos - 1].isalnum() or text[pos - 1] == "_"):
        return None
    return pos


def match_phrase_at(text: str, start: int, phrase: Phrase) -> int | None:
    """End of ``phrase`` when it matches at ``start`` on token boundaries, else None."""
    if not _starts_token(text, start):
        return None
    first = TOKEN_RE.match(text, start)
    if first is None or not _word_matches(phrase.words[0], first.group()):
        return None
    return _match_words(_Window(text, first.end()), phrase.words, 1, 0, first.end())


#: First-word kinds matched only by a whole token equal to the automaton key.
_WHOLE_TOKEN: Final = frozenset({WordKind.EXACT, WordKind.FORMS})


def _near_pair_last(words: tuple[Word, ...]) -> Word | None:
    """The last word of a phrase ``[first, ~, last]``, else None."""
    if len(words) == 3 and words[1].kind is WordKind.GAP and words[2].kind is not WordKind.GAP:
        return words[2]
    return None


# How the scan verifies an entry past its first word (the ``how`` of a :data:`_Candidate`).
#: A one-word phrase: matched already.
_ONE: Final = 0
#: A near pair whose last word is one exact token (``what``: the token).
_NEAR_EXACT: Final = 1
#: A near pair whose last word is any of a set of tokens (``what``: the set).
_NEAR_FORMS: Final = 2
#: A near pair whose last word is a stem (``what``: the stem).
_NEAR_STEM: Final = 3
#: A near pair whose last word is a number.
_NEAR_NUMBER: Final = 4
#: Any other phrase: the general matcher from word 1.
_WORDS: Final = 5

#: An entry with what the scan reads of it, unpacked once at build time: (entry, owner,
#: lexicon language, infix, how, the near pair's last token or stem, its forms, words).
_Candidate = tuple[Entry, int, str, bool, int, str, frozenset[str], tuple[Word, ...]]


def _candidate(entry: Entry) -> _Candidate:
    words = entry.phrase.words
    last = _near_pair_last(words)
    how: int
    if len(words) == 1:
        how = _ONE
    elif last is None:
        how = _WORDS
    else:
        how = {
            WordKind.EXACT: _NEAR_EXACT,
            WordKind.FORMS: _NEAR_FORMS,
            WordKind.STEM: _NEAR_STEM,
            WordKind.NUMBER: _NEAR_NUMBER,
        }[last.kind]
    literal = "" if last is None else last.literal
    forms = frozenset() if last is None else last.forms
    return (entry, entry.owner, entry.lexicon.lang, entry.phrase.infix, how, literal, forms, words)


@dataclass(frozen=True, slots=True)
class _Bucket:
    """Entries sharing a first word, split by their second word so most are never looked at."""

    by_second: dict[str, tuple[Entry, ...]]
    #: The other entries, unpacked for the scan (see :func:`_candidate`).
    rest: tuple[_Candidate, ...]
    size: int
    #: The last words of the near pairs in ``rest`` whose last word is a token or a set of
    #: tokens: when none of the next words is among them, none of these pairs can match...
    near_keys: frozenset[str]
    #: ... and only the other entries of ``rest`` (in the same order) need trying.
    others: tuple[_Candidate, ...]
    #: The owners of ``rest``, each with how many of its entries are theirs.
    owners: tuple[tuple[int, int], ...]

    @staticmethod
    def of(entries: list[Entry]) -> _Bucket:
        # Entries by their second word first: the forms of a FORMS second word then share
        # one tuple of entries instead of a list each (fewer objects, a faster start-up).
        # (By identity: the lexicon loader shares one Word per inflected word, and equal
        # words that are not shared only cost a second tuple.)
        by_word: dict[int, tuple[Word, list[Entry]]] = {}
        rest: list[Entry] = []
        for entry in entries:
            words = entry.phrase.words
            if len(words) > 1 and words[1].kind in _WHOLE_TOKEN:
                by_word.setdefault(id(words[1]), (words[1], []))[1].append(entry)
            else:
                rest.append(entry)
        by_second: dict[str, tuple[Entry, ...]] = {}
        for word, same in by_word.values():
            shared = tuple(same)
            for form in word.forms if word.kind is WordKind.FORMS else (word.literal,):
                known = by_second.get(form)
                by_second[form] = shared if known is None else known + shared
        candidates = tuple(_candidate(entry) for entry in rest)
        near_keys: set[str] = set()
        others: list[_Candidate] = []
        for candidate in candidates:
            how, literal, forms = candidate[4:7]
            if how == _NEAR_EXACT:
                near_keys.add(literal)
            elif how == _NEAR_FORMS:
                near_keys.update(forms)
            else:
                others.append(candidate)
        owners: dict[int, int] = {}
        for entry in rest:
            owners[entry.owner] = owners.get(entry.owner, 0) + 1
        return _Bucket(by_second, candidates, len(entries), frozenset(near_keys), tuple(others), tuple(owners.items()))


@dataclass(frozen=True, slots=True)
class _Group:
    """Everything keyed by one automaton word: exact first words and stems apart."""

    size: int
    any_infix: bool
    exact: _Bucket
    stem: _Bucket
    #: The buckets looked at when the token at the hit is the whole key (exact, stem) and
    #: when it is longer (stem): without the empty ones, which could find nothing.
    whole: tuple[_Bucket, ...]
    longer: tuple[_Bucket, ...]
    #: The key is word characters and no number: the token at a hit (a run of word
    #: characters, TOKEN_RE's ``\\w+``) is the whole key unless a word character follows it.
    plain: bool


class PhraseIndex:
    """An Aho-Corasick automaton over the first words of many phrases."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        # Entries by their first word, then the first words by automaton key: a FORMS first
        # word has dozens of keys, and the entries behind each are gathered (and their
        # buckets built) once per distinct set of first words, not once per key.
        by_first: dict[int, tuple[Word, list[tuple[int, Entry]]]] = {}
        for number, entry in enumerate(entries):
            first = entry.phrase.words[0]
            by_first.setdefault(id(first), (first, []))[1].append((number, entry))
        firsts = list(by_first.values())
        grouped: dict[str, list[int]] = {}
        for ident, (first, _) in enumerate(firsts):
            for key in first.forms if first.kind is WordKind.FORMS else (first.literal,):
                grouped.setdefault(key, []).append(ident)
        self._automaton = ahocorasick.Automaton()
        built: dict[tuple[int, ...], tuple[bool, _Bucket, _Bucket]] = {}
        for key, idents in grouped.items():
            signature = tuple(idents)
            shared = built.get(signature)
            if shared is None:
                numbered = [item for ident in idents for item in firsts[ident][1]]
                group = [entry for _, entry in sorted(numbered, key=lambda item: item[0])]
                # A FORMS first word is found by each of its forms as a whole token, like an exact one.
                exact = [e for e in group if e.phrase.words[0].kind in _WHOLE_TOKEN]
                stem = [e for e in group if e.phrase.words[0].kind not in _WHOLE_TOKEN]
                any_infix = any(entry.phrase.infix for entry in group)
                shared = built[signature] = (any_infix, _Bucket.of(exact), _Bucket.of(stem))
            any_infix, exact_bucket, stem_bucket = shared
            whole = tuple(bucket for bucket in (exact_bucket, stem_bucket) if bucket.size)
            longer = (stem_bucket,) if stem_bucket.size else ()
            plain = _PLAIN_KEY_RE.fullmatch(key) is not None
            self._automaton.add_word(key, _Group(len(key), any_infix, exact_bucket, stem_bucket, whole, longer, plain))
        self._empty = not grouped
        if not self._empty:
            self._automaton.make_automaton()

    def scan(self, text: str, langs: frozenset[str] | None) -> Iterator[RawMatch]:
        """Every verified phrase match; ``langs=None`` accepts every lexicon language."""
        if self._empty or not text:
            return
        attempts: dict[int, int] = {}
        # Attempts counted so far, all owners together: no owner's count is higher, so while
        # it stays under MAX_ATTEMPTS_PER_OWNER, no owner's limit can be reached.
        attempted = 0
        checks = 0
        group: _Group
        # Automaton hits often share a start ("в" and "віза"): the token there and the
        # window of tokens after it are read once per start, not once per hit.
        at_start: dict[int, tuple[str, int, _Window] | None] = {}
        text_size = len(text)
        for last, group in islice(self._automaton.iter(text), MAX_AUTOMATON_HITS):
            start = last - group.size + 1
            # Checked once per position for the whole group: most candidates are mid-word
            # (_starts_token, inlined: this runs for every automaton hit).
            if start == 0:
                at_token = True
            else:
                before = text[start - 1]
                at_token = not (before.isalnum() or before == "_") or before.isdigit() != text[start].isdigit()
            if not at_token and not group.any_infix:
                continue
            read = at_start.get(start, _UNREAD)
            if read is _UNREAD and group.plain:
                # The token here without a regular-expression call, when it is the whole key;
                # when it is longer, it is read below, unless no bucket could use it.
                after = last + 1
                if after < text_size and _WORD_CHARS[text[after]]:
                    if not group.longer:
                        continue
                else:
                    read = at_start[start] = (text[start:after], after, _Window(text, after))
            if read is _UNREAD:
                first = TOKEN_RE.match(text, start)
                read = None if first is None else (first.group(), first.end(), _Window(text, first.end()))
                at_start[start] = read
            if read is None:
                continue
            token, token_end, window = read
            for bucket in group.whole if len(token) == group.size else group.longer:
                checks += bucket.size
                if checks > MAX_ENTRY_CHECKS:
                    return
                rest = bucket.rest
                # Where every entry is tried (a token start, every language) and no owner can
                # reach its limit here, the attempts are counted per owner at once, and the near
                # pairs whose last words are not among the next words are not tried at all
                # (they could not match): ``rest`` without them is ``bucket.others``.
                counted = at_token and langs is None and attempted + len(rest) < MAX_ATTEMPTS_PER_OWNER
                if counted and rest:
                    for owner, count in bucket.owners:
                        attempts[owner] = attempts.get(owner, 0) + count
                    attempted += len(rest)
                    near_keys = bucket.near_keys
                    if not near_keys or near_keys.isdisjoint(window.near_words()):
                        rest = bucket.others
                for entry, owner, lang, infix, how, literal, forms, words in rest:
                    if not counted:
                        # (the same checks as below, for entries whose next word is word 1)
                        if langs is not None and lang not in langs:
                            continue
                        if not at_token and not infix:
                            continue
                        spent = attempts.get(owner, 0)
                        if spent >= MAX_ATTEMPTS_PER_OWNER:
                            continue
                        attempts[owner] = spent + 1
                        attempted += 1
                    # The near pairs' loop over the next words (_match_gap_then), inlined:
                    # most phrases tried are near pairs.
                    end: int | None = None
                    if how == _ONE:
                        end = token_end  # a one-word phrase has matched already
                    elif how == _NEAR_EXACT:
                        for next_token, next_end in window.near():
                            if next_token == literal:
                                end = next_end
                                break
                    elif how == _NEAR_FORMS:
                        for next_token, next_end in window.near():
                            if next_token in forms:
                                end = next_end
                                break
                    elif how == _NEAR_STEM:
                        for next_token, next_end in window.near():
                            if next_token.startswith(literal):
                                end = next_end
                                break
                    elif how == _NEAR_NUMBER:
                        for next_token, next_end in window.near():
                            if next_token[0].isdigit():
                                end = next_end
                                break
                    else:
                        end = _match_words(window, words, 1, 0, token_end)
                    if end is None:
                        continue
                    hit_start = start if at_token else _word_start(text, start)
                    if hit_start is not None:
                        yield RawMatch(entry, hit_start, end)
                if not bucket.by_second:
                    continue
                following = window.get(0)
                if following is None:
                    continue
                for entry in bucket.by_second.get(following[0], ()):
                    if langs is not None and entry.lexicon.lang not in langs:
                        continue
                    if not at_token and not entry.phrase.infix:
                        continue
                    spent = attempts.get(entry.owner, 0)
                    if spent >= MAX_ATTEMPTS_PER_OWNER:
                        continue
                    attempts[entry.owner] = spent + 1
                    attempted += 1
                    end = _match_words(window, entry.phrase.words, 2, 1, following[1])
                    if end is None:
                        continue
                    hit_start = start if at_token else _word_start(text, start)
                    if hit_start is not None:
                        yield RawMatch(entry, hit_start, end)


#: Marks a start whose token has not been read yet (None: no token starts there).
_UNREAD: Final = ("", -1, _Window("", -1))


#: :data:`CLAUSE_END_RE` searched from the right: the last clause end before a position.
_LAST_CLAUSE_END_RE: Final = regex.compile(f"(?r){CLAUSE_END_RE.pattern}")


def _clause_before(text: str, start: int) -> tuple[int, int]:
    lo = max(0, start - NEGATION_WINDOW_CHARS)
    last = _LAST_CLAUSE_END_RE.search(text, lo, start)
    return (lo if last is None else last.end()), start


def _clause_after(text: str, end: int) -> tuple[int, int]:
    hi = min(len(text), end + NEGATION_WINDOW_CHARS)
    m = CLAUSE_END_RE.search(text, end, hi)
    return end, (m.start() if m else hi)


#: Cue lists whose first words are indexed (:class:`_CueIndex`); past this many the index
#: is emptied (each lexicon has two lists, loaded once, so this is never reached in practice).
CUE_INDEX_SIZE: Final = 4096


class _CueIndex:
    """The cues of one list by the tokens their first word is (an EXACT word, or any form of a
    FORMS word), and the others (stems, or any other kind) apart, so a token is compared only
    with the cues it can start."""

    __slots__ = ("by_token", "cues", "others")

    def __init__(self, cues: tuple[Phrase, ...]) -> None:
        #: The list itself: held, so that its ``id`` stays its own while it is indexed.
        self.cues = cues
        by_token: dict[str, list[int]] = {}
        others: list[int] = []
        for number, cue in enumerate(cues):
            first = cue.words[0]
            if first.kind is WordKind.EXACT:
                by_token.setdefault(first.literal, []).append(number)
            elif first.kind is WordKind.FORMS:
                for form in first.forms:
                    by_token.setdefault(form, []).append(number)
            else:
                others.append(number)
        self.by_token = {token: tuple(numbers) for token, numbers in by_token.items()}
        self.others = tuple(others)

    def candidates(self, token: str) -> Sequence[int]:
        """The numbers, ascending, of the cues whose first word matches ``token``."""
        found = self.by_token.get(token, ())
        if not self.others:
            return found
        more = [number for number in self.others if _word_matches(self.cues[number].words[0], token)]
        return sorted((*found, *more)) if more else found


_CUE_INDEXES: Final[dict[int, _CueIndex]] = {}


def _cue_index(cues: tuple[Phrase, ...]) -> _CueIndex:
    """The index of ``cues`` (a lexicon's negation cues), built on first use."""
    index = _CUE_INDEXES.get(id(cues))
    if index is None or index.cues is not cues:
        index = _CueIndex(cues)
        if len(_CUE_INDEXES) >= CUE_INDEX_SIZE:
            _CUE_INDEXES.clear()
        _CUE_INDEXES[id(cues)] = index
    return index


def _cue_in(text: str, lo: int, hi: int, cues: tuple[Phrase, ...], last_words: bool) -> Phrase | None:
    """A cue phrase lying within ``text[lo:hi]`` among its first (or last) few words: the first
    such cue (in list order) at the first such word."""
    if last_words:
        tokens = list(TOKEN_RE.finditer(text, lo, hi))[-NEGATION_WINDOW_WORDS:]
    else:
        tokens = list(islice(TOKEN_RE.finditer(text, lo, hi), NEGATION_WINDOW_WORDS))
    index = _cue_index(cues)
    for token in tokens:
        # Only the cues whose first word is this token: for the others, _word_matches is False.
        for number in index.candidates(token.group()):
            cue = cues[number]
            end = _match_words(_Window(text, token.end()), cue.words, 1, 0, token.end())
            if end is not None and end <= hi:
                return cue
    return None


def negation_cue(text: str, start: int, end: int, lexicon: Lexicon) -> Phrase | None:
    """The cue that negates the hit ``text[start:end]``, if any."""
    if lexicon.negations:
        lo, hi = _clause_before(text, start)
        cue = _cue_in(text, lo, hi, lexicon.negations, last_words=True)
        if cue is not None:
            return cue
    if lexicon.negations_after:
        lo, hi = _clause_after(text, end)
        return _cue_in(text, lo, hi, lexicon.negations_after, last_words=False)
    return None


#: A quotation: an opening mark, up to 120 characters on one line, the matching close.
#: In reporting, quoted words are mentioned, not used ("phrases like 'new in town'").
QUOTATION_RE: Final = regex.compile(
    r"\"[^\"\n]{1,120}\"|“[^”\n]{1,120}”|„[^“”\n]{1,120}[“”]|«[^»\n]{1,120}»|»[^«\n]{1,120}«"
    r"|‚[^‘’\n]{1,120}[‘’]|‘[^’\n]{1,120}’|(?<!\w)'[^'\n]{1,120}'(?!\w)"
)


def quoted_spans(text: str, limit: int) -> list[tuple[int, int]]:
    """Spans of the quotations in ``text[:limit]``."""
    return [(m.start(), m.end()) for m in QUOTATION_RE.finditer(text, 0, limit)]
