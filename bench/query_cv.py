"""Cross-validated figures of the query check on the development queries, per language.

    .venv/bin/python bench/query_cv.py            # 5 folds, figures as a table
    .venv/bin/python bench/query_cv.py --json     # and as JSON
    .venv/bin/python bench/query_cv.py --score-only train3_a.jsonl --score-only train3_b.jsonl
                                                  # those files scored, never trained on

The development queries are the fresh files (``bench/data/queries_fresh/train*.jsonl`` and
the retired ``test.jsonl``); the project's labelled set (``tests/data/queries_labelled.jsonl``)
is always in the training folds and never scored. For each of five folds (stratified by
language and category, fixed seed) the model is fitted on the other folds with
:func:`vigil.safeguard.training._fit`, and the rules-and-model policy is chosen with
:func:`vigil.safeguard.training.choose_policy` on the other folds' out-of-fold scores, so
neither the weights nor the thresholds have seen the queries they are scored on. The
rules alone need no fitting. The held-out writers' files (``test2_*``) are never read.

``--score-only FILE`` keeps a development file out of every fold's training and policy
choice: its queries are only scored, in their folds, so the figures printed (for those
files' queries) are what the trainer does on queries it never saw, as a newly arrived
file is before it is trained on.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vigil.safeguard.classifier import rules_only_classifier
from vigil.safeguard.evaluation import read_labelled
from vigil.safeguard.training import (
    FOLDS,
    SEED,
    Policy,
    Prepared,
    _fit,
    _scores,
    choose_policy,
    decide,
    prepare,
)

ROOT = Path(__file__).resolve().parents[1]
FRESH = ROOT / "bench" / "data" / "queries_fresh"
DEV_FILES = (
    "train.jsonl",
    "train2_a.jsonl",
    "train2_b.jsonl",
    "test.jsonl",
    "train3_a.jsonl",
    "train3_b.jsonl",
)
ALWAYS_TRAIN = ROOT / "tests" / "data" / "queries_labelled.jsonl"
CLASSES = ("exploitation", "at_risk", "neutral")


def rules_only(item: Prepared) -> int:
    if item.rule_class == -1:
        return 0
    return 2 if item.rule_class is None else item.rule_class


def fold_of(rows: Sequence[dict[str, Any]]) -> list[int]:
    from sklearn.model_selection import StratifiedKFold

    strata = [f"{row.get('lang')}:{row['category']}" for row in rows]
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    found = [0] * len(rows)
    for k, (_train, test) in enumerate(folds.split(strata, strata)):
        for i in test:
            found[i] = k
    return found


def cross_validate(score_only: Sequence[str] = ()) -> dict[str, Any]:
    unknown = sorted(set(score_only) - set(DEV_FILES))
    if unknown:
        raise SystemExit(f"--score-only takes development files ({', '.join(DEV_FILES)}), not {unknown}")
    named = [(name, row) for name in DEV_FILES for row in read_labelled(FRESH / name)]
    rows = [row for _name, row in named]
    scored_only = [name in score_only for name, _row in named]
    extra = read_labelled(ALWAYS_TRAIN)
    classifier = rules_only_classifier()
    items = prepare(classifier, rows)
    extra_items = prepare(classifier, extra)
    fold = fold_of(rows)
    scores: list[list[float]] = [[] for _ in items]
    for k in range(FOLDS):
        trained = [item for item, f, only in zip(items, fold, scored_only, strict=True) if f != k and not only]
        bias, weights = _fit(trained + extra_items)
        for i, item in enumerate(items):
            if fold[i] == k:
                scores[i] = _scores(bias, weights, item.features)
    predicted = [0] * len(items)
    policies = []
    for k in range(FOLDS):
        others = [i for i in range(len(items)) if fold[i] != k and not scored_only[i]]
        chosen = choose_policy([items[i] for i in others], [scores[i] for i in others])
        policy = Policy.from_dict(chosen)
        policies.append({key: value for key, value in chosen.items() if key != "cross_validation"})
        for i in range(len(items)):
            if fold[i] == k:
                predicted[i] = decide(scores[i], items[i], policy)
    rules = [rules_only(item) for item in items]
    langs = [str(row.get("lang") or "?") for row in rows]
    # With --score-only the tables are those files' queries (the fresh figure); the
    # trained-on files' figures are kept beside them in the JSON.
    shown = [i for i in range(len(items)) if scored_only[i]] if score_only else list(range(len(items)))
    result: dict[str, Any] = {
        "queries": len(shown),
        "score_only": sorted(score_only),
        "policies": policies,
        "rules": tally([rules[i] for i in shown], [items[i] for i in shown], [langs[i] for i in shown]),
        "rules_and_model": tally([predicted[i] for i in shown], [items[i] for i in shown], [langs[i] for i in shown]),
    }
    if score_only:
        trained_on = [i for i in range(len(items)) if not scored_only[i]]
        result["rules_and_model_trained_files"] = tally(
            [predicted[i] for i in trained_on], [items[i] for i in trained_on], [langs[i] for i in trained_on]
        )["all"]
    return result


def tally(predicted: Sequence[int], items: Sequence[Prepared], langs: Sequence[str]) -> dict[str, Any]:
    counts: dict[str, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    for p, item, lang in zip(predicted, items, langs, strict=True):
        counts["all"][(item.label, p)] += 1
        counts[lang][(item.label, p)] += 1
    return {lang: _figures(table) for lang, table in sorted(counts.items())}


def _figures(table: dict[tuple[int, int], int]) -> dict[str, float | None]:
    def gold(label: int) -> int:
        return sum(n for (g, _p), n in table.items() if g == label)

    def ratio(label: int, test: Any) -> float | None:
        total = gold(label)
        return sum(n for (g, p), n in table.items() if g == label and test(p)) / total if total else None

    return {
        "exploitation_recall": ratio(0, lambda p: p == 0),
        "at_risk_recall": ratio(1, lambda p: p == 1),
        "neutral_touched": ratio(2, lambda p: p != 2),
        "neutral_as_exploitation": ratio(2, lambda p: p == 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument(
        "--score-only",
        action="append",
        default=[],
        metavar="FILE",
        help="a development file (name) to score but never train on; the tables are its queries",
    )
    args = parser.parse_args()
    result = cross_validate(args.score_only)
    if args.json:
        print(json.dumps(result, indent=1, sort_keys=True))
        return
    scored = f", scored only: {', '.join(result['score_only'])}" if result["score_only"] else ""
    print(
        f"{result['queries']} development queries{scored}, {FOLDS}-fold; policies chosen per fold: {result['policies']}"
    )
    print(
        f"{'lang':6s} {'rules: expl':>11s} {'at-risk':>8s} {'touched':>8s} {'as expl':>8s}   {'+model: expl':>12s} {'at-risk':>8s} {'touched':>8s} {'as expl':>8s}"
    )
    for lang in result["rules"]:
        cells = []
        for side in ("rules", "rules_and_model"):
            found = result[side][lang]
            cells += [
                f"{found[key]:.3f}" if found[key] is not None else "-"
                for key in ("exploitation_recall", "at_risk_recall", "neutral_touched", "neutral_as_exploitation")
            ]
        print(
            f"{lang:6s} {cells[0]:>11s} {cells[1]:>8s} {cells[2]:>8s} {cells[3]:>8s}   {cells[4]:>12s} {cells[5]:>8s} {cells[6]:>8s} {cells[7]:>8s}"
        )


if __name__ == "__main__":
    main()
