"""``language_barrier``: The person does not speak the local language, or contact goes through someone who does."""

from __future__ import annotations

from vigil.recognizers.base import SEX_KINDS, Recognizer


class LanguageBarrierRecognizer(Recognizer):
    """The person does not speak the local language, or contact goes through someone who does."""

    # ILO 2012 forced-labour indicator 'isolation'; Memex flag 25 ('speaks N languages') is the benign mirror.
    BASE_CONFIDENCE = 0.55
    KINDS = SEX_KINDS
