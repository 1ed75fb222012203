"""The platform map's rank: category prior, what Vigil observes, and safety gaps, each shown with its figures.

A platform's score is the weighted mean of seven factors, each between 0 and 1; the weights
and the saturation constants below are Vigil's defaults, named so a review can question them.
Shares are shrunk toward zero for platforms with few documents (``SHRINK_DOCUMENTS`` pseudo
documents), so one flagged ad does not put a platform at the top of the map. Each factor
keeps the observed figures behind it, and :func:`compare` says, for any two platforms,
which factors put one above the other and by how much.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy.orm import Session

from vigil.platforms.catalogue import PlatformEntry
from vigil.platforms.categories import load_categories
from vigil.platforms.models import PlatformAudit, PlatformRow
from vigil.platforms.observed import Observed, ObservedMap, observe
from vigil.platforms.registry import PlatformMatcher, latest_audits, list_platforms

#: Factor weights: high-risk leads weigh most, volume and trend alerts least (they measure
#: attention as much as risk).
WEIGHTS: Final[dict[str, float]] = {
    "category": 1.0,
    "volume": 0.5,
    "indicator_rate": 1.0,
    "high_risk": 1.5,
    "networks": 1.0,
    "alerts": 0.5,
    "safety_gaps": 1.0,
}
LABELS: Final[dict[str, str]] = {
    "category": "category prior",
    "volume": "monitored volume",
    "indicator_rate": "indicator rate",
    "high_risk": "high-risk leads",
    "networks": "networks spanning it",
    "alerts": "trend alerts",
    "safety_gaps": "safety gaps",
}
#: Pseudo documents added to a platform's count before taking a share.
SHRINK_DOCUMENTS: Final = 5
#: Networks at which the network factor reaches one half.
NETWORKS_HALF: Final = 3
#: Rising trend alerts at which the alert factor reaches one half.
ALERTS_HALF: Final = 1
#: Gap of what is not known (no audit, reporting mechanism not described): halfway.
UNKNOWN_GAP: Final = 0.5
#: Contributions closer than this are equal (floating-point noise).
EQUAL: Final = 1e-9


@dataclass(frozen=True)
class Factor:
    id: str
    value: float
    weight: float
    evidence: str

    @property
    def label(self) -> str:
        return LABELS[self.id]

    @property
    def contribution(self) -> float:
        return self.value * self.weight / sum(WEIGHTS.values())

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "value": round(self.value, 4), "weight": self.weight,
                "contribution": round(self.contribution, 4), "evidence": self.evidence}


@dataclass(frozen=True)
class RankedPlatform:
    rank: int
    row: PlatformRow
    entry: PlatformEntry
    observed: Observed
    audit: PlatformAudit | None
    factors: tuple[Factor, ...]

    @property
    def score(self) -> float:
        return sum(f.contribution for f in self.factors)

    def factor(self, factor_id: str) -> Factor:
        return next(f for f in self.factors if f.id == factor_id)

    def to_json(self) -> dict[str, Any]:
        audit = None
        if self.audit is not None:
            audit = {"audited_at": self.audit.audited_at.isoformat(), "passed": self.audit.passed,
                     "failed": self.audit.failed, "unknown": self.audit.unknown}
        return {
            "rank": self.rank, "id": self.row.id, "name": self.row.name, "category": self.row.category,
            "monitoring": self.row.monitoring, "score": round(self.score, 4),
            "factors": [f.to_json() for f in self.factors], "observed": self.observed.to_json(), "audit": audit,
        }


def _share(count: int, documents: int) -> float:
    return count / (documents + SHRINK_DOCUMENTS)


def _saturating(count: int, half: int) -> float:
    return count / (count + half)


def _reporting_gap(entry: PlatformEntry) -> tuple[float, str]:
    if entry.reporting_mechanism is False:
        return 1.0, "no reporting mechanism"
    if entry.reporting_mechanism is None:
        return UNKNOWN_GAP, "reporting mechanism not described"
    if entry.reporting_trafficking_option:
        return 0.0, "reporting mechanism with a trafficking option"
    if entry.reporting_trafficking_option is False:
        return UNKNOWN_GAP, "reporting mechanism without a trafficking option"
    return UNKNOWN_GAP / 2, "reporting mechanism; trafficking option not described"


def _audit_gap(audit: PlatformAudit | None) -> tuple[float, str]:
    if audit is None:
        return UNKNOWN_GAP, "safety defaults not audited"
    total = audit.passed + audit.failed + audit.unknown
    gap = (audit.failed + UNKNOWN_GAP * audit.unknown) / total if total else UNKNOWN_GAP
    return gap, f"audit: {audit.failed} failed, {audit.unknown} unknown, {audit.passed} passed"


def factors_of(entry: PlatformEntry, seen: Observed, audit: PlatformAudit | None, most_documents: int) -> tuple[Factor, ...]:
    category = load_categories().get(entry.category)
    n = seen.totals.documents
    volume = math.log1p(n) / math.log1p(most_documents) if most_documents else 0.0
    audit_gap, audit_text = _audit_gap(audit)
    reporting_gap, reporting_text = _reporting_gap(entry)
    values = {
        "category": (category.prior, f"{category.label} (prior {category.prior:g})"),
        "volume": (volume, f"{n} documents (most on the map: {most_documents})"),
        "indicator_rate": (_share(seen.totals.flagged, n), f"{seen.totals.flagged} of {n} documents carry an indicator"),
        "high_risk": (_share(seen.totals.high_risk, n), f"{seen.totals.high_risk} high-risk leads of {n} documents"),
        "networks": (_saturating(len(seen.networks), NETWORKS_HALF),
                     f"{len(seen.networks)} networks, {len(seen.shared_networks)} shared with other platforms"),
        "alerts": (_saturating(seen.alerts_up, ALERTS_HALF), f"{seen.alerts_up} rising trend alerts of {len(seen.alerts)}"),
        "safety_gaps": ((audit_gap + reporting_gap) / 2, f"{audit_text}; {reporting_text}"),
    }
    return tuple(Factor(key, value, WEIGHTS[key], text) for key, (value, text) in values.items())


def rank_platforms(session: Session, observed: ObservedMap | None = None) -> list[RankedPlatform]:
    """Every platform on the map, highest score first (ties by name)."""
    entries = list_platforms(session)
    if observed is None:
        observed = observe(session, PlatformMatcher(
            [row for row, _ in entries], {row.id: entry.domains for row, entry in entries}))
    audits = latest_audits(session)
    most = max((observed.of(row.id).totals.documents for row, _ in entries), default=0)
    scored = [
        (row, entry, observed.of(row.id), audits.get(row.id), factors_of(entry, observed.of(row.id), audits.get(row.id), most))
        for row, entry in entries
    ]
    scored.sort(key=lambda item: (-sum(f.contribution for f in item[4]), item[0].name.casefold()))
    return [RankedPlatform(i + 1, row, entry, seen, audit, factors) for i, (row, entry, seen, audit, factors) in enumerate(scored)]


@dataclass(frozen=True)
class Difference:
    factor: str
    label: str
    difference: float
    higher: str
    lower: str

    def to_json(self) -> dict[str, Any]:
        return {"factor": self.factor, "label": self.label, "difference": round(self.difference, 4),
                "higher": self.higher, "lower": self.lower}


@dataclass(frozen=True)
class Comparison:
    above: RankedPlatform
    below: RankedPlatform
    #: Factors favouring ``above`` (largest first), then those favouring ``below``.
    for_above: tuple[Difference, ...]
    for_below: tuple[Difference, ...]

    @property
    def margin(self) -> float:
        return self.above.score - self.below.score

    def summary(self) -> str:
        reasons = ", ".join(f"{d.label} ({d.higher} vs {d.lower}, +{d.difference:.3f})" for d in self.for_above) or "nothing"
        text = f"{self.above.row.name} ranks above {self.below.row.name} by {self.margin:.3f}: {reasons}"
        if self.for_below:
            against = ", ".join(f"{d.label} (-{d.difference:.3f})" for d in self.for_below)
            text += f"; against it: {against}"
        return text

    def to_json(self) -> dict[str, Any]:
        return {"above": self.above.row.name, "below": self.below.row.name, "margin": round(self.margin, 4),
                "for_above": [d.to_json() for d in self.for_above], "for_below": [d.to_json() for d in self.for_below],
                "summary": self.summary()}


def compare(a: RankedPlatform, b: RankedPlatform) -> Comparison:
    """Which factors put one of two platforms above the other, largest difference first."""
    above, below = (a, b) if a.rank <= b.rank else (b, a)
    for_above: list[Difference] = []
    for_below: list[Difference] = []
    for factor in above.factors:
        other = below.factor(factor.id)
        delta = factor.contribution - other.contribution
        if delta > EQUAL:
            for_above.append(Difference(factor.id, factor.label, delta, factor.evidence, other.evidence))
        elif delta < -EQUAL:
            for_below.append(Difference(factor.id, factor.label, -delta, other.evidence, factor.evidence))
    by_size = lambda d: -d.difference  # noqa: E731
    return Comparison(above, below, tuple(sorted(for_above, key=by_size)), tuple(sorted(for_below, key=by_size)))
