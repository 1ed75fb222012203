"""Measure the query classifier on a labelled query set (``vigil eval queries``).

A labelled file holds one JSON object per line: ``{"query", "category", "lang"}``
(``lang`` optional). Figures, overall and per language: exploitation recall, the share of
neutral queries classed as exploitation (the false-positive rate that matters: those
searches would lose their results), the share of neutral queries touched at all (given a
deterrence or a safety message), at-risk recall, accuracy and language accuracy.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from vigil.errors import FormatError, InputError
from vigil.safeguard.classifier import CATEGORIES, QueryClassifier

#: Goals the issue sets for the shipped classifier: floors for recalls, ceilings for neutral queries.
GOALS: Final = {
    "exploitation_recall": 0.97,
    "neutral_as_exploitation": 0.01,
    "at_risk_recall": 0.90,
    "neutral_touched": 0.01,
    "lowest_language_exploitation_recall": 0.90,
}
#: The goals that are ceilings (a figure must stay at or below them); the others are floors.
CEILINGS: Final = frozenset({"neutral_as_exploitation", "neutral_touched"})


@dataclass
class Tally:
    total: int = 0
    correct: int = 0
    lang_known: int = 0
    lang_correct: int = 0
    confusion: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, gold: str, predicted: str, gold_lang: str | None, lang: str) -> None:
        self.total += 1
        self.correct += gold == predicted
        self.confusion[(gold, predicted)] = self.confusion.get((gold, predicted), 0) + 1
        if gold_lang:
            self.lang_known += 1
            self.lang_correct += gold_lang == lang

    def _count(self, gold: str, predicted: str | None = None) -> int:
        return sum(n for (g, p), n in self.confusion.items() if g == gold and (predicted is None or p == predicted))

    def _ratio(self, gold: str, predicted: str) -> float | None:
        total = self._count(gold)
        return self._count(gold, predicted) / total if total else None

    def _touched(self) -> float | None:
        """Share of neutral queries given any message (deterrence or safety)."""
        total = self._count("neutral")
        return (total - self._count("neutral", "neutral")) / total if total else None

    def figures(self) -> dict[str, Any]:
        return {
            "queries": self.total,
            "exploitation": self._count("exploitation"),
            "at_risk": self._count("at_risk"),
            "neutral": self._count("neutral"),
            "exploitation_recall": self._ratio("exploitation", "exploitation"),
            "neutral_as_exploitation": self._ratio("neutral", "exploitation"),
            "neutral_touched": self._touched(),
            "at_risk_recall": self._ratio("at_risk", "at_risk"),
            "accuracy": self.correct / self.total if self.total else None,
            "lang_accuracy": self.lang_correct / self.lang_known if self.lang_known else None,
        }


def read_labelled(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise InputError(f"no such file: {path}") from exc
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError(f"{path}:{number}: not valid JSON: {exc.msg}") from exc
        if not isinstance(row, dict) or not isinstance(row.get("query"), str) or row.get("category") not in CATEGORIES:
            raise FormatError(f"{path}:{number}: needs a string 'query' and a 'category' in {CATEGORIES}")
        rows.append(row)
    return rows


def evaluate(classifier: QueryClassifier, rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Figures overall and per gold language, plus the misclassified queries."""
    overall = Tally()
    per_lang: dict[str, Tally] = {}
    errors = []
    for row in rows:
        result = classifier.classify(str(row["query"]))
        gold_lang = row.get("lang")
        overall.add(row["category"], result.category, gold_lang, result.lang)
        per_lang.setdefault(gold_lang or "?", Tally()).add(row["category"], result.category, gold_lang, result.lang)
        if result.category != row["category"]:
            errors.append(
                {
                    "query": row["query"],
                    "lang": gold_lang,
                    "expected": row["category"],
                    "got": result.category,
                    "concepts": list(result.concepts),
                }
            )
    figures = overall.figures()
    by_lang = {lang: tally.figures() for lang, tally in sorted(per_lang.items())}
    language_recalls = [f["exploitation_recall"] for f in by_lang.values() if f["exploitation_recall"] is not None]
    figures["lowest_language_exploitation_recall"] = min(language_recalls) if language_recalls else None
    return {
        **figures,
        "goals": GOALS,
        "goal_checks": goal_checks(figures),
        "goals_met": meets_goals(figures),
        "by_lang": by_lang,
        "errors": errors,
    }


def goal_checks(figures: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each goal with its figure and whether it holds (a missing figure never does)."""
    checks = []
    for name, target in GOALS.items():
        value = figures.get(name)
        met = value is not None and (value <= target if name in CEILINGS else value >= target)
        checks.append({"goal": name, "target": target, "ceiling": name in CEILINGS, "value": value, "met": met})
    return checks


def meets_goals(figures: Mapping[str, Any]) -> bool:
    """Whether every goal holds for ``figures`` (those of :func:`evaluate`)."""
    return all(check["met"] for check in goal_checks(figures))
