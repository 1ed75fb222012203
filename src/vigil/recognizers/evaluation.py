"""Document-level evaluation of the indicator recognizers on a labelled corpus.

A labelled record is a document (the DESIGN.md contract) plus
``"labels": {"indicators": [ids]}``. An indicator counts as predicted for a document when
any hit is found in its text or title. Precision, recall and F1 are computed per
indicator, per language and overall (micro-averaged over indicator decisions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from vigil.documents import Document, parse_document
from vigil.errors import DocumentError, InputError
from vigil.recognizers.base import NormalizedTextLike
from vigil.recognizers.recognizer_set import RecognizerSet

#: The corpus ``vigil eval indicators`` reads when no path is given (in a source checkout).
GOLDEN_CORPUS: Final = Path("tests/data/indicators_golden.jsonl")
HELDOUT_CORPUS: Final = Path("tests/data/indicators_heldout.jsonl")


@dataclass(frozen=True)
class LabelledDocument:
    document: Document
    indicators: frozenset[str]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "support": self.support,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True)
class Mistake:
    id: str
    lang: str | None
    missed: tuple[str, ...]
    spurious: tuple[str, ...]


@dataclass
class EvalReport:
    documents: int = 0
    overall: Counts = field(default_factory=Counts)
    per_indicator: dict[str, Counts] = field(default_factory=dict)
    per_language: dict[str, Counts] = field(default_factory=dict)
    mistakes: list[Mistake] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "micro": self.overall.as_dict(),
            "per_indicator": {k: v.as_dict() for k, v in sorted(self.per_indicator.items())},
            "per_language": {k: v.as_dict() for k, v in sorted(self.per_language.items())},
        }


def parse_labelled(record: Mapping[str, Any], line: int | None = None) -> LabelledDocument:
    """One corpus record: the document contract plus ``labels.indicators``."""
    if not isinstance(record, Mapping):
        raise DocumentError("record must be a JSON object", line=line)
    labels = record.get("labels")
    if not isinstance(labels, Mapping) or not isinstance(labels.get("indicators"), list):
        raise DocumentError("record needs labels.indicators (a list of indicator ids)", line=line)
    ids = labels["indicators"]
    if not all(isinstance(i, str) for i in ids):
        raise DocumentError("labels.indicators must be strings", line=line)
    body = {k: v for k, v in record.items() if k != "labels"}
    try:
        document = parse_document(body)
    except DocumentError as exc:
        raise DocumentError(exc.message, line=line) from exc
    return LabelledDocument(document=document, indicators=frozenset(ids))


def read_labelled(records: Iterable[tuple[int, Any]]) -> list[LabelledDocument]:
    """Parse ``(line, object-or-error)`` pairs; a bad line is an error, since labels are ground truth."""
    out: list[LabelledDocument] = []
    for line, record in records:
        if isinstance(record, InputError):
            raise InputError(f"line {line}: {record}")
        out.append(parse_labelled(record, line))
    return out


def predict(
    doc: Document, recognizers: RecognizerSet, normalize: Callable[[str], NormalizedTextLike]
) -> frozenset[str]:
    """Indicators with at least one hit in the document's text or title."""
    found = {hit.indicator for hit in recognizers.find(normalize(doc.text), doc.lang, doc.kind)}
    if doc.title:
        found.update(hit.indicator for hit in recognizers.find(normalize(doc.title), doc.lang, doc.kind))
    return frozenset(found)


def evaluate(
    corpus: Iterable[LabelledDocument],
    recognizers: RecognizerSet,
    normalize: Callable[[str], NormalizedTextLike],
) -> EvalReport:
    """Compare predictions with labels, restricted to the indicators the recognizers cover."""
    scope = frozenset(recognizers.indicator_ids)
    report = EvalReport(per_indicator={i: Counts() for i in recognizers.indicator_ids})
    for item in corpus:
        doc = item.document
        truth = item.indicators & scope
        predicted = predict(doc, recognizers, normalize)
        lang_counts = report.per_language.setdefault(doc.lang or "unknown", Counts())
        report.documents += 1
        for indicator in scope:
            expected, got = indicator in truth, indicator in predicted
            if not (expected or got):
                continue
            for counts in (report.per_indicator[indicator], lang_counts, report.overall):
                if expected and got:
                    counts.tp += 1
                elif got:
                    counts.fp += 1
                else:
                    counts.fn += 1
        if truth != predicted:
            report.mistakes.append(
                Mistake(doc.id, doc.lang, tuple(sorted(truth - predicted)), tuple(sorted(predicted - truth)))
            )
    return report
