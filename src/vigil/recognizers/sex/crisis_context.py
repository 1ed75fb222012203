"""``crisis_context``: The ad trades on war, flight or refugee status."""

from __future__ import annotations

from vigil.recognizers.base import SEX_KINDS, Recognizer


class CrisisContextRecognizer(Recognizer):
    """The ad trades on war, flight or refugee status."""

    # OSCE 2022 recommendations on online THB risks after the humanitarian crisis in Ukraine.
    BASE_CONFIDENCE = 0.8
    KINDS = SEX_KINDS
