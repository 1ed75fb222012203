"""Risk scoring: calibrated, explained scores per document kind.

    scorer = load_scorer(settings)
    risk = scorer.score(document, indicators, entities, lang)

``risk`` has ``score`` in [0, 1], ``level`` (high, medium, low), ``model`` ("job-v3") and
``contributions`` (feature, log-odds contribution, source), largest first. Scores are
leads for a person to review, never findings.
"""

from __future__ import annotations

from vigil.scoring.scorer import Scorer, load_scorer

__all__ = ["Scorer", "load_scorer"]
