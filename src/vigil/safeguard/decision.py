"""Per-query decision for search providers: category -> action -> message."""

from __future__ import annotations

from typing import Any, Final

from vigil.safeguard.classifier import (
    PROTECTIVE_CONCEPTS,
    Category,
    Classification,
    QueryClassifier,
    default_classifier,
)
from vigil.safeguard.messages import MessageCatalog, load_default_catalog
from vigil.safeguard.model import MODEL_CLASSES

ACTIONS: Final[dict[Category, str]] = {
    "exploitation": "suppress_and_deter",
    "at_risk": "show_safety_info",
    "neutral": "none",
}


class QueryChecker:
    """Classify a query and attach the message a provider should show."""

    def __init__(self, classifier: QueryClassifier | None = None, catalog: MessageCatalog | None = None) -> None:
        self.classifier = classifier or default_classifier()
        self.catalog = catalog or load_default_catalog()

    def check(self, query: str, country: str | None = None) -> dict[str, Any]:
        return self.decide(self.classifier.classify(query), country)

    def decide(self, result: Classification, country: str | None = None) -> dict[str, Any]:
        minor = "minor" in result.concepts
        message: dict[str, Any] | None = None
        if result.category == "exploitation":
            message = self.catalog.message("deterrence", result.lang, minor=minor, country=country)
        elif result.category == "at_risk":
            message = self.catalog.message("safety", result.lang, minor=minor, country=country)
        return {
            "query": result.query,
            "lang": result.lang,
            "category": result.category,
            "action": ACTIONS[result.category],
            "message": message,
            "reasons": self.reasons(result),
        }

    def reasons(self, result: Classification) -> list[dict[str, Any]]:
        """Why the query got its category, for a provider's audit: the rule that fired
        (with the concepts it saw), protective intent, and the model's scores with the
        words that weighed most towards the category."""
        reasons: list[dict[str, Any]] = []
        if result.rule is not None:
            reasons.append({"kind": "rule", "rule": result.rule, "concepts": list(result.concepts)})
        elif result.concepts:
            reasons.append({"kind": "concepts", "concepts": list(result.concepts)})
        if result.decided_by == "protective":
            reasons.append({"kind": "protective", "concepts": [c for c in result.concepts if c in PROTECTIVE_CONCEPTS]})
        model = self.classifier.model
        if result.scores is not None and model is not None:
            reasons.append(
                {
                    "kind": "model",
                    "decided_by": result.decided_by,
                    "scores": {name: round(score, 3) for name, score in zip(MODEL_CLASSES, result.scores, strict=True)},
                    "top_words": model.top_tokens(result.tokens, result.category),
                }
            )
        return reasons
