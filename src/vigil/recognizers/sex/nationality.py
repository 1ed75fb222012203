"""``nationality``: The provider's nationality or ethnicity is listed as a selling point."""

from __future__ import annotations

from vigil.recognizers.base import SEX_KINDS, Recognizer


class NationalityRecognizer(Recognizer):
    """The provider's nationality or ethnicity is listed as a selling point."""

    # JIRN 2024: listed ethnicity was a significant predictor; Memex flags 24 and 28.
    BASE_CONFIDENCE = 0.6
    KINDS = SEX_KINDS
