"""Trafficking-indicator recognizers: one per indicator id, lexicons as data per language.

    rs = load_recognizers()                      # every language
    hits = rs.find(normalize(text), "uk", "job_ad")

Each :class:`IndicatorHit` carries the span in the original text, the matched lexicon
entry, a confidence and the provenance of the indicator. Hits are leads for a person to
review, never findings.
"""

from __future__ import annotations

from vigil.recognizers.base import IndicatorHit, NormalizedTextLike, Recognizer
from vigil.recognizers.catalogue import IndicatorInfo, load_catalogue
from vigil.recognizers.recognizer_set import RecognizerSet, load_recognizers, recognizer_classes

__all__ = [
    "IndicatorHit",
    "IndicatorInfo",
    "NormalizedTextLike",
    "Recognizer",
    "RecognizerSet",
    "load_catalogue",
    "load_recognizers",
    "recognizer_classes",
]
