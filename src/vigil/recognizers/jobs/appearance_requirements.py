"""``appearance_requirements``: Looks matter for a job where they should not: 'attractive', 'slim', 'send photos', 'girls only'."""

from __future__ import annotations

from vigil.recognizers.base import JOB_KINDS, Recognizer


class AppearanceRequirementsRecognizer(Recognizer):
    """Looks matter for a job where they should not: 'attractive', 'slim', 'send photos', 'girls only'."""

    # Europol 2022 (photo-shoot lures) and Der Spiegel 2022 (ads asking specifically for women).
    BASE_CONFIDENCE = 0.7
    KINDS = JOB_KINDS
