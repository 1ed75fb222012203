"""Train the clause recognizer (``vigil train clauses``): the same data gives the same bytes.

The corpus labels documents, not clauses, so each indicator is learned in two rounds
(multiple-instance learning): first every clause of a document inherits the document's
label; then, in each positive document, only the clauses the first model scores highest
stay positive (the clause that says it) and the others are left out, while every clause
of a negative document stays negative. Steps, all deterministic:

1. Every labelled ad is normalized like the pipeline does; its title and text are cut
   into clauses (:func:`vigil.recognizers.clauses.clause_spans`) and each clause into
   features. The lexicon recognizers run on the same text, for step 3.
2. Five-fold cross-validation, grouped by planted network so near-copies of one ad
   never sit on both sides, gives every training document its out-of-fold highest clause
   logit per indicator.
3. On those: Platt scaling (a logistic fit of the document label on the highest logit)
   gives the calibration; the threshold per indicator is the one where "lexicon hit or
   calibrated clause probability at or above the threshold" has the best F1 (precision
   at least ``MIN_PRECISION`` where any threshold reaches it).
4. The model is refitted on every document; weights are rounded to ``DIGITS`` decimals
   and weights below ``PRUNE`` dropped (file size; the cross-validation in the file is
   measured with the pruned weights' rule).

scikit-learn is imported here only, so analysing ads never loads it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from vigil.errors import InputError
from vigil.recognizers.clauses import FEATURE_VERSION, NGRAM_MAX, NGRAM_MIN, clause_features, clause_spans
from vigil.recognizers.recognizer_set import RecognizerSet

NAME: Final = "clauses-v1"
#: The document kinds the model is trained on, and the indicator group of each.
TRAINED_KINDS: Final = {"sex_ad": "sex", "job_ad": "jobs"}
#: Inverse regularisation strength and the share below: chosen by the cross-validation of
#: step 2 on the training files (C 0.1, 0.3, 1, 3; share 0.5, 0.8, 0.95; micro F1 of lexicon
#: and model 0.82 at C 1 and 0.5, 0.844 at C 0.1 and 0.95).
C: Final = 0.1
MIN_DF: Final = 2
FOLDS: Final = 5
SEED: Final = 0
DIGITS: Final = 4
PRUNE: Final = 0.02
#: In a positive document, clauses scoring at least this share of its best clause's
#: probability stay positive in the second round.
KEEP_SHARE: Final = 0.95
MIN_PRECISION: Final = 0.9
THRESHOLDS: Final = tuple(round(t, 2) for t in np.arange(0.2, 0.96, 0.05))


@dataclass
class TrainingDoc:
    """One labelled ad, cut into clauses."""

    id: str
    kind: str
    group: str
    labels: frozenset[str]
    lexicon: frozenset[str]
    clauses: list[list[str]] = field(default_factory=list)


def read_corpus(paths: Sequence[Path]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for path in paths:
        if not path.is_file():
            raise InputError(f"no such training file: {path}")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if not isinstance(record, dict) or "text" not in record or "labels" not in record:
                raise InputError(f"{path}:{number}: need an object with 'text' and 'labels'")
            records.append(record)
    return records


def prepare(records: Iterable[Mapping[str, Any]], recognizers: RecognizerSet, normalize: Any) -> list[TrainingDoc]:
    docs: list[TrainingDoc] = []
    for record in records:
        kind = str(record.get("kind") or "other")
        if kind not in TRAINED_KINDS:
            continue
        labels = record["labels"]
        network = labels.get("network")
        doc = TrainingDoc(
            id=str(record.get("id")),
            kind=kind,
            group=str(network) if network else f"doc:{record.get('id')}",
            labels=frozenset(labels.get("indicators") or ()),
            lexicon=frozenset(),
        )
        found: set[str] = set()
        for part in (record.get("title") or "", record["text"]):
            if not part:
                continue
            nt = normalize(part)
            found.update(hit.indicator for hit in recognizers.find(nt, record.get("lang"), kind))
            doc.clauses.extend(clause_features(nt.text[s:e]) for s, e in clause_spans(nt.text))
        doc.lexicon = frozenset(found)
        if doc.clauses:
            docs.append(doc)
    return docs


def kind_indicators(recognizers: RecognizerSet) -> dict[str, list[str]]:
    """Indicator ids per trained kind, in catalogue order."""
    out: dict[str, list[str]] = {kind: [] for kind in TRAINED_KINDS}
    for rec in recognizers.recognizers:
        for kind in TRAINED_KINDS:
            if rec.applies_to(kind):
                out[kind].append(rec.INDICATOR)
    return out


class _Fit:
    """Two-round multiple-instance logistic regression of one indicator."""

    def __init__(self, matrix: Any, doc_of_clause: npt.NDArray[np.int64], doc_labels: npt.NDArray[np.int8]) -> None:
        self.matrix = matrix
        self.doc_of_clause = doc_of_clause
        self.doc_labels = doc_labels

    def fit(self, docs: npt.NDArray[np.int64]) -> Any:
        from sklearn.linear_model import LogisticRegression

        rows = np.flatnonzero(np.isin(self.doc_of_clause, docs))
        y = self.doc_labels[self.doc_of_clause[rows]]
        if y.min() == y.max():
            return None
        # The dual problem: far fewer clauses than features, about eight times faster.
        first = LogisticRegression(C=C, max_iter=2000, solver="liblinear", dual=True, random_state=SEED)
        first.fit(self.matrix[rows], y)
        proba = first.predict_proba(self.matrix[rows])[:, 1]
        keep = np.ones(len(rows), dtype=bool)
        positive = y == 1
        best: dict[int, float] = {}
        for doc, p in zip(self.doc_of_clause[rows][positive], proba[positive], strict=True):
            best[int(doc)] = max(best.get(int(doc), 0.0), float(p))
        for i in np.flatnonzero(positive):
            doc = int(self.doc_of_clause[rows[i]])
            keep[i] = proba[i] >= KEEP_SHARE * best[doc]
        second = LogisticRegression(C=C, max_iter=2000, solver="liblinear", dual=True, random_state=SEED)
        second.fit(self.matrix[rows[keep]], y[keep])
        return second


def _doc_max(
    logits: npt.NDArray[np.float64], doc_of_clause: npt.NDArray[np.int64], n_docs: int
) -> npt.NDArray[np.float64]:
    out = np.full(n_docs, -np.inf)
    np.maximum.at(out, doc_of_clause, logits)
    return out


def _best_threshold(
    probability: npt.NDArray[np.float64], labels: npt.NDArray[np.int8], lexicon: npt.NDArray[np.bool_]
) -> tuple[float, dict[str, float]]:
    def figures(predicted: npt.NDArray[np.bool_]) -> dict[str, float]:
        tp = int((predicted & (labels == 1)).sum())
        fp = int((predicted & (labels == 0)).sum())
        fn = int((~predicted & (labels == 1)).sum())
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f1 = round(2 * p * r / (p + r) if p + r else 0.0, 3)
        return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3), "recall": round(r, 3), "f1": f1}

    candidates = [(t, figures(lexicon | (probability >= t))) for t in THRESHOLDS]
    precise = [c for c in candidates if c[1]["precision"] >= MIN_PRECISION]
    pool = precise or candidates
    threshold, best = max(pool, key=lambda c: (c[1]["f1"], c[0]))
    return threshold, best


def _platt(logit: npt.NDArray[np.float64], labels: npt.NDArray[np.int8]) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    if labels.min() == labels.max():
        return 1.0, 0.0
    fit = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000)
    fit.fit(logit.reshape(-1, 1), labels)
    return float(fit.coef_[0][0]), float(fit.intercept_[0])


def train_clause_model(paths: Sequence[Path], recognizers: RecognizerSet, normalize: Any) -> dict[str, Any]:
    """The model file's content, trained on the labelled ads in ``paths``."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.model_selection import GroupKFold

    docs = prepare(read_corpus(paths), recognizers, normalize)
    if len(docs) < 2 * FOLDS:
        raise InputError(f"need at least {2 * FOLDS} labelled sex_ad or job_ad documents, got {len(docs)}")
    per_kind = kind_indicators(recognizers)
    indicators = [i for kind in TRAINED_KINDS for i in per_kind[kind]]
    clauses = [c for d in docs for c in d.clauses]
    doc_of_clause = np.array([n for n, d in enumerate(docs) for _ in d.clauses], dtype=np.int64)
    vectorizer = CountVectorizer(analyzer=lambda features: features, min_df=MIN_DF, lowercase=False)
    matrix = vectorizer.fit_transform(clauses).tocsr()
    vocabulary = vectorizer.get_feature_names_out()
    groups = np.array([d.group for d in docs])

    bias: list[float] = []
    weights = np.zeros((len(vocabulary), len(indicators)))
    slopes: list[float] = []
    intercepts: list[float] = []
    thresholds: list[float] = []
    report: dict[str, Any] = {}
    for column, indicator in enumerate(indicators):
        kinds = [k for k in TRAINED_KINDS if indicator in per_kind[k]]
        eligible = np.array([n for n, d in enumerate(docs) if d.kind in kinds], dtype=np.int64)
        labels = np.array([1 if indicator in d.labels else 0 for d in docs], dtype=np.int8)
        lexicon = np.array([indicator in d.lexicon for d in docs])
        fitter = _Fit(matrix, doc_of_clause, labels)
        out_of_fold = np.full(len(docs), -np.inf)
        folds = min(FOLDS, len(set(groups[eligible])))
        if folds < 2:
            raise InputError(f"{indicator}: need documents of at least two networks or ads to cross-validate")
        splitter = GroupKFold(n_splits=folds)
        for train_idx, test_idx in splitter.split(eligible, groups=groups[eligible]):
            model = fitter.fit(eligible[train_idx])
            test_docs = eligible[test_idx]
            rows = np.flatnonzero(np.isin(doc_of_clause, test_docs))
            if model is None:
                continue
            logits = _pruned_logits(model, matrix[rows])
            out_of_fold[test_docs] = _doc_max(logits, doc_of_clause[rows], len(docs))[test_docs]
        finite = np.isfinite(out_of_fold[eligible])
        oof = np.where(finite, out_of_fold[eligible], -40.0)
        slope, intercept = _platt(oof, labels[eligible])
        probability = 1.0 / (1.0 + np.exp(-np.clip(slope * oof + intercept, -40, 40)))
        threshold, combined = _best_threshold(probability, labels[eligible], lexicon[eligible])
        lexicon_only = _best_threshold(np.zeros(len(eligible)), labels[eligible], lexicon[eligible])[1]
        final = fitter.fit(eligible)
        if final is None:
            bias.append(-40.0)
        else:
            coef = np.round(final.coef_[0], DIGITS)
            coef[np.abs(coef) < PRUNE] = 0.0
            weights[:, column] = coef
            bias.append(round(float(final.intercept_[0]), DIGITS))
        slopes.append(round(slope, DIGITS))
        intercepts.append(round(intercept, DIGITS))
        thresholds.append(threshold)
        report[indicator] = {
            "documents": len(eligible),
            "positives": int(labels[eligible].sum()),
            "lexicon_only": lexicon_only,
            "lexicon_and_model": combined,
        }

    totals = {
        name: {k: sum(int(v[name][k]) for v in report.values()) for k in ("tp", "fp", "fn")}
        for name in ("lexicon_only", "lexicon_and_model")
    }
    sparse = {
        str(vocabulary[row]): [[int(col), float(weights[row, col])] for col in np.flatnonzero(weights[row])]
        for row in range(len(vocabulary))
        if weights[row].any()
    }
    return {
        "name": NAME,
        "feature_version": FEATURE_VERSION,
        "features": {"ngram": [NGRAM_MIN, NGRAM_MAX], "words": "skeleton", "pairs": True},
        "indicators": indicators,
        "kinds": {kind: per_kind[kind] for kind in TRAINED_KINDS},
        "bias": bias,
        "calibration": {"slope": slopes, "intercept": intercepts},
        "thresholds": thresholds,
        "training": {
            "files": [{"path": p.as_posix(), "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in paths],
            "documents": len(docs),
            "clauses": len(clauses),
            "vocabulary": len(vocabulary),
            "kept_features": len(sparse),
            "C": C,
            "min_df": MIN_DF,
            "prune": PRUNE,
            "folds": FOLDS,
        },
        "cross_validation": report,
        "cross_validation_micro": {name: _micro(counts) for name, counts in totals.items()},
        "weights": sparse,
    }


def _micro(counts: Mapping[str, int]) -> dict[str, float]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3)}


def _pruned_logits(model: Any, rows: Any) -> npt.NDArray[np.float64]:
    coef = np.round(model.coef_[0], DIGITS)
    coef[np.abs(coef) < PRUNE] = 0.0
    logits: npt.NDArray[np.float64] = rows @ coef + round(float(model.intercept_[0]), DIGITS)
    return np.asarray(logits, dtype=np.float64).ravel()


def model_json(model: Mapping[str, Any]) -> str:
    """The model file's text: sorted keys, one line per weight row (diffable, same bytes)."""
    head = {k: v for k, v in model.items() if k != "weights"}
    lines = [json.dumps(head, ensure_ascii=False, sort_keys=True)[:-1] + ', "weights": {']
    rows = sorted(model["weights"].items())
    for n, (feature, row) in enumerate(rows):
        comma = "," if n < len(rows) - 1 else ""
        lines.append(f"  {json.dumps(feature, ensure_ascii=False)}: {json.dumps(row)}{comma}")
    lines.append("}}")
    return "\n".join(lines) + "\n"
