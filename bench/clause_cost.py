"""What the learned clause recognizer adds to analysis time, cold caches, pair by pair.

    .venv/bin/python bench/clause_cost.py [--rounds 5] [--corpus FILE]...

Each round builds two fresh pipelines, one with the clause model and one with the lexicons
alone, and times two passes of each over the same ads (by default the 2,095 fresh training
ads, every one different), in alternating order: the first pass starts with cold
per-token caches (every word new to the model), the second with the caches the first
filled, as on a long stream where words repeat. The figures are CPU time with the model
over CPU time without it, per round; medians over rounds are printed (goal: at most 1.30,
issue 15).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from vigil.pipeline import build_pipeline
from vigil.recognizers.clauses import load_clause_model, token_key, word_key
from vigil.settings import Settings

DEFAULT = sorted(Path("bench/data/ads_fresh").glob("train_*.jsonl"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, action="append", help="labelled or plain JSONL ads (repeatable)")
    args = parser.parse_args()
    docs = []
    for path in args.corpus or DEFAULT:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                docs.append({k: v for k, v in json.loads(line).items() if k != "labels"})
    ratios: dict[str, list[float]] = {"cold": [], "warm": []}
    for n in range(args.rounds):
        spent: dict[tuple[bool, str], float] = {}
        order = (True, False) if n % 2 == 0 else (False, True)
        for flag in order:
            # A fresh model and empty word caches: the first pass is cold in every round,
            # not only the first (the loaded model is otherwise shared between pipelines).
            load_clause_model.cache_clear()
            word_key.cache_clear()
            token_key.cache_clear()
            pipeline = build_pipeline(Settings(clause_model=flag))
            for phase in ("cold", "warm"):
                start = time.process_time()
                for doc in docs:
                    pipeline(doc)
                spent[flag, phase] = time.process_time() - start
        for phase in ("cold", "warm"):
            ratios[phase].append(spent[True, phase] / spent[False, phase])
            print(
                f"round {n + 1} {phase}: lexicons {len(docs) / spent[False, phase]:,.0f} ads/CPU s, "
                f"with the clause model {len(docs) / spent[True, phase]:,.0f}; ratio {ratios[phase][-1]:.3f}"
            )
    for phase in ("cold", "warm"):
        median = statistics.median(ratios[phase])
        print(f"median ratio, {phase} caches (with / without the clause model): {median:.3f} (goal <= 1.30)")


if __name__ == "__main__":
    main()
