"""The evaluation harness behind ``vigil eval risk`` and ``vigil eval jobs``.

Every report gives ranking figures (ROC AUC, PR-AUC, precision at k), a reliability table
and the precision of each level, overall and per language and kind. Accuracy is never
reported: with rare positives it rewards a model that flags nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from vigil.documents import Document, parse_document
from vigil.errors import DocumentError, InputError
from vigil.scoring import metrics

K_VALUES: Final = (10, 25, 50)
#: Precision each level promises on the labelled set, and the largest calibration scale allowed.
HIGH_PRECISION: Final = 0.9
MEDIUM_PRECISION: Final = 0.6
MAX_CALIBRATION_SCALE: Final = 3.0
#: Share of suspicious ads assumed when reading precision off the balanced labelled set:
#: negatives are re-weighted to it, so a level's precision is not flattered by the 50% mix.
ASSUMED_PREVALENCE: Final = 0.2
RELIABILITY_BINS: Final = 10
#: Indicator whose presence splits the bias table (a characteristic of a person).
NATIONALITY: Final = "nationality"


@dataclass(frozen=True, slots=True)
class Scored:
    """One labelled document with its risk and the indicators found in it."""

    id: str
    lang: str
    kind: str
    label: bool
    score: float
    level: str
    indicators: tuple[str, ...]
    model: str = ""
    logit: float = 0.0


def read_labelled(path: Path) -> list[tuple[Document, bool]]:
    """Documents with ``labels.suspicious`` from a JSONL file (line numbers in errors)."""
    rows: list[tuple[Document, bool]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            label = record.get("labels", {}).get("suspicious")
            if not isinstance(label, bool):
                raise DocumentError("labels.suspicious must be true or false")
            rows.append((parse_document(record), label))
        except (json.JSONDecodeError, DocumentError, AttributeError) as exc:
            raise InputError(f"{path}:{number}: {exc}") from exc
    if not rows:
        raise InputError(f"no labelled documents in {path}")
    return rows


def score_labelled(
    rows: Sequence[tuple[Document, bool]], analyze: Callable[[Document], Mapping[str, Any]]
) -> list[Scored]:
    """Run ``analyze`` (the Analysis contract) over labelled documents."""
    out: list[Scored] = []
    for document, label in rows:
        analysis = analyze(document)
        risk = analysis.get("risk") or {}
        out.append(
            Scored(
                id=document.id,
                lang=str(analysis.get("lang") or document.lang or "und"),
                kind=document.kind,
                label=label,
                score=float(risk.get("score", 0.0)),
                level=str(risk.get("level", "low")),
                indicators=tuple(sorted({str(i["id"]) for i in analysis.get("indicators", [])})),
                model=str(risk.get("model", "")),
                logit=float(risk.get("logit", 0.0)),
            )
        )
    return out


def summarize(
    labels: Sequence[bool] | NDArray[np.bool_],
    scores: Sequence[float] | NDArray[np.float64],
    levels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Ranking figures of one group, and the precision and recall of each level."""
    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    summary: dict[str, Any] = {
        "n": len(y),
        "positives": int(y.sum()),
        "roc_auc": metrics.roc_auc(y, s),
        "pr_auc": metrics.average_precision(y, s),
        "precision_at_k": {str(k): metrics.precision_at_k(y, s, k) for k in K_VALUES if k <= len(y)},
    }
    if levels is not None:
        lv = np.asarray(levels)
        by_level: dict[str, Any] = {}
        for name, chosen in (("high", lv == "high"), ("medium_or_high", (lv == "high") | (lv == "medium"))):
            n_sel = int(chosen.sum())
            tp = int((y & chosen).sum())
            by_level[name] = {
                "selected": n_sel,
                "precision": tp / n_sel if n_sel else None,
                "recall": tp / int(y.sum()) if y.sum() else None,
            }
        summary["levels"] = by_level
    return summary


def _groups(items: Iterable[Scored], key: Callable[[Scored], str]) -> dict[str, list[Scored]]:
    out: dict[str, list[Scored]] = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return dict(sorted(out.items()))


def bias_table(items: Sequence[Scored]) -> dict[str, Any]:
    """Score distribution by nationality mention, within each true label.

    If ads that name a nationality score higher *among benign ads*, the model shifts
    suspicion onto people for who they are; this table makes that visible.
    """
    table: dict[str, Any] = {}
    for label in (False, True):
        for mentioned in (False, True):
            group = [i for i in items if i.label == label and (NATIONALITY in i.indicators) == mentioned]
            scores = np.asarray([i.score for i in group], dtype=np.float64)
            key = f"{'suspicious' if label else 'benign'}/{'nationality' if mentioned else 'no_nationality'}"
            table[key] = {
                "n": len(group),
                "mean_score": float(scores.mean()) if len(group) else None,
                "median_score": float(np.median(scores)) if len(group) else None,
                "share_high": sum(i.level == "high" for i in group) / len(group) if group else None,
            }
    return table


def report(items: Sequence[Scored]) -> dict[str, Any]:
    """The whole evaluation: overall, per language, per kind, reliability and bias."""

    def summary(group: Sequence[Scored]) -> dict[str, Any]:
        return summarize([i.label for i in group], [i.score for i in group], [i.level for i in group])

    table = metrics.reliability_table([i.label for i in items], [i.score for i in items], RELIABILITY_BINS)
    return {
        "overall": summary(items),
        "by_lang": {k: summary(v) for k, v in _groups(items, lambda i: i.lang).items()},
        "by_kind": {k: summary(v) for k, v in _groups(items, lambda i: i.kind).items()},
        "reliability": [asdict(row) for row in table],
        "expected_calibration_error": metrics.expected_calibration_error(table),
        "score_by_nationality": bias_table(items),
        "score_distribution_by_lang": {
            k: {
                "mean_benign": _mean([i.score for i in v if not i.label]),
                "mean_suspicious": _mean([i.score for i in v if i.label]),
            }
            for k, v in _groups(items, lambda i: i.lang).items()
        },
    }


def _mean(values: Sequence[float]) -> float | None:
    return float(np.mean(values)) if values else None


def _fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def format_report(result: dict[str, Any]) -> str:
    """A plain-text rendering of :func:`report` (or of a jobs report) for people."""
    lines: list[str] = []
    header = (
        f"{'group':<18}{'n':>6}{'pos':>6}{'ROC AUC':>9}{'PR-AUC':>9}{'P@10':>7}{'P@25':>7}{'P(high)':>9}{'R(high)':>9}"
    )
    lines.append(header)

    def row(name: str, s: dict[str, Any]) -> None:
        levels = s.get("levels", {}).get("high", {})
        pk = s.get("precision_at_k", {})
        lines.append(
            f"{name:<18}{s['n']:>6}{s['positives']:>6}{_fmt(s['roc_auc']):>9}{_fmt(s['pr_auc']):>9}"
            f"{_fmt(pk.get('10')):>7}{_fmt(pk.get('25')):>7}{_fmt(levels.get('precision')):>9}{_fmt(levels.get('recall')):>9}"
        )

    row("overall", result["overall"])
    for group in ("by_kind", "by_lang", "by_fold"):
        for name, s in result.get(group, {}).items():
            row(f"{group[3:]}:{name}", s)
    lines.append("")
    lines.append("reliability (score bin: n, mean score, observed rate)")
    for b in result.get("reliability", []):
        lines.append(
            f"  [{b['low']:.1f}, {b['high']:.1f}) n={b['count']:<5} mean={_fmt(b['mean_score'])} observed={_fmt(b['positive_rate'])}"
        )
    for name, level in result.get("levels_at_base_rate", {}).items():
        lines.append(
            f"level {name} (score >= {level['threshold']:.3f}): precision at base rate "
            f"{_fmt(level['precision_at_base_rate'])}, recall {_fmt(level['recall'])}"
        )
    if "without_largest_fraud_family" in result:
        w = result["without_largest_fraud_family"]
        lines.append(f"ROC AUC without the largest fraud family ({w['family_size']} ads): {_fmt(w['roc_auc'])}")
    if "row_split_for_contrast" in result:
        lines.append(
            f"row split, for contrast only (overstates): ROC AUC {_fmt(result['row_split_for_contrast']['roc_auc'])}"
        )
    if result.get("expected_calibration_error") is not None:
        lines.append(f"expected calibration error: {_fmt(result['expected_calibration_error'])}")
    if "score_by_nationality" in result:
        lines.append("")
        lines.append("score by nationality mention (within true label)")
        for key, s in result["score_by_nationality"].items():
            lines.append(f"  {key:<34} n={s['n']:<4} mean={_fmt(s['mean_score'])} share_high={_fmt(s['share_high'])}")
    return "\n".join(lines)


def job_report(
    data_dir: Path,
    c: float,
    seed: int,
    limit: int | None = None,
    thresholds: dict[str, float] | None = None,
    calibration: tuple[float, float] = (1.0, 0.0),
) -> dict[str, Any]:
    """Out-of-fold evaluation of the job text model on EMSCAD, split by near-duplicate family.

    Scores are shifted to EMSCAD's base rate (as the shipped model is), so the reliability
    table reads as it would on the full data set; a row split is given for contrast only.
    """
    from vigil.scoring.emscad import EMSCAD_FRAUD_RATE, families, load_examples
    from vigil.scoring.train import cross_validate, prior_shift, row_split_scores, shift_scores

    examples = load_examples(data_dir)
    if limit is not None:
        examples = [ex for ex in examples if ex.fraudulent][:limit] + [ex for ex in examples if not ex.fraudulent][
            :limit
        ]
    groups = families(examples)
    labels = np.array([ex.fraudulent for ex in examples], dtype=bool)
    result = cross_validate(examples, groups, c, seed)
    raw = np.log(np.clip(result.scores, 1e-12, 1 - 1e-12) / np.clip(1 - result.scores, 1e-12, 1.0))
    scale, shift = calibration
    calibrated = 1.0 / (1.0 + np.exp(-(scale * raw + shift)))
    scores = shift_scores(calibrated, prior_shift(float(labels.mean())))
    by_fold = {
        str(fold): summarize(labels[result.folds == fold], scores[result.folds == fold])
        for fold in sorted(set(result.folds.tolist()))
    }
    rate = float(labels.mean())
    negative_weight = (rate / (1 - rate)) * ((1 - EMSCAD_FRAUD_RATE) / EMSCAD_FRAUD_RATE)
    table = metrics.reliability_table(labels, scores, RELIABILITY_BINS, negative_weight)
    levels: dict[str, Any] = {}
    if thresholds is not None:
        for name, threshold in thresholds.items():
            chosen = scores >= threshold
            tp = float((labels & chosen).sum())
            fp = float((~labels & chosen).sum()) * negative_weight
            levels[name] = {
                "threshold": threshold,
                "precision_at_base_rate": tp / (tp + fp) if tp + fp else None,
                "recall": tp / float(labels.sum()),
            }
    family_sizes = np.bincount(np.asarray(groups))
    fraud_families = sorted({g for g, y in zip(groups, labels, strict=True) if y}, key=lambda g: -family_sizes[g])
    largest = fraud_families[0] if fraud_families else None
    keep = np.asarray(groups) != largest
    row_scores = row_split_scores(examples, c, seed)
    return {
        "data": {
            "rows": len(examples),
            "fraudulent": int(labels.sum()),
            "families": len(set(groups)),
            "c": c,
            "seed": seed,
        },
        "split": "stratified 5-fold by near-duplicate family (shared company profile or MinHash Jaccard >= 0.5)",
        "overall": summarize(labels, scores),
        "by_fold": by_fold,
        "reliability": [asdict(row) for row in table],
        "reliability_note": "scores and observed rates at EMSCAD's base rate (negatives re-weighted)",
        "expected_calibration_error": metrics.expected_calibration_error(table),
        "levels_at_base_rate": levels,
        "without_largest_fraud_family": {
            "family_size": int(family_sizes[largest]) if largest is not None else 0,
            "roc_auc": metrics.roc_auc(labels[keep], scores[keep]),
        },
        "base_rate": EMSCAD_FRAUD_RATE,
        "row_split_for_contrast": {
            "roc_auc": metrics.roc_auc(labels, row_scores),
            "pr_auc": metrics.average_precision(labels, row_scores),
        },
    }


def fit_calibration(items: Sequence[Scored]) -> dict[str, dict[str, float]]:
    """Platt scale and shift per model, fitted on the current logits of labelled documents.

    Composed with a model's current calibration (``scale``, ``shift`` in
    ``evidence-v1.yaml``) this gives the new one; a calibrated model fits to about (1, 0).
    The job text model's English path is left out: it is calibrated on EMSCAD.
    """
    out: dict[str, dict[str, float]] = {}
    for model, group in _groups(items, lambda i: i.model.split("-v")[0]).items():
        path = [i for i in group if not (model == "job" and i.lang == "en")]
        if len({i.label for i in path}) < 2:
            continue
        logits = np.asarray([i.logit for i in path], dtype=np.float64)
        labels = np.asarray([i.label for i in path], dtype=bool)
        a, b = metrics.fit_platt(logits, labels, max_scale=MAX_CALIBRATION_SCALE)
        calibrated = 1.0 / (1.0 + np.exp(-(a * logits + b)))
        rate = float(labels.mean())
        weight = (rate / (1 - rate)) * ((1 - ASSUMED_PREVALENCE) / ASSUMED_PREVALENCE)
        out[model] = {
            "scale": a,
            "shift": b,
            "n": len(path),
            "high": metrics.threshold_for_precision(labels, calibrated, HIGH_PRECISION, weight),
            "medium": metrics.threshold_for_precision(labels, calibrated, MEDIUM_PRECISION, weight),
        }
    return out
