"""``vague_employer``: The employer is not named: 'a well-known company', 'work in Europe', 'our partner firm'."""

from __future__ import annotations

from vigil.recognizers.base import JOB_KINDS, Recognizer


class VagueEmployerRecognizer(Recognizer):
    """The employer is not named: 'a well-known company', 'work in Europe', 'our partner firm'."""

    # EMSCAD scam features: no company profile (Vidros et al. 2017; Alghamdi & Alharby 2019).
    BASE_CONFIDENCE = 0.45
    KINDS = JOB_KINDS
