"""``always_available``: Round-the-clock availability, a sign that someone else sets the hours."""

from __future__ import annotations

from vigil.recognizers.base import SEX_KINDS, Recognizer


class AlwaysAvailableRecognizer(Recognizer):
    """Round-the-clock availability, a sign that someone else sets the hours."""

    # Marinus Analytics public red flags ('24/7'); Memex flag 33; ILO 2012 'excessive overtime'.
    BASE_CONFIDENCE = 0.45
    KINDS = SEX_KINDS
