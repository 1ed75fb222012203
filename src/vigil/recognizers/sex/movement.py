"""``movement``: Short stays and touring: 'only three days', 'leaving soon', 'tour through'."""

from __future__ import annotations

from vigil.recognizers.base import SEX_KINDS, Recognizer


class MovementRecognizer(Recognizer):
    """Short stays and touring: 'only three days', 'leaving soon', 'tour through'."""

    # Ibanez & Suthers 2014 and Memex risk factors; JIRN 2024: movement language 70% less likely in trafficking cases.
    BASE_CONFIDENCE = 0.3
    KINDS = SEX_KINDS
