"""``targets_ukrainians``: The offer is addressed to Ukrainians or refugees."""

from __future__ import annotations

from vigil.recognizers.base import JOB_KINDS, Recognizer


class TargetsUkrainiansRecognizer(Recognizer):
    """The offer is addressed to Ukrainians or refugees."""

    # OSCE 2022 recommendation 3 and Der Spiegel 2022 ('Jobs for Ukrainians').
    BASE_CONFIDENCE = 0.6
    KINDS = JOB_KINDS
