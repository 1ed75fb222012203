"""``no_requirements``: No experience, language, education or documents needed."""

from __future__ import annotations

from vigil.recognizers.base import JOB_KINDS, Recognizer


class NoRequirementsRecognizer(Recognizer):
    """No experience, language, education or documents needed."""

    # OSCE 2022 recommendation 3 ('too good to be true' offers).
    BASE_CONFIDENCE = 0.5
    KINDS = JOB_KINDS
