"""``urgency``: Pressure to decide at once: 'urgent', 'departure tomorrow', 'places limited'."""

from __future__ import annotations

from vigil.recognizers.base import JOB_KINDS, Recognizer


class UrgencyRecognizer(Recognizer):
    """Pressure to decide at once: 'urgent', 'departure tomorrow', 'places limited'."""

    # OSCE 2022 recommendation 3; deception by pressure (ILO 2012).
    BASE_CONFIDENCE = 0.4
    KINDS = JOB_KINDS
