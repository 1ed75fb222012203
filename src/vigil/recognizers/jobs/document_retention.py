"""``document_retention``: The employer keeps or collects the worker's passport or identity papers."""

from __future__ import annotations

from vigil.recognizers.base import JOB_KINDS, Recognizer


class DocumentRetentionRecognizer(Recognizer):
    """The employer keeps or collects the worker's passport or identity papers."""

    INDICATOR = "document_retention"
    GROUP = "jobs"
    # ILO 2012 indicator 'retention of identity documents'; HTCDS method of control 'Withholds documents'.
    SOURCE = "ILO-2012/retention-of-documents"
    BASE_CONFIDENCE = 0.9
    KINDS = JOB_KINDS
