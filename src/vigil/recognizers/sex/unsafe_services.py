"""``unsafe_services``: Services without protection or without limits, which a free worker rarely offers."""

from __future__ import annotations

from vigil.recognizers.base import SEX_KINDS, Recognizer


class UnsafeServicesRecognizer(Recognizer):
    """Services without protection or without limits, which a free worker rarely offers."""

    # Memex risk factors (Hundman et al. 2017 summary): risky services.
    BASE_CONFIDENCE = 0.65
    KINDS = SEX_KINDS
