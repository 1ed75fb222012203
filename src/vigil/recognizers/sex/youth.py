"""``youth``: Language stressing youth: 'young', 'fresh', 'just turned 18', 'schoolgirl', 'barely legal'."""

from __future__ import annotations

from vigil.recognizers.base import SEX_KINDS, Recognizer


class YouthRecognizer(Recognizer):
    """Language stressing youth: 'young', 'fresh', 'just turned 18', 'schoolgirl', 'barely legal'."""

    # One of the four predictors JIRN 2024 found significant; Memex flags 3, 5, 20, 23.
    BASE_CONFIDENCE = 0.75
    KINDS = SEX_KINDS
