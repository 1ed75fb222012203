"""``new_arrival``: The person is presented as new: 'new in town', 'just arrived', 'new girl'."""

from __future__ import annotations

from vigil.recognizers.base import SEX_KINDS, Recognizer


class NewArrivalRecognizer(Recognizer):
    """The person is presented as new: 'new in town', 'just arrived', 'new girl'."""

    # Memex flag 17 and Marinus red flags; JIRN 2024 found this language LESS common in trafficking cases, hence the low base.
    BASE_CONFIDENCE = 0.35
    KINDS = SEX_KINDS
