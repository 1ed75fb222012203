"""Features of a job ad for the job-ad fraud model, computed from a :class:`Document` only.

Training (``vigil train jobs``) and inference call the same functions, so a model can
never see a feature at training time that it cannot compute on a new ad. Contact
details are reduced to their kind (``urlmask``, ``emailmask``, ``phonemask``): EMSCAD
masks them with keyed hashes, and a model that learned those hashes would learn
families, not fraud.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any, Final

from vigil.documents import Document

#: EMSCAD's masks and the same kinds of contact written out in the clear, in that order.
_CONTACT_PATTERNS: Final = (
    (re.compile(r"#URL_[0-9a-f]+#"), " urlmask "),
    (re.compile(r"#EMAIL_[0-9a-f]+#"), " emailmask "),
    (re.compile(r"#PHONE_[0-9a-f]+#"), " phonemask "),
    # Anchored at the start of a run: "1.1.1…@" would otherwise be retried at every position (quadratic).
    (re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+"), " emailmask "),
    (re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE), " urlmask "),
)
_PHONE_LIKE: Final = re.compile(r"\+?\d[\d ()./-]{6,}\d")
_MIN_PHONE_DIGITS: Final = 9
_DIGIT: Final = re.compile(r"\d")
_NOT_ASCII_LETTER: Final = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))
_NOT_ASCII_UPPER: Final = bytes(b for b in range(256) if not 65 <= b <= 90)
_WORD: Final = re.compile(r"[^\W\d_]{2,}|\d+")
_MONEY: Final = re.compile(r"[$€£]\s?\d|\d\s?(?:usd|eur|gbp|dollars?)\b", re.IGNORECASE)
_MAX_TOKEN_CHARS: Final = 30

#: Meta columns of EMSCAD used as yes/no facts; an absent key means "unknown", never "no".
FLAG_COLUMNS: Final = ("has_company_logo", "telecommuting", "has_questions", "has_company_profile")
#: ``salary_range`` written as ``low-high``; a top above this multiple of the bottom is "wide".
_SALARY: Final = re.compile(r"^\s*(\d{1,9})\s*-\s*(\d{1,9})\s*$")
WIDE_SALARY_RATIO: Final = 2.0
#: Meta columns whose presence or absence is a fact (an ad that states no salary, no industry).
GIVEN_COLUMNS: Final = (
    "salary_range",
    "department",
    "employment_type",
    "required_experience",
    "required_education",
    "industry",
    "function",
)
#: Meta columns whose value is used as a category.
CATEGORY_COLUMNS: Final = ("employment_type", "required_experience", "required_education", "industry", "function")

_TRUE: Final = frozenset({"1", "t", "true", "yes", "y"})
_FALSE: Final = frozenset({"0", "f", "false", "no", "n"})


def mask_contacts(text: str) -> str:
    """Replace URLs, e-mail addresses and phone numbers (masked or clear) by their kind."""
    # Cheap guards first: most ads have no '#', '@' or URL, and scanning long texts costs.
    lowered = text.lower()
    guards = ("#", "#", "#", "@", "www." if "://" not in text else "", "")
    for (pattern, replacement), guard in zip(_CONTACT_PATTERNS[:5], guards, strict=False):
        if guard and guard not in lowered:
            continue
        text = pattern.sub(replacement, text)
    if not _DIGIT.search(text):
        return text
    return _PHONE_LIKE.sub(_phone_or_number, text)


def _phone_or_number(match: re.Match[str]) -> str:
    # Year ranges and amounts look like phone numbers to a pattern; digit count tells them apart.
    digits = sum(c.isdigit() for c in match.group())
    return " phonemask " if digits >= _MIN_PHONE_DIGITS else match.group()


def _tokens(text: str) -> list[str]:
    return [
        ("0" * min(len(word), 4)) if word.isdigit() else word[:_MAX_TOKEN_CHARS] for word in _WORD.findall(text.lower())
    ]


def text_terms(title: str | None, text: str, masked: str | None = None) -> list[str]:
    """Terms of the text model: body words, and title words marked ``t:``.

    Word pairs were measured too: +0.005 family-split ROC AUC on EMSCAD for twice the
    inference time, which the 20% time budget of scoring does not allow.

    ``masked`` is ``mask_contacts(text)`` when the caller already has it.
    """
    body = _tokens(mask_contacts(text) if masked is None else masked)
    terms = list(body)
    if title:
        terms.extend(f"t:{word}" for word in _tokens(mask_contacts(title)))
    return terms


def document_terms(document: Document) -> list[str]:
    """:func:`text_terms` of a document (the analyzer the model was fitted with)."""
    return text_terms(document.title, document.text)


def _flag(meta: Mapping[str, Any], key: str) -> bool | None:
    value = meta.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    lowered = str(value).strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def _given(meta: Mapping[str, Any], key: str) -> bool | None:
    if key not in meta:
        return None
    value = meta[key]
    if value is None:
        return False
    text = str(value).strip()
    # EMSCAD writes "0-0" for a salary field that was left at its default.
    return bool(text) and text != "0-0"


def job_features(document: Document) -> tuple[list[str], dict[str, float]]:
    """Text terms and structured facts of one document, masking its contacts only once."""
    masked = mask_contacts(document.text)
    return text_terms(document.title, document.text, masked), structured_features(document, masked)


def structured_features(document: Document, masked: str | None = None) -> dict[str, float]:
    """Binary facts about the ad that generalise beyond its wording.

    Each fact has a "yes" and a "no" feature; an unknown fact (the source has no such
    column) sets neither, so a document from another source is not penalised for lacking
    EMSCAD's columns.
    """
    meta = document.meta
    features: dict[str, float] = {}
    for key in FLAG_COLUMNS:
        flag = _flag(meta, key)
        if flag is not None:
            features[f"meta:{key}={'yes' if flag else 'no'}"] = 1.0
    for key in GIVEN_COLUMNS:
        given = _given(meta, key)
        if given is not None:
            features[f"meta:{key}={'given' if given else 'absent'}"] = 1.0
    for key in CATEGORY_COLUMNS:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            features[f"meta:{key}:{value.strip().lower()[:60]}"] = 1.0
    salary = _salary_shape(meta.get("salary_range"))
    if salary is not None:
        features[f"meta:salary_range:{salary}"] = 1.0
    text = document.text
    if masked is None:
        masked = mask_contacts(text)
    for kind in ("urlmask", "emailmask", "phonemask"):
        if kind in masked:
            features[f"text:has_{kind}"] = 1.0
    if _MONEY.search(text):
        features["text:money_amount"] = 1.0
    length = len(text)
    # Length bands rather than raw length: very short ads are a known scam trait.
    if length < 400:
        features["text:length<400"] = 1.0
    elif length > 4000:
        features["text:length>4000"] = 1.0
    # ASCII letters only, counted by deleting bytes in C: the text model reads English ads.
    raw = text.encode("ascii", "ignore")
    letters = len(raw.translate(None, _NOT_ASCII_LETTER))
    if letters and len(raw.translate(None, _NOT_ASCII_UPPER)) / letters > 0.3:
        features["text:shouting"] = 1.0
    if text.count("!") >= 3:
        features["text:exclamations"] = 1.0
    return features


def _salary_shape(value: object) -> str | None:
    """``wide``, ``narrow`` or ``single`` for a stated ``low-high`` salary; None when unstated or unreadable."""
    match = _SALARY.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    low, high = int(match.group(1)), int(match.group(2))
    if high <= 0 or high < low:
        return None
    if high == low:
        return "single"
    # a promise that may double is a known lure; a bottom of 0 is an unbounded promise
    return "wide" if low == 0 or high / low > WIDE_SALARY_RATIO else "narrow"


_LOG_TF: Final = tuple(1.0 + math.log(c) if c else 0.0 for c in range(64))


def _sublinear(count: int) -> float:
    return _LOG_TF[count] if count < len(_LOG_TF) else 1.0 + math.log(count)


def tfidf_vector(terms: list[str], idf: Mapping[str, float]) -> dict[str, float]:
    """Sublinear TF-IDF, L2-normalised over the vocabulary (as scikit-learn computes it)."""
    weights = {t: _sublinear(c) * idf[t] for t, c in Counter(terms).items() if t in idf}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    if norm == 0.0:
        return {}
    return {t: w / norm for t, w in weights.items()}


def weighted_terms(
    terms: list[str], table: Mapping[str, tuple[float, float]], top: int = 0
) -> tuple[float, list[tuple[float, str]], int]:
    """The text model's logit over terms, its ``top`` largest parts, and how many terms counted.

    Same TF-IDF as :func:`tfidf_vector`, fused with the weight lookup because this runs on
    every English job ad; ranking before normalising is the same ranking.
    """
    raw: list[tuple[float, str]] = []
    squares = 0.0
    total = 0.0
    for term, count in Counter(terms).items():
        entry = table.get(term)
        if entry is None:
            continue
        value = _sublinear(count) * entry[0]
        squares += value * value
        part = value * entry[1]
        total += part
        raw.append((part, term))
    if not raw:
        return 0.0, [], 0
    norm = math.sqrt(squares)
    largest = heapq.nlargest(top, raw, key=_magnitude) if top else []
    return total / norm, [(part / norm, term) for part, term in largest], len(raw)


def _magnitude(item: tuple[float, str]) -> float:
    return abs(item[0])
