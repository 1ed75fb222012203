"""Detection on fresh hand-written ads: indicators, phones, ages, names, linking, ad risk.

    .venv/bin/python bench/detection_fresh.py                                   # the held-out test set
    .venv/bin/python bench/detection_fresh.py --corpus bench/data/ads_fresh/train_tr1.jsonl
    .venv/bin/python bench/detection_fresh.py --errors 20 --json

The corpus is ``bench/data/ads_fresh/`` (see its README): ads written by independent
writers from the indicator definitions alone, labelled with indicators, phones (E.164),
stated ages, names, planted networks and a risk judgement. Every figure comes from the
real pipeline (``vigil.analyze``) and the real linker over the pipeline's entities:

- indicators: document-level decisions over the indicator ids of the ad's kind (the
  DESIGN.md lists), micro-averaged, per indicator and per language;
- phones, ages, names: micro precision/recall/F1 over (ad, value) pairs;
- linking: pairwise precision/recall/F1 against the planted networks;
- risk: ROC AUC of the risk score against the writers' high/low judgement.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sklearn.metrics import roc_auc_score

from vigil.link.clusters import cluster_ids
from vigil.link.config import LinkConfig
from vigil.link.core import link_documents
from vigil.link.features import LinkFeatures
from vigil.link.prepare import prepare
from vigil.link.quality import pairwise
from vigil.pipeline import build_pipeline
from vigil.settings import Settings

DEFAULT = [Path("bench/data/ads_fresh/test2_a.jsonl"), Path("bench/data/ads_fresh/test2_b.jsonl")]
KIND_INDICATORS = {
    "sex_ad": frozenset(
        {
            "third_party",
            "new_arrival",
            "movement",
            "youth",
            "nationality",
            "crisis_context",
            "language_barrier",
            "multiple_workers",
            "unsafe_services",
            "always_available",
        }
    ),
    "job_ad": frozenset(
        {
            "high_pay_low_skill",
            "no_requirements",
            "travel_housing_provided",
            "upfront_fee",
            "document_retention",
            "messenger_only",
            "urgency",
            "appearance_requirements",
            "vague_employer",
            "targets_ukrainians",
            "high_risk_sector",
        }
    ),
}


class Tally:
    """True positives, false positives and false negatives of set-valued predictions."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, predicted: Iterable[object], truth: Iterable[object]) -> None:
        p, t = set(predicted), set(truth)
        self.tp += len(p & t)
        self.fp += len(p - t)
        self.fn += len(t - p)

    def figures(self) -> dict[str, float | int]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "support": self.tp + self.fn,
        }


def _read(paths: list[Path]) -> list[dict[str, Any]]:
    records = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    sys.exit(f"{path}:{number}: not JSON ({exc.msg})")
    return records


def _document(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "labels"}


def evaluate(records: list[dict[str, Any]], settings: Settings, errors: int) -> dict[str, Any]:
    pipeline = build_pipeline(settings)
    started = time.process_time()
    analyses = [pipeline(_document(r)) for r in records]
    analysis_cpu = time.process_time() - started

    overall, phones, ages, names = Tally(), Tally(), Tally(), Tally()
    per_indicator: dict[str, Tally] = defaultdict(Tally)
    per_language: dict[str, Tally] = defaultdict(Tally)
    mistakes: list[dict[str, Any]] = []
    scores, truth_risk = [], []
    for record, analysis in zip(records, analyses, strict=True):
        labels = record["labels"]
        allowed = KIND_INDICATORS.get(record.get("kind", ""), frozenset())
        predicted = {hit["id"] for hit in analysis["indicators"]} & allowed
        truth = set(labels.get("indicators", [])) & allowed
        overall.add(predicted, truth)
        per_language[record.get("lang", "?")].add(predicted, truth)
        for indicator in allowed:
            per_indicator[indicator].add({indicator} & predicted, {indicator} & truth)
        entities = analysis["entities"]
        phones.add(entities.get("phones", []), labels.get("phones", []))
        ages.add(entities.get("ages", []), labels.get("ages", []))
        names.add({n.casefold() for n in entities.get("names", [])}, {n.casefold() for n in labels.get("names", [])})
        scores.append(analysis["risk"]["score"])
        truth_risk.append(1 if labels.get("risk") == "high" else 0)
        if predicted != truth and len(mistakes) < errors:
            mistakes.append(
                {
                    "id": record["id"],
                    "lang": record.get("lang"),
                    "missed": sorted(truth - predicted),
                    "spurious": sorted(predicted - truth),
                }
            )

    linked_records = [
        (i, {**_document(r), "entities": a["entities"], "lang": a["lang"]})
        for i, (r, a) in enumerate(zip(records, analyses, strict=True), start=1)
    ]
    features = [f for f in prepare(linked_records) if isinstance(f, LinkFeatures)]
    result = link_documents(features, LinkConfig())
    predicted_clusters = dict(
        zip((f.id for f in features), cluster_ids([f.id for f in features], result.roots), strict=True)
    )
    truth_clusters = {r["id"]: r["labels"].get("network") for r in records}
    link = pairwise(truth_clusters, predicted_clusters)

    auc = roc_auc_score(truth_risk, scores) if 0 < sum(truth_risk) < len(truth_risk) else None
    return {
        "documents": len(records),
        "analysis_docs_per_cpu_second": round(len(records) / analysis_cpu) if analysis_cpu else None,
        "indicators": overall.figures(),
        "indicators_below_f1_0.70": sorted(k for k, t in per_indicator.items() if t.figures()["f1"] < 0.70),
        "per_indicator": {k: t.figures() for k, t in sorted(per_indicator.items())},
        "per_language": {k: t.figures() for k, t in sorted(per_language.items())},
        "phones": phones.figures(),
        "ages": ages.figures(),
        "names": names.figures(),
        "linking_pairwise": link.as_dict(),
        "planted_networks": len({n for n in truth_clusters.values() if n}),
        "risk_roc_auc": round(auc, 3) if auc is not None else None,
        "mistakes": mistakes,
    }


def _print(report: Mapping[str, Any]) -> None:
    def row(name: str, f: Mapping[str, Any]) -> str:
        return f"  {name:<26} P {f['precision']:.3f}  R {f['recall']:.3f}  F1 {f['f1']:.3f}  (n={f['support']})"

    print(f"{report['documents']} ads; analysis {report['analysis_docs_per_cpu_second']} docs per CPU second")
    print(row("indicators (micro)", report["indicators"]))
    for key in ("phones", "ages", "names"):
        print(row(key, report[key]))
    link = report["linking_pairwise"]
    print(
        f"  {'linking (pairwise)':<26} P {link['precision']:.3f}  R {link['recall']:.3f}  F1 {link['f1']:.3f}"
        f"  ({report['planted_networks']} planted networks)"
    )
    print(f"  {'risk ROC AUC':<26} {report['risk_roc_auc']}")
    print("per indicator:")
    for name, f in report["per_indicator"].items():
        print(row(name, f))
    print("per language:")
    for name, f in report["per_language"].items():
        print(row(name, f))
    for m in report["mistakes"]:
        print(f"  {m['id']} [{m['lang']}] missed={m['missed']} spurious={m['spurious']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", help=f"labelled JSONL (repeatable); default the held-out test set {' '.join(map(str, DEFAULT))}")
    parser.add_argument(
        "--errors", type=int, default=0, help="list up to N ads whose indicators differ from the labels"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Vigil setting for this run (e.g. --set clause_model=off)",
    )
    args = parser.parse_args()
    overrides = dict(item.split("=", 1) for item in args.set)
    settings = Settings(**overrides) if overrides else Settings()
    report = evaluate(_read(args.corpus or DEFAULT), settings, args.errors)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        _print(report)


if __name__ == "__main__":
    main()
