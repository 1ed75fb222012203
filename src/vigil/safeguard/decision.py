"""Per-query decision for search providers: category -> action -> message."""

from __future__ import annotations

from typing import Any, Final

from vigil.safeguard.classifier import Category, Classification, QueryClassifier, default_classifier
from vigil.safeguard.messages import MessageCatalog, load_default_catalog

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
        }
