"""``third_party``: Someone other than the advertised person runs the contact or the money: an agency, a manager, a driver."""

from __future__ import annotations

from vigil.recognizers.base import SEX_KINDS, Recognizer


class ThirdPartyRecognizer(Recognizer):
    """Someone other than the advertised person runs the contact or the money: an agency, a manager, a driver."""

    # OSCE 2022 names third-party control among the online THB risks; HTCDS methods of control 'Takes earnings'.
    BASE_CONFIDENCE = 0.7
    KINDS = SEX_KINDS
