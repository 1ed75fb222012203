"""What linking needs from one document: identifiers, slot-masked tokens, and facts for indicators.

Entities come from extraction (the ``entities`` object of the Analysis contract), so
phones arrive already in E.164 whatever form the ad wrote them in. This module only
turns them into identifier keys (``phone:+48501234000``) and masks the parts of the text
that vary between ads of one template (names, ages, cities, contacts, prices), so that
two ads built from one template shingle alike.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Final, Protocol

import numpy as np
import numpy.typing as npt

from vigil.documents import Document
from vigil.extract.normalize import normalize

# The identifier keys live below the store (the identifier index uses them too); named here
# as well, where linking's callers have always found them.
from vigil.identifier_keys import email_key as email_key
from vigil.identifier_keys import handle_key as handle_key
from vigil.identifier_keys import identifier_keys as identifier_keys
from vigil.identifier_keys import image_key as image_key
from vigil.identifier_keys import phone_key as phone_key
from vigil.identifier_keys import url_key as url_key

#: Identifier kinds in the order they are shown; the key prefix is the kind.
IDENTIFIER_KINDS: Final = ("phone", "email", "handle", "url", "image", "domain")
#: Kinds kept for display only: they never link two documents by themselves.
DISPLAY_ONLY_KINDS: Final = frozenset({"domain"})
#: Kinds that are a way to reach someone (``shared_contact`` and ``alias_inconsistency``).
CONTACT_KINDS: Final = frozenset({"phone", "email", "handle"})

#: Contacts are masked before tokenising, as a placeholder word ``\w+`` keeps whole.
_CONTACT: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+|@\w+")
_CONTACT_WORD: Final = "_contact_"
_TOKEN: Final = re.compile(r"\w+")
_DIGIT: Final = re.compile(r"\d")

#: Slot tokens replace what varies between ads of one template.
SLOT_NUMBER: Final = "<num>"
SLOT_CONTACT: Final = "<contact>"
SLOT_NAME: Final = "<name>"
SLOT_PLACE: Final = "<place>"
SLOTS: Final = frozenset({SLOT_NUMBER, SLOT_CONTACT, SLOT_NAME, SLOT_PLACE})


def _stable_hash(token: str) -> int:
    # crc32 is stable across processes (unlike hash()), so band keys can be persisted.
    return zlib.crc32(token.encode("utf-8"))


_SLOT_HASHES: Final = {slot: _stable_hash(slot) for slot in SLOTS}
#: Hashes of the slot tokens (shingles made only of slots carry no template).
SLOT_HASHES: Final = np.array(sorted(_SLOT_HASHES.values()), dtype=np.uint32)


@dataclass(frozen=True, slots=True)
class LinkFeatures:
    """One document as linking sees it."""

    id: str
    text: str
    identifiers: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    ages: tuple[int, ...] = ()
    locations: tuple[str, ...] = ()
    posted_at: datetime | None = None
    tokens: npt.NDArray[np.uint32] = field(default_factory=lambda: np.zeros(0, dtype=np.uint32))

    def summary(self) -> dict[str, Any]:
        """The facts kept per document for cluster summaries (JSON-ready)."""
        return {
            "id": self.id,
            "identifiers": list(self.identifiers),
            "names": list(self.names),
            "ages": list(self.ages),
            "locations": list(self.locations),
            "posted_at": self.posted_at.isoformat() if self.posted_at else None,
        }


# -- identifiers -----------------------------------------------------------------------


def identifier_kind(key: str) -> str:
    return key.split(":", 1)[0]


# -- slot-masked tokens ------------------------------------------------------------------


class TokenHasher:
    """Maps folded tokens to stable 32-bit hashes, caching the vocabulary it has seen."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = dict(_SLOT_HASHES)

    def __call__(self, token: str) -> int:
        value = self._cache.get(token)
        if value is None:
            value = _stable_hash(token)
            if len(self._cache) < 2_000_000:
                self._cache[token] = value
        return value

    def hash_all(self, tokens: list[str]) -> npt.NDArray[np.uint32]:
        get = self._cache.get
        return np.array([get(t) or self(t) for t in tokens], dtype=np.uint32)


@lru_cache(maxsize=65536)
def _folded_value(value: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(normalize(value).text))


def folded_words(values: Iterable[object]) -> frozenset[str]:
    """Folded words of names or places, to mask them wherever the text repeats them."""
    words: set[str] = set()
    for value in values:
        if isinstance(value, str) and value.strip():
            words.update(_folded_value(value.strip()))
    return frozenset(words)


#: Words that stand in for masked entity spans before tokenising.
_PLACEHOLDERS: Final = {
    _CONTACT_WORD: SLOT_CONTACT,
    "_num_": SLOT_NUMBER,
    "_name_": SLOT_NAME,
    "_place_": SLOT_PLACE,
}
#: Which placeholder an extracted entity span becomes.
_SPAN_PLACEHOLDER: Final = {
    "phones": _CONTACT_WORD,
    "emails": _CONTACT_WORD,
    "handles": _CONTACT_WORD,
    "urls": _CONTACT_WORD,
    "ages": "_num_",
    "prices": "_num_",
    "names": "_name_",
    "locations": "_place_",
}


class SpanLike(Protocol):
    """An extracted entity with its original span (``vigil.extract.entities.EntitySpan``)."""

    @property
    def kind(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def field(self) -> str: ...


def mask_spans(text: str, spans: Iterable[SpanLike], field_name: str = "text") -> str:
    """``text`` with each extracted entity replaced by its placeholder word (overlaps keep the first)."""
    chosen = sorted(
        (s for s in spans if s.field == field_name and s.kind in _SPAN_PLACEHOLDER and 0 <= s.start < s.end <= len(text)),
        key=lambda s: (s.start, -s.end),
    )
    pieces: list[str] = []
    position = 0
    for span in chosen:
        if span.start < position:
            continue
        pieces.append(text[position : span.start])
        pieces.append(f" {_SPAN_PLACEHOLDER[span.kind]} ")
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


def _classify(token: str) -> str:
    slot = _PLACEHOLDERS.get(token)
    if slot is not None:
        return slot
    if _DIGIT.search(token):
        return SLOT_NUMBER
    return token


def masked_tokens(text: str, names: frozenset[str] = frozenset(), places: frozenset[str] = frozenset()) -> list[str]:
    """Folded tokens of ``text`` with the varying parts replaced by slot tokens."""
    folded = normalize(text).text
    if "@" in folded or "://" in folded or "www." in folded:
        folded = _CONTACT.sub(f" {_CONTACT_WORD} ", folded)
    tokens = [t if t.isalpha() else _classify(t) for t in _TOKEN.findall(folded)]
    if names or places:
        tokens = [SLOT_NAME if t in names else SLOT_PLACE if t in places else t for t in tokens]
    return tokens


def _ints(values: Iterable[object]) -> tuple[int, ...]:
    out: list[int] = []
    for value in values:
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            out.append(value)
        elif isinstance(value, float) and value.is_integer():
            out.append(int(value))
    return tuple(out)


def _strings(values: Iterable[object]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str) and value.strip():
            seen.setdefault(value.strip(), None)
    return tuple(seen)


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    if isinstance(value, str | int | float):
        return [value]
    if isinstance(value, list | tuple):
        return list(value)
    return []


def build_features(
    document: Document,
    entities: Mapping[str, Any],
    hasher: TokenHasher | None = None,
    spans: Sequence[SpanLike] = (),
    keep_text: bool = True,
) -> LinkFeatures:
    """Linking features of ``document`` given its extracted ``entities`` (and their spans, when known)."""
    hash_token = hasher or TokenHasher()
    names = _strings(_as_list(entities.get("names")))
    # The ad's stated place leads: a route is drawn from ``locations[0]``, and a place named in the
    # text may be where someone comes from ("from Ukraine"), not where the ad is.
    locations = _strings([document.location, *_as_list(entities.get("locations"))])
    text = f"{document.title}\n{document.text}" if document.title else document.text
    masked = mask_spans(document.text, spans)
    if document.title:
        masked = f"{mask_spans(document.title, spans, 'title')}\n{masked}"
    tokens = masked_tokens(masked, folded_words(names), folded_words(locations))
    hashes = hash_token.hash_all(tokens)
    return LinkFeatures(
        id=document.id,
        text=text if keep_text else "",
        identifiers=identifier_keys(entities, document.images),
        names=names,
        ages=_ints(_as_list(entities.get("ages"))),
        locations=locations,
        posted_at=document.posted_at,
        tokens=hashes,
    )
