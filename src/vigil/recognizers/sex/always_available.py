"""``always_available``: Round-the-clock availability, a sign that someone else sets the hours."""

from __future__ import annotations

from vigil.recognizers.base import SEX_KINDS, Recognizer


class AlwaysAvailableRecognizer(Recognizer):
    """Round-the-clock availability, a sign that someone else sets the hours."""

    INDICATOR = "always_available"
    GROUP = "sex"
    # Marinus Analytics public red flags ('24/7'); Memex flag 33; ILO 2012 'excessive overtime'.
    SOURCE = "Marinus/24-7"
    BASE_CONFIDENCE = 0.45
    KINDS = SEX_KINDS
