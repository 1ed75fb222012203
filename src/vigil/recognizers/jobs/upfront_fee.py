"""``upfront_fee``: The applicant must pay first: recruitment, visa, document, registration or placement fees."""

from __future__ import annotations

from vigil.recognizers.base import JOB_KINDS, Recognizer


class UpfrontFeeRecognizer(Recognizer):
    """The applicant must pay first: recruitment, visa, document, registration or placement fees."""

    # ILO 2012 indicators 'deception' and 'debt bondage'; Der Spiegel 2022 on fees in 'Work in Europe' ads.
    BASE_CONFIDENCE = 0.85
    KINDS = JOB_KINDS
