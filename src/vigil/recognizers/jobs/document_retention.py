"""``document_retention``: The employer keeps or collects the worker's passport or identity papers."""

from __future__ import annotations

from vigil.recognizers.base import JOB_KINDS, Recognizer


class DocumentRetentionRecognizer(Recognizer):
    """The employer keeps or collects the worker's passport or identity papers."""

    # ILO 2012 indicator 'retention of identity documents'; HTCDS method of control 'Withholds documents'.
    BASE_CONFIDENCE = 0.9
    KINDS = JOB_KINDS
