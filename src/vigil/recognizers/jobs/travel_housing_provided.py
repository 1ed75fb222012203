"""``travel_housing_provided``: The employer pays or arranges the journey and the housing."""

from __future__ import annotations

from vigil.recognizers.base import JOB_KINDS, Recognizer


class TravelHousingProvidedRecognizer(Recognizer):
    """The employer pays or arranges the journey and the housing."""

    # OSCE 2022 warns of 'too good to be true' transport and housing offers; Europol 2022 lures; HTCDS 'Offer of accommodation'.
    BASE_CONFIDENCE = 0.5
    KINDS = JOB_KINDS
