"""``high_risk_sector``: Work in sectors where forced labour is common: harvesting, cleaning, au pair, hostess, massage, meat plants, construction."""

from __future__ import annotations

from vigil.recognizers.base import JOB_KINDS, Recognizer


class HighRiskSectorRecognizer(Recognizer):
    """Work in sectors where forced labour is common: harvesting, cleaning, au pair, hostess, massage, meat plants, construction."""

    # Polaris 2017 typology of modern slavery; HTCDS TypeOfLabourExploitation.
    BASE_CONFIDENCE = 0.35
    KINDS = JOB_KINDS
